import type pg from 'pg';
import { MemoryPacingStore } from './memory.js';
import { PgPacingStore } from './pg.js';
import { RedisPacingStore, type RedisPacingOptions } from './redis.js';
import type { PacingStore } from './store.js';

export interface PacingStoreChoice {
  /** REDIS_URL: cluster-wide pacing on Redis (recommended with several instances). */
  redisUrl?: string;
  /** The instance's PostgreSQL pool: the fallback when there is no Redis. */
  pgPool?: pg.Pool;
  /** Shown in PostgreSQL errors instead of the URL (host:port/database). */
  pgDisplay?: string;
  redis?: RedisPacingOptions;
}

/**
 * The store for this instance (research/SCALE-OUT.md §7): Redis when REDIS_URL is set, else PostgreSQL when
 * the instance runs on it, else in memory (SQLite mode: one process). A Redis that does not answer at start
 * is PACING_UNAVAILABLE, never a silent fallback to per-instance pacing.
 */
export async function openPacingStore(choice: PacingStoreChoice): Promise<{ store: PacingStore; kind: 'redis' | 'pg' | 'memory' }> {
  if (choice.redisUrl?.trim()) return { store: await RedisPacingStore.open(choice.redisUrl, choice.redis), kind: 'redis' };
  if (choice.pgPool) return { store: new PgPacingStore(choice.pgPool, { display: choice.pgDisplay }), kind: 'pg' };
  return { store: new MemoryPacingStore(), kind: 'memory' };
}
