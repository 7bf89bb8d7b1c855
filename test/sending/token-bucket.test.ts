import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/sending/token-bucket.js';
import { FakeClock, prng, worstWindow } from './fake-clock.js';

// Issue 8, pacing: a sender number's throughput is never exceeded in any 1-second window.

function bucketOn(clock: FakeClock, rate: number, windowMs?: number) {
  return new TokenBucket(rate, { now: clock.now, sleep: clock.sleep, windowMs });
}

describe('TokenBucket on an injected clock', () => {
  it('grants a burst of `rate` at once, then the next grant exactly one window after the first', async () => {
    const clock = new FakeClock();
    const bucket = bucketOn(clock, 3);
    const granted: number[] = [];
    for (let i = 0; i < 7; i++) void bucket.take().then((t) => granted.push(t));
    await clock.flush();
    expect(granted).toEqual([0, 0, 0]);
    expect(bucket.waiting).toBe(4);
    await clock.advanceTo(999);
    expect(granted).toHaveLength(3);
    await clock.advanceTo(1000);
    expect(granted).toEqual([0, 0, 0, 1000, 1000, 1000]);
    await clock.advanceTo(2000);
    expect(granted).toEqual([0, 0, 0, 1000, 1000, 1000, 2000]);
    expect(bucket.waiting).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it('spreads grants when requests arrive spread out (a sliding window, not fixed seconds)', async () => {
    const clock = new FakeClock();
    const bucket = bucketOn(clock, 2);
    const granted: number[] = [];
    const at = async (t: number) => {
      await clock.advanceTo(t);
      void bucket.take().then((g) => granted.push(g));
      await clock.flush();
    };
    await at(0);
    await at(600);
    await at(900); // window (−100, 900] already holds 0 and 600: waits until 1000
    await at(1100); // holds 600 and 1000: waits until 1600
    await clock.advanceTo(5000);
    expect(granted).toEqual([0, 600, 1000, 1600]);
  });

  it('serves waiters first come, first served, and tryTake never jumps the queue', async () => {
    const clock = new FakeClock();
    const bucket = bucketOn(clock, 1);
    const order: string[] = [];
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
    for (const name of ['a', 'b', 'c']) void bucket.take().then(() => order.push(name));
    await clock.advanceTo(1000);
    expect(bucket.tryTake()).toBe(false); // b is queued
    await clock.advanceTo(3000);
    expect(order).toEqual(['a', 'b', 'c']);
    await clock.advanceTo(4000);
    expect(bucket.tryTake()).toBe(true);
  });

  it('property: random arrivals, rates and penalties never put more than `rate` grants in any 1-second window', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const random = prng(seed);
      const clock = new FakeClock();
      const rate = 1 + Math.floor(random() * 40);
      const bucket = bucketOn(clock, rate);
      const grants: number[] = [];
      const pauses: Array<[number, number]> = [];
      const consumers = 1 + Math.floor(random() * 6);
      const until = 8_000;
      const run = async () => {
        while (clock.now() < until) {
          // Bursty producers: often no pause, sometimes a long one.
          const think = random() < 0.6 ? 0 : Math.floor(random() * 400);
          if (think) await clock.sleep(think);
          const t = await bucket.take();
          expect(clock.now()).toBe(t);
          grants.push(t);
          if (random() < 0.01) {
            const ms = Math.floor(random() * 700);
            pauses.push([t, t + ms]);
            bucket.penalize(ms);
          }
        }
      };
      let finished = false;
      const done = Promise.all(Array.from({ length: consumers }, run)).then(() => (finished = true));
      // Consumers still queued at `until` finish their last take (a rate of 1 with 6 consumers needs 6 s more).
      while (!finished) await clock.advance(500);
      await done;
      expect(worstWindow(grants), `seed ${seed}, rate ${rate}`).toBeLessThanOrEqual(rate);
      for (let i = rate; i < grants.length; i++) {
        expect(grants[i]! - grants[i - rate]!, `seed ${seed}`).toBeGreaterThanOrEqual(1000);
      }
      for (const [from, to] of pauses) {
        expect(
          grants.filter((g) => g > from && g < to),
          `seed ${seed}: grant during a penalty`,
        ).toEqual([]);
      }
    }
  });

  it('under saturated demand it reaches the rate: exactly `rate` grants in each second', async () => {
    const clock = new FakeClock();
    const bucket = bucketOn(clock, 25);
    const grants: number[] = [];
    for (let i = 0; i < 25 * 4; i++) void bucket.take().then((t) => grants.push(t));
    await clock.advanceTo(10_000);
    expect(grants).toHaveLength(100);
    for (let s = 0; s < 4; s++) expect(grants.filter((g) => g >= s * 1000 && g < (s + 1) * 1000)).toHaveLength(25);
  });

  it('catchUpMs: a timer that wakes late does not slip the schedule (80/s in bursts of 8 keeps 80 per window)', async () => {
    const run = async (catchUpMs: number) => {
      const clock = new FakeClock();
      // Every timer fires 2 ms late, as real ones do under load.
      const late = (ms: number, signal?: AbortSignal) => clock.sleep(ms + 2, signal);
      const bucket = new TokenBucket(80, { now: clock.now, sleep: late, windowMs: 1025, maxBurst: () => 8, catchUpMs });
      const grants: number[] = [];
      for (let i = 0; i < 1_000; i++) void bucket.take().then((t) => grants.push(t));
      await clock.advanceTo(10 * 1025 - 1);
      return grants;
    };
    const kept = await run(5);
    // Ten windows: 100 bursts of 8, as on a clock without lateness.
    expect(kept).toHaveLength(800);
    // The real grants are at most catchUpMs late: any window 5 ms shorter still holds the rate.
    expect(worstWindow(kept, 1025 - 5)).toBeLessThanOrEqual(80);
    const slipped = await run(0);
    // Without: every burst 2 ms late, 99 bursts in the same time.
    expect(slipped).toHaveLength(792);
    expect(worstWindow(slipped, 1025)).toBeLessThanOrEqual(80);
  });

  it('penalize pauses every grant for its duration; a shorter overlapping penalty does not shorten it', async () => {
    const clock = new FakeClock();
    const bucket = bucketOn(clock, 10);
    const grants: number[] = [];
    bucket.penalize(1500);
    await clock.advanceTo(100);
    bucket.penalize(200); // ends at 300, inside the first one
    bucket.penalize(0);
    bucket.penalize(-5);
    expect(bucket.pausedUntil).toBe(1500);
    expect(bucket.tryTake()).toBe(false);
    void bucket.take().then((t) => grants.push(t));
    await clock.advanceTo(1499);
    expect(grants).toEqual([]);
    await clock.advanceTo(1500);
    expect(grants).toEqual([1500]);
  });

  it('setRate upwards releases queued waiters at once; downwards the new, lower rate holds from the last grants', async () => {
    const clock = new FakeClock();
    const bucket = bucketOn(clock, 2);
    const grants: number[] = [];
    for (let i = 0; i < 6; i++) void bucket.take().then((t) => grants.push(t));
    await clock.advanceTo(100);
    expect(grants).toEqual([0, 0]);
    bucket.setRate(5);
    await clock.flush();
    expect(grants).toEqual([0, 0, 100, 100, 100]);
    expect(bucket.rate).toBe(5);
    bucket.setRate(2);
    // The last two grants were at 100: the sixth waits until 1100.
    await clock.advanceTo(1099);
    expect(grants).toHaveLength(5);
    await clock.advanceTo(1100);
    expect(grants.at(-1)).toBe(1100);
    expect(() => bucket.setRate(0)).toThrow(RangeError);
    expect(() => bucket.setRate(1.5)).toThrow(RangeError);
    expect(() => new TokenBucket(0)).toThrow(RangeError);
  });

  it('an aborted take rejects with the reason, frees its place, and does not use up a grant', async () => {
    const clock = new FakeClock();
    const bucket = bucketOn(clock, 1);
    await bucket.take();
    const controller = new AbortController();
    const outcomes: string[] = [];
    const aborted = bucket.take(controller.signal).then(
      () => outcomes.push('aborted one granted'),
      (e: Error) => outcomes.push(`rejected: ${e.message}`),
    );
    void bucket.take().then((t) => outcomes.push(`next granted at ${t}`));
    await clock.advanceTo(500);
    controller.abort(new Error('batch cancelled'));
    await aborted;
    await clock.advanceTo(1000);
    expect(outcomes).toEqual(['rejected: batch cancelled', 'next granted at 1000']);
    await expect(bucket.take(AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
  });

  it('the pump stops its timer when the last waiter leaves, and close() rejects every waiter', async () => {
    const clock = new FakeClock();
    const bucket = bucketOn(clock, 1);
    await bucket.take();
    const controller = new AbortController();
    const p = bucket.take(controller.signal).catch(() => 'aborted');
    await clock.flush();
    expect(clock.pendingTimers).toBe(1);
    controller.abort();
    expect(await p).toBe('aborted');
    await clock.flush();
    expect(clock.pendingTimers).toBe(0);
    const waiting = [bucket.take(), bucket.take()].map((w) => w.catch((e: Error) => e.message));
    bucket.close(new Error('shutting down'));
    expect(await Promise.all(waiting)).toEqual(['shutting down', 'shutting down']);
    await clock.flush();
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('TokenBucket on real time', () => {
  it('at 200/s for ~1.5 s no sliding 1-second window holds more than 200 grants (and none is early)', async () => {
    // Exact window on the bucket's own grant times; with the 1.02 s window SenderPacers uses,
    // also on the times the callers observe (what a receiving server would count).
    const exact = new TokenBucket(200);
    const margined = new TokenBucket(200, { windowMs: 1020 });
    const grants: number[] = [];
    const observed: number[] = [];
    const start = performance.now();
    const consumer = async (bucket: TokenBucket, out: number[], useGrantTime: boolean) => {
      while (performance.now() - start < 1_500) {
        const t = await bucket.take();
        out.push(useGrantTime ? t : performance.now());
      }
    };
    await Promise.all([
      ...Array.from({ length: 8 }, () => consumer(exact, grants, true)),
      ...Array.from({ length: 8 }, () => consumer(margined, observed, false)),
    ]);
    expect(grants.length).toBeGreaterThan(400);
    expect(worstWindow(grants)).toBeLessThanOrEqual(200);
    expect(worstWindow(observed)).toBeLessThanOrEqual(200);
    // It still keeps up: at least two full windows' worth were granted.
    expect(worstWindow(grants)).toBe(200);
  });
});
