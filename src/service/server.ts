import type { AddressInfo } from 'node:net';
import type { DestinationStream, Logger } from 'pino';
import { buildApp, type App } from './app.js';
import type { Config } from '../core/config.js';
import type { AppDeps } from '../core/deps.js';
import { MetaClient, type MetaApiCallRecord } from '../meta/index.js';
import { startMetaSimulator, type RunningMetaSimulator } from '../meta-simulator/index.js';
import { DOMAIN_MODULES, type DomainRuntime } from './modules.js';
import type Sqlite from 'better-sqlite3';
import { startWalCheckpointer } from '../platform/wal-checkpointer.js';
import { openServiceDatabase } from './database.js';
import { DomainEvents } from '../platform/events.js';
import { JobQueue } from '../platform/jobs/queue.js';
import { createLogger } from '../platform/logger.js';
import { registerJobMetrics } from '../platform/jobs/metrics.js';
import { Metrics } from '../platform/metrics.js';
import { instrumentHttp, metricsRoute } from '../http/metrics-route.js';
import { requestLogFields } from '../http/request-context.js';
import { PubSub } from '../platform/pubsub.js';
import { ClusterPubSub } from '../platform/bus/cluster.js';
import { loadSecretBox } from '../platform/secrets.js';
import { WHATSAPP_ENTITLEMENT } from '../core/entitlements.js';
import { bootstrapIfEmpty, type CreatedApiKey } from '../platform/tenancy/service.js';
import { withSliceState } from './slice-state.js';

export interface StartOptions {
  config: Config;
  /** Log destination (tests capture lines here); default stdout. */
  logDestination?: DestinationStream;
  logger?: Logger;
  /** Create the default organization and print an ADMIN key on an empty database (never in production). */
  bootstrap?: boolean;
  /** Start the job workers (tests of "processing after restart" turn this off to stop half-way). */
  startJobs?: boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  deps: AppDeps;
  /** The SQLite connection when the service runs on SQLite (tests inspect rows with it); undefined on PostgreSQL. */
  sqlite?: Sqlite.Database;
  app: App;
  metaUrl: string;
  simulator?: RunningMetaSimulator;
  bootstrapKey?: CreatedApiKey;
  /** Graceful: stop accepting, finish in-flight requests and jobs, close the database. */
  stop(): Promise<void>;
}

/** Builds every dependency, applies migrations, and listens. Used by main.ts and by tests. */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { config } = options;
  const logger =
    options.logger ??
    createLogger({ level: config.log.level, pretty: config.log.pretty, destination: options.logDestination, mixin: requestLogFields });
  const database = await openServiceDatabase(config, logger);

  const keys = loadSecretBox({
    encryptionKey: config.encryptionKey,
    dataDir: config.database.dataDir,
    allowGenerate: !config.isProduction,
  });
  if (keys.generatedFile) {
    logger.warn({ file: keys.generatedFile }, 'generated a development encryption key; set ENCRYPTION_KEY in production and keep it safe');
  }

  let simulator: RunningMetaSimulator | undefined;
  let metaUrl: string;
  if (!config.meta.graphUrl) {
    simulator = await startMetaSimulator({ port: 0, host: '127.0.0.1' });
    metaUrl = simulator.baseUrl;
    logger.warn({ metaUrl }, 'META_GRAPH_URL is not set: using the built-in Meta simulator (not real Meta)');
  } else {
    metaUrl = config.meta.graphUrl;
    logger.info({ metaUrl, apiVersion: config.meta.apiVersion }, 'using Meta Graph API');
  }

  const runtimes: DomainRuntime[] = [];
  const meta = new MetaClient({
    baseUrl: metaUrl,
    apiVersion: config.meta.apiVersion,
    timeouts: config.meta.timeouts,
    logger,
    onCall: (record: MetaApiCallRecord) => {
      for (const runtime of runtimes) runtime.onMetaCall?.(record);
    },
  });

  // SQLite has one writer process: a lease found at start belongs to a process that died.
  const jobs = new JobQueue(database.db, logger, {
    leaseMs: config.jobs.leaseMs,
    pollIntervalMs: config.jobs.pollIntervalMs,
    reclaimAtStart: config.database.kind === 'sqlite',
  });
  // PostgreSQL: events go to every instance through LISTEN/NOTIFY, and LISTEN is up before the instance serves.
  let cluster: ClusterPubSub | undefined;
  if (database.db.backend === 'pg' && config.database.kind === 'postgres') {
    cluster = new ClusterPubSub({
      db: database.db,
      url: config.database.url,
      applicationName: 'wcs-bus',
      onError: (err) => logger.warn({ err }, 'event bus problem'),
    });
    try {
      await cluster.start();
    } catch (err) {
      await database.close();
      await simulator?.close();
      throw err;
    }
  }
  const deps: AppDeps = withSliceState({
    config,
    db: database.db,
    walSync: database.commitSync,
    logger,
    pubsub: cluster ?? new PubSub(),
    jobs,
    events: new DomainEvents(jobs),
    secrets: keys.box,
    meta,
    metrics: new Metrics(),
  });
  // Instances sharing PostgreSQL wake each other's queues at the commit of an enqueue (the poll stays as a safety net).
  if (cluster) jobs.wakeOnBus(cluster);
  registerJobMetrics(deps.metrics, database.db);
  for (const module of DOMAIN_MODULES) runtimes.push(module(deps));

  const app = buildApp(deps, [...runtimes.flatMap((r) => r.routes ?? []), metricsRoute(deps.metrics, config.metrics.token)]);
  instrumentHttp(app.server, deps.metrics);
  // Events may have been missed while the LISTEN connection was down: live streams start over, current state first.
  deps.pubsub.onResync(({ reason }) => {
    logger.warn({ reason }, 'event bus resync: ending live subscriptions so that clients re-read the current state');
    app.interruptLive('live events interrupted; subscribe again');
  });
  deps.metrics.liveFrom('subscriptions', 'websocket', () => app.fanout.memberCount);
  let address: AddressInfo;
  try {
    address = await app.listen(config.port, config.host);
  } catch (err) {
    await cluster?.close();
    await database.close();
    await simulator?.close();
    throw err;
  }
  // Checkpoints run on a worker thread, not inside the event loop's commits (see wal-checkpointer.ts).
  const checkpointer = database.sqlite ? startWalCheckpointer(database.sqlite, logger) : null;
  const host = address.address === '::' || address.address === '0.0.0.0' ? 'localhost' : address.address;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;

  let bootstrapKey: CreatedApiKey | undefined;
  if (options.bootstrap && !config.isProduction) bootstrapKey = (await bootstrapIfEmpty(deps.db, [WHATSAPP_ENTITLEMENT])) ?? undefined;

  if (options.startJobs !== false) await deps.jobs.start();
  for (const runtime of runtimes) runtime.onStart?.();
  logger.info({ url, database: database.display, env: config.env }, 'whatsapp-channel-service listening');

  let stopping: Promise<void> | undefined;
  return {
    url,
    port: address.port,
    deps,
    sqlite: database.sqlite,
    app,
    metaUrl,
    simulator,
    bootstrapKey,
    stop: () => {
      stopping ??= (async () => {
        await app.close(config.shutdownTimeoutMs);
        await deps.jobs.stop(config.shutdownTimeoutMs);
        for (const runtime of runtimes) {
          await runtime.onStop?.().catch((err: unknown) => logger.warn({ err }, 'a module did not stop cleanly'));
        }
        // After the app, the jobs and the modules: nothing publishes any more (a closed bus would roll a transaction back).
        await cluster?.close();
        await meta.close();
        await simulator?.close();
        await checkpointer?.stop();
        await database.close();
        logger.info('stopped');
      })();
      return stopping;
    },
  };
}
