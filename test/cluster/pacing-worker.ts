/**
 * One "instance" of the cluster pacing tests (pacing-harness.ts spawns three): its own client of the shared
 * store pumps one key as a sender's pump would, k = maxBurst grants at a time, sleeping the store's waitMs
 * in between. Every grant's time on the store's clock is reported; every "send" is appended to a shared
 * file that stands in for the messages table, which seeds the store after it lost its state.
 */
import fs from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { openPg } from '../../src/platform/pg/database.js';
import { PgPacingStore } from '../../src/platform/pacing/pg.js';
import { RedisPacingStore } from '../../src/platform/pacing/redis.js';
import { PacingError, takeSeeded, type PacingStore } from '../../src/platform/pacing/store.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const kind = env('PACING_STORE');
const url = env('PACING_URL');
const key = env('PACING_KEY');
const rate = Number(env('PACING_RATE'));
const durationMs = Number(env('PACING_DURATION_MS'));
const sendLog = env('PACING_SEND_LOG');
const windowMs = 1_020;
const maxBurst = Math.max(8, Math.ceil(rate / 20));

let closeDb = async () => {};
let store: PacingStore;
if (kind === 'redis') {
  store = await RedisPacingStore.open(url, { prefix: env('PACING_PREFIX'), idleTtlMs: 60_000, timeoutMs: 1_000 });
} else {
  const db = await openPg(url, { schema: {}, poolSize: 2, applicationName: 'wcs-pacing-test' });
  closeDb = () => db.close();
  store = new PgPacingStore(db.pool);
}

/** The recent "send attempts" of every instance, as the messages table would give them. */
async function loadRecent(): Promise<number[]> {
  const since = Date.now() - 2 * windowMs;
  const text = await fs.promises.readFile(sendLog, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((t) => t > since);
}

// All instances start together: the harness signals each once every one is connected.
const go = new Promise<void>((resolve) => process.once('SIGUSR2', () => resolve()));
console.log('ready');
await go;

const grants: number[] = [];
let takes = 0;
let unavailable = 0;
let seeds = 0;
const started = Date.now();
while (Date.now() - started < durationMs) {
  takes++;
  let seeded = false;
  try {
    const r = await takeSeeded(store, key, { rate, windowMs, maxBurst, k: maxBurst }, () => {
      seeded = true;
      return loadRecent();
    });
    if (seeded) seeds++;
    if (r.granted) {
      for (let i = 0; i < r.granted; i++) grants.push(r.at);
      fs.appendFileSync(sendLog, `${Date.now()}\n`.repeat(r.granted));
    }
    if (r.granted < maxBurst) await delay(Math.max(1, Math.ceil(r.waitMs)));
  } catch (err) {
    if (!(err instanceof PacingError) || err.code !== 'PACING_UNAVAILABLE') throw err;
    unavailable++;
    await delay(20);
  }
}
await store.close();
await closeDb();
console.log(JSON.stringify({ grants, takes, unavailable, seeds }));
