import pg from 'pg';
import type { RunningServer } from '../../src/service/server.js';

/**
 * Raw SQL for tests that look at (or stage) rows directly, on whichever backend the harness runs
 * (WCS_TEST_BACKEND). Write the SQL both databases accept (`?` placeholders are numbered for PostgreSQL); values
 * come back as SQLite stores them, so one assertion holds on both: times as epoch milliseconds, booleans as 1/0,
 * counts and sums as numbers, JSON columns as their text.
 */

const INT8 = 20;
const NUMERIC = 1700;
const BOOL = 16;
const TIMESTAMPTZ = 1184;
const TIMESTAMP = 1114;
const JSONB = 3802;
const JSON_OID = 114;

const asSqlite = {
  getTypeParser: (oid: number) => {
    switch (oid) {
      case INT8:
      case NUMERIC:
        return (v: string) => Number(v);
      case BOOL:
        return (v: string) => (v === 't' ? 1 : 0);
      case TIMESTAMPTZ:
      case TIMESTAMP:
        // '2026-12-07 11:15:00.123+00' → ISO 8601 (Date.parse wants the offset as +00:00).
        return (v: string) => Date.parse(`${v.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00')}${oid === TIMESTAMP ? 'Z' : ''}`);
      case JSONB:
      case JSON_OID:
        return (v: string) => v;
      default:
        return pg.types.getTypeParser(oid);
    }
  },
};

function numbered(text: string): string {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}

/** Every row of a SELECT (or of a statement with RETURNING). */
export async function sqlRows<T = Record<string, unknown>>(server: RunningServer, text: string, ...params: unknown[]): Promise<T[]> {
  if (server.sqlite) return server.sqlite.prepare(text).all(...params) as T[];
  const db = server.deps.db;
  if (db.backend !== 'pg') throw new Error('no database to query');
  const result = await db.$client.query({ text: numbered(text), values: params, types: asSqlite });
  return result.rows as T[];
}

/** The first row, or undefined. */
export async function sqlRow<T = Record<string, unknown>>(
  server: RunningServer,
  text: string,
  ...params: unknown[]
): Promise<T | undefined> {
  return (await sqlRows<T>(server, text, ...params))[0];
}

/** The first column of the first row (SQLite's pluck().get()). */
export async function sqlValue<T = unknown>(server: RunningServer, text: string, ...params: unknown[]): Promise<T> {
  const row = await sqlRow<Record<string, unknown>>(server, text, ...params);
  return (row ? Object.values(row)[0] : undefined) as T;
}

/** The first column of every row (SQLite's pluck().all()). */
export async function sqlColumn<T = unknown>(server: RunningServer, text: string, ...params: unknown[]): Promise<T[]> {
  return (await sqlRows<Record<string, unknown>>(server, text, ...params)).map((row) => Object.values(row)[0] as T);
}

/** Runs a write; the number of rows it changed. */
export async function sqlRun(server: RunningServer, text: string, ...params: unknown[]): Promise<number> {
  if (server.sqlite) return server.sqlite.prepare(text).run(...params).changes;
  const db = server.deps.db;
  if (db.backend !== 'pg') throw new Error('no database to query');
  const result = await db.$client.query({ text: numbered(text), values: params, types: asSqlite });
  return result.rowCount ?? 0;
}
