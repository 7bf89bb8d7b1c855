import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisPacingStore } from '../../src/platform/pacing/redis.js';
import { openPacingStore } from '../../src/platform/pacing/select.js';
import type { PacingStore } from '../../src/platform/pacing/store.js';
import { pacingContract, pacingError } from './pacing-conformance.js';
import { runWorkers, type RunReport } from './pacing-harness.js';
import { deleteKeys, PrivateRedis, REDIS_URL, redis } from './redis.js';

const prefix = `wcs-test:pacing:${process.pid}:${randomBytes(4).toString('hex')}:`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-pacing-'));
const stores: PacingStore[] = [];

afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  if (redis.available) await deleteKeys(prefix);
  fs.rmSync(dir, { recursive: true, force: true });
});

let runs = 0;
function run(url: string, rate: number, durationMs: number, during?: (elapsed: () => number) => Promise<void>): Promise<RunReport> {
  runs++;
  return runWorkers(
    3,
    {
      PACING_STORE: 'redis',
      PACING_URL: url,
      PACING_PREFIX: prefix,
      PACING_KEY: `sender-${runs}`,
      PACING_RATE: String(rate),
      PACING_DURATION_MS: String(durationMs),
      PACING_SEND_LOG: path.join(dir, `sends-${runs}.log`),
    },
    during,
  );
}

describe('RedisPacingStore URL errors (no server needed)', () => {
  it.each([['http://127.0.0.1:6379'], ['not a url'], ['redis://']])('%s is PACING_BAD_INPUT', async (url) => {
    const err = await pacingError(RedisPacingStore.open(url));
    expect(err.code).toBe('PACING_BAD_INPUT');
    expect(err.retryable).toBe(false);
  });
});

describe.skipIf(!redis.available)(redis.title('RedisPacingStore on a real Redis'), () => {
  let store: RedisPacingStore;
  let n = 0;
  beforeAll(async () => {
    // REDIS_URL set: the instance paces on Redis, even when it also runs on PostgreSQL.
    const chosen = await openPacingStore({ redisUrl: REDIS_URL, redis: { prefix } });
    expect(chosen.kind).toBe('redis');
    store = chosen.store as RedisPacingStore;
    stores.push(store);
  });
  pacingContract(
    'redis',
    () => store,
    () => `contract-${++n}`,
  );
  it.each([
    { rate: 1000, durationMs: 3_000 },
    { rate: 80, durationMs: 3_000 },
  ])(
    '3 processes pumping one key at rate $rate: never above the tier in any 1,000 ms, at least 90 percent of it used',
    async ({ rate, durationMs }) => {
      const report = await run(REDIS_URL, rate, durationMs);
      expect(report.workers.every((w) => w.grants.length > 0)).toBe(true);
      expect(report.maxInSecond).toBeLessThanOrEqual(rate);
      expect(report.utilization).toBeGreaterThanOrEqual(0.9);
      console.info(
        `[redis pacing] rate ${rate}: ${report.grants.length} grants, max ${report.maxInSecond} in 1 s, ${(report.utilization * 100).toFixed(1)}% of the tier, ${report.workers.reduce((a, w) => a + w.takes, 0)} takes`,
      );
    },
  );
});

describe.skipIf(!redis.available || !redis.canStart)(redis.startTitle('RedisPacingStore when Redis loses its state or goes away'), () => {
  it('a FLUSHALL and then a kill -9 and restart mid-run: the store is seeded again and the window still holds', async () => {
    const server = await PrivateRedis.start();
    try {
      const report = await run(server.url, 1000, 4_000, async (elapsed) => {
        await delay(1_300 - elapsed());
        await server.command('FLUSHALL');
        await delay(2_600 - elapsed());
        await server.kill();
        await delay(150);
        await server.restart();
      });
      expect(report.maxInSecond).toBeLessThanOrEqual(1000);
      // Seeded at the start, after the flush and after the restart (by whichever instance came first each time).
      expect(report.workers.reduce((a, w) => a + w.seeds, 0)).toBeGreaterThanOrEqual(3);
      expect(report.workers.some((w) => w.unavailable > 0)).toBe(true);
      expect(report.grants.at(-1)! - report.grants[0]!).toBeGreaterThan(3_500);
      console.info(`[redis pacing] flush + restart: ${report.grants.length} grants, max ${report.maxInSecond} in 1 s`);
    } finally {
      await server.kill();
    }
  });

  it('Redis unreachable: open and take fail closed with PACING_UNAVAILABLE and grant nothing; it recovers after a restart', async () => {
    const refused = await pacingError(RedisPacingStore.open('redis://user:s3cret-pw@127.0.0.1:1', { timeoutMs: 500 }));
    expect(refused.code).toBe('PACING_UNAVAILABLE');
    expect(refused.retryable).toBe(true);
    expect(refused.message).toMatch(/127\.0\.0\.1:1 .*ECONNREFUSED/);
    expect(`${refused.message} ${String(refused.stack)}`).not.toContain('s3cret-pw');

    const server = await PrivateRedis.start();
    const store = await RedisPacingStore.open(server.url, { prefix, timeoutMs: 500 });
    stores.push(store);
    try {
      await store.seed('down', []);
      expect((await store.take('down', 10, 1000, 10, 1)).granted).toBe(1);
      await server.kill();
      let granted = 0;
      for (let i = 0; i < 5; i++) {
        const err = await pacingError(store.take('down', 10, 1000, 10, 1).then((r) => (granted += r.granted)));
        expect(err.code).toBe('PACING_UNAVAILABLE');
      }
      expect(granted).toBe(0);
      expect((await pacingError(store.seed('down', []))).code).toBe('PACING_UNAVAILABLE');
      await server.restart();
      // The client reconnects by itself; the restarted Redis knows nothing, so the key must be seeded first.
      let after = null;
      for (let i = 0; i < 100 && !after; i++) {
        after = await store.take('down', 10, 1000, 10, 1).catch(async () => {
          await delay(50);
          return null;
        });
      }
      expect(after).toMatchObject({ granted: 0, needsSeed: true });
    } finally {
      await server.kill();
    }
  });
});
