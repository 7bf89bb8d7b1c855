import { eq, getTableColumns, sql } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { SqliteDbOrTx as DbOrTx } from './sqlite.js';
import { prepared } from './prepared.js';

/**
 * Row writes on hot paths (a send writes several rows, at up to a thousand sends a second), prepared once per
 * connection through `prepared()` instead of built by drizzle and prepared by SQLite on every call: profiled at
 * about a third of the CPU of a send. Values are encoded here by their columns (dates, JSON, booleans), null left
 * as null: drizzle's placeholder filling would hand null to the encoders.
 */

const $ = sql.placeholder;

type Columns = Record<string, SQLiteColumn>;

function encode(columns: Columns, key: string, value: unknown): unknown {
  return value == null ? null : columns[key]!.mapToDriverValue(value);
}

/**
 * INSERT of a whole row (every column of the table), or INSERT … ON CONFLICT DO NOTHING with `ignoreConflict`.
 * `name` names the statement in the connection's cache (unique per table and kind). Returns whether a row was added.
 */
export function insertRow(db: DbOrTx, table: SQLiteTable, name: string, row: object, options: { ignoreConflict?: boolean } = {}): boolean {
  const columns = getTableColumns(table) as Columns;
  const statement = prepared(db, `insert:${name}:${options.ignoreConflict ? 'ignore' : 'strict'}`, (d) => {
    const insert = d.insert(table).values(Object.fromEntries(Object.keys(columns).map((key) => [key, sql`${$(key)}`])));
    return (options.ignoreConflict ? insert.onConflictDoNothing() : insert).prepare();
  });
  const values: Record<string, unknown> = {};
  for (const key of Object.keys(columns)) values[key] = encode(columns, key, (row as Record<string, unknown>)[key]);
  return statement.run(values).changes === 1;
}

/**
 * UPDATE table SET <the patch's columns> WHERE idColumn = id. One statement per shape of patch (the set of its
 * keys; undefined values are left out, as drizzle's set() does), so the few shapes a slice uses are prepared once.
 */
export function updateById(db: DbOrTx, table: SQLiteTable, name: string, idColumn: SQLiteColumn, id: string, patch: object): void {
  const columns = getTableColumns(table) as Columns;
  const entries = Object.entries(patch).filter(([, value]) => value !== undefined);
  if (!entries.length) return;
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const keys = entries.map(([key]) => key);
  const statement = prepared(db, `update:${name}:${keys.join(',')}`, (d) =>
    d
      .update(table)
      .set(Object.fromEntries(keys.map((key) => [key, sql`${$(key)}`])))
      .where(eq(idColumn, $('__id')))
      .prepare(),
  );
  const values: Record<string, unknown> = { __id: id };
  for (const [key, value] of entries) values[key] = encode(columns, key, value);
  statement.run(values);
}
