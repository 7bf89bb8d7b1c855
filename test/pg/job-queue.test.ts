import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/platform/db.js';
import { registerJobMetrics } from '../../src/platform/jobs/metrics.js';
import { JobQueue, PermanentJobError, TransientJobError } from '../../src/platform/jobs/queue.js';
import { jobs } from '../../src/platform/jobs/tables.pg.js';
import { createLogger } from '../../src/platform/logger.js';
import { Metrics } from '../../src/platform/metrics.js';
import { openPg, type PgDatabase } from '../../src/platform/pg/database.js';
import { createFreshPgDatabase, type FreshPgDatabase } from '../../src/platform/pg/fresh-database.js';
import type { PgRootDb, PgTxDb } from '../../src/platform/pg/handle.js';
import { migratePg } from '../../src/platform/pg/migrate.js';
import { PG_ADMIN_URL, pg } from '../helpers/pg.js';

/**
 * JobQueue on PostgreSQL: the scenarios of test/foundation/jobs.test.ts (SQLite) through the same public API, then
 * what only several instances can show: two queues on one database run each of 1,000 jobs exactly once. Every test
 * uses kinds of its own, so the queues of one test never see the jobs of another.
 */

const logger = createLogger({ level: 'silent' });
const hold = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await hold(10);
  }
}

describe.skipIf(!pg.available)(pg.title('JobQueue on PostgreSQL'), () => {
  let fresh: FreshPgDatabase;
  const databases: Array<PgDatabase<Record<string, never>>> = [];
  let root: PgRootDb;
  const queues: JobQueue[] = [];

  /** One instance's pool, tagged as the composition tags it (`backend`, never drizzle's own `dialect`). */
  async function instanceDb(): Promise<PgRootDb> {
    const opened = await openPg(fresh.url, { schema: {} as Record<string, never>, poolSize: 4 });
    databases.push(opened);
    return Object.assign(opened.db, { backend: 'pg' as const, role: 'root' as const, $client: opened.pool });
  }

  function queueOn(db: PgRootDb, options: { leaseMs?: number; random?: () => number; idlePollMaxMs?: number } = {}): JobQueue {
    const queue = new JobQueue(db, logger, {
      leaseMs: options.leaseMs ?? 5_000,
      pollIntervalMs: 20,
      random: options.random,
      idlePollMaxMs: options.idlePollMaxMs ?? 200,
    });
    queues.push(queue);
    return queue;
  }

  beforeAll(async () => {
    fresh = await createFreshPgDatabase(PG_ADMIN_URL);
    root = await instanceDb();
    await migratePg(databases[0]!.pool);
    await databases[0]!.pool.query('CREATE TABLE notes (id text NOT NULL)');
  });
  afterEach(async () => {
    await Promise.all(queues.splice(0).map((q) => q.stop(1_000)));
  });
  afterAll(async () => {
    await Promise.all(databases.map((d) => d.close()));
    await fresh?.drop();
  });

  it('a job enqueued in a transaction runs after its commit, once; a rolled-back one never', async () => {
    const queue = queueOn(root);
    const seen: string[] = [];
    const greet = queue.define<{ name: string }>({ kind: 'greet', run: async (p) => void seen.push(p.name) });
    const never = queue.define<{ name: string }>({ kind: 'never', run: async (p) => void seen.push(p.name) });
    await queue.start();
    await inTransaction(root, async (tx) => {
      await (tx as PgTxDb).execute(sql`INSERT INTO notes VALUES ('n1')`);
      await queue.enqueue(tx, greet, { name: 'ada' });
      // The enqueue woke the loop, but the job is not committed: nothing may run it yet.
      await hold(150);
      expect(seen).toEqual([]);
    });
    queue.notify();
    await waitFor(() => seen.length === 1);

    await expect(
      inTransaction(root, async (tx) => {
        await queue.enqueue(tx, never, { name: 'tx handle' });
        // The root handle inside the transaction's scope writes in the transaction too, and rolls back with it.
        await queue.enqueue(root, never, { name: 'root handle' });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await hold(150);
    await queue.idle();
    expect(seen).toEqual(['ada']);
    expect(await queue.list({ kind: 'never' })).toEqual([]);
    expect((await queue.list({ kind: 'greet' }))[0]).toMatchObject({
      status: 'succeeded',
      payload: { name: 'ada' },
      attempts: 1,
      finishedAt: expect.any(Date),
      leaseUntil: null,
      leaseOwner: null,
      heartbeatAt: null,
    });
  });

  it('dedupe keys keep one active job per key; get and list read the records', async () => {
    const queue = queueOn(root);
    const def = queue.define<{ n: number }>({ kind: 'refresh', run: async () => {} });
    const first = await queue.enqueue(root, def, { n: 1 }, { dedupeKey: 'refresh:1', sandboxId: 'SB1', delayMs: 60_000 });
    expect(first).toEqual(expect.any(String));
    expect(await queue.enqueue(root, def, { n: 2 }, { dedupeKey: 'refresh:1' })).toBeNull();
    const second = await queue.enqueue(root, def, { n: 3 }, { dedupeKey: 'refresh:2', delayMs: 60_000 });
    expect(await queue.get(first!)).toMatchObject({ id: first, kind: 'refresh', status: 'queued', payload: { n: 1 }, sandboxId: 'SB1' });
    expect(await queue.get('missing')).toBeUndefined();
    expect((await queue.list({ kind: 'refresh' })).map((j) => j.id)).toEqual([first, second]);
    expect(await queue.list({ kind: 'refresh', status: 'running' })).toEqual([]);
  });

  it('retries failures with capped, jittered backoff, then fails for good with onExhausted', async () => {
    const queue = queueOn(root, { random: () => 0.5 });
    let calls = 0;
    let exhausted = '';
    const def = queue.define<object>({
      kind: 'flaky',
      maxFailures: 3,
      backoff: { baseMs: 200, capMs: 400 },
      run: async () => {
        calls += 1;
        throw new Error(`attempt ${calls} failed`);
      },
      onExhausted: (_p, err) => {
        exhausted = err.message;
      },
    });
    const id = (await queue.enqueue(root, def, {}))!;
    const runAts: number[] = [];
    await queue.start();
    await waitFor(async () => {
      const job = (await queue.get(id))!;
      if (job.status === 'queued' && job.failures > 0 && runAts.length < job.failures)
        runAts.push(job.runAt.getTime() - job.updatedAt.getTime());
      return job.status === 'failed';
    });
    const job = (await queue.get(id))!;
    expect(calls).toBe(3);
    expect(job).toMatchObject({ failures: 3, lastError: 'Error: attempt 3 failed', finishedAt: expect.any(Date) });
    expect(exhausted).toBe('attempt 3 failed');
    // random() = 0.5 -> half of min(cap, base * 2^n): 100 ms, then 200 ms.
    expect(runAts).toEqual([100, 200]);
  });

  it('transient errors retry without using up failures; permanent errors stop at once', async () => {
    const queue = queueOn(root);
    let transientCalls = 0;
    const transient = queue.define<object>({
      kind: 'transient',
      maxFailures: 1,
      backoff: { baseMs: 5, capMs: 10 },
      run: async () => {
        transientCalls += 1;
        if (transientCalls < 4) throw new TransientJobError('Meta is down');
      },
    });
    const permanent = queue.define<object>({
      kind: 'permanent',
      run: async () => {
        throw new PermanentJobError('cannot ever work');
      },
    });
    const a = (await queue.enqueue(root, transient, {}))!;
    const b = (await queue.enqueue(root, permanent, {}))!;
    await queue.start();
    await waitFor(async () => (await queue.get(a))!.status === 'succeeded' && (await queue.get(b))!.status === 'failed');
    expect(transientCalls).toBe(4);
    expect((await queue.get(a))!.failures).toBe(0);
    expect((await queue.get(b))!.attempts).toBe(1);
  });

  it('one tick leases the ready jobs of every kind, each kind up to its concurrency', async () => {
    const queue = queueOn(root);
    const started: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const kinds = ['alpha', 'beta', 'gamma', 'delta'];
    const defs = kinds.map((kind, i) =>
      queue.define<object>({
        kind,
        concurrency: i + 1,
        run: async () => {
          started.push(kind);
          await gate;
        },
      }),
    );
    await inTransaction(root, async (tx) => {
      for (const def of defs) for (let i = 0; i < 3; i++) await queue.enqueue(tx, def, {});
    });
    await queue.start();
    await waitFor(() => started.length === 1 + 2 + 3 + 3);
    await hold(100);
    expect(started.sort()).toEqual(['alpha', 'beta', 'beta', 'delta', 'delta', 'delta', 'gamma', 'gamma', 'gamma']);
    const running = (await queue.list({ status: 'running' })).filter((j) => kinds.includes(j.kind));
    expect(running.map((j) => j.kind).sort()).toEqual(started);
    expect(new Set(running.map((j) => j.leaseOwner))).toEqual(new Set([queue.owner]));
    expect(running.every((j) => j.attempts === 1 && j.leaseUntil!.getTime() > Date.now())).toBe(true);
    const queued = (await queue.list({ status: 'queued' })).filter((j) => kinds.includes(j.kind));
    expect(queued.map((j) => j.kind).sort()).toEqual(['alpha', 'alpha', 'beta']);
    release();
    await queue.idle();
    expect((await queue.list({ status: 'succeeded' })).filter((j) => kinds.includes(j.kind))).toHaveLength(12);
  });

  it('a recurring kind always has exactly one job queued or running, and keeps going after a failed run', async () => {
    const queue = queueOn(root);
    const runs: number[] = [];
    queue.define<object>({
      kind: 'tick',
      every: () => 40,
      maxFailures: 1,
      run: async () => {
        runs.push(Date.now());
        if (runs.length === 2) throw new Error('second run fails for good');
      },
    });
    await queue.start();
    await waitFor(() => runs.length >= 4);
    const active = [...(await queue.list({ kind: 'tick', status: 'queued' })), ...(await queue.list({ kind: 'tick', status: 'running' }))];
    expect(active.length).toBeLessThanOrEqual(1);
    expect(await queue.list({ kind: 'tick', status: 'failed' })).toHaveLength(1);
    for (let i = 1; i < 4; i++) expect(runs[i]! - runs[i - 1]!).toBeGreaterThanOrEqual(35);
  });

  it('picks up a job whose lease was abandoned by a dead owner, once the lease runs out', async () => {
    const queue = queueOn(root, { leaseMs: 200 });
    const runs: number[] = [];
    const def = queue.define<object>({ kind: 'resume', run: async (_p, ctx) => void runs.push(ctx.attempt) });
    const id = (await queue.enqueue(root, def, {}))!;
    // What an instance that died mid-run leaves behind: running under its name, with a lease that runs out.
    await root
      .update(jobs)
      .set({ status: 'running', attempts: 1, leaseOwner: 'dead:1', leaseUntil: new Date(Date.now() + 300) })
      .where(eq(jobs.id, id));
    await queue.start();
    await hold(150);
    expect(runs).toEqual([]); // the lease still holds
    await waitFor(() => runs.length === 1);
    expect(runs).toEqual([2]);
    await waitFor(async () => (await queue.get(id))!.status === 'succeeded');
  });

  it('reclaimAtStart releases the leases of other owners at once', async () => {
    const id = (await queueOn(root).enqueue(root, 'orphan', {}))!;
    await root
      .update(jobs)
      .set({ status: 'running', attempts: 1, leaseOwner: 'dead:2', leaseUntil: new Date(Date.now() + 60_000) })
      .where(eq(jobs.id, id));
    const queue = new JobQueue(root, logger, { leaseMs: 5_000, pollIntervalMs: 20, reclaimAtStart: true });
    queues.push(queue);
    const runs: number[] = [];
    queue.define<object>({ kind: 'orphan', run: async (_p, ctx) => void runs.push(ctx.attempt) });
    await queue.start();
    await waitFor(() => runs.length === 1, 2_000);
    expect(runs).toEqual([2]);
  });

  it('stop waits for running jobs, which finish and are recorded', async () => {
    const queue = queueOn(root);
    let finished = false;
    const def = queue.define<object>({
      kind: 'slow',
      run: async () => {
        await hold(300);
        finished = true;
      },
    });
    const id = (await queue.enqueue(root, def, {}))!;
    await queue.start();
    await waitFor(async () => (await queue.get(id))!.status === 'running');
    await queue.stop(5_000);
    expect(finished).toBe(true);
    expect(await queue.get(id)).toMatchObject({ status: 'succeeded', leaseOwner: null });
  });

  it('two instances on one database run each of 1,000 jobs exactly once', async () => {
    const instances = [queueOn(await instanceDb()), queueOn(await instanceDb())];
    const runs = new Map<number, number>();
    const ranOn = instances.map(() => 0);
    instances.forEach((queue, i) =>
      queue.define<{ n: number }>({
        kind: 'shared',
        concurrency: 8,
        run: async (p) => {
          runs.set(p.n, (runs.get(p.n) ?? 0) + 1);
          ranOn[i]! += 1;
          await hold(1);
        },
      }),
    );
    await Promise.all(instances.map((q) => q.start()));
    await inTransaction(root, async (tx) => {
      for (let n = 0; n < 1_000; n++) await instances[n % 2]!.enqueue(tx, 'shared', { n });
    });
    for (const q of instances) q.notify();
    await waitFor(() => runs.size === 1_000, 60_000);
    await Promise.all(instances.map((q) => q.idle(10_000)));
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
    // Both took part: the leases really competed.
    expect(ranOn.every((count) => count > 0)).toBe(true);
    const { rows } = await databases[0]!.pool.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE status = 'succeeded' AND attempts = 1)::int AS clean FROM jobs WHERE kind = 'shared'`,
    );
    expect(rows[0]).toEqual({ n: 1_000, clean: 1_000 });
  });

  it('job metrics read the queue per kind on PostgreSQL', async () => {
    const queue = queueOn(root);
    const def = queue.define<object>({ kind: 'metered', run: async () => {} });
    await queue.enqueue(root, def, {}, { runAt: new Date(Date.now() - 2_000) });
    await queue.enqueue(root, def, {}, { delayMs: 60_000 });
    const metrics = new Metrics('test_');
    registerJobMetrics(metrics, root, 'test_');
    // The gauges answer from the last read; the first one started at registration.
    let text = '';
    await waitFor(async () => {
      text = await metrics.registry.metrics();
      return /test_jobs_queued\{kind="metered"\} 2/.test(text);
    });
    expect(text).toMatch(/^test_jobs_due\{kind="metered"\} 1$/m);
    expect(text).toMatch(/^test_jobs_running\{kind="metered"\} 0$/m);
    const age = Number(/^test_jobs_oldest_due_age_seconds\{kind="metered"\} ([\d.e+-]+)$/m.exec(text)?.[1]);
    expect(age).toBeGreaterThanOrEqual(2);
    expect(age).toBeLessThan(30);
  });
});
