import type { PgRootDb } from './handle.js';
import { openPg, type PgDatabase } from './database.js';
import { migratePg, type PgMigrationReport } from './migrate.js';

export interface ServicePgDatabase {
  /** The root handle the stores take (tagged for platform/db.ts's dispatch). */
  db: PgRootDb;
  pg: PgDatabase<Record<string, never>>;
  migrations: PgMigrationReport;
  close(): Promise<void>;
}

/**
 * Opens the service's PostgreSQL database: the pool (durability checked by openPg), migrations applied under the
 * advisory lock (instances starting together migrate once), and the root handle tagged `backend: 'pg'` (not
 * `dialect`: drizzle keeps its own dialect object under that name).
 */
export async function openServicePg(
  url: string,
  options: { poolSize?: number; applicationName?: string; onIdleError?: (err: Error) => void } = {},
): Promise<ServicePgDatabase> {
  const pg = await openPg(url, { schema: {}, ...options });
  try {
    const migrations = await migratePg(pg.pool);
    const db = Object.assign(pg.db, { backend: 'pg' as const, role: 'root' as const }) as unknown as PgRootDb;
    return { db, pg, migrations, close: () => pg.close() };
  } catch (err) {
    await pg.close();
    throw err;
  }
}
