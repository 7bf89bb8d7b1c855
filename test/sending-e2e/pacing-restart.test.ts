import { describe, expect, it } from 'vitest';
import { PairPacer } from '../../src/sending/pacing.js';
import { TokenBucket } from '../../src/sending/token-bucket.js';
import { FakeClock, worstWindow } from '../sending/fake-clock.js';

// Issue 8, pacing across a restart: a new process's bucket starts from the previous process's sends of the
// last second (read back from the database), so the window holds even with no gap between the two;
// and grants are spread (maxBurst) so a burst's slow first requests cannot crowd the next window.

async function grantsFor(clock: FakeClock, bucket: TokenBucket, n: number, until: number): Promise<number[]> {
  const granted: number[] = [];
  for (let i = 0; i < n; i++) void bucket.take().then((t) => granted.push(t));
  await clock.advanceTo(until);
  return granted;
}

describe('TokenBucket.seed', () => {
  it('without a seed a restarted sender could exceed the window; seeded, no window holds more than the rate', async () => {
    const clock = new FakeClock();
    // The previous process: 80 sends spread over its last second (t = 0 … 987.5 ms).
    const previous = Array.from({ length: 80 }, (_, i) => i * 12.5);
    await clock.advanceTo(1_000);

    const fresh = new TokenBucket(80, { now: clock.now, sleep: clock.sleep });
    const unseeded = await grantsFor(clock, fresh, 80, 1_000);
    expect(worstWindow([...previous, ...unseeded])).toBeGreaterThan(80);

    const clock2 = new FakeClock();
    await clock2.advanceTo(1_000);
    const seeded = new TokenBucket(80, { now: clock2.now, sleep: clock2.sleep });
    seeded.seed([...previous, -5_000, Number.NaN]);
    const after = await grantsFor(clock2, seeded, 160, 3_500);
    expect(after).toHaveLength(160);
    expect(after[0]).toBeGreaterThanOrEqual(1_000);
    expect(worstWindow([...previous, ...after])).toBeLessThanOrEqual(80);
  });

  it('merges seeded grants with ones already made', async () => {
    const clock = new FakeClock();
    await clock.advanceTo(500);
    const bucket = new TokenBucket(3, { now: clock.now, sleep: clock.sleep });
    expect(bucket.tryTake()).toBe(true);
    bucket.seed([100, 200]);
    expect(bucket.tryTake()).toBe(false);
    expect(bucket.delayAt()).toBe(600);
  });
});

describe('TokenBucket maxBurst', () => {
  it('spreads grants: at most maxBurst back to back, the same rate over the window', async () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket(80, { now: clock.now, sleep: clock.sleep, maxBurst: (rate) => rate / 20 });
    expect(bucket.maxBurst).toBe(4);
    const granted = await grantsFor(clock, bucket, 160, 2_100);
    expect(granted).toHaveLength(160);
    expect(granted.filter((t) => t === 0)).toHaveLength(4);
    expect(worstWindow(granted, 50)).toBeLessThanOrEqual(4);
    expect(worstWindow(granted)).toBeLessThanOrEqual(80);
    // 160 grants still take about two windows, not longer.
    expect(granted.at(-1)!).toBeLessThanOrEqual(2_000);
  });
});

describe('PairPacer.release', () => {
  it('gives back a slot whose send Meta refused before counting it, unless someone booked after it', async () => {
    const clock = new FakeClock();
    const pairs = new PairPacer({ now: clock.now, sleep: clock.sleep });
    const first = await pairs.waitTurn('+1');
    expect(pairs.nextAllowedAt('+1')).toBe(6_000);
    pairs.release(first);
    expect(pairs.nextAllowedAt('+1')).toBe(0);
    await pairs.waitTurn('+1');
    const second = pairs.waitTurn('+1');
    await clock.advanceTo(6_000);
    const booking = await second;
    expect(pairs.nextAllowedAt('+1')).toBe(12_000);
    pairs.release({ ...booking, booked: 1 });
    expect(pairs.nextAllowedAt('+1')).toBe(12_000);
  });
});
