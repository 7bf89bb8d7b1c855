import { sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { DbOrTx } from './db.js';

/**
 * Hot queries built and prepared ONCE per connection, then only executed: drizzle's query builder and SQLite's
 * prepare cost more than running a small query (profiled at ~50% and ~16% of a list request). Every store uses this
 * one helper with a unique name; the build function gets the handle and uses sql.placeholder() for its inputs.
 *
 * A transaction handle of drizzle's better-sqlite3 driver runs on the same connection, so a statement prepared on
 * the database is used inside transactions too (the cache is keyed by the connection behind the handle).
 */
const perConnection = new WeakMap<object, Map<string, unknown>>();

function connectionOf(db: DbOrTx): object {
  return (db as unknown as { session: { client: object } }).session?.client ?? db;
}

export function prepared<T>(db: DbOrTx, name: string, build: (db: DbOrTx) => T): T {
  const connection = connectionOf(db);
  let statements = perConnection.get(connection);
  if (!statements) perConnection.set(connection, (statements = new Map()));
  let statement = statements.get(name) as T | undefined;
  if (statement === undefined) {
    statement = build(db);
    statements.set(name, statement);
  }
  return statement;
}

/** `column IN (the JSON array bound to placeholder)`: a list of any length in one prepared statement. */
export function inJsonList(column: SQLiteColumn, placeholder: string): SQL {
  return sql`${column} IN (SELECT value FROM json_each(${sql.placeholder(placeholder)}))`;
}
