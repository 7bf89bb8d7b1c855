import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * A sender's throughput (FACTS §8): a sender number may send `rate` messages per
 * second (80 STANDARD, 1000 HIGH; 130429 beyond). The bucket and its clock are
 * in-process and clock-injectable so tests run on a fake clock; pacing.ts puts it
 * together with the per-recipient pair pacing.
 */

export interface PacingClock {
  /** Milliseconds on a monotonic clock (never jumps back when the wall clock is set). */
  now(): number;
  /** Resolves after ms, or early (without throwing) when signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: PacingClock = {
  now: () => performance.now(),
  sleep: async (ms, signal) => {
    try {
      await delay(Math.max(0, Math.ceil(ms)), undefined, { signal });
    } catch {
      // aborted: the caller re-checks its condition
    }
  },
};

export const STANDARD_MESSAGES_PER_SECOND = 80;
export const HIGH_MESSAGES_PER_SECOND = 1000;
/** Pause after a 130429 when Meta gives no Retry-After. */
export const DEFAULT_THROUGHPUT_PENALTY_MS = 1_000;

export interface PacingOptions {
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

function checkRate(rate: number): number {
  if (!Number.isInteger(rate) || rate < 1) throw new RangeError(`rate must be a positive integer (got ${rate})`);
  return rate;
}

interface Waiter {
  resolve(grantedAt: number): void;
  reject(reason: unknown): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/**
 * At most `rate` grants in any window of `windowMs` (1 s): the bucket keeps the
 * times of the last `rate` grants and grants again only once the oldest of them
 * is windowMs old. So for grants g1 ≤ g2 ≤ … it holds g(i) − g(i−rate) ≥ windowMs,
 * which is exactly "no window of windowMs holds more than rate grants", with a
 * burst of up to `rate` when idle. Unlike a refilling float counter this stays
 * exact under real timers, which may fire early or late. Waiters are served in
 * FIFO order by one pump loop.
 *
 * maxBurst (default: rate) additionally spreads grants: at most maxBurst in any
 * maxBurst/rate of the window. A full-rate burst reaches Meta spread over however
 * long the requests take to be written and read, while the grants one window
 * later may arrive faster (warm connections): smaller bursts keep that skew well
 * inside the window's margin.
 *
 * catchUpMs (default 0) keeps the schedule from drifting: a timer fires a
 * millisecond or two late, and a grant recorded at the late wake-up pushes every
 * later grant out by as much (at 80/s in bursts of 8, a 1 ms late wake-up per
 * burst loses 1% of the rate). With catchUpMs a grant is recorded at the moment
 * it became allowed, if that is at most catchUpMs ago: the recorded grants keep
 * the window exactly, and the real ones are at most catchUpMs late. Use it where
 * a second bucket on the actual send times holds the hard limit (SenderPacers' gate).
 */
export class TokenBucket {
  private grants: Float64Array;
  /** Index of the oldest stored grant. */
  private head = 0;
  private count = 0;
  private pausedUntilMs = -Infinity;
  private readonly queue: Waiter[] = [];
  private pumping = false;
  private wakeUp: AbortController | null = null;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly windowMs: number;
  private readonly burstOf: (rate: number) => number;
  private readonly catchUpMs: number;

  constructor(
    private currentRate: number,
    options: PacingOptions & { windowMs?: number; maxBurst?: (rate: number) => number; catchUpMs?: number } = {},
  ) {
    checkRate(currentRate);
    this.now = options.now ?? realClock.now;
    this.sleep = options.sleep ?? realClock.sleep;
    this.windowMs = options.windowMs ?? 1000;
    this.burstOf = options.maxBurst ?? ((rate) => rate);
    this.catchUpMs = Math.max(0, options.catchUpMs ?? 0);
    this.grants = new Float64Array(currentRate);
  }

  /** Grants allowed back to back (see maxBurst). */
  get maxBurst(): number {
    return Math.min(this.currentRate, Math.max(1, Math.floor(this.burstOf(this.currentRate))));
  }

  get rate(): number {
    return this.currentRate;
  }

  /** How many take() calls are waiting. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Until when a penalty pauses all grants (clock ms; -Infinity when never paused). */
  get pausedUntil(): number {
    return this.pausedUntilMs;
  }

  /** Milliseconds until a grant is possible (0 = now), ignoring waiters already queued. */
  delayAt(t: number = this.now()): number {
    return Math.max(0, this.allowedFrom() - t);
  }

  /** The earliest clock time the next grant may have (-Infinity: any time). */
  private allowedFrom(): number {
    const rate = this.currentRate;
    const window = this.count < rate ? -Infinity : this.grants[this.head]! + this.windowMs;
    const burst = this.maxBurst;
    const spread =
      burst >= rate || this.count < burst
        ? -Infinity
        : this.grants[(this.head + this.count - burst) % rate]! + (burst * this.windowMs) / rate;
    return Math.max(this.pausedUntilMs, window, spread);
  }

  /** Records a grant made at t: at t, or when it became allowed if that is at most catchUpMs earlier (see catchUpMs). */
  private grantAt(t: number): number {
    const from = this.allowedFrom();
    const last = this.count ? this.grants[(this.head + this.count - 1) % this.currentRate]! : -Infinity;
    // Recorded times stay in order (the ring's oldest is its head) and never after the grant.
    this.record(from < t && from >= t - this.catchUpMs ? Math.min(t, Math.max(from, last)) : t);
    return t;
  }

  private record(t: number): void {
    const rate = this.currentRate;
    if (this.count < rate) {
      this.grants[(this.head + this.count) % rate] = t;
      this.count++;
    } else {
      this.grants[this.head] = t;
      this.head = (this.head + 1) % rate;
    }
  }

  /**
   * Counts grants made before this bucket existed (e.g. by the previous process,
   * read back from the database) so the window also holds across a restart.
   * Times are on this bucket's clock; those outside the last windowMs are
   * ignored. Call before the first take(): seeded grants are recorded as the oldest.
   */
  seed(times: readonly number[]): void {
    const t = this.now();
    const recent = times.filter((x) => Number.isFinite(x) && x > t - this.windowMs && x <= t).sort((a, b) => a - b);
    const kept = recent.slice(-this.currentRate);
    if (!kept.length) return;
    this.rebuild([...kept, ...this.recorded()].sort((a, b) => a - b));
    this.wake();
  }

  /** The recorded grant times, oldest first. */
  private recorded(): number[] {
    const times: number[] = [];
    for (let i = 0; i < this.count; i++) times.push(this.grants[(this.head + i) % this.currentRate]!);
    return times;
  }

  /** Replaces the ring with the last `rate` of `times` (in order, oldest first). */
  private rebuild(times: readonly number[]): void {
    this.grants = new Float64Array(this.currentRate);
    this.head = 0;
    this.count = 0;
    for (const x of times.slice(-this.currentRate)) this.record(x);
  }

  /**
   * Moves a grant later (never earlier), e.g. to when its request may have arrived: a grant
   * already out of the last `rate` no longer counts and is left alone.
   */
  restamp(grantedAt: number, at: number): void {
    if (!(at > grantedAt)) return;
    for (let k = this.count - 1; k >= 0; k--) {
      const i = (this.head + k) % this.currentRate;
      if (this.grants[i] === grantedAt) {
        this.grants[i] = at;
        return;
      }
    }
  }

  /** Grants in the last window (what the pacing has used of `rate`; for metrics). */
  usedInWindow(t: number = this.now()): number {
    let n = 0;
    for (let k = this.count - 1; k >= 0 && this.grants[(this.head + k) % this.currentRate]! > t - this.windowMs; k--) n++;
    return n;
  }

  /** Takes a grant now if one is free and nobody is queued; never waits. */
  tryTake(): boolean {
    return this.grantNow() !== null;
  }

  private grantNow(): number | null {
    if (this.queue.length) return null;
    const t = this.now();
    if (this.delayAt(t) > 0) return null;
    return this.grantAt(t);
  }

  /**
   * Resolves when the caller may send, with the clock time of the grant;
   * rejects with the signal's reason when aborted while waiting.
   */
  take(signal?: AbortSignal): Promise<number> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const now = this.grantNow();
    if (now !== null) return Promise.resolve(now);
    return new Promise<number>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const i = this.queue.indexOf(waiter);
          if (i >= 0) this.queue.splice(i, 1);
          // Nobody left: stop the pump's timer now rather than when it fires.
          if (!this.queue.length) this.wake();
          reject(abortReason(signal));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.queue.push(waiter);
      void this.pump();
    });
  }

  /** Changes the rate (e.g. the number moved to HIGH throughput); the last min(old, new) grants still count. */
  setRate(rate: number): void {
    checkRate(rate);
    if (rate === this.currentRate) return;
    const recorded = this.recorded();
    this.currentRate = rate;
    this.rebuild(recorded);
    this.wake();
  }

  /** Pauses every grant for ms (after Meta's 130429); overlapping penalties keep the later end. */
  penalize(ms: number): void {
    if (!(ms > 0)) return;
    this.pausedUntilMs = Math.max(this.pausedUntilMs, this.now() + ms);
  }

  /** Rejects every waiting take() (e.g. on shutdown); the bucket stays usable. */
  close(reason: unknown = new Error('pacing stopped')): void {
    for (const waiter of this.queue.splice(0)) {
      if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.reject(reason);
    }
    this.wake();
  }

  private wake(): void {
    this.wakeUp?.abort();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length) {
        const t = this.now();
        const wait = this.delayAt(t);
        if (wait <= 0) {
          this.grantAt(t);
          const waiter = this.queue.shift()!;
          if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
          waiter.resolve(t);
          continue;
        }
        const controller = new AbortController();
        this.wakeUp = controller;
        try {
          // Timers may fire early or late: the loop re-reads the clock either way.
          await this.sleep(wait, controller.signal);
        } catch {
          // a sleep that throws is treated like a wake-up
        } finally {
          this.wakeUp = null;
        }
      }
    } finally {
      this.pumping = false;
    }
  }
}
