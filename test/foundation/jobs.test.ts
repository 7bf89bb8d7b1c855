import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { inTransaction, openDatabase, type Database, type SqliteTx } from '../../src/platform/db.js';
import { fullJitterDelay } from '../../src/platform/jobs/backoff.js';
import { JobQueue, PermanentJobError, TransientJobError } from '../../src/platform/jobs/queue.js';
import { jobs } from '../../src/platform/jobs/tables.js';
import { createLogger } from '../../src/platform/logger.js';
import { walCommits } from '../helpers/wal-commits.js';

const logger = createLogger({ level: 'silent' });
const opened: Array<{ db: Database; queue: JobQueue }> = [];

function setup(options: { leaseMs?: number; random?: () => number; idlePollMaxMs?: number } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-jobs-'));
  const db = openDatabase(path.join(dir, 'jobs.sqlite'));
  const queue = new JobQueue(db.db, logger, {
    leaseMs: options.leaseMs ?? 5_000,
    pollIntervalMs: 20,
    random: options.random,
    idlePollMaxMs: options.idlePollMaxMs,
  });
  opened.push({ db, queue });
  return { db, queue, file: path.join(dir, 'jobs.sqlite') };
}

afterEach(async () => {
  for (const { db, queue } of opened.splice(0)) {
    await queue.stop(1_000);
    db.close();
  }
});

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('durable job queue', () => {
  it('runs a job enqueued in the same transaction as a write, once', async () => {
    const { db, queue } = setup();
    const seen: string[] = [];
    const def = queue.define<{ name: string }>({ kind: 'greet', run: async (p) => void seen.push(p.name) });
    db.sqlite.exec('CREATE TABLE notes (id TEXT)');
    await inTransaction(db.db, async (tx) => {
      (tx as SqliteTx).run(sql`INSERT INTO notes VALUES ('n1')`);
      await queue.enqueue(tx, def, { name: 'ada' });
    });
    await queue.start();
    await waitFor(() => seen.length === 1);
    await queue.idle();
    expect(seen).toEqual(['ada']);
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

  it('a rolled-back transaction leaves no job', async () => {
    const { db, queue } = setup();
    const def = queue.define<object>({ kind: 'never', run: async () => {} });
    await expect(
      inTransaction(db.db, async (tx) => {
        await queue.enqueue(tx, def, {});
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await queue.list({ kind: 'never' })).toHaveLength(0);
  });

  it('picks up a job whose lease was abandoned by a crashed process', async () => {
    const { db, queue } = setup({ leaseMs: 200 });
    const runs: number[] = [];
    const def = queue.define<object>({ kind: 'resume', run: async (_p, ctx) => void runs.push(ctx.attempt) });
    const id = (await queue.enqueue(db.db, def, {}))!;
    // What a process that died mid-run leaves behind: running, with a lease that runs out.
    db.db
      .update(jobs)
      .set({ status: 'running', attempts: 1, leaseUntil: new Date(Date.now() + 300) })
      .where(eq(jobs.id, id))
      .run();
    await queue.start();
    await new Promise((r) => setTimeout(r, 150));
    expect(runs).toEqual([]); // the lease still holds
    await waitFor(() => runs.length === 1);
    expect(runs).toEqual([2]);
    await waitFor(async () => (await queue.get(id))!.status === 'succeeded');
  });

  it('retries failures with capped, jittered backoff, then stays visible as failed with its last error', async () => {
    const { db, queue } = setup({ random: () => 0.5 });
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
    const id = (await queue.enqueue(db.db, def, {}))!;
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
    expect(job.failures).toBe(3);
    expect(job.lastError).toBe('Error: attempt 3 failed');
    expect(exhausted).toBe('attempt 3 failed');
    // random() = 0.5 -> half of min(cap, base * 2^n): 100 ms, then 200 ms.
    expect(runAts).toEqual([100, 200]);
  });

  it('transient errors retry without using up failures; permanent errors stop at once', async () => {
    const { db, queue } = setup();
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
    const a = (await queue.enqueue(db.db, transient, {}))!;
    const b = (await queue.enqueue(db.db, permanent, {}))!;
    await queue.start();
    await waitFor(async () => (await queue.get(a))!.status === 'succeeded' && (await queue.get(b))!.status === 'failed');
    expect(transientCalls).toBe(4);
    expect((await queue.get(a))!.failures).toBe(0);
    expect((await queue.get(b))!.attempts).toBe(1);
  });

  it('a retry-after hint delays the next run at least that long', async () => {
    const { db, queue } = setup();
    const times: number[] = [];
    const def = queue.define<object>({
      kind: 'throttled',
      run: async () => {
        times.push(Date.now());
        if (times.length === 1) throw new TransientJobError('429', 300);
      },
    });
    await queue.enqueue(db.db, def, {});
    await queue.start();
    await waitFor(() => times.length === 2);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(290);
  });

  it('dedupe keys keep one active job per key', async () => {
    const { db, queue } = setup();
    const def = queue.define<object>({ kind: 'refresh', run: async () => {} });
    expect(await queue.enqueue(db.db, def, {}, { dedupeKey: 'refresh:1' })).not.toBeNull();
    expect(await queue.enqueue(db.db, def, {}, { dedupeKey: 'refresh:1' })).toBeNull();
    expect(await queue.enqueue(db.db, def, {}, { dedupeKey: 'refresh:2' })).not.toBeNull();
  });

  it('a recurring kind always has exactly one job queued or running, and keeps going after a failed run', async () => {
    const { queue } = setup();
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

  it('one tick leases the ready jobs of every kind in one transaction, each kind up to its concurrency', async () => {
    const { db, queue, file } = setup();
    // Counting commits in the WAL: no checkpoint may reset it meanwhile.
    db.sqlite.pragma('wal_autocheckpoint = 0');
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
    await inTransaction(db.db, async (tx) => {
      for (const def of defs) for (let i = 0; i < 3; i++) await queue.enqueue(tx, def, {});
    });
    const before = walCommits(file);
    await queue.start();
    await waitFor(() => started.length === 1 + 2 + 3 + 3);
    // Nine leases of four kinds: one commit (the old loop committed once per kind).
    expect(walCommits(file) - before).toBe(1);
    expect(started.sort()).toEqual(['alpha', 'beta', 'beta', 'delta', 'delta', 'delta', 'gamma', 'gamma', 'gamma']);
    const running = await queue.list({ status: 'running' });
    expect(running.map((j) => j.kind).sort()).toEqual(started);
    expect(new Set(running.map((j) => j.leaseOwner))).toEqual(new Set([queue.owner]));
    expect(running.every((j) => j.attempts === 1 && j.leaseUntil!.getTime() > Date.now())).toBe(true);
    expect((await queue.list({ status: 'queued' })).map((j) => j.kind).sort()).toEqual(['alpha', 'alpha', 'beta']);
    release();
    await queue.idle();
    expect(await queue.list({ status: 'succeeded' })).toHaveLength(12);
  });

  it('an idle queue still runs a job enqueued in-process at once, and a delayed one when it is due', async () => {
    // The idle look-ahead may grow to a minute: neither job may wait for it.
    const { db, queue } = setup({ idlePollMaxMs: 60_000 });
    const ran: number[] = [];
    const def = queue.define<object>({ kind: 'wake', run: async () => void ran.push(Date.now()) });
    await queue.start();
    await new Promise((r) => setTimeout(r, 500));
    await queue.enqueue(db.db, def, {});
    await waitFor(() => ran.length === 1, 10_000);
    const enqueuedAt = Date.now();
    await queue.enqueue(db.db, def, {}, { delayMs: 300 });
    await waitFor(() => ran.length === 2, 10_000);
    expect(ran[1]! - enqueuedAt).toBeGreaterThanOrEqual(300);
  });

  it('jobs due at (nearly) the same moment start in the order they were enqueued', async () => {
    const { db, queue } = setup();
    const order: string[] = [];
    const def = queue.define<{ name: string }>({ kind: 'turn', run: async (p) => void order.push(p.name) });
    await queue.start();
    // Each later job is due a millisecond earlier, as when each waits for the same slot and computed its delay later.
    const at = Date.now() + 300;
    for (const [i, name] of ['first', 'second', 'third'].entries()) await queue.enqueue(db.db, def, { name }, { runAt: new Date(at - i) });
    await waitFor(() => order.length === 3);
    expect(order).toEqual(['first', 'second', 'third']);
  });

  it('full jitter stays within [0, min(cap, base * 2^n)]', () => {
    for (let attempt = 0; attempt < 12; attempt++) {
      for (let i = 0; i < 200; i++) {
        const d = fullJitterDelay(attempt, 100, 5_000);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(Math.min(5_000, 100 * 2 ** attempt));
      }
    }
  });
});
