import type Sqlite from 'better-sqlite3';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { MetaClient } from '../meta/index.js';
import type { Db } from '../platform/db.js';
import type { DomainEvents } from '../platform/events.js';
import type { JobQueue } from '../platform/jobs/queue.js';
import type { Metrics } from '../platform/metrics.js';
import type { PubSub } from '../platform/pubsub.js';
import type { SecretBox } from '../platform/secrets.js';

/** Everything services need, built once in main.ts (or a test) and passed down. */
export interface AppDeps {
  config: Config;
  db: Db;
  sqlite: Sqlite.Database;
  logger: Logger;
  pubsub: PubSub;
  jobs: JobQueue;
  /** Durable events between domains (emitted in the writer's transaction). */
  events: DomainEvents;
  secrets: SecretBox;
  meta: MetaClient;
  /** Prometheus instruments of this service (GET /metrics); slices add their own. */
  metrics: Metrics;
}
