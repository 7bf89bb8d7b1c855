import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '../helpers/db-schema.pg.js';
import type { KindLimits } from '../../src/platform/jobs/lease.js';
import { PgQueueCore } from '../../src/platform/jobs/pg-queue.js';
import type { JobRecord } from '../../src/platform/jobs/tables.js';
import { openPg, type PgDatabase } from '../../src/platform/pg/database.js';
import { createFreshPgDatabase, type FreshPgDatabase } from '../../src/platform/pg/fresh-database.js';
import { migratePg } from '../../src/platform/pg/migrate.js';
import { pgTransaction } from '../../src/platform/pg/transaction.js';
import { PG_ADMIN_URL, pg } from '../helpers/pg.js';

type Db = PgDatabase<typeof schema>;
const KINDS = ['k0', 'k1', 'k2'];
const LIMITS: KindLimits = KINDS.map((k) => [k, 4] as const);

describe.skipIf(!pg.available)(pg.title('job queue core on PostgreSQL (SKIP LOCKED lease, fenced finish)'), () => {
  let fresh: FreshPgDatabase;
  let admin: Db;
  const open: Db[] = [];

  beforeAll(async () => {
    fresh = await createFreshPgDatabase(PG_ADMIN_URL);
    admin = await openPg(fresh.url, { schema, poolSize: 2 });
    await migratePg(admin.pool);
    // What a job does to the database: one row per run that committed.
    await admin.pool.query('CREATE TABLE job_effects (job_id text NOT NULL, attempt int NOT NULL, worker text NOT NULL)');
  });
  afterAll(async () => {
    await Promise.all([admin, ...open].map((d) => d?.close()));
    await fresh?.drop();
  });

  async function instance(owner: string, leaseMs: number) {
    const db = await openPg(fresh.url, { schema, poolSize: 3 });
    open.push(db);
    return new PgQueueCore(db.db, { owner, leaseMs });
  }

  async function enqueueMany(core: PgQueueCore<typeof schema>, n: number, tag: string): Promise<string[]> {
    return pgTransaction(admin.db, async (tx) => {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        const id = await core.enqueue(tx, { kind: KINDS[i % KINDS.length]!, payload: { tag, i }, maxFailures: 3, runAt: new Date() });
        ids.push(id!);
      }
      return ids;
    });
  }

  const effectOf = (core: PgQueueCore<typeof schema>, job: JobRecord) => (tx: Parameters<Parameters<typeof admin.db.transaction>[0]>[0]) =>
    tx.execute(sql`INSERT INTO job_effects VALUES (${job.id}, ${job.attempts}, ${core.owner})`).then(() => undefined);

  /** Leases and runs until nothing of `ids` is left queued or running; returns what it leased. */
  async function work(core: PgQueueCore<typeof schema>, ids: string[], retries: string[]): Promise<JobRecord[]> {
    const leased: JobRecord[] = [];
    for (;;) {
      const batch = await core.lease(LIMITS);
      if (!batch.length) {
        const { rows } = await admin.pool.query(`SELECT 1 FROM jobs WHERE id = ANY($1) AND status IN ('queued', 'running') LIMIT 1`, [ids]);
        if (!rows.length) return leased;
        await new Promise((r) => setTimeout(r, 5));
        continue;
      }
      leased.push(...batch);
      await Promise.all(
        batch.map((job) => core.runFenced(job, effectOf(core, job), { status: 'succeeded' }, { onRetry: (r) => retries.push(r.sqlState) })),
      );
    }
  }

  it('4 workers on 3,000 jobs: none leased twice, none re-run, no deadlock', async () => {
    const workers = await Promise.all([0, 1, 2, 3].map((i) => instance(`w${i}`, 60_000)));
    const ids = await enqueueMany(workers[0]!, 3_000, 'many');
    expect(new Set(ids).size).toBe(3_000);
    const retries: string[] = [];
    const results = await Promise.allSettled(workers.map((w) => work(w, ids, retries)));
    const failures = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
    expect(failures).toEqual([]);
    expect(retries).toEqual([]);

    const leases = results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
    expect(leases.length).toBe(3_000);
    expect(new Set(leases.map((j) => j.id)).size).toBe(3_000);
    // Every worker took part: the runs really were concurrent.
    for (const r of results) expect(r.status === 'fulfilled' && r.value.length > 0).toBe(true);

    const { rows: summary } = await admin.pool.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE status = 'succeeded' AND attempts = 1 AND finished_at IS NOT NULL
              AND lease_owner IS NULL)::int AS clean
         FROM jobs WHERE payload->>'tag' = 'many'`,
    );
    expect(summary[0]).toEqual({ n: 3_000, clean: 3_000 });
    const { rows: effects } = await admin.pool.query(
      `SELECT count(*)::int AS n, count(DISTINCT job_id)::int AS jobs FROM job_effects WHERE job_id = ANY($1)`,
      [ids],
    );
    expect(effects[0]).toEqual({ n: 3_000, jobs: 3_000 });
    expect(await workers[1]!.lease(LIMITS)).toEqual([]);
  });

  it('a dead runner’s jobs are taken over after its lease, and its late finish writes nothing', async () => {
    const dead = await instance('dead', 300);
    const live = await Promise.all([0, 1].map((i) => instance(`live${i}`, 60_000)));
    const ids = await enqueueMany(live[0]!, 120, 'takeover');
    const stale = await dead.lease(KINDS.map((k) => [k, 5] as const));
    expect(stale.length).toBe(15);
    expect(await dead.heartbeat(stale.map((j) => j.id))).toBe(15);

    const retries: string[] = [];
    const leased = (await Promise.all(live.map((w) => work(w, ids, retries)))).flat();
    // The dead runner's 15 were leased a second time, once its lease ran out; the other 105 once.
    expect(leased.length).toBe(120);
    expect(
      leased
        .filter((j) => j.attempts === 2)
        .map((j) => j.id)
        .sort(),
    ).toEqual(stale.map((j) => j.id).sort());

    // The runner comes back from a long pause: every finish and lease extension is fenced off.
    const late = await Promise.all(stale.map((job) => dead.runFenced(job, effectOf(dead, job))));
    expect(late).toEqual(stale.map(() => false));
    expect(await dead.extendLease(stale[0]!)).toBe(false);
    const { rows } = await admin.pool.query(
      `SELECT count(*)::int AS n, count(DISTINCT job_id)::int AS jobs, count(*) FILTER (WHERE worker = 'dead')::int AS dead
         FROM job_effects WHERE job_id = ANY($1)`,
      [ids],
    );
    expect(rows[0]).toEqual({ n: 120, jobs: 120, dead: 0 });
    expect((await live[0]!.list({ status: 'succeeded' })).filter((j) => ids.includes(j.id)).length).toBe(120);
  });

  it('enqueue: in the caller transaction, deduplicated while active; the lease honours run time and limits', async () => {
    const core = await instance('solo', 60_000);
    const key = 'every:report';
    const first = await core.enqueue(admin.db, { kind: 'report', payload: {}, maxFailures: 1, runAt: new Date(), dedupeKey: key });
    expect(first).toEqual(expect.any(String));
    expect(await core.enqueue(admin.db, { kind: 'report', payload: {}, maxFailures: 1, runAt: new Date(), dedupeKey: key })).toBeNull();

    await expect(
      pgTransaction(admin.db, async (tx) => {
        await core.enqueue(tx, { kind: 'rolled-back', payload: {}, maxFailures: 1, runAt: new Date() });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await core.list({ kind: 'rolled-back' })).toEqual([]);

    const later = new Date(Date.now() + 60_000);
    await core.enqueue(admin.db, { kind: 'report', payload: {}, maxFailures: 1, runAt: later });
    expect(await core.nextDueAt([['report', 1]])).toBeLessThanOrEqual(Date.now());
    const [job, ...rest] = await core.lease([
      ['report', 5],
      ['other', 0],
    ]);
    expect(rest).toEqual([]);
    expect(job).toMatchObject({ id: first, status: 'running', attempts: 1, leaseOwner: 'solo' });
    expect(await core.nextDueAt([['report', 1]])).toBe(later.getTime());

    // A transient retry: queued again by a fenced finish; a stale attempt cannot finish it.
    expect(await core.finish(admin.db, job!, { status: 'queued', runAt: new Date(), lastError: 'TransientJobError: later' })).toBe(true);
    expect(await core.finish(admin.db, job!, { status: 'succeeded' })).toBe(false);
    const [again] = await core.lease([['report', 1]]);
    expect(again).toMatchObject({ id: first, attempts: 2, lastError: 'TransientJobError: later' });
    expect(await core.extendLease(again!)).toBe(true);
    expect(await core.finish(admin.db, again!, { status: 'succeeded' })).toBe(true);
    expect(await core.get(first!)).toMatchObject({ status: 'succeeded', leaseUntil: null, finishedAt: expect.any(Date) });
    // Succeeded: the dedupe key is free again.
    expect(await core.enqueue(admin.db, { kind: 'report', payload: {}, maxFailures: 1, runAt: later, dedupeKey: key })).toEqual(
      expect.any(String),
    );
  });
});
