import { getTableName, is, sql } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import pgDriver from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '../helpers/db-schema.pg.js';
import * as busTables from '../../src/platform/bus/tables.pg.js';
import * as pgOnlyTables from '../../src/platform/pacing/tables.pg.js';
import { openPg } from '../../src/platform/pg/database.js';
import { PgDatabaseError } from '../../src/platform/pg/errors.js';
import { createFreshPgDatabase, type FreshPgDatabase } from '../../src/platform/pg/fresh-database.js';
import { MIGRATION_LOCK_KEY, migratePg, pgMigrationsApplied } from '../../src/platform/pg/migrate.js';
import { pgTransaction } from '../../src/platform/pg/transaction.js';
import { PG_ADMIN_URL, pg } from '../helpers/pg.js';

async function pgError(promise: Promise<unknown>): Promise<PgDatabaseError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof PgDatabaseError)) throw new Error(`expected a PgDatabaseError, got ${String(err)}`);
  return err;
}

describe('PostgreSQL URL errors (no server needed)', () => {
  it.each([
    ['mysql://root@127.0.0.1/db', /must start with postgres:\/\//],
    ['postgres://', /names no host/],
    ['postgres://u@127.0.0.1:5432/', /names no database/],
    ['postgres://u:pw@127.0.0.1:notaport/db', /not a valid URL/],
  ])('%s is PG_BAD_URL', async (url, message) => {
    const err = await pgError(openPg(url, { schema }));
    expect(err.code).toBe('PG_BAD_URL');
    expect(err.message).toMatch(message);
  });

  it('a server that does not answer is PG_UNREACHABLE, and the password is in no message', async () => {
    const err = await pgError(openPg('postgres://wcs:s3cret-Pa55@127.0.0.1:1/wcs', { schema, connectTimeoutMs: 2_000 }));
    expect(err.code).toBe('PG_UNREACHABLE');
    expect(err.message).toContain('127.0.0.1:1/wcs');
    expect(err.message).toMatch(/ECONNREFUSED/);
    expect(`${err.message} ${String(err.stack)}`).not.toContain('s3cret-Pa55');
  });
});

describe.skipIf(!pg.available)(pg.title('PostgreSQL adapter on a real server'), () => {
  let fresh: FreshPgDatabase;
  beforeAll(async () => {
    fresh = await createFreshPgDatabase(PG_ADMIN_URL);
  });
  afterAll(async () => {
    await fresh?.drop();
  });

  it('a database that does not exist is PG_UNREACHABLE with the server reason', async () => {
    const url = new URL(fresh.url);
    url.pathname = `/${fresh.name}_missing`;
    const err = await pgError(openPg(url.toString(), { schema }));
    expect(err.code).toBe('PG_UNREACHABLE');
    expect(err.message).toMatch(/does not exist \(3D000\)/);
  });

  it('three instances starting together migrate once and all see the full schema', async () => {
    const instances = await Promise.all([1, 2, 3].map(() => openPg(fresh.url, { schema, poolSize: 2 })));
    try {
      const reports = await Promise.all(instances.map((i) => migratePg(i.pool)));
      const total = reports[0]!.total;
      expect(total).toBeGreaterThan(0);
      expect(reports.map((r) => r.applied).sort()).toEqual([0, 0, total]);
      for (const instance of instances) expect(await pgMigrationsApplied(instance.pool)).toBe(true);

      const { rows: ledger } = await instances[0]!.pool.query<{ n: string; distinct: string }>(
        'SELECT count(*) AS n, count(DISTINCT hash) AS distinct FROM drizzle.__drizzle_migrations',
      );
      expect(ledger[0]).toEqual({ n: String(total), distinct: String(total) });

      // Every table with a SQLite twin, and the PostgreSQL-only ones (the pacing fallback's log: SQLite paces in memory;
      // the event bus's large payloads: SQLite delivers events in process).
      const expected = [...(Object.values(schema) as unknown[]), ...Object.values(pgOnlyTables), ...Object.values(busTables)]
        .filter((v): v is PgTable => is(v, PgTable))
        .map((t) => getTableName(t))
        .sort();
      for (const instance of instances) {
        const { rows } = await instance.pool.query<{ table_name: string }>(
          `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
        );
        expect(rows.map((r) => r.table_name).sort()).toEqual(expected);
      }
      // The lock is given back: nobody holds it once every instance has started.
      const { rows: locks } = await instances[0]!.pool.query(
        `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = (hashtext($1)::bigint & 4294967295)::oid
           AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        [MIGRATION_LOCK_KEY],
      );
      expect(locks).toEqual([]);
      expect(await migratePg(instances[1]!.pool)).toEqual({ applied: 0, total });
    } finally {
      await Promise.all(instances.map((i) => i.close()));
    }
  });

  it('a deadlock victim runs again and both transactions commit; other errors are not retried', async () => {
    const a = await openPg(fresh.url, { schema, poolSize: 2 });
    const b = await openPg(fresh.url, { schema, poolSize: 2 });
    try {
      await a.db.execute(sql`CREATE TABLE IF NOT EXISTS retry_probe (id int PRIMARY KEY, n int NOT NULL)`);
      await a.db.execute(sql`INSERT INTO retry_probe VALUES (1, 0), (2, 0)`);
      let release!: () => void;
      const bothHoldOne = new Promise<void>((resolve) => (release = resolve));
      let holding = 0;
      const hold = async () => {
        if (++holding === 2) release();
        await bothHoldOne;
      };
      const retries: string[] = [];
      const cross = (db: typeof a.db, first: number, second: number) =>
        pgTransaction(
          db,
          async (tx) => {
            await tx.execute(sql`UPDATE retry_probe SET n = n + 1 WHERE id = ${first}`);
            await hold();
            await tx.execute(sql`UPDATE retry_probe SET n = n + 1 WHERE id = ${second}`);
          },
          { onRetry: (r) => retries.push(r.sqlState) },
        );
      await Promise.all([cross(a.db, 1, 2), cross(b.db, 2, 1)]);
      expect(retries).toEqual(['40P01']);
      const { rows } = await a.pool.query('SELECT id, n FROM retry_probe ORDER BY id');
      expect(rows).toEqual([
        { id: 1, n: 2 },
        { id: 2, n: 2 },
      ]);

      let runs = 0;
      const duplicate = pgTransaction(a.db, async (tx) => {
        runs += 1;
        await tx.execute(sql`INSERT INTO retry_probe VALUES (1, 0)`);
      });
      await expect(duplicate).rejects.toThrow();
      expect(runs).toBe(1);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('a serialization failure (40001) runs again: two serializable read-then-insert transactions both land, one after the other', async () => {
    const a = await openPg(fresh.url, { schema, poolSize: 2 });
    const b = await openPg(fresh.url, { schema, poolSize: 2 });
    try {
      await a.db.execute(sql`CREATE TABLE IF NOT EXISTS serial_probe (seen int NOT NULL)`);
      let release!: () => void;
      const bothRead = new Promise<void>((resolve) => (release = resolve));
      let reads = 0;
      const retries: string[] = [];
      // Each inserts how many rows it saw: run one after the other that is 0 then 1, never 0 and 0.
      const readThenInsert = (db: typeof a.db) =>
        pgTransaction(
          db,
          async (tx) => {
            const { rows } = await tx.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM serial_probe`);
            if (++reads === 2) release();
            await bothRead;
            await tx.execute(sql`INSERT INTO serial_probe VALUES (${rows[0]!.n})`);
          },
          { isolationLevel: 'serializable', onRetry: (r) => retries.push(r.sqlState) },
        );
      await Promise.all([readThenInsert(a.db), readThenInsert(b.db)]);
      expect(retries).toEqual(['40001']);
      const { rows } = await a.pool.query('SELECT seen FROM serial_probe ORDER BY seen');
      expect(rows).toEqual([{ seen: 0 }, { seen: 1 }]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('refuses a database whose commits are not durable (synchronous_commit=off)', async () => {
    const admin = new pgDriver.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE "${fresh.name}" SET synchronous_commit = off`);
      const err = await pgError(openPg(fresh.url, { schema }));
      expect(err.code).toBe('PG_UNSAFE_SETTING');
      expect(err.message).toMatch(/synchronous_commit=off/);
    } finally {
      await admin.query(`ALTER DATABASE "${fresh.name}" RESET synchronous_commit`);
      await admin.end();
    }
    const ok = await openPg(fresh.url, { schema });
    await ok.close();
  });
});
