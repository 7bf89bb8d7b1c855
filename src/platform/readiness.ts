import type pg from 'pg';
import type { Db } from './db.js';
import type { PgRootDb } from './pg/handle.js';
import { pgMigrationsApplied } from './pg/migrate.js';
import { migrationsApplied } from './sqlite.js';

/** Why the database is not ready; fixed texts, so a reason never carries a URL, a password or a driver message. */
export type DatabaseNotReady = 'database unreachable' | 'migrations pending';

export interface ReadinessOptions {
  /** Told of the error behind 'database unreachable' (the caller logs it; the HTTP answer shows only the reason). */
  onError?: (err: unknown) => void;
}

/**
 * Whether the database can serve: it answers a query and every migration the build ships has been applied. null when
 * ready, else the reason for /readyz. SQLite reads its connection directly, not through the gate: a transaction
 * that is slow to commit is load, not unreadiness, and the check must answer while it runs. PostgreSQL asks the pool,
 * so a server that is down or refuses connections shows here.
 */
export async function databaseReadiness(db: Db, options: ReadinessOptions = {}): Promise<DatabaseNotReady | null> {
  try {
    if (db.backend === 'sqlite') {
      const sqlite = db.gate.sqlite;
      // drizzle's table is missing until the first migration: pending, not unreachable (migrationsApplied would throw).
      const bookkeeping = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'").get();
      return bookkeeping && migrationsApplied(sqlite) ? null : 'migrations pending';
    }
    const pool = poolOf(db);
    await pool.query('SELECT 1');
    return (await pgMigrationsApplied(pool)) ? null : 'migrations pending';
  } catch (err) {
    options.onError?.(err);
    return 'database unreachable';
  }
}

/** drizzle's node-postgres client keeps its pool as $client (its type, NodePgDatabase, does not show it). */
function poolOf(db: PgRootDb): pg.Pool {
  const pool = (db as PgRootDb & { $client?: pg.Pool }).$client;
  if (!pool) throw new Error('the PostgreSQL handle has no pool');
  return pool;
}
