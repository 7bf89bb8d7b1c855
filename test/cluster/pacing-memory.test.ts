import { describe, expect, it } from 'vitest';
import { MemoryPacingStore } from '../../src/platform/pacing/memory.js';
import { openPacingStore } from '../../src/platform/pacing/select.js';
import { takeSeeded } from '../../src/platform/pacing/store.js';
import { pacingContract } from './pacing-conformance.js';

let n = 0;
describe('MemoryPacingStore (one process, SQLite mode)', () => {
  pacingContract(
    'memory',
    () => new MemoryPacingStore(),
    () => `key-${++n}`,
  );

  it.each([
    [1000, 1020, 50],
    [80, 1020, 8],
    [7, 1000, 7],
  ])('rate %i, window %i, burst %i on a fake clock: the TokenBucket rule holds and every wait is exact', async (rate, windowMs, burst) => {
    let now = 1_000_000;
    const wall = 5_000_000;
    const store = new MemoryPacingStore({ now: () => now, wallNow: () => wall + (now - 1_000_000) });
    const grants: number[] = [];
    let seededWith: number[] = [];
    const params = { rate, windowMs, maxBurst: burst, k: burst };
    // Seeded with sends of "the previous process" 300 ms ago (wall clock), as the database gives them.
    const previous = Array.from({ length: Math.floor(rate / 2) }, () => wall - 300);
    const first = await takeSeeded(store, 'sender', params, async () => (seededWith = previous));
    expect(seededWith).toHaveLength(previous.length);
    const all = [...previous.map((t) => t - wall + 1_000_000), ...Array<number>(first.granted).fill(now)];
    grants.push(...Array<number>(first.granted).fill(now));
    let wait = first.waitMs;
    let stalls = 0;
    while (now < 1_000_000 + 5 * windowMs) {
      // Timers fire late by 0–3 ms; a wait of 0 means "ask again now".
      now += wait + (grants.length % 4);
      const r = await store.take('sender', rate, windowMs, burst, burst);
      if (r.granted === 0) stalls++;
      for (let i = 0; i < r.granted; i++) all.push(r.at);
      grants.push(...Array<number>(r.granted).fill(r.at));
      wait = r.waitMs;
    }
    // A wait is never too short: sleeping it (or longer) always finds a grant.
    expect(stalls).toBe(0);
    const spanMs = (burst * windowMs) / rate;
    // Every grant made here (the seeded sends were not paced by this store) keeps both rules against all before it.
    const firstOwn = previous.length;
    for (let i = Math.max(rate, firstOwn); i < all.length; i++) expect(all[i]! - all[i - rate]!).toBeGreaterThanOrEqual(windowMs);
    for (let i = Math.max(burst, firstOwn); i < all.length; i++) expect(all[i]! - all[i - burst]!).toBeGreaterThanOrEqual(spanMs - 1e-9);
    // And never too long: with 0–3 ms late timers, over 5 windows at least 90% of what the rate allows beside the seeded sends.
    expect(grants.length).toBeGreaterThanOrEqual(0.9 * 5 * rate - previous.length);
    expect(grants.length).toBeLessThanOrEqual(5 * rate + rate - previous.length);
  });

  it('without REDIS_URL or PostgreSQL (SQLite mode) the instance paces in memory', async () => {
    const chosen = await openPacingStore({ redisUrl: '  ' });
    expect(chosen.kind).toBe('memory');
    expect(chosen.store).toBeInstanceOf(MemoryPacingStore);
  });

  it('a key paused before it was seeded still needs seeding', async () => {
    const store = new MemoryPacingStore();
    await store.pauseUntil('k', Date.now() - 1);
    expect((await store.take('k', 5, 1000, 5, 1)).needsSeed).toBe(true);
  });
});
