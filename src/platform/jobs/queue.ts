import { withoutQueryText } from '../db-errors.js';
import { AsyncResource } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db, DbOrTx } from '../db.js';
import type { PubSub } from '../pubsub.js';
import { BusWakeups } from './bus-wakeups.js';
import { newId } from '../ids.js';
import { fullJitterDelay } from './backoff.js';
import type { KindLimits } from './lease.js';
import { jobRecords } from './records.js';
import { queueStorage, type JobFilter, type QueueStorage } from './storage.js';
import type { JobRecord } from './tables.js';
import {
  PermanentJobError,
  TransientJobError,
  type EnqueueOptions,
  type JobContext,
  type JobDefinition,
  type JobQueueOptions,
} from './definitions.js';

/**
 * A durable job queue in the database. Jobs are enqueued in the same transaction
 * as the write that needs them, leased with a timeout, retried with capped
 * exponential backoff and full jitter, and kept visible with their last error
 * when they fail for good.
 *
 * One class on both backends: the database half is a QueueStorage chosen by
 * the handle's backend (storage.sqlite.ts: lease.ts and writes.ts behind the
 * connection's gate; storage.pg.ts: the SKIP LOCKED lease of pg-queue.ts, so
 * several instances can share one PostgreSQL jobs table).
 *
 * A lease names its owner (this queue instance) and is kept alive by the
 * owner's heartbeat, so it runs out only when the owner died. With one
 * instance per database (SQLite) every lease found at start belongs to a dead
 * process and is released at once (reclaimAtStart): a restart resumes work in
 * a poll interval, not a lease later. Several instances leave it off and take
 * over a lease when its heartbeat stops.
 *
 * Each tick leases for every kind in one statement, then sleeps until the next queued job is due. While jobs run it
 * also looks every pollIntervalMs; when idle that look-ahead backs off to idlePollMaxMs. Nothing waits for it
 * in-process: enqueue() and every finished job wake the loop at once. The look-ahead only matters for jobs written by
 * another process (or committed after the wake: callers notify() again after their commit). One tick at a time: a
 * wake during a tick runs another tick right after it.
 */

export { PermanentJobError, TransientJobError } from './definitions.js';
export type { EnqueueOptions, JobContext, JobDefinition, JobQueueOptions } from './definitions.js';

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
  private readonly storage: QueueStorage;
  private timer: NodeJS.Timeout | undefined;
  private tickQueued = false;
  /** The tick in flight (ticks never overlap), and whether a wake came while it ran. */
  private ticking: Promise<void> | null = null;
  private tickAgain = false;
  private beating = false;
  private started = false;
  private abort = new AbortController();
  private lastPrune = 0;
  private idleWaiters: Array<() => void> = [];
  private heartbeat: NodeJS.Timeout | undefined;
  private idleTicks = 0;
  /**
   * Ticks (and the jobs they start) and heartbeats run in the async context the queue was made in, never in the context
   * of whoever woke it or started it: a request that enqueued a job must not lend its request id, the transaction
   * participants it installed (db.ts), or its open transaction's scope to the loop or the jobs that run after it.
   */
  private readonly wake = AsyncResource.bind(() => {
    this.tickQueued = false;
    void this.tick();
  });
  private readonly beatNow = AsyncResource.bind(() => void this.beat());
  /** Instances that share the database hear of each other's enqueues here (wakeOnBus). */
  /** Wake-ups across instances (PostgreSQL): see wakeOnBus. */
  private readonly wakeups = new BusWakeups();
  /** Names this instance on its leases. */
  readonly owner = `${process.pid}:${randomUUID()}`;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    private readonly options: JobQueueOptions,
  ) {
    this.storage = queueStorage(db, this.owner, options.leaseMs);
  }

  define<P>(def: JobDefinition<P>): JobDefinition<P> {
    if (this.kinds.has(def.kind)) throw new Error(`job kind ${def.kind} defined twice`);
    this.kinds.set(def.kind, { def: def as JobDefinition<unknown>, running: 0 });
    return def;
  }

  /**
   * Inserts a job with the caller's handle (in its transaction, when it passes one or calls from inside one); returns
   * its id, or null when an active job has the same dedupe key. Wakes the loop on a later turn; a job enqueued in a
   * transaction that has not committed by then is picked up by the caller's notify() after its commit (or the poll).
   */
  async enqueue<P>(tx: DbOrTx, def: JobDefinition<P> | string, payload: P, options: EnqueueOptions = {}): Promise<string | null> {
    const kind = typeof def === 'string' ? def : def.kind;
    const registered = this.kinds.get(kind);
    const now = Date.now();
    const id = newId(now);
    const inserted = await this.storage.enqueue(tx, {
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
    this.wakeups.announce();
    return id;
  }

  /**
   * Several instances on one database (PostgreSQL): a job enqueued anywhere wakes every instance's queue at its
   * commit, through pubsub's SYSTEM_SANDBOX 'jobs:ready' event (sent with the transaction), instead of waiting for
   * the poll; the poll stays as the safety net, and a resync (events possibly missed) wakes the queue too.
   */
  wakeOnBus(pubsub: PubSub): () => void {
    return this.wakeups.attach(pubsub, () => this.notify());
  }

  /**
   * Frees a running job's dedupe key (in the caller's transaction), so that an enqueue with that key after this commit
   * makes a new job instead of being absorbed by this one: for a job that has decided it will not look at its work
   * again, while it still runs (the key otherwise stays taken until its run returns). Its run, finish and retries are
   * unchanged.
   */
  async releaseDedupeKey(tx: DbOrTx, jobId: string): Promise<void> {
    await jobRecords.releaseDedupeKey(tx, jobId);
  }

  /** Wakes the worker loop on the next turn; enqueue() does it, and so may code that committed jobs otherwise. */
  notify(): void {
    if (!this.started) return;
    if (this.ticking) {
      // The tick in flight may have leased before the caller's commit: look again once it is done.
      this.tickAgain = true;
      return;
    }
    if (this.tickQueued) return;
    this.tickQueued = true;
    setImmediate(this.wake);
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.abort = new AbortController();
    if (this.options.reclaimAtStart) await this.reclaimLeases();
    this.heartbeat = setInterval(this.beatNow, this.options.heartbeatMs ?? Math.max(50, Math.floor(this.options.leaseMs / 3)));
    this.heartbeat.unref();
    for (const { def } of this.kinds.values()) if (def.every) await this.scheduleNext(def, def.every());
    this.wake();
  }

  /** Puts the jobs leased by other (dead) owners back in the queue, ready now. */
  private async reclaimLeases(): Promise<void> {
    const released = await this.storage.reclaim();
    if (released.length) {
      this.logger.warn(
        { released: released.length, kinds: [...new Set(released.map((r) => r.kind))] },
        'released the job leases of a previous process; they run again now',
      );
    }
  }

  /** Renews this owner's leases: they run out only when this process stops beating. */
  private async beat(): Promise<void> {
    if (!this.inflight.size || this.beating) return;
    this.beating = true;
    try {
      await this.storage.heartbeat([...this.inflight.keys()]);
    } catch (err) {
      // A missed beat only shortens the lease; the next one renews it.
      this.logger.error({ err }, 'job lease heartbeat failed');
    } finally {
      this.beating = false;
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
    // A tick in flight may still lease: the jobs it starts are waited for like the others.
    const all = (async () => {
      if (this.ticking) await this.ticking;
      await Promise.allSettled([...this.inflight.values()]);
    })();
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

  get(id: string): Promise<JobRecord | undefined> {
    return this.storage.get(id);
  }

  list(filter: JobFilter = {}): Promise<JobRecord[]> {
    return this.storage.list(filter);
  }

  /** Resolves when nothing is running and nothing is ready to run (tests and graceful drains). */
  async idle(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      // Busy before and after the look: a tick may have leased (and started jobs) while it was on its way.
      if (!this.busy() && !(await this.hasReadyJobs()) && !this.busy()) return;
      await new Promise<void>((resolve) => {
        this.idleWaiters.push(resolve);
        setTimeout(resolve, 25);
      });
    }
    throw new Error('job queue did not become idle in time');
  }

  private busy(): boolean {
    return this.inflight.size > 0 || this.ticking !== null;
  }

  /** A job of a registered kind is due now (or held by another owner's lapsed lease). */
  private async hasReadyJobs(): Promise<boolean> {
    const due = await this.storage.nextDueAt([...this.kinds.keys()].map((kind) => [kind, 1] as const));
    return due !== null && due <= Date.now();
  }

  /** Room per kind: its concurrency less the jobs of it running here. */
  private freeSlots(): KindLimits {
    return [...this.kinds.values()].map(({ def, running }) => [def.kind, (def.concurrency ?? 4) - running] as const);
  }

  private tick(): Promise<void> {
    if (!this.started) return Promise.resolve();
    if (this.ticking) {
      this.tickAgain = true;
      return this.ticking;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const ticking = this.leaseAndRun().finally(() => {
      this.ticking = null;
      if (this.tickAgain) {
        this.tickAgain = false;
        this.notify();
      }
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    });
    this.ticking = ticking;
    return ticking;
  }

  private async leaseAndRun(): Promise<void> {
    let delay = this.options.pollIntervalMs;
    try {
      const leased = await this.storage.lease(this.freeSlots());
      // Leased jobs run even when stop() came meanwhile: stop() waits for them, and a lease is never left idle.
      for (const job of leased) this.run(this.kinds.get(job.kind)!, job);
      if (!this.started) return;
      await this.pruneOccasionally();
      delay = await this.nextDelay();
    } catch (err) {
      // A locked or briefly unavailable database must not kill the loop.
      this.logger.error({ err }, 'job queue tick failed');
    }
    if (!this.started) return;
    this.timer = setTimeout(this.wake, delay);
    this.timer.unref();
  }

  /**
   * Until the next queued job of a kind with room is due, but no longer than the look-ahead: pollIntervalMs while
   * jobs run, doubling per idle tick up to idlePollMaxMs. A kind without room waits for a running job to finish,
   * which wakes the loop.
   */
  private async nextDelay(): Promise<number> {
    const poll = this.options.pollIntervalMs;
    this.idleTicks = this.inflight.size ? 0 : Math.min(this.idleTicks + 1, MAX_IDLE_DOUBLINGS);
    const lookAhead = Math.min(Math.max(poll, this.options.idlePollMaxMs ?? 5_000), poll * 2 ** this.idleTicks);
    const due = await this.storage.nextDueAt(this.freeSlots());
    // A little past the due time, so that jobs due together (to the same moment, a few ms apart) share one lease.
    return due === null ? lookAhead : Math.max(0, Math.min(lookAhead, due - Date.now() + Math.min(poll, WAKE_SLACK_MS)));
  }

  private run(registered: Registered, job: JobRecord): void {
    registered.running += 1;
    const ctx: JobContext = { jobId: job.id, attempt: job.attempts, sandboxId: job.sandboxId, signal: this.abort.signal };
    const promise = (async () => {
      try {
        await registered.def.run(job.payload, ctx);
        await this.storage.finish(job, { status: 'succeeded' }, new Date());
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
    const at = new Date();
    const now = at.getTime();
    // A database error's own reason, never drizzle's wrapper text with the statement's values (db-errors.ts).
    const shown = withoutQueryText(error) as Error;
    const message = `${shown.name}: ${shown.message}`.slice(0, 2000);
    if (error instanceof TransientJobError) {
      const delay = Math.max(
        error.retryAfterMs ?? 0,
        fullJitterDelay(job.attempts - 1, backoff.baseMs, backoff.capMs, this.options.random),
      );
      await this.storage.finish(job, { status: 'queued', runAt: new Date(now + delay), lastError: message }, at);
      this.logger.info({ kind: job.kind, jobId: job.id, attempt: job.attempts, delayMs: delay, error: message }, 'job will retry');
      return;
    }
    const failures = job.failures + 1;
    if (error instanceof PermanentJobError || failures >= job.maxFailures) {
      if (await this.storage.finish(job, { status: 'failed', failures, lastError: message }, at)) {
        this.logger.warn({ kind: job.kind, jobId: job.id, failures, error: message }, 'job failed for good');
        if (def.every && this.started) await this.scheduleNext(def, def.every());
        await def.onExhausted?.(job.payload, error, { jobId: job.id, sandboxId: job.sandboxId });
      }
      return;
    }
    const delay = fullJitterDelay(failures - 1, backoff.baseMs, backoff.capMs, this.options.random);
    await this.storage.finish(job, { status: 'queued', failures, runAt: new Date(now + delay), lastError: message }, at);
    this.logger.warn({ kind: job.kind, jobId: job.id, failures, delayMs: delay, error: message }, 'job failed; will retry');
  }

  private async pruneOccasionally(): Promise<void> {
    const now = Date.now();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    await this.storage.prune(new Date(now - (this.options.retentionMs ?? 7 * 24 * 3600_000)));
  }
}
