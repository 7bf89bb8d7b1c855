import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/platform/db.js';
import { openPg, type PgDatabase } from '../../src/platform/pg/database.js';
import { createFreshPgDatabase, type FreshPgDatabase } from '../../src/platform/pg/fresh-database.js';
import type { PgRootDb } from '../../src/platform/pg/handle.js';
import { migratePg } from '../../src/platform/pg/migrate.js';
import { databaseReadiness } from '../../src/platform/readiness.js';
import { PG_ADMIN_URL, pg } from '../helpers/pg.js';

/** The root handle the service runs on (platform/pg/open-service-db.ts makes the same). */
function rootOf(pgdb: PgDatabase<Record<string, never>>): PgRootDb {
  return Object.assign(pgdb.db, { backend: 'pg' as const, role: 'root' as const }) as PgRootDb;
}

describe('databaseReadiness on SQLite', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-ready-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is ready once every migration is applied', async () => {
    const db = openDatabase(path.join(dir, 'ready.sqlite'));
    try {
      expect(await databaseReadiness(db.db)).toBeNull();
    } finally {
      db.close();
    }
  });

  it('reports pending migrations, on a database never migrated and on one a migration behind', async () => {
    const fresh = openDatabase(path.join(dir, 'fresh.sqlite'), { migrate: false });
    const behind = openDatabase(path.join(dir, 'behind.sqlite'));
    try {
      expect(await databaseReadiness(fresh.db)).toBe('migrations pending');
      behind.sqlite.prepare('DELETE FROM __drizzle_migrations WHERE created_at = (SELECT max(created_at) FROM __drizzle_migrations)').run();
      expect(await databaseReadiness(behind.db)).toBe('migrations pending');
    } finally {
      fresh.close();
      behind.close();
    }
  });

  it('reports a connection that no longer answers as unreachable, and hands the error to onError', async () => {
    const db = openDatabase(path.join(dir, 'closed.sqlite'));
    db.close();
    const errors: unknown[] = [];
    expect(await databaseReadiness(db.db, { onError: (err) => errors.push(err) })).toBe('database unreachable');
    expect(errors).toHaveLength(1);
  });
});

describe.skipIf(!pg.available)(pg.title('databaseReadiness on PostgreSQL'), () => {
  let fresh: FreshPgDatabase;
  let pgdb: PgDatabase<Record<string, never>>;
  beforeAll(async () => {
    fresh = await createFreshPgDatabase(PG_ADMIN_URL);
    pgdb = await openPg(fresh.url, { schema: {} });
  });
  afterAll(async () => {
    await pgdb?.close();
    await fresh?.drop();
  });

  it('reports pending migrations before migratePg (no bookkeeping table yet), ready after it', async () => {
    const db = rootOf(pgdb);
    expect(await databaseReadiness(db)).toBe('migrations pending');
    await migratePg(pgdb.pool);
    expect(await databaseReadiness(db)).toBeNull();
  });

  it('reports pending migrations when the database is a migration behind the build', async () => {
    const db = rootOf(pgdb);
    const { rows } = await pgdb.pool.query<{ id: number; hash: string; created_at: string }>(
      'DELETE FROM drizzle.__drizzle_migrations WHERE id = (SELECT max(id) FROM drizzle.__drizzle_migrations) RETURNING id, hash, created_at',
    );
    try {
      expect(await databaseReadiness(db)).toBe('migrations pending');
    } finally {
      const row = rows[0]!;
      await pgdb.pool.query('INSERT INTO drizzle.__drizzle_migrations (id, hash, created_at) VALUES ($1, $2, $3)', [
        row.id,
        row.hash,
        row.created_at,
      ]);
    }
    expect(await databaseReadiness(db)).toBeNull();
  });

  it('reports a server it cannot reach as unreachable, with a fixed reason that never carries the URL or password', async () => {
    const url = new URL(fresh.url);
    url.password = 's3cret-Pa55';
    const other = await openPg(url.toString(), { schema: {}, connectTimeoutMs: 2_000 });
    const db = rootOf(other);
    expect(await databaseReadiness(db)).toBeNull();
    await other.close();
    const errors: unknown[] = [];
    const reason = await databaseReadiness(db, { onError: (err) => errors.push(err) });
    expect(reason).toBe('database unreachable');
    expect(errors).toHaveLength(1);
    expect(reason).not.toContain('s3cret');
  });
});
