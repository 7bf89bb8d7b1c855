import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type pg from 'pg';
import { PgDatabaseError } from './errors.js';

/** drizzle-kit's output for drizzle.pg.config.ts. */
export const PG_MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../drizzle/pg', import.meta.url));

/** The advisory lock every instance takes before migrating (pg_advisory_lock(hashtext(…)), research/SCALE-OUT.md §7). */
export const MIGRATION_LOCK_KEY = 'wcs:migrate';

export interface PgMigrationReport {
  /** Migrations this call applied: 0 when another instance had already applied them. */
  applied: number;
  /** Migrations in the folder (= applied to the database now). */
  total: number;
}

export interface MigratePgOptions {
  migrationsFolder?: string;
  /** How long to wait for another instance's migration before giving up (PG_MIGRATION_FAILED). */
  lockTimeoutMs?: number;
}

/**
 * Applies pending migrations while holding a session advisory lock on one connection. drizzle's pg migrator
 * takes no lock: two instances starting together would both create its bookkeeping table and run the same
 * migration. Here the second waits for the first, then finds nothing left to apply.
 */
export async function migratePg(pool: pg.Pool, options: MigratePgOptions = {}): Promise<PgMigrationReport> {
  const migrationsFolder = options.migrationsFolder ?? PG_MIGRATIONS_FOLDER;
  const total = journalLength(migrationsFolder);
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query(`SET lock_timeout = ${Math.max(1, Math.floor(options.lockTimeoutMs ?? 120_000))}`);
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [MIGRATION_LOCK_KEY]);
    try {
      await client.query('RESET lock_timeout');
      const before = await appliedCount(client);
      await migrate(drizzle({ client }), { migrationsFolder });
      return { applied: (await appliedCount(client)) - before, total };
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [MIGRATION_LOCK_KEY]);
    }
  } catch (err) {
    broken = err instanceof Error ? err : new Error(String(err));
    const reason = (err as { cause?: { message?: string } }).cause?.message ?? broken.message;
    throw new PgDatabaseError('PG_MIGRATION_FAILED', `PostgreSQL migrations were not applied: ${reason}`, { cause: err });
  } finally {
    // A connection that failed mid-migration may still hold the lock or an open transaction: close it.
    client.release(broken);
  }
}

/** True when every migration in the folder has been applied (readiness). */
export async function pgMigrationsApplied(pool: pg.Pool, migrationsFolder = PG_MIGRATIONS_FOLDER): Promise<boolean> {
  return (await appliedCount(pool)) >= journalLength(migrationsFolder);
}

async function appliedCount(client: pg.Pool | pg.ClientBase): Promise<number> {
  const { rows: exists } = await client.query<{ t: string | null }>(`SELECT to_regclass('drizzle.__drizzle_migrations') AS t`);
  if (!exists[0]?.t) return 0;
  const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM drizzle.__drizzle_migrations');
  return Number(rows[0]?.n ?? 0);
}

function journalLength(migrationsFolder: string): number {
  const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
  return journal.entries.length;
}
