import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import type { Counter } from 'prom-client';
import { PacingError, takeSeeded, type PacingStore, type PacingTake } from '../platform/pacing/store.js';
import { abortReason } from './token-bucket.js';

/**
 * One pump of one sender on this instance (shared-pacing.ts): a FIFO of sends waiting for a grant of one key of
 * the shared store, served in blocks of up to a burst (one store call per block, not one per send), sleeping the
 * wait the store returns in between. Fails closed: a store that does not answer rejects every waiting send.
 */

export interface SharedGrant {
  id: string;
  /** performance.now() when this instance received it. */
  receivedAt: number;
  /** No longer held (Pump.done). */
  done?: boolean;
}

/** What a pump needs of the instance's shared pacing. */
export interface PumpOwner {
  store(): Promise<PacingStore>;
  answered(): void;
  failed(err: unknown): void;
  readonly calls: Counter<'call'>;
}

interface Waiter {
  resolve(grant: SharedGrant): void;
  reject(reason: unknown): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

export function isLimiterUnavailable(err: unknown): err is PacingError {
  return err instanceof PacingError && err.code === 'PACING_UNAVAILABLE';
}

export class Pump {
  private readonly queue: Waiter[] = [];
  private pumping = false;
  private rate = 1;
  private burst = 1;
  /** Grants handed out and not yet done (heldBursts). */
  private held = 0;
  private wakeUp: AbortController | null = null;
  /** performance.now() of the grants received in the last window (metrics). */
  private readonly received: number[] = [];

  /**
   * heldBursts: at most this many bursts of grants handed out and not yet done() (null: no limit, nothing to
   * call done() for). loadRecent: the send times (epoch ms) to seed the key with when the store lost it.
   */
  constructor(
    private readonly owner: PumpOwner,
    readonly key: string,
    readonly windowMs: number,
    private readonly heldBursts: number | null,
    private readonly loadRecent: () => Promise<number[]>,
  ) {}

  get waiting(): number {
    return this.queue.length;
  }

  /** Resolves with a grant once the sender may go on; rejects with PACING_UNAVAILABLE, or the signal's reason. */
  take(rate: number, burst: number, signal?: AbortSignal): Promise<SharedGrant> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    this.rate = rate;
    this.burst = Math.max(1, Math.min(rate, Math.floor(burst)));
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

  /** The grant is no longer held (its request goes on, or it will not be used; it still counts). Idempotent. */
  done(grant: SharedGrant): void {
    if (grant.done || this.heldBursts === null) return;
    grant.done = true;
    this.held--;
    this.wakeUp?.abort();
  }

  usedInWindow(): number {
    const from = performance.now() - this.windowMs;
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

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length) {
        const room = this.heldBursts === null ? Infinity : this.heldBursts * this.burst - this.held;
        if (room <= 0) {
          // Wait for a held grant to be done (done() wakes the pump).
          const controller = new AbortController();
          this.wakeUp = controller;
          await delay(1_000, undefined, { signal: controller.signal }).catch(() => undefined);
          this.wakeUp = null;
          continue;
        }
        const k = Math.min(this.queue.length, this.burst, room);
        let r: PacingTake;
        try {
          const store = await this.owner.store();
          this.owner.calls.inc({ call: 'take' });
          r = await takeSeeded(store, this.key, { rate: this.rate, windowMs: this.windowMs, maxBurst: this.burst, k }, this.loadRecent);
          this.owner.answered();
        } catch (err) {
          if (isLimiterUnavailable(err)) this.owner.failed(err);
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
          if (this.heldBursts !== null) this.held++;
          this.settle(waiter, undefined, { id: r.grants[i]!, receivedAt });
        }
        if (this.queue.length && r.granted < k) await delay(Math.max(1, Math.ceil(r.waitMs)));
      }
    } finally {
      this.pumping = false;
    }
  }
}
