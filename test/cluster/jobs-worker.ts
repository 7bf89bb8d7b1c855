/**
 * One "instance" of the 5,000-jobs test (jobs-once.test.ts spawns three): the service's own PostgreSQL opening
 * (openServicePg: pool, migrations under the advisory lock) and the real JobQueue with the production lease,
 * heartbeat and takeover, running one test kind. Each run writes one row (job id, attempt, owner) to
 * cluster_job_runs, so the test counts runs per job in the database. A run takes a few ms, so a worker always
 * holds leases when it is killed.
 */
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { openServicePg } from '../../src/platform/pg/open-service-db.js';
import { JobQueue } from '../../src/platform/jobs/queue.js';
import { createLogger } from '../../src/platform/logger.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const COUNT_JOB = 'cluster-test.count';

const url = env('JOBS_DATABASE_URL');
const leaseMs = Number(env('JOBS_LEASE_MS'));
const runMs = Number(env('JOBS_RUN_MS'));

const logger = createLogger({ level: 'warn', pretty: false });
const database = await openServicePg(url, { poolSize: 6, applicationName: 'wcs-jobs-test' });
const effects = new pg.Pool({ connectionString: url, max: 4 });
const queue = new JobQueue(database.db, logger, { leaseMs, pollIntervalMs: 100 });
let runs = 0;
queue.define<{ n: number }>({
  kind: COUNT_JOB,
  concurrency: 8,
  run: async (_payload, ctx) => {
    await delay(runMs);
    await effects.query('INSERT INTO cluster_job_runs (job_id, attempt, owner) VALUES ($1, $2, $3)', [ctx.jobId, ctx.attempt, queue.owner]);
    runs++;
  },
});

// All workers start together: the test signals each once every one has connected.
const go = new Promise<void>((resolve) => process.once('SIGUSR2', () => resolve()));
console.log(`ready ${queue.owner}`);
await go;
await queue.start();

await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
await queue.stop(5_000);
await effects.end();
await database.close();
console.log(JSON.stringify({ owner: queue.owner, runs }));
