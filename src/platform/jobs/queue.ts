import { AsyncResource } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, isNull, lt, ne, or } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { DbOrTx } from '../db.js';
import type { SqliteDb } from '../sqlite.js';
import { newId } from '../ids.js';
import { fullJitterDelay } from './backoff.js';
import { leaseReadyJobs, nextDueAt, type KindLimits } from './lease.js';
import { finishJob, insertJob } from './writes.js';
import { jobs, type JobRecord, type JobStatus } from './tables.js';

/**
 * A durable job queue in the database. Jobs are enqueued in the same transaction
 * as the write that needs them, leased with a timeout, retried with capped
 * exponential backoff and full jitter, and kept visible with their last error
 * when they fail for good.
 *
 * A lease names its owner (this queue instance) and is kept alive by the
 * owner's heartbeat, so it runs out only when the owner died. With one
 * instance per database (SQLite) every lease found at start belongs to a dead
 * process and is released at once (reclaimAtStart): a restart resumes work in
 * a poll interval, not a lease later. Several instances leave it off and take
 * over a lease when its heartbeat stops.
 *
 * Each tick leases for every kind in one statement (lease.ts), then sleeps until the next queued job is due. While
 * jobs run it also looks every pollIntervalMs; when idle that look-ahead backs off to idlePollMaxMs. Nothing waits for
 * it in-process: enqueue() and every finished job wake the loop at once. The look-ahead only matters for jobs written
 * by another process.
 */

export interface JobContext {
  jobId: string;
  attempt: number;
  sandboxId: string | null;
  /** Aborted when the queue stops before the job finished. */
  signal: AbortSignal;
}

export interface JobDefinition<P> {
  kind: string;
  run: (payload: P, ctx: JobContext) => Promise<void>;
  /** Jobs of this kind running at once in this process. */
  concurrency?: number;
  /** Non-transient failures before the job fails for good. */
  maxFailures?: number;
  backoff?: { baseMs: number; capMs: number };
  /**
   * Recurring: one job of this kind is always queued or running; each run (success or final failure) queues
   * the next one this many ms later, and start() queues the first one interval ahead.
   */
  every?: () => number;
  /** Called once when the job fails for good (after its last failure was recorded). */
  onExhausted?: (payload: P, error: Error, ctx: { jobId: string; sandboxId: string | null }) => void | Promise<void>;
}

/** Retry later without counting a failure: the cause is outside us (an upstream API down or throttling). */
export class TransientJobError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'TransientJobError';
  }
}

/** Do not retry: another run cannot succeed. */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentJobError';
  }
}

export interface EnqueueOptions {
  runAt?: Date;
  delayMs?: number;
  dedupeKey?: string;
  sandboxId?: string | null;
  maxFailures?: number;
}

export interface JobQueueOptions {
  leaseMs: number;
  pollIntervalMs: number;
  random?: () => number;
  /** Succeeded and cancelled jobs older than this are pruned. */
  retentionMs?: number;
  /** Release every lease held by another owner at start: true when this is the only instance using the database. */
  reclaimAtStart?: boolean;
  /** How often the owner renews its leases; default a third of leaseMs. */
  heartbeatMs?: number;
  /** The longest sleep of an idle queue (nothing running, nothing due sooner); default max(pollIntervalMs, 5 s). */
  idlePollMaxMs?: number;
}

interface Registered {
  def: JobDefinition<unknown>;
  running: number;
}

const DEFAULT_BACKOFF = { baseMs: 1_000, capMs: 5 * 60_000 };
const PRUNE_EVERY_MS = 10 * 60_000;
/** Idle ticks double the look-ahead from pollIntervalMs up to idlePollMaxMs; 2^16 bounds the exponent. */
const MAX_IDLE_DOUBLINGS = 16;
/** Jobs due within this of the first one due are leased with it (and start in the order they were enqueued). */
const WAKE_SLACK_MS = 20;

export class JobQueue {
  private readonly kinds = new Map<string, Registered>();
  private readonly inflight = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private tickQueued = false;
  private started = false;
  private abort = new AbortController();
  private lastPrune = 0;
  private idleWaiters: Array<() => void> = [];
  private heartbeat: NodeJS.Timeout | undefined;
  private idleTicks = 0;
  /**
   * Ticks (and the jobs they start) run in the async context the queue was made in, never in the context of whoever
   * woke it: a request that enqueued a job must not lend its request id, or the transaction participants it installed
   * (db.ts), to the jobs that run after it.
   */
  private readonly wake = AsyncResource.bind(() => {
    this.tickQueued = false;
    this.tick();
  });
  /** Names this instance on its leases. */
  readonly owner = `${process.pid}:${randomUUID()}`;

  constructor(
    private readonly db: SqliteDb,
    private readonly logger: Logger,
    private readonly options: JobQueueOptions,
  ) {}

  define<P>(def: JobDefinition<P>): JobDefinition<P> {
    if (this.kinds.has(def.kind)) throw new Error(`job kind ${def.kind} defined twice`);
    this.kinds.set(def.kind, { def: def as JobDefinition<unknown>, running: 0 });
    return def;
  }

  /**
   * Inserts a job in the caller's transaction; returns its id, or null when an active job has the same dedupe key.
   * Wakes the loop on the next turn, after the caller's (synchronous) transaction has committed.
   */
  async enqueue<P>(tx: DbOrTx, def: JobDefinition<P> | string, payload: P, options: EnqueueOptions = {}): Promise<string | null> {
    if (tx.backend !== 'sqlite') throw new Error('this job queue runs on SQLite only');
    const kind = typeof def === 'string' ? def : def.kind;
    const registered = this.kinds.get(kind);
    const now = Date.now();
    const id = newId(now);
    const inserted = insertJob(tx, {
      id,
      kind,
      payload: payload as unknown,
      sandboxId: options.sandboxId ?? null,
      maxFailures: options.maxFailures ?? registered?.def.maxFailures ?? 10,
      runAt: options.runAt ?? new Date(now + (options.delayMs ?? 0)),
      dedupeKey: options.dedupeKey ?? null,
      createdAt: new Date(now),
    });
    if (!inserted) return null;
    this.notify();
    return id;
  }

  /** Wakes the worker loop on the next turn; enqueue() does it, and so may code that committed jobs otherwise. */
  notify(): void {
    if (!this.started || this.tickQueued) return;
    this.tickQueued = true;
    setImmediate(this.wake);
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.abort = new AbortController();
    if (this.options.reclaimAtStart) this.reclaimLeases();
    this.heartbeat = setInterval(() => this.beat(), this.options.heartbeatMs ?? Math.max(50, Math.floor(this.options.leaseMs / 3)));
    this.heartbeat.unref();
    for (const { def } of this.kinds.values()) if (def.every) await this.scheduleNext(def, def.every());
    this.tick();
  }

  /** Puts the jobs leased by other (dead) owners back in the queue, ready now. */
  private reclaimLeases(): void {
    const now = new Date();
    const released = this.db
      .update(jobs)
      .set({ status: 'queued', leaseUntil: null, leaseOwner: null, heartbeatAt: null, updatedAt: now })
      .where(and(eq(jobs.status, 'running'), or(isNull(jobs.leaseOwner), ne(jobs.leaseOwner, this.owner))))
      .returning({ id: jobs.id, kind: jobs.kind })
      .all();
    if (released.length) {
      this.logger.warn(
        { released: released.length, kinds: [...new Set(released.map((r) => r.kind))] },
        'released the job leases of a previous process; they run again now',
      );
    }
  }

  /** Renews this owner's leases: they run out only when this process stops beating. */
  private beat(): void {
    if (!this.inflight.size) return;
    const now = Date.now();
    try {
      this.db
        .update(jobs)
        .set({ leaseUntil: new Date(now + this.options.leaseMs), heartbeatAt: new Date(now) })
        .where(and(eq(jobs.status, 'running'), eq(jobs.leaseOwner, this.owner), inArray(jobs.id, [...this.inflight.keys()])))
        .run();
    } catch (err) {
      // A missed beat only shortens the lease; the next one renews it.
      this.logger.error({ err }, 'job lease heartbeat failed');
    }
  }

  /** Queues the next run of a recurring kind unless one is already queued or running. */
  private async scheduleNext(def: JobDefinition<unknown>, delayMs: number): Promise<void> {
    await this.enqueue(this.db, def, {}, { delayMs, dedupeKey: `every:${def.kind}` });
  }

  /** Stops leasing and waits for running jobs (up to timeoutMs); unfinished jobs are leased again after a restart. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (!this.started) return;
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    const all = Promise.allSettled([...this.inflight.values()]);
    let timeout: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      all.then(() => false),
      new Promise<boolean>((resolve) => {
        timeout = setTimeout(() => resolve(true), timeoutMs);
      }),
    ]);
    if (timeout) clearTimeout(timeout);
    if (timedOut) {
      this.logger.warn({ running: this.inflight.size }, 'jobs still running at shutdown; they will run again after restart');
      this.abort.abort();
    }
  }

  async get(id: string): Promise<JobRecord | undefined> {
    return this.db.select().from(jobs).where(eq(jobs.id, id)).get();
  }

  async list(filter: { kind?: string; status?: JobStatus } = {}): Promise<JobRecord[]> {
    const conditions = [];
    if (filter.kind) conditions.push(eq(jobs.kind, filter.kind));
    if (filter.status) conditions.push(eq(jobs.status, filter.status));
    return this.db
      .select()
      .from(jobs)
      .where(and(...conditions))
      .orderBy(asc(jobs.id))
      .all();
  }

  /** Resolves when nothing is running and nothing is ready to run (tests and graceful drains). */
  async idle(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.inflight.size === 0 && !this.hasReadyJobs()) return;
      await new Promise<void>((resolve) => {
        this.idleWaiters.push(resolve);
        setTimeout(resolve, 25);
      });
    }
    throw new Error('job queue did not become idle in time');
  }

  /** A job of a registered kind is due now (or held by another owner's lapsed lease). */
  private hasReadyJobs(): boolean {
    const due = nextDueAt(
      this.db,
      [...this.kinds.keys()].map((kind) => [kind, 1] as const),
      this.owner,
    );
    return due !== null && due <= Date.now();
  }

  /** Room per kind: its concurrency less the jobs of it running here. */
  private freeSlots(): KindLimits {
    return [...this.kinds.values()].map(({ def, running }) => [def.kind, (def.concurrency ?? 4) - running] as const);
  }

  private tick(): void {
    if (!this.started) return;
    if (this.timer) clearTimeout(this.timer);
    let delay = this.options.pollIntervalMs;
    try {
      const now = new Date();
      const leased = leaseReadyJobs(this.db, this.freeSlots(), now, new Date(now.getTime() + this.options.leaseMs), this.owner);
      for (const job of leased) this.run(this.kinds.get(job.kind)!, job);
      this.pruneOccasionally();
      delay = this.nextDelay();
    } catch (err) {
      // A locked or briefly unavailable database must not kill the loop.
      this.logger.error({ err }, 'job queue tick failed');
    }
    this.timer = setTimeout(this.wake, delay);
    this.timer.unref();
  }

  /**
   * Until the next queued job of a kind with room is due, but no longer than the look-ahead: pollIntervalMs while
   * jobs run, doubling per idle tick up to idlePollMaxMs. A kind without room waits for a running job to finish,
   * which wakes the loop.
   */
  private nextDelay(): number {
    const poll = this.options.pollIntervalMs;
    this.idleTicks = this.inflight.size ? 0 : Math.min(this.idleTicks + 1, MAX_IDLE_DOUBLINGS);
    const lookAhead = Math.min(Math.max(poll, this.options.idlePollMaxMs ?? 5_000), poll * 2 ** this.idleTicks);
    const due = nextDueAt(this.db, this.freeSlots(), this.owner);
    // A little past the due time, so that jobs due together (to the same moment, a few ms apart) share one lease.
    return due === null ? lookAhead : Math.max(0, Math.min(lookAhead, due - Date.now() + Math.min(poll, WAKE_SLACK_MS)));
  }

  private run(registered: Registered, job: JobRecord): void {
    registered.running += 1;
    const ctx: JobContext = { jobId: job.id, attempt: job.attempts, sandboxId: job.sandboxId, signal: this.abort.signal };
    const promise = (async () => {
      try {
        await registered.def.run(job.payload, ctx);
        finishJob(this.db, job, { status: 'succeeded' }, new Date());
        if (registered.def.every && this.started) await this.scheduleNext(registered.def, registered.def.every());
      } catch (err) {
        await this.fail(registered.def, job, err instanceof Error ? err : new Error(String(err)));
      }
    })()
      .catch((err: unknown) => this.logger.error({ err, kind: job.kind, jobId: job.id }, 'job bookkeeping failed'))
      .finally(() => {
        registered.running -= 1;
        this.inflight.delete(job.id);
        this.notify();
        for (const resolve of this.idleWaiters.splice(0)) resolve();
      });
    this.inflight.set(job.id, promise);
  }

  private async fail(def: JobDefinition<unknown>, job: JobRecord, error: Error): Promise<void> {
    const backoff = def.backoff ?? DEFAULT_BACKOFF;
    const now = new Date();
    const message = `${error.name}: ${error.message}`.slice(0, 2000);
    if (error instanceof TransientJobError) {
      const delay = Math.max(
        error.retryAfterMs ?? 0,
        fullJitterDelay(job.attempts - 1, backoff.baseMs, backoff.capMs, this.options.random),
      );
      finishJob(this.db, job, { status: 'queued', runAt: new Date(now.getTime() + delay), lastError: message }, now);
      this.logger.info({ kind: job.kind, jobId: job.id, attempt: job.attempts, delayMs: delay, error: message }, 'job will retry');
      return;
    }
    const failures = job.failures + 1;
    if (error instanceof PermanentJobError || failures >= job.maxFailures) {
      if (finishJob(this.db, job, { status: 'failed', failures, lastError: message }, now)) {
        this.logger.warn({ kind: job.kind, jobId: job.id, failures, error: message }, 'job failed for good');
        if (def.every && this.started) await this.scheduleNext(def, def.every());
        await def.onExhausted?.(job.payload, error, { jobId: job.id, sandboxId: job.sandboxId });
      }
      return;
    }
    const delay = fullJitterDelay(failures - 1, backoff.baseMs, backoff.capMs, this.options.random);
    finishJob(this.db, job, { status: 'queued', failures, runAt: new Date(now.getTime() + delay), lastError: message }, now);
    this.logger.warn({ kind: job.kind, jobId: job.id, failures, delayMs: delay, error: message }, 'job failed; will retry');
  }

  private pruneOccasionally(): void {
    const now = Date.now();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    const cutoff = new Date(now - (this.options.retentionMs ?? 7 * 24 * 3600_000));
    this.db
      .delete(jobs)
      .where(and(inArray(jobs.status, ['succeeded', 'cancelled']), lt(jobs.finishedAt, cutoff)))
      .run();
  }
}
