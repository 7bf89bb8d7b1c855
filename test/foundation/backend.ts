import path from 'node:path';
import pg from 'pg';
import { openDatabase } from '../../src/platform/db.js';
import { createFreshPgDatabase, LOCAL_PG_ADMIN_URL } from '../../src/platform/pg/fresh-database.js';
import { TEST_BACKEND } from '../helpers/harness.js';

/**
 * For the tests that start the CLI or the service themselves (not through the harness): the database settings of the
 * backend WCS_TEST_BACKEND names. SQLite: the file in the data folder. PostgreSQL: a fresh database (the encryption key
 * file stays in the data folder, hence DATA_DIR), dropped by `drop`.
 */
export interface TestDatabase {
  env: { DATABASE_URL: string; DATA_DIR?: string };
  /** count(*) of a table, through a connection of its own. */
  count(table: string): Promise<number>;
  drop(): Promise<void>;
}

export async function testDatabase(dataDir: string): Promise<TestDatabase> {
  if (TEST_BACKEND === 'sqlite') {
    const file = path.join(dataDir, 'wcs.sqlite');
    return {
      env: { DATABASE_URL: `file:${file}` },
      count: (table) => {
        const db = openDatabase(file);
        try {
          return Promise.resolve((db.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n);
        } finally {
          db.close();
        }
      },
      drop: () => Promise.resolve(),
    };
  }
  const fresh = await createFreshPgDatabase(process.env.WCS_TEST_PG_URL || LOCAL_PG_ADMIN_URL, 'wcs_f');
  return {
    env: { DATABASE_URL: fresh.url, DATA_DIR: dataDir },
    count: async (table) => {
      const client = new pg.Client({ connectionString: fresh.url });
      await client.connect();
      try {
        return (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
      } finally {
        await client.end();
      }
    },
    drop: () => fresh.drop(),
  };
}
