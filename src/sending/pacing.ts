import {
  realClock,
  DEFAULT_THROUGHPUT_PENALTY_MS,
  abortReason,
  TokenBucket,
  HIGH_MESSAGES_PER_SECOND,
  STANDARD_MESSAGES_PER_SECOND,
  type PacingOptions,
} from './token-bucket.js';
import { PairOrder } from './pair-order.js';

/**
 * Send pacing (FACTS §8): a sender number may send `rate` messages per second
 * (80 STANDARD, 1000 HIGH; 130429 beyond: token-bucket.ts), and one WhatsApp
 * user should get at most one message every 6 seconds from it (131056 beyond;
 * retry after 4^X s). Everything here is in-process and clock-injectable so
 * tests run on a fake clock.
 */

const DEFAULT_PAIR_INTERVAL_MS = 6_000;

/**
 * How late an answer from Meta came back, beyond the sender's usual round trip (the least of its recent
 * ones, over two blocks of 100). A late answer means its request may have arrived late too: a stall on
 * the way, or at Meta (the simulator's event loop on a loaded machine), which could bring it within 1 s
 * of a request sent on time a window later. The gate counts such a request from as much later.
 */
export class RoundTrips {
  private current = Infinity;
  /** 0 until a first block is seen: the first answers (new connections) count whole, nothing is known to be usual yet. */
  private previous = 0;
  private seen = 0;

  /** Records a round trip (ms) and returns how much longer than usual it took. */
  lateness(ms: number): number {
    if (ms < this.current) this.current = ms;
    const floor = Math.min(this.previous, this.current);
    if (++this.seen >= 100) {
      this.previous = this.current;
      this.current = Infinity;
      this.seen = 0;
    }
    return Math.max(0, ms - floor);
  }
}

/** A recipient's slot taken by waitTurn: what it replaced and what it booked. */
export interface PairBooking {
  recipient: string;
  previous: number | undefined;
  booked: number;
}

/**
 * Meta's pair rate limit: one message to the same WhatsApp user every
 * intervalMs (6 s). waitTurn reserves the next slot for the recipient, so
 * concurrent sends to one person queue up instead of racing; backoff pushes the
 * recipient's next slot out after a 131056. Memory stays bounded: recipients
 * whose slot has passed are forgotten, and at most maxEntries are kept.
 */
export class PairPacer {
  readonly intervalMs: number;
  readonly maxEntries: number;
  readonly maxBackoffMs: number;
  /** recipient -> clock ms of their next allowed send; insertion order = least recently used first. */
  private readonly next = new Map<string, number>();
  /** Who is next in each recipient's line (arrival order): see PairOrder. */
  readonly order: PairOrder;
  private lastSweep: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(options: PacingOptions & { intervalMs?: number; maxEntries?: number; maxBackoffMs?: number } = {}) {
    this.intervalMs = options.intervalMs ?? DEFAULT_PAIR_INTERVAL_MS;
    this.maxEntries = options.maxEntries ?? 100_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 1_024_000; // 4^5 s, about 17 minutes
    this.now = options.now ?? realClock.now;
    this.sleep = options.sleep ?? realClock.sleep;
    this.lastSweep = this.now();
    this.order = new PairOrder({ intervalMs: this.intervalMs, maxEntries: this.maxEntries, now: this.now });
  }

  /**
   * Whether the message `ticket` may take the recipient's slot now (0: wait for it with waitTurn) or should
   * come back after the returned delay (ms), keeping its place in the recipient's line (PairOrder).
   */
  admit(recipient: string, ticket: string, maxWaitMs: number): number {
    return this.order.admit(recipient, ticket, this.nextAllowedAt(recipient), maxWaitMs);
  }

  /** Recipients currently remembered. */
  get size(): number {
    return this.next.size;
  }

  /** When the recipient may get the next message (clock ms); at or before now() means right away. */
  nextAllowedAt(recipient: string): number {
    return this.next.get(recipient) ?? this.now();
  }

  private set(recipient: string, at: number): void {
    this.next.delete(recipient);
    this.next.set(recipient, at);
    const t = this.now();
    if (t - this.lastSweep >= this.intervalMs || this.next.size > this.maxEntries) this.sweep(t);
  }

  private sweep(t: number): void {
    this.lastSweep = t;
    for (const [recipient, at] of this.next) if (at <= t) this.next.delete(recipient);
    // Still too many: drop the least recently used (their pacing restarts, Meta's 131056 backoff still applies).
    for (const recipient of this.next.keys()) {
      if (this.next.size <= this.maxEntries) break;
      this.next.delete(recipient);
    }
  }

  /**
   * Waits until the recipient's turn and books the following slot; rejects when
   * aborted (releasing the booking). Resolves with the booking, for release().
   */
  async waitTurn(recipient: string, signal?: AbortSignal): Promise<PairBooking> {
    if (signal?.aborted) throw abortReason(signal);
    const t = this.now();
    const previous = this.next.get(recipient);
    const slot = Math.max(t, previous ?? t);
    const booking: PairBooking = { recipient, previous, booked: slot + this.intervalMs };
    this.set(recipient, booking.booked);
    for (let now = t; now < slot; now = this.now()) {
      await this.sleep(slot - now, signal);
      if (signal?.aborted) {
        this.release(booking);
        throw abortReason(signal);
      }
    }
    return booking;
  }

  /**
   * Gives a booking back when its send did not count at Meta (refused before the
   * pair limit applies: throttled, unreachable), unless a later caller booked after it.
   */
  release(booking: PairBooking): void {
    if (this.next.get(booking.recipient) !== booking.booked) return;
    if (booking.previous === undefined) this.next.delete(booking.recipient);
    else this.next.set(booking.recipient, booking.previous);
  }

  /**
   * After Meta's 131056 for this recipient: the delay before trying again,
   * 4^attempt seconds (attempt 0, 1, 2 …) capped at maxBackoffMs; the
   * recipient's next slot moves at least that far out.
   */
  backoff(recipient: string, attempt: number): number {
    const exponent = Math.max(0, Math.floor(attempt));
    const ms = Math.min(4 ** exponent * 1000, this.maxBackoffMs);
    const at = this.now() + ms;
    this.set(recipient, Math.max(at, this.next.get(recipient) ?? at));
    return ms;
  }

  forget(recipient: string): void {
    this.next.delete(recipient);
  }
}

export interface SenderThroughput {
  /** Meta's phone number id of the sender. */
  phoneNumberId: string;
  /** Messages per second from the credential, when known. */
  messagesPerSecond?: number | null;
  /** STANDARD | HIGH | NOT_APPLICABLE (credential throughputLevel). */
  throughputLevel?: string | null;
}

/** The sender's messages per second: the credential's figure, else 1000 for HIGH, else 80. */
export function senderRate(sender: Omit<SenderThroughput, 'phoneNumberId'>): number {
  const mps = sender.messagesPerSecond;
  if (typeof mps === 'number' && Number.isInteger(mps) && mps > 0) return mps;
  return sender.throughputLevel === 'HIGH' ? HIGH_MESSAGES_PER_SECOND : STANDARD_MESSAGES_PER_SECOND;
}

export interface SenderPacer {
  /** Paces grants, taken before a send is marked attempted (on a drift-free schedule: catchUpMs). */
  bucket: TokenBucket;
  /**
   * The hard limit on the moments requests actually leave, taken right before each one: the begin commit
   * between grant and request takes a varying few ms, so two requests granted a window apart may leave
   * closer. Its window is a little shorter than the bucket's, so it waits only for such a squeeze.
   */
  gate: TokenBucket;
  /** The answers' usual round trip: a late one moves its request's place in the gate (RoundTrips). */
  roundTrips: RoundTrips;
  pairs: PairPacer;
}

/**
 * Per sender phone number id: a TokenBucket that schedules grants, a gate (a
 * second TokenBucket) on the moments requests leave, and a PairPacer; created on
 * first use at the sender's rate and re-rated when the credential's throughput
 * changes. The windows are 1 s plus a margin: Meta (and the simulator) count
 * requests when they arrive, and jitter can bring two requests sent 1 s apart a
 * few milliseconds closer.
 */
export class SenderPacers {
  private readonly senders = new Map<string, SenderPacer>();

  constructor(
    private readonly options: PacingOptions & {
      windowMs?: number;
      gateWindowMs?: number;
      catchUpMs?: number;
      pairIntervalMs?: number;
      maxRecipientsPerSender?: number;
      maxBurst?: (rate: number) => number;
    } = {},
  ) {}

  static readonly DEFAULT_WINDOW_MS = 1_025;
  /**
   * Send times a window apart: Meta's 1 s plus 20 ms for arrival jitter. 5 ms below the bucket's window, so
   * a wait at the gate (a begin commit faster than the one a window earlier) shrinks again by 5 ms a window.
   */
  static readonly DEFAULT_GATE_WINDOW_MS = 1_020;
  /** How late a timer may wake the bucket without the schedule slipping (see TokenBucket catchUpMs). */
  static readonly DEFAULT_CATCH_UP_MS = 5;

  /** The sender's pacers, created or re-rated to `rate` (default: from the sender's throughput). */
  forSender(sender: SenderThroughput, rate: number = senderRate(sender)): SenderPacer {
    let pacer = this.senders.get(sender.phoneNumberId);
    if (!pacer) {
      const { windowMs, gateWindowMs, catchUpMs } = this.options;
      pacer = {
        bucket: new TokenBucket(rate, {
          ...this.options,
          windowMs: windowMs ?? SenderPacers.DEFAULT_WINDOW_MS,
          catchUpMs: catchUpMs ?? SenderPacers.DEFAULT_CATCH_UP_MS,
        }),
        gate: new TokenBucket(rate, {
          now: this.options.now,
          sleep: this.options.sleep,
          windowMs: gateWindowMs ?? Math.min(windowMs ?? Infinity, SenderPacers.DEFAULT_GATE_WINDOW_MS),
        }),
        roundTrips: new RoundTrips(),
        pairs: new PairPacer({ ...this.options, intervalMs: this.options.pairIntervalMs, maxEntries: this.options.maxRecipientsPerSender }),
      };
      this.senders.set(sender.phoneNumberId, pacer);
    } else if (pacer.bucket.rate !== rate) {
      pacer.bucket.setRate(rate);
      pacer.gate.setRate(rate);
    }
    return pacer;
  }

  /**
   * Waits for the recipient's pair slot, then for a throughput grant (in that
   * order, so a grant is never held while waiting seconds for one person), then
   * passes the gate (the send leaves now).
   */
  async acquire(sender: SenderThroughput, recipient: string, signal?: AbortSignal): Promise<void> {
    const { bucket, gate, pairs } = this.forSender(sender);
    await pairs.waitTurn(recipient, signal);
    await bucket.take(signal);
    await gate.take(signal);
  }

  /** After a 130429 from this sender: pause all its sends for ms. */
  penalize(phoneNumberId: string, ms: number = DEFAULT_THROUGHPUT_PENALTY_MS): void {
    this.senders.get(phoneNumberId)?.bucket.penalize(ms);
  }

  /** After a 131056 for this sender and recipient: the delay before retrying (4^attempt s). */
  backoff(phoneNumberId: string, recipient: string, attempt: number): number {
    const pacer = this.senders.get(phoneNumberId) ?? this.forSender({ phoneNumberId });
    return pacer.pairs.backoff(recipient, attempt);
  }

  /** Rejects every waiting acquire of every sender (shutdown). */
  close(reason?: unknown): void {
    for (const { bucket, gate } of this.senders.values()) {
      bucket.close(reason);
      gate.close(reason);
    }
  }

  get(phoneNumberId: string): SenderPacer | undefined {
    return this.senders.get(phoneNumberId);
  }

  delete(phoneNumberId: string): void {
    const pacer = this.senders.get(phoneNumberId);
    pacer?.bucket.close();
    pacer?.gate.close();
    this.senders.delete(phoneNumberId);
  }

  get size(): number {
    return this.senders.size;
  }

  /** Every sender's pacers, by phone number id (metrics). */
  entries(): IterableIterator<[string, SenderPacer]> {
    return this.senders.entries();
  }
}
