import { customType, json as pgJson, timestamp } from 'drizzle-orm/pg-core';

/**
 * The PostgreSQL spellings of the column modes the SQLite tables use, chosen so that each gives the same
 * TypeScript type (research/SCALE-OUT.md §2): a store written against one table set reads the same records
 * from the other. Every tables.pg.ts builds its columns from these.
 */

/** SQLite `integer(…, { mode: 'timestamp_ms' })`: milliseconds, read as a Date. */
export const timestampMs = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });

/**
 * SQLite `text(…, { mode: 'json' }).$type<T>()`: stored as json (the text as given, like SQLite), read as T. Not jsonb:
 * jsonb refuses a \u0000 escape inside a string, which JSON (and SQLite) allow, so a profile attribute holding one
 * would fail on PostgreSQL alone; no query needs jsonb's operators or indexes.
 */
export const json = <T>(name: string) => pgJson(name).$type<T>();

/** SQLite `blob(…, { mode: 'buffer' })`: the exact bytes, read as a Buffer (node-postgres returns bytea as one). */
export const bytes = customType<{ data: Buffer; driverData: Buffer }>({
  dataType: () => 'bytea',
});
