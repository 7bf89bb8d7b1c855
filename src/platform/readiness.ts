import { sql } from 'drizzle-orm';
import type { Db } from './db.js';
import { pgMigrationsApplied } from './pg/migrate.js';
import { migrationsApplied } from './sqlite.js';

/** Null when the database answers and every migration is applied; else the reason (never a URL). */
export async function databaseReadiness(db: Db): Promise<string | null> {
  try {
    if (db.backend === 'sqlite') {
      db.statements.connection.prepare('SELECT 1').get();
      return migrationsApplied(db.statements.connection) ? null : 'migrations pending';
    }
    await db.execute(sql`SELECT 1`);
    return (await pgMigrationsApplied(db.$client)) ? null : 'migrations pending';
  } catch {
    return 'database unreachable';
  }
}
