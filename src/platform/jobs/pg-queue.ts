import { and, asc, eq, inArray, isNull, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { newId } from '../ids.js';
import { pgTransaction, type PgTransactionOptions, type PgTx } from '../pg/transaction.js';
import type { KindLimits } from './lease.js';
import type { JobRecord, JobStatus } from './tables.js';
import { jobs } from './tables.pg.js';

/**
 * The job queue's database half on PostgreSQL, asynchronous, for JobQueue to sit on once the data layer is
 * async (issue 18). It keeps the semantics of queue.ts and lease.ts (the SQLite lease): jobs enqueued in
 * the caller's transaction, deduplicated by the partial unique index; one lease statement for every kind
 * at once, each kind up to its free slots, oldest run time first; leases named by owner and renewed by its heartbeat; every finish fenced by the
 * attempt it leased. What SQLite's single writer gave for free is explicit here (research/SCALE-OUT.md §3):
 *
 * - the lease picks its rows with FOR UPDATE SKIP LOCKED, so concurrent instances lease disjoint jobs and
 *   never wait on (or deadlock with) each other, and repeats the ready condition in the UPDATE, which
 *   PostgreSQL re-checks on a row that changed after the pick;
 * - runFenced() writes a job's database effect and its fenced finish in one transaction: a runner whose
 *   lease was taken over writes neither, so a finished job is never applied twice.
 *
 * Times come from this process's clock, as on SQLite (run_at, lease_until, heartbeat_at).
 */

/** The part of a leased job that fences its finish. */
export type LeasedJob = Pick<JobRecord, 'id' | 'attempts'>;

export interface PgEnqueueInput {
  kind: string;
  payload: unknown;
  sandboxId?: string | null;
  maxFailures: number;
  runAt: Date;
  dedupeKey?: string | null;
}

export type JobFinishPatch = Partial<Pick<JobRecord, 'status' | 'failures' | 'runAt' | 'lastError'>>;

export interface PgQueueCoreOptions {
  /** Names this instance on its leases. */
  owner: string;
  leaseMs: number;
  /** The clock (tests). */
  now?: () => Date;
}

type Executor<S extends Record<string, unknown>> = NodePgDatabase<S> | PgTx<S>;

const TERMINAL: ReadonlySet<JobStatus> = new Set(['succeeded', 'failed', 'cancelled']);

export class PgQueueCore<S extends Record<string, unknown>> {
  private readonly now: () => Date;

  constructor(
    private readonly db: NodePgDatabase<S>,
    private readonly options: PgQueueCoreOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  get owner(): string {
    return this.options.owner;
  }

  /** Inserts a job in the caller's transaction (or on its own); the id, or null when an active job has the same dedupe key. */
  async enqueue(tx: Executor<S>, input: PgEnqueueInput): Promise<string | null> {
    const now = this.now();
    const id = newId(now.getTime());
    const rows = await tx
      .insert(jobs)
      .values({
        id,
        kind: input.kind,
        payload: input.payload,
        sandboxId: input.sandboxId ?? null,
        status: 'queued',
        maxFailures: input.maxFailures,
        runAt: input.runAt,
        dedupeKey: input.dedupeKey ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing()
      .returning({ id: jobs.id });
    return rows.length === 1 ? id : null;
  }

  /**
   * Leases up to each kind's limit of ready jobs (queued and due, or running on a lapsed lease) in one
   * statement, skipping rows another transaction holds; oldest run time first, returned in enqueue order.
   */
  async lease(limits: KindLimits): Promise<JobRecord[]> {
    const slots = limits.filter(([, limit]) => limit > 0);
    if (!slots.length) return [];
    const now = this.now();
    const kinds = sql.param(slots.map(([kind]) => kind));
    const counts = sql.param(slots.map(([, limit]) => Math.floor(limit)));
    const picked = sql`SELECT r.id FROM unnest(${kinds}::text[], ${counts}::int[]) AS slot(kind, n)
      CROSS JOIN LATERAL (
        SELECT id FROM ${jobs} WHERE ${jobs.kind} = slot.kind AND ${ready(now)}
        ORDER BY ${jobs.runAt}, ${jobs.id} LIMIT slot.n FOR UPDATE SKIP LOCKED
      ) AS r`;
    const rows = await this.db
      .update(jobs)
      .set({
        status: 'running',
        attempts: sql`${jobs.attempts} + 1`,
        leaseUntil: this.leaseEnd(now),
        leaseOwner: this.options.owner,
        heartbeatAt: now,
        updatedAt: now,
      })
      // ARRAY(…) runs the pick exactly once (an IN (…) subquery may be re-planned as a join and re-run).
      .where(and(sql`${jobs.id} = ANY(ARRAY(${picked}))`, ready(now)))
      .returning();
    // RETURNING has no order. Every job leased is due: they start in the order they were enqueued (ids grow with
    // time), as on SQLite (lease.ts), so jobs that wait for the same moment keep their order.
    return rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /**
   * Ends a run: status and bookkeeping, only while the job is still running on the attempt that was leased.
   * false when another runner took the lease over (or the job was cancelled): nothing was written. `now` (the
   * update time) is the caller's when its patch holds times computed from it (a retry's run time).
   */
  async finish(tx: Executor<S>, job: LeasedJob, patch: JobFinishPatch, now: Date = this.now()): Promise<boolean> {
    const terminal = patch.status !== undefined && TERMINAL.has(patch.status);
    const rows = await tx
      .update(jobs)
      .set({ ...patch, leaseUntil: null, leaseOwner: null, heartbeatAt: null, updatedAt: now, ...(terminal ? { finishedAt: now } : {}) })
      .where(and(eq(jobs.id, job.id), eq(jobs.status, 'running'), eq(jobs.attempts, job.attempts)))
      .returning({ id: jobs.id });
    return rows.length === 1;
  }

  /**
   * Writes a job's database effect and its fenced finish in one transaction (retried on 40001/40P01). When
   * the fence fails, the effect is rolled back with it and the result is false.
   */
  async runFenced(
    job: LeasedJob,
    effect: (tx: PgTx<S>) => Promise<void>,
    patch: JobFinishPatch = { status: 'succeeded' },
    options: Pick<PgTransactionOptions, 'onRetry'> = {},
  ): Promise<boolean> {
    try {
      return await pgTransaction(
        this.db,
        async (tx) => {
          await effect(tx);
          if (!(await this.finish(tx, job, patch))) throw new LeaseLostError(job.id);
          return true;
        },
        options,
      );
    } catch (err) {
      if (err instanceof LeaseLostError && err.jobId === job.id) return false;
      throw err;
    }
  }

  /** Pushes one running job's lease forward, fenced by attempt and owner (a job that runs longer than lease/2). */
  async extendLease(job: LeasedJob): Promise<boolean> {
    const now = this.now();
    const rows = await this.db
      .update(jobs)
      .set({ leaseUntil: this.leaseEnd(now), heartbeatAt: now })
      .where(and(eq(jobs.id, job.id), eq(jobs.status, 'running'), eq(jobs.attempts, job.attempts), eq(jobs.leaseOwner, this.options.owner)))
      .returning({ id: jobs.id });
    return rows.length === 1;
  }

  /** The owner's heartbeat: renews its leases on the given running jobs; how many it renewed. */
  async heartbeat(jobIds: readonly string[]): Promise<number> {
    if (!jobIds.length) return 0;
    const now = this.now();
    const rows = await this.db
      .update(jobs)
      .set({ leaseUntil: this.leaseEnd(now), heartbeatAt: now })
      .where(and(eq(jobs.status, 'running'), eq(jobs.leaseOwner, this.options.owner), inArray(jobs.id, [...jobIds])))
      .returning({ id: jobs.id });
    return rows.length;
  }

  /** Puts every job leased by another owner back in the queue, ready now: only for a sole instance at start. */
  async reclaimForeignLeases(): Promise<Array<{ id: string; kind: string }>> {
    const now = this.now();
    return this.db
      .update(jobs)
      .set({ status: 'queued', leaseUntil: null, leaseOwner: null, heartbeatAt: null, updatedAt: now })
      .where(and(eq(jobs.status, 'running'), this.heldByOthers()))
      .returning({ id: jobs.id, kind: jobs.kind });
  }

  /**
   * When the next job of a kind with room could be leased (ms since epoch): the earliest run time of a
   * queued job, or the end of a lease another owner holds. null when there is none.
   */
  async nextDueAt(limits: KindLimits): Promise<number | null> {
    const kinds = limits.filter(([, limit]) => limit > 0).map(([kind]) => kind);
    if (!kinds.length) return null;
    const [queued] = await this.db
      .select({ at: sql<Date | null>`min(${jobs.runAt})`.mapWith(jobs.runAt) })
      .from(jobs)
      .where(and(eq(jobs.status, 'queued'), inArray(jobs.kind, kinds)));
    const [foreign] = await this.db
      .select({ at: sql<Date | null>`min(${jobs.leaseUntil})`.mapWith(jobs.leaseUntil) })
      .from(jobs)
      .where(and(eq(jobs.status, 'running'), inArray(jobs.kind, kinds), this.heldByOthers()));
    const times = [queued?.at, foreign?.at].filter((d): d is Date => d instanceof Date).map((d) => d.getTime());
    return times.length ? Math.min(...times) : null;
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const [row] = await this.db.select().from(jobs).where(eq(jobs.id, id));
    return row;
  }

  async list(filter: { kind?: string; status?: JobStatus } = {}): Promise<JobRecord[]> {
    const conditions: SQL[] = [];
    if (filter.kind) conditions.push(eq(jobs.kind, filter.kind));
    if (filter.status) conditions.push(eq(jobs.status, filter.status));
    return this.db
      .select()
      .from(jobs)
      .where(and(...conditions))
      .orderBy(asc(jobs.id));
  }

  /** Deletes succeeded and cancelled jobs finished before cutoff; how many. */
  async prune(cutoff: Date): Promise<number> {
    const rows = await this.db
      .delete(jobs)
      .where(and(inArray(jobs.status, ['succeeded', 'cancelled']), lt(jobs.finishedAt, cutoff)))
      .returning({ id: jobs.id });
    return rows.length;
  }

  private leaseEnd(now: Date): Date {
    return new Date(now.getTime() + this.options.leaseMs);
  }

  /** A lease this instance does not hold (another owner's, or none recorded). */
  private heldByOthers(): SQL | undefined {
    return or(isNull(jobs.leaseOwner), ne(jobs.leaseOwner, this.options.owner));
  }
}

/** Ready to lease at `now`: queued and due, or running on a lease that ran out (its owner stopped beating). */
function ready(now: Date): SQL {
  return sql`((${jobs.status} = 'queued' AND ${jobs.runAt} <= ${now}) OR (${jobs.status} = 'running' AND ${jobs.leaseUntil} < ${now}))`;
}

/** Thrown inside runFenced's transaction to roll the effect back when the fence fails. */
class LeaseLostError extends Error {
  constructor(readonly jobId: string) {
    super(`job ${jobId} is no longer leased on this attempt`);
    this.name = 'LeaseLostError';
  }
}
