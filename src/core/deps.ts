import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { MetaClient } from '../meta/index.js';
import type { Db } from '../platform/db.js';
import type { DomainEvents } from '../platform/events.js';
import type { JobQueue } from '../platform/jobs/queue.js';
import type { Metrics } from '../platform/metrics.js';
import type { PubSub } from '../platform/pubsub.js';
import type { SecretBox } from '../platform/secrets.js';
import type { CommitSync } from '../platform/commit-sync.js';

/**
 * What the slices keep for the life of one running service: caches, batch runners, pacers. Each slice declares its
 * field next to the class it keeps, by augmenting this interface:
 *
 *   declare module '../core/deps.js' { interface SliceState { templates: TemplateCatalog } }
 *
 * and the composition (src/service/slice-state.ts) creates every field once per service, so two services in one
 * process (tests start several) never share state, and no registry keyed by the deps hides it.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the slices' declarations
export interface SliceState {}

/** Everything services need, built once where the service is composed (src/service/server.ts) and passed down. */
export interface AppDeps {
  config: Config;
  db: Db;
  /**
   * The connection's one deferred WAL sync, shared by every group commit (webhook inbox and processing, sends, the
   * Meta call log) so that they coalesce into the same syncs; closed before the database.
   */
  walSync: CommitSync;
  logger: Logger;
  pubsub: PubSub;
  jobs: JobQueue;
  /** Durable events between domains (emitted in the writer's transaction). */
  events: DomainEvents;
  secrets: SecretBox;
  meta: MetaClient;
  /** Prometheus instruments of this service (GET /metrics); slices add their own. */
  metrics: Metrics;
  /** The slices' per-service state (see SliceState). */
  state: SliceState;
}
