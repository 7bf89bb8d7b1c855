import type { AppDeps } from '../core/deps.js';
import { openPacingStore } from '../platform/pacing/select.js';
import { PacingError, type PacingStore } from '../platform/pacing/store.js';
import { isLimiterUnavailable, Pump, type PumpOwner, type SharedGrant } from './shared-pump.js';
import { store as sendStore } from './store.js';

export { isLimiterUnavailable, type SharedGrant } from './shared-pump.js';

/**
 * A sender's throughput shared by every instance (PostgreSQL mode; research/SCALE-OUT.md §5): the grants come
 * from a PacingStore (Redis with REDIS_URL, else PostgreSQL) on the store's clock, so the tier holds for the
 * number whichever instances send for it. As in process (pacing.ts), a send takes a schedule grant before its
 * begin commit and passes a gate right before its request leaves: each is a pump per sender and instance
 * (shared-pump.ts) that asks the store for a block of grants at a time for the sends waiting here, not one call
 * per send. The gate holds the hard limit on the moments requests leave, so a slow begin commit cannot squeeze
 * two windows' sends closer together.
 *
 * Fails closed: while the store does not answer nothing is granted, every waiting send learns it (a PacingError
 * PACING_UNAVAILABLE), the runtime says so (log line, metric, limiterProblem for the batch's statusReason), and
 * sending resumes by itself once the store answers again, reseeded from the messages table if it lost its state.
 */

/**
 * The schedule's window: Meta's 1 s plus 50 ms for arrival jitter. Wider than in process (SenderPacers'
 * DEFAULT_WINDOW_MS, 1,025): the requests of one sender leave from several processes, over their own connections,
 * and a stall of any one instance's event loop moves its requests' arrival at Meta later than the moment its grant
 * was stamped; 20 ms let Meta count 81 in a second now and then with 3 instances (test/cluster/send-pacing-cluster).
 * The price: at most 80 per 1.05 s, 95% of the tier (measured 92.6% with 3 instance processes on Redis:
 * test/cluster/send-pacing-processes.test.ts).
 */
export const SHARED_WINDOW_MS = 1_050;
/** The gate's window on the moments requests leave (in process: SenderPacers.DEFAULT_GATE_WINDOW_MS, 1,020). */
export const SHARED_GATE_WINDOW_MS = 1_045;
/**
 * How much later than its stored "attempted" mark a send may have reached Meta: the store is seeded with each
 * recent mark moved this much later (capped at now), so a reseeded window counts them at least as late as they left.
 */
const SEEDED_SEND_LATE_MS = 250;
/**
 * Schedule grants one instance may hold for a sender (taken, begin commit not yet done): a few bursts. On a busy
 * PostgreSQL begin commits queue; beyond this the sends wait for a grant instead, so the schedule does not run
 * far ahead of what the gate can let leave.
 */
const HELD_BURSTS = 4;
/** An answer this much later than the sender's usual round trip moves its grant to when the answer came. */
const LATE_ANSWER_MS = 15;

/** A send job that found the shared send-rate limiter unreachable tries again after this (or its backoff). */
export const LIMITER_RETRY_MS = 1_000;

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

export class SharedPacing implements PumpOwner {
  private opening: Promise<PacingStore> | null = null;
  private opened: PacingStore | null = null;
  private readonly senders = new Map<string, SharedSender>();
  private closed = false;
  /** While the limiter is down: a look every second (see probeUntilAnswered). */
  private probing: NodeJS.Timeout | null = null;
  /** Set while the store does not answer: what it said, since when (epoch ms). */
  down: { problem: string; since: number } | null = null;
  readonly kind: 'redis' | 'pg';
  /** Where the limiter is, for messages: "Redis at host:port" or "PostgreSQL at host:port/db" (never a password). */
  private readonly where: string;
  private readonly failures;
  /** Calls to the store by kind: what pacing costs per send (takes come in blocks for the sends waiting). */
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
      'Calls to the shared send-rate limiter, by call (take: a block of up to a burst of grants; restamp: requests whose answer came late; pause; ping).',
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
    this.probeUntilAnswered();
  }

  /**
   * While down, asks the store every second, so that an instance that has nothing to send also learns (and says, in
   * its log and its wcs_send_pacing_limiter_up) that the limiter answers again, instead of at its next send.
   */
  private probeUntilAnswered(): void {
    if (this.probing || this.closed) return;
    this.probing = setInterval(() => {
      if (!this.down || this.closed) {
        if (this.probing) clearInterval(this.probing);
        this.probing = null;
        return;
      }
      this.problem().catch(() => undefined);
    }, 1_000);
    this.probing.unref();
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
    if (this.probing) clearInterval(this.probing);
    this.probing = null;
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

/**
 * One sender on this instance: a schedule pump (grants before the begin commit, spread in bursts, at most a few
 * bursts held at once) and a gate pump (grants on the moments requests leave: the hard limit). As in process
 * (pacing.ts: bucket and gate), the gate's window is 5 ms shorter, so it holds back only a request whose begin
 * commit was faster than the one a window earlier.
 */
export class SharedSender {
  private readonly schedule: Pump;
  private readonly gate: Pump;
  private rate = 1;
  private readonly late: string[] = [];
  private flushing = false;

  constructor(
    private readonly shared: SharedPacing,
    private readonly deps: AppDeps,
    private readonly phoneNumberId: string,
  ) {
    const recent = () => this.recentSends();
    this.schedule = new Pump(shared, `sender:${phoneNumberId}`, SHARED_WINDOW_MS, HELD_BURSTS, recent);
    this.gate = new Pump(shared, `gate:${phoneNumberId}`, SHARED_GATE_WINDOW_MS, null, recent);
  }

  get waiting(): number {
    return this.schedule.waiting + this.gate.waiting;
  }

  /** A grant to begin a send (before its begin commit); rejects with PACING_UNAVAILABLE, or the signal's reason. */
  take(rate: number, burst: number, signal?: AbortSignal): Promise<SharedGrant> {
    this.rate = rate;
    return this.schedule.take(rate, burst, signal);
  }

  /** The begun send's request may leave once the gate grants it: resolves with the gate's grant. */
  async leave(grant: SharedGrant, signal?: AbortSignal): Promise<SharedGrant> {
    this.schedule.done(grant);
    return this.gate.take(this.rate, this.rate, signal);
  }

  /** The schedule grant will not be used (nothing to send, an error): it is no longer held. Idempotent. */
  done(grant: SharedGrant): void {
    this.schedule.done(grant);
  }

  /** The answer to the request came late (it may have arrived as late): its gate grant counts from now. Best effort. */
  answeredLate(gateGrant: SharedGrant, latenessMs: number): void {
    if (latenessMs < LATE_ANSWER_MS) return;
    this.late.push(gateGrant.id);
    void this.flushLate();
  }

  /** After Meta's throughput error: every instance pauses the sender until then (best effort; logged when it fails). */
  pauseUntil(untilEpochMs: number): void {
    void (async () => {
      try {
        this.shared.calls.inc({ call: 'pause' });
        await (await this.shared.store()).pauseUntil(this.schedule.key, untilEpochMs);
      } catch (err) {
        if (isLimiterUnavailable(err)) this.shared.failed(err);
        this.deps.logger.warn({ err, sender: this.phoneNumberId }, 'send pacing: could not share a throughput pause');
      }
    })();
  }

  /** Requests that left through this instance's gate in the last window (metrics). */
  usedInWindow(): number {
    return this.gate.usedInWindow();
  }

  close(reason: unknown): void {
    this.schedule.close(reason);
    this.gate.close(reason);
  }

  /** The recent send attempts of every instance, from the messages table (epoch ms, each counted as if it left late). */
  private async recentSends(): Promise<number[]> {
    const now = Date.now();
    const since = new Date(now - SHARED_WINDOW_MS - SEEDED_SEND_LATE_MS);
    const recent = await sendStore.recentSendAttempts(this.deps.db, this.phoneNumberId, since);
    return recent.map((at) => Math.min(now - 1, at.getTime() + SEEDED_SEND_LATE_MS));
  }

  private async flushLate(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.late.length) {
        // Late answers of one turn: one call.
        await new Promise<void>((resolve) => setImmediate(resolve));
        const ids = this.late.splice(0);
        try {
          this.shared.calls.inc({ call: 'restamp' });
          await (await this.shared.store()).restamp(this.gate.key, ids);
        } catch (err) {
          if (isLimiterUnavailable(err)) this.shared.failed(err);
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
