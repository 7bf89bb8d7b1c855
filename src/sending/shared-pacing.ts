import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import type { AppDeps } from '../core/deps.js';
import { openPacingStore } from '../platform/pacing/select.js';
import { PacingError, takeSeeded, type PacingStore, type PacingTake } from '../platform/pacing/store.js';
import { abortReason } from './token-bucket.js';
import { store as sendStore } from './store.js';

/**
 * A sender's throughput shared by every instance (PostgreSQL mode; research/SCALE-OUT.md §5): the grants come
 * from a PacingStore (Redis with REDIS_URL, else PostgreSQL) on the store's clock, so the tier holds for the
 * number whichever instances send for it. Each instance runs one pump per sender that asks for up to a burst of
 * grants at a time for the sends waiting here (about rate/burst store calls per second per sender, not one per
 * send). Right before its request leaves, a send's grant is moved to that moment (restamp, coalesced into one
 * call for the sends leaving together), so a slow begin commit cannot squeeze two windows' sends closer together.
 *
 * Fails closed: while the store does not answer nothing is granted, every waiting send learns it (a PacingError
 * PACING_UNAVAILABLE), the runtime says so (log line, metric, limiterProblem for the batch's statusReason), and
 * sending resumes by itself once the store answers again, reseeded from the messages table if it lost its state.
 */

/** The store's window: Meta's 1 s plus 25 ms for arrival jitter (SenderPacers.DEFAULT_WINDOW_MS). */
export const SHARED_WINDOW_MS = 1_025;
/**
 * How much later than its stored "attempted" mark a send may have reached Meta: the store is seeded with each
 * recent mark moved this much later (capped at now), so a reseeded window counts them at least as late as they left.
 */
const SEEDED_SEND_LATE_MS = 250;
/**
 * A grant held longer than this before its request leaves is traded for a fresh one: by a window after it was
 * made it may have dropped out of the log, and a send on it would count nowhere.
 */
const GRANT_MAX_AGE_MS = 800;
/**
 * Grants one instance may hold for a sender (taken, request not yet left): a few bursts. A send takes its grant
 * before its begin commit; on a busy PostgreSQL that commit queues, and grants taken far ahead would age there
 * (and be traded, wasting the tier). Beyond this the sends wait for a grant instead, so a grant is taken only
 * when its commit can start soon.
 */
const HELD_BURSTS = 2;
/** An answer this much later than the sender's usual round trip moves its grant to when the answer came. */
const LATE_ANSWER_MS = 15;

/** A send job that found the shared send-rate limiter unreachable tries again after this (or its backoff). */
export const LIMITER_RETRY_MS = 1_000;

export interface SharedGrant {
  id: string;
  /** performance.now() when this instance received it. */
  receivedAt: number;
  /** Left (restamped) or given up: no longer held (SharedSender.done). */
  done?: boolean;
}

interface Waiter {
  resolve(grant: SharedGrant): void;
  reject(reason: unknown): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

interface Leaving {
  id: string;
  resolve(): void;
  reject(reason: unknown): void;
}

export function isLimiterUnavailable(err: unknown): err is PacingError {
  return err instanceof PacingError && err.code === 'PACING_UNAVAILABLE';
}

/** "Redis at 127.0.0.1:6379: connect ECONNREFUSED …" from a PacingError (it never carries a password). */
export function limiterProblemOf(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/^pacing store (.*?) is unavailable: /, '$1: ').slice(0, 240);
}

/** The batch statusReason while the limiter does not answer. */
export function limiterPausedReason(problem: string): string {
  return `Paused: the send-rate limiter is unreachable (${problem}); sending resumes by itself when it answers again.`;
}

function redisHost(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '6379'}`;
  } catch {
    return 'REDIS_URL';
  }
}

export class SharedPacing {
  private opening: Promise<PacingStore> | null = null;
  private opened: PacingStore | null = null;
  private readonly senders = new Map<string, SharedSender>();
  private closed = false;
  /** Set while the store does not answer: what it said, since when (epoch ms). */
  down: { problem: string; since: number } | null = null;
  readonly kind: 'redis' | 'pg';
  /** Where the limiter is, for messages: "Redis at host:port" or "PostgreSQL at host:port/db" (never a password). */
  private readonly where: string;
  private readonly failures;
  /** Calls to the store by kind: what pacing costs per send (takes come in blocks, restamps coalesce). */
  readonly calls;

  constructor(private readonly deps: AppDeps) {
    const { redisUrl } = deps.config.pacing;
    this.kind = redisUrl ? 'redis' : 'pg';
    this.where = redisUrl ? `Redis at ${redisHost(redisUrl)}` : 'PostgreSQL';
    this.failures = deps.metrics.counter(
      'wcs_send_pacing_limiter_failures_total',
      'Calls to the shared send-rate limiter (Redis, or PostgreSQL without REDIS_URL) that failed; sending pauses while it does not answer.',
    );
    this.calls = deps.metrics.counter(
      'wcs_send_pacing_limiter_calls_total',
      'Calls to the shared send-rate limiter, by call (take: a block of up to a burst of grants; restamp: the requests leaving together; pause; ping).',
      ['call'],
    );
    const isDown = () => this.down !== null;
    deps.metrics.gauge(
      'wcs_send_pacing_limiter_up',
      'Whether the shared send-rate limiter answered its last call (1) or not (0: sending is paused until it answers).',
      [],
      function () {
        this.set(isDown() ? 0 : 1);
      },
    );
  }

  /** The store, opened on first use (and again after an open that failed: Redis may come up later). */
  async store(): Promise<PacingStore> {
    if (this.opened) return this.opened;
    if (this.closed) throw new PacingError('PACING_UNAVAILABLE', 'pacing store is closed (the service is stopping)');
    this.opening ??= (async () => {
      const { db, config, logger } = this.deps;
      const { store, kind } = await openPacingStore({
        redisUrl: config.pacing.redisUrl,
        pgPool: db.backend === 'pg' ? db.$client : undefined,
        redis: { onError: (err) => this.failed(err) },
      });
      logger.info({ pacing: kind }, kind === 'redis' ? 'send pacing: cluster-wide on Redis' : 'send pacing: cluster-wide on PostgreSQL');
      return store;
    })();
    try {
      const store = await this.opening;
      if (this.closed) {
        await store.close();
        throw new PacingError('PACING_UNAVAILABLE', 'pacing store is closed (the service is stopping)');
      }
      this.opened = store;
      return store;
    } catch (err) {
      this.opening = null;
      throw err;
    }
  }

  sender(phoneNumberId: string): SharedSender {
    let sender = this.senders.get(phoneNumberId);
    if (!sender) {
      sender = new SharedSender(this, this.deps, phoneNumberId);
      this.senders.set(phoneNumberId, sender);
    }
    return sender;
  }

  /** Records a failed call: the first one of an outage is logged. */
  failed(err: unknown): void {
    this.failures.inc();
    if (this.down) return;
    // The client's own connection errors do not say where (a PacingError does, without the password).
    const problem = err instanceof PacingError ? limiterProblemOf(err) : `${this.where}: ${limiterProblemOf(err)}`;
    this.down = { problem, since: Date.now() };
    this.deps.logger.warn(
      { pacing: this.kind, problem },
      'send pacing: the rate limiter is unreachable; sending is paused until it answers',
    );
  }

  /** Records an answer: the end of an outage is logged. */
  answered(): void {
    if (!this.down) return;
    const downMs = Date.now() - this.down.since;
    this.down = null;
    this.deps.logger.info({ pacing: this.kind, downMs }, 'send pacing: the rate limiter answers again; sending resumes');
  }

  /**
   * Why sending is paused, or null when it may go on. Known down: asks the store again (one round trip), so a
   * paused batch resumes once it answers. force: asks even when not known down (a single send's mutation).
   */
  async problem(force = false): Promise<string | null> {
    if (!this.down && !force) return null;
    try {
      this.calls.inc({ call: 'ping' });
      await (await this.store()).ping();
      this.answered();
      return null;
    } catch (err) {
      if (!isLimiterUnavailable(err)) throw err;
      this.failed(err);
      return this.down?.problem ?? limiterProblemOf(err);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const sender of this.senders.values())
      sender.close(new PacingError('PACING_UNAVAILABLE', 'pacing stopped (the service is stopping)'));
    const store = this.opened ?? (await this.opening?.catch(() => null));
    this.opened = null;
    await store?.close();
  }

  /** Grants this instance received for the sender in the last window (metrics). */
  usedInWindow(phoneNumberId: string): number {
    return this.senders.get(phoneNumberId)?.usedInWindow() ?? 0;
  }
}

/** One sender's pump on this instance: a FIFO of sends waiting for a grant, served in blocks of up to a burst. */
export class SharedSender {
  private readonly key: string;
  private readonly queue: Waiter[] = [];
  private pumping = false;
  private rate = 1;
  private burst = 1;
  private readonly leaving: Leaving[] = [];
  /** Grants handed out and not yet done (see HELD_BURSTS). */
  private held = 0;
  private wakeUp: AbortController | null = null;
  private flushing = false;
  /** performance.now() of the grants received in the last window (metrics). */
  private readonly received: number[] = [];

  constructor(
    private readonly shared: SharedPacing,
    private readonly deps: AppDeps,
    private readonly phoneNumberId: string,
  ) {
    this.key = `sender:${phoneNumberId}`;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** Resolves with a grant once the sender may send; rejects with PACING_UNAVAILABLE, or the signal's reason. */
  take(rate: number, burst: number, signal?: AbortSignal): Promise<SharedGrant> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    this.rate = rate;
    this.burst = Math.min(rate, burst);
    return new Promise<SharedGrant>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const i = this.queue.indexOf(waiter);
          if (i >= 0) this.queue.splice(i, 1);
          reject(abortReason(signal));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.queue.push(waiter);
      void this.pump();
    });
  }

  /**
   * The grant's request leaves now: its grant counts from the store's now (one call for every send leaving in
   * the same turn). A grant held too long is first traded for a fresh one. Rejects with PACING_UNAVAILABLE.
   */
  async leave(grant: SharedGrant, signal?: AbortSignal): Promise<SharedGrant> {
    let current = grant;
    if (performance.now() - grant.receivedAt > GRANT_MAX_AGE_MS) {
      this.done(grant);
      current = await this.take(this.rate, this.burst, signal);
    }
    this.done(current);
    await new Promise<void>((resolve, reject) => {
      this.leaving.push({ id: current.id, resolve, reject });
      void this.flush();
    });
    return current;
  }

  /** The grant is no longer held: its request left, or it will not be used (it still counts in the log). Idempotent. */
  done(grant: SharedGrant): void {
    if (grant.done) return;
    grant.done = true;
    this.held--;
    this.wakeUp?.abort();
  }

  /** The answer to the grant's request came late (it may have arrived as late): it counts from now. Best effort. */
  answeredLate(grant: SharedGrant, latenessMs: number): void {
    if (latenessMs < LATE_ANSWER_MS) return;
    this.leaving.push({ id: grant.id, resolve: () => undefined, reject: () => undefined });
    void this.flush();
  }

  /** After Meta's throughput error: every instance pauses the sender until then (best effort; logged when it fails). */
  pauseUntil(untilEpochMs: number): void {
    void (async () => {
      try {
        this.shared.calls.inc({ call: 'pause' });
        await (await this.shared.store()).pauseUntil(this.key, untilEpochMs);
      } catch (err) {
        if (isLimiterUnavailable(err)) this.shared.failed(err);
        this.deps.logger.warn({ err, sender: this.phoneNumberId }, 'send pacing: could not share a throughput pause');
      }
    })();
  }

  usedInWindow(): number {
    const from = performance.now() - SHARED_WINDOW_MS;
    while (this.received.length && this.received[0]! <= from) this.received.shift();
    return this.received.length;
  }

  close(reason: unknown): void {
    for (const waiter of this.queue.splice(0)) this.settle(waiter, reason);
  }

  private settle(waiter: Waiter, reason: unknown, grant?: SharedGrant): void {
    if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
    if (grant) waiter.resolve(grant);
    else waiter.reject(reason);
  }

  /** The recent send attempts of every instance, from the messages table (epoch ms, each counted as if it left late). */
  private async recentSends(): Promise<number[]> {
    const now = Date.now();
    const since = new Date(now - SHARED_WINDOW_MS - SEEDED_SEND_LATE_MS);
    const recent = await sendStore.recentSendAttempts(this.deps.db, this.phoneNumberId, since);
    return recent.map((at) => Math.min(now - 1, at.getTime() + SEEDED_SEND_LATE_MS));
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length) {
        const room = HELD_BURSTS * this.burst - this.held;
        if (room <= 0) {
          // Wait for a held grant to leave (done() wakes the pump).
          const controller = new AbortController();
          this.wakeUp = controller;
          await delay(1_000, undefined, { signal: controller.signal }).catch(() => undefined);
          this.wakeUp = null;
          continue;
        }
        const k = Math.min(this.queue.length, this.burst, room);
        let r: PacingTake;
        try {
          const store = await this.shared.store();
          this.shared.calls.inc({ call: 'take' });
          r = await takeSeeded(store, this.key, { rate: this.rate, windowMs: SHARED_WINDOW_MS, maxBurst: this.burst, k }, () =>
            this.recentSends(),
          );
          this.shared.answered();
        } catch (err) {
          if (isLimiterUnavailable(err)) this.shared.failed(err);
          // Fail closed: nobody waiting here sends until the store answers again.
          for (const waiter of this.queue.splice(0)) this.settle(waiter, err);
          break;
        }
        const receivedAt = performance.now();
        for (let i = 0; i < r.granted; i++) {
          this.received.push(receivedAt);
          // A waiter that gave up meanwhile leaves its grant unused: it still counts, which only errs on the safe side.
          const waiter = this.queue.shift();
          if (!waiter) continue;
          this.held++;
          this.settle(waiter, undefined, { id: r.grants[i]!, receivedAt });
        }
        if (this.queue.length && r.granted < k) await delay(Math.max(1, Math.ceil(r.waitMs)));
      }
    } finally {
      this.pumping = false;
    }
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.leaving.length) {
        // Sends whose begin commit ended in the same turn leave together: one call for all of them.
        await new Promise<void>((resolve) => setImmediate(resolve));
        const batch = this.leaving.splice(0);
        try {
          this.shared.calls.inc({ call: 'restamp' });
          const store = await this.shared.store();
          await store.restamp(
            this.key,
            batch.map((b) => b.id),
          );
          this.shared.answered();
          for (const b of batch) b.resolve();
        } catch (err) {
          if (isLimiterUnavailable(err)) this.shared.failed(err);
          for (const b of batch) b.reject(err);
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
