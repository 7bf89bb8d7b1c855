import { fillPlaceholders, getTableColumns, getTableName, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type Sqlite from 'better-sqlite3';

/**
 * Hot queries built and prepared ONCE per connection, then only executed: drizzle's query builder and SQLite's
 * prepare cost more than running a small query (profiled at ~50% and ~16% of a list request).
 *
 * One instance per SQLite connection, created by openDatabase (platform/db.ts) and carried by the database handle and
 * by every transaction handle of it (`db.statements`, `tx.statements`): better-sqlite3 has one connection, so a
 * statement prepared on the database is valid inside its transactions too. Two databases open in one process (tests
 * start two services) each have their own statements; nothing is shared behind the handles.
 */
export class PreparedStatements {
  private readonly byName = new Map<string, unknown>();

  /** The raw connection, for stores that prepare plain SQL on it (`statements.get(name, () => new Hot(connection))`). */
  constructor(readonly connection: Sqlite.Database) {}

  /** The statement (or group of statements) registered under this unique name, built on first use. */
  get<T>(name: string, build: () => T): T {
    let statement = this.byName.get(name) as T | undefined;
    if (statement === undefined) {
      statement = build();
      this.byName.set(name, statement);
    }
    return statement;
  }

  /** How many names are prepared (tests check that repeated requests prepare nothing new). */
  get size(): number {
    return this.byName.size;
  }
}

/** A handle that carries its connection's statements: the database handle and every transaction handle of it. */
export interface WithStatements {
  readonly statements: PreparedStatements;
}

/**
 * The store-side shorthand: `prepared(db, 'slice.query', (d) => d.select()…prepare())`. The build function gets the
 * handle it was called with and uses sql.placeholder() for its inputs; names are unique across the service.
 */
export function prepared<H extends WithStatements, T>(db: H, name: string, build: (db: H) => T): T {
  return db.statements.get(name, () => build(db));
}

/** `column IN (the JSON array bound to placeholder)`: a list of any length in one prepared statement. */
export function inJsonList(column: SQLiteColumn, placeholder: string): SQL {
  return sql`${column} IN (SELECT value FROM json_each(${sql.placeholder(placeholder)}))`;
}

/**
 * A drizzle SELECT of a whole table (`d.select().from(table)…`), built by drizzle once, prepared on the raw
 * connection and decoded row by row with each column's own mapFromDriverValue (null stays null): the rows drizzle
 * would return, without its generic per-row result mapping, which allocated 5-7× the rows themselves on a list
 * page (profiled: 170 KiB for 21 configurations, 271 KiB for their 66 checks; 39 and 37 KiB this way) and took
 * about 40% of those statements' CPU. For hot list reads; anything else keeps drizzle's own prepared queries.
 */
export function tableSelect<T extends SQLiteTable>(
  db: WithStatements,
  table: T,
  query: { toSQL(): { sql: string; params: unknown[] } },
): (values?: Record<string, unknown>) => T['$inferSelect'][] {
  return decodedSelect(db, table, getTableColumns(table), query, 'the whole table') as (
    values?: Record<string, unknown>,
  ) => T['$inferSelect'][];
}

/** The row of `columns` (a map of key to column, as drizzle's select takes), each decoded as drizzle decodes it. */
export type SelectedRow<C extends Record<string, SQLiteColumn>> = {
  [K in keyof C]: C[K]['_']['notNull'] extends true ? C[K]['_']['data'] : C[K]['_']['data'] | null;
};

/**
 * Like tableSelect for some columns of a table (`d.select(columns).from(table)…`, the same `columns` given here): a
 * hot read that needs only these pays for only these (SQLite hands every value over as a new JS value: a check row
 * without its id, sandbox and position read 27% faster; measured).
 */
export function columnsSelect<C extends Record<string, SQLiteColumn>>(
  db: WithStatements,
  table: SQLiteTable,
  columns: C,
  query: { toSQL(): { sql: string; params: unknown[] } },
): (values?: Record<string, unknown>) => SelectedRow<C>[] {
  return decodedSelect(db, table, columns, query, 'exactly the columns given') as (values?: Record<string, unknown>) => SelectedRow<C>[];
}

function decodedSelect(
  db: WithStatements,
  table: SQLiteTable,
  columns: Record<string, SQLiteColumn>,
  query: { toSQL(): { sql: string; params: unknown[] } },
  what: string,
): (values?: Record<string, unknown>) => Record<string, unknown>[] {
  const entries = Object.entries(columns);
  const { sql: text, params } = query.toSQL();
  // drizzle selects the columns in the order given; a query that selects anything else is refused.
  const selectList = entries.map(([, column]) => `"${column.name}"`).join(', ');
  if (!text.startsWith(`select ${selectList} from "${getTableName(table)}"`)) {
    throw new Error(`tableSelect(${getTableName(table)}): the query must select ${what} (${text})`);
  }
  const statement = db.statements.connection.prepare(text).raw();
  const keys = entries.map(([key]) => key);
  const decoders = entries.map(([, column]) => column);
  const read = (row: unknown[]) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const value = row[i];
      out[keys[i]!] = value === null ? null : decoders[i]!.mapFromDriverValue(value);
    }
    return out;
  };
  return (values = {}) => (statement.all(...fillPlaceholders(params, values)) as unknown[][]).map(read);
}
