import { setTimeout as delay } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { PacingError, type PacingStore } from '../../src/platform/pacing/store.js';

/** The PacingError a promise rejects with (anything else fails the test). */
export async function pacingError(promise: Promise<unknown>): Promise<PacingError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof PacingError)) throw new Error(`expected a PacingError, got ${String(err)}`);
  return err;
}

const codeOf = async (promise: Promise<unknown>): Promise<string> => (await pacingError(promise)).code;

/**
 * The PacingStore contract, the same for every store: seeding before the first grant, the window and spread
 * rules with their waits, the pause, restamp and typed errors for bad input. Times are checked with a
 * margin for the machine's load (each store reads its own clock).
 */
export function pacingContract(name: string, open: () => PacingStore, key: () => string): void {
  const SLACK = 60;

  it(`${name}: an unseeded key grants nothing until seeded, and is seeded once`, async () => {
    const store = open();
    const k = key();
    expect(await store.take(k, 10, 1000, 3, 5)).toMatchObject({ granted: 0, needsSeed: true, grants: [] });
    const now = Date.now();
    expect(await store.seed(k, [now - 5_000, now - 500, now - 100, now + 60_000])).toBe(true);
    expect(await store.seed(k, [now, now, now])).toBe(false);
    // Seeded 2 in the window (one 100 ms ago): burst 3 in 300 ms leaves 2; the next when the one at −100 ms is 300 ms old.
    const first = await store.take(k, 10, 1000, 3, 5);
    expect(first).toMatchObject({ granted: 2, needsSeed: false });
    expect(new Set(first.grants).size).toBe(2);
    expect(first.waitMs).toBeGreaterThan(200 - SLACK);
    expect(first.waitMs).toBeLessThanOrEqual(200);
    expect((await store.take(k, 10, 1000, 3, 5)).granted).toBe(0);
  });

  it(`${name}: at most rate per window, and the wait names when the oldest grant leaves it`, async () => {
    const store = open();
    const k = key();
    await store.seed(k, []);
    const a = await store.take(k, 4, 400, 4, 10);
    expect(a.granted).toBe(4);
    expect(a.waitMs).toBeGreaterThan(400 - SLACK);
    expect(a.waitMs).toBeLessThanOrEqual(400);
    await delay(a.waitMs + 5);
    expect((await store.take(k, 4, 400, 4, 10)).granted).toBe(4);
  });

  it(`${name}: a pause holds every grant until its end, the later end wins`, async () => {
    const store = open();
    const k = key();
    await store.pauseUntil(k, Date.now() + 300);
    await store.pauseUntil(k, Date.now() + 100);
    await store.seed(k, []);
    const paused = await store.take(k, 10, 1000, 10, 1);
    expect(paused.granted).toBe(0);
    expect(paused.waitMs).toBeGreaterThan(300 - SLACK);
    await delay(paused.waitMs + 5);
    expect((await store.take(k, 10, 1000, 10, 1)).granted).toBe(1);
  });

  it(`${name}: restamp moves late grants to the time they left, so the window frees later`, async () => {
    const store = open();
    const k = key();
    await store.seed(k, []);
    const a = await store.take(k, 2, 1000, 2, 2);
    expect(a.granted).toBe(2);
    await delay(150);
    // Every grant is still in the log; an id it never gave out (or that dropped out of the window) comes back.
    expect(await store.restamp(k, a.grants)).toEqual([]);
    expect(await store.restamp(k, ['987654321'])).toEqual(['987654321']);
    const b = await store.take(k, 2, 1000, 2, 1);
    expect(b.granted).toBe(0);
    // Without the restamp the window would free about 850 ms from now.
    expect(b.waitMs).toBeGreaterThan(1000 - SLACK);
  });

  it(`${name}: ping answers and changes nothing`, async () => {
    const store = open();
    const k = key();
    await store.ping();
    expect((await store.take(k, 10, 1000, 10, 1)).needsSeed).toBe(true);
  });

  it(`${name}: bad input is PACING_BAD_INPUT`, async () => {
    const store = open();
    const k = key();
    expect(await codeOf(store.take('', 10, 1000, 1, 1))).toBe('PACING_BAD_INPUT');
    expect(await codeOf(store.take(k, 0, 1000, 1, 1))).toBe('PACING_BAD_INPUT');
    expect(await codeOf(store.take(k, 1.5, 1000, 1, 1))).toBe('PACING_BAD_INPUT');
    expect(await codeOf(store.take(k, 10, Number.NaN, 1, 1))).toBe('PACING_BAD_INPUT');
    expect(await codeOf(store.take(k, 10, 1000, 0, 1))).toBe('PACING_BAD_INPUT');
    expect(await codeOf(store.take(k, 10, 1000, 1, 0))).toBe('PACING_BAD_INPUT');
    expect(await codeOf(store.seed(k, [Number.POSITIVE_INFINITY]))).toBe('PACING_BAD_INPUT');
    expect(await codeOf(store.restamp(k, ['not-an-id']))).toBe('PACING_BAD_INPUT');
    expect(await codeOf(store.pauseUntil(k, -1))).toBe('PACING_BAD_INPUT');
  });
}
