import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { PAUSE_LUA, RESTAMP_LUA, SEED_LUA, TAKE_LUA } from './redis-scripts.js';
import { checkGrants, checkKey, checkTake, checkTimestamps, checkUntil, PacingError, type PacingStore, type PacingTake } from './store.js';

export interface RedisPacingOptions {
  /** Prepended to every key (tests use one per run). */
  prefix?: string;
  /** A key's state expires after this long without a grant (then it is seeded again). */
  idleTtlMs?: number;
  /** How long a connect or a command may take before take() fails closed. */
  timeoutMs?: number;
  /** Connection errors (Redis down, restarted); the store keeps reconnecting by itself. */
  onError?: (err: Error) => void;
}

interface Script {
  lua: string;
  sha: string;
}

function script(lua: string): Script {
  return { lua, sha: createHash('sha1').update(lua).digest('hex') };
}

const TAKE = script(TAKE_LUA);
const SEED = script(SEED_LUA);
const RESTAMP = script(RESTAMP_LUA);
const PAUSE = script(PAUSE_LUA);

/** redis://[user:password@]host[:port][/db] or rediss://…; what may be shown of it (never the password). */
function parseRedisUrl(url: string): { url: string; display: string; password: string } {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new PacingError('PACING_BAD_INPUT', 'REDIS_URL is not a valid URL (expected redis://host:6379)');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new PacingError('PACING_BAD_INPUT', 'REDIS_URL must start with redis:// or rediss://');
  }
  if (!parsed.hostname) throw new PacingError('PACING_BAD_INPUT', 'REDIS_URL names no host (expected redis://host:6379)');
  const display = `${parsed.hostname}:${parsed.port || '6379'}`;
  return { url: url.trim(), display, password: decodeURIComponent(parsed.password) };
}

/**
 * Cluster-wide pacing on Redis: per key a ZSET of grant times (the sliding log), a seeded marker, a pause
 * and an id counter, each changed only by the Lua scripts on Redis's clock. Fails closed: without a
 * connection take() rejects at once with PACING_UNAVAILABLE (no offline queue, no retries, no resend of a
 * command in flight), and the client reconnects in the background.
 */
export class RedisPacingStore implements PacingStore {
  private constructor(
    private readonly redis: Redis,
    private readonly location: { display: string; password: string },
    private readonly prefix: string,
    private readonly idleTtlMs: number,
  ) {}

  /** The last connection error, as the reason of a "Connection is closed" failure. */
  private lastError: Error | undefined;

  static async open(url: string, options: RedisPacingOptions = {}): Promise<RedisPacingStore> {
    const location = parseRedisUrl(url);
    const timeoutMs = options.timeoutMs ?? 2_000;
    const redis = new Redis(location.url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      connectTimeout: timeoutMs,
      commandTimeout: timeoutMs,
      retryStrategy: (times) => Math.min(50 * times, 1_000),
    });
    const store = new RedisPacingStore(redis, location, options.prefix ?? 'wcs:pacing:', options.idleTtlMs ?? 600_000);
    redis.on('error', (err: Error) => {
      store.lastError = err;
      options.onError?.(err);
    });
    redis.on('ready', () => (store.lastError = undefined));
    try {
      await redis.connect();
    } catch (err) {
      redis.disconnect();
      throw store.unavailable(err);
    }
    return store;
  }

  async take(key: string, rate: number, windowMs: number, maxBurst: number, k: number): Promise<PacingTake> {
    const p = checkTake(key, rate, windowMs, maxBurst, k);
    const ttl = Math.max(this.idleTtlMs, Math.ceil(2 * p.windowMs));
    const reply = (await this.run(TAKE, this.keys(key, 'log', 'seeded', 'pause', 'seq'), [p.rate, p.windowMs, p.burst, p.k, ttl])) as [
      number,
      string,
      string,
      number,
    ];
    const [granted, wait, now, first] = reply;
    if (granted < 0) return { granted: 0, waitMs: 0, at: Number(now), grants: [], needsSeed: true };
    const grants = Array.from({ length: granted }, (_, i) => String(first + i));
    return { granted, waitMs: Number(wait), at: Number(now), grants, needsSeed: false };
  }

  async restamp(key: string, grants: readonly string[]): Promise<string[]> {
    checkKey(key);
    const ids = checkGrants(grants);
    if (!ids.length) return [];
    const missing = (await this.run(RESTAMP, this.keys(key, 'log'), ids)) as string[];
    return missing.map(String);
  }

  async pauseUntil(key: string, until: number): Promise<void> {
    checkKey(key);
    await this.run(PAUSE, this.keys(key, 'pause'), [checkUntil(until)]);
  }

  async seed(key: string, timestamps: readonly number[]): Promise<boolean> {
    checkKey(key);
    const times = checkTimestamps(timestamps);
    const seeded = await this.run(SEED, this.keys(key, 'log', 'seeded', 'seq'), [this.idleTtlMs, ...times.map((t) => t.toFixed(3))]);
    return seeded === 1;
  }

  async ping(): Promise<void> {
    try {
      await this.redis.ping();
    } catch (err) {
      throw this.unavailable(err);
    }
  }

  async close(): Promise<void> {
    if (this.redis.status === 'end') return;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private keys(key: string, ...parts: string[]): string[] {
    // One hash tag per key: a Redis Cluster keeps all of a key's state on one slot, as the scripts need.
    const tag = `${this.prefix}{${key}}`;
    return parts.map((part) => `${tag}:${part}`);
  }

  private async run(s: Script, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      try {
        return await this.redis.evalsha(s.sha, keys.length, ...keys, ...args);
      } catch (err) {
        // After a restart or SCRIPT FLUSH Redis no longer knows the script: send it whole once.
        if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
        return await this.redis.eval(s.lua, keys.length, ...keys, ...args);
      }
    } catch (err) {
      throw this.unavailable(err);
    }
  }

  private unavailable(err: unknown): PacingError {
    const message = err instanceof Error ? err.message : String(err);
    const raw = this.lastError && this.lastError !== err ? `${message} (${this.lastError.message})` : message;
    const reason = this.location.password ? raw.split(this.location.password).join('***') : raw;
    return new PacingError('PACING_UNAVAILABLE', `pacing store Redis at ${this.location.display} is unavailable: ${reason}`, {
      cause: err,
    });
  }
}
