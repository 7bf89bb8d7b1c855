import type { Pool } from 'pg';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { PgTx } from './transaction.js';

/**
 * The handles PostgreSQL stores receive: drizzle's node-postgres client over the instance's pool (the root) or one
 * transaction of it. Stores query the tables they import (no relational schema, no `db.query`), so the schema is empty.
 * The `backend` tag (not `dialect`: drizzle keeps its own dialect object under that name) lets dialect-neutral code (platform/db.ts) pick the store and the transaction of a handle.
 */
export type PgRootDb = NodePgDatabase<Record<string, never>> & { readonly backend: 'pg'; readonly role: 'root'; readonly $client: Pool };
export type PgTxDb = PgTx<Record<string, never>> & { readonly backend: 'pg'; readonly role: 'tx' };
export type PgDbOrTx = PgRootDb | PgTxDb;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- matches any function, whatever its parameters
type AnyFunction = (...args: any[]) => unknown;

/**
 * The PostgreSQL twin of a SQLite store module: every exported function, with the same parameters after the handle,
 * a PostgreSQL handle first and a Promise of the same result. `const pgStore: PgStoreOf<typeof sqliteStore> = pg`
 * is the compile-time check that the two implement one contract.
 */
export type PgStoreOf<S> = {
  [K in keyof S as S[K] extends AnyFunction ? K : never]: S[K] extends (db: never, ...args: infer A) => infer R
    ? (db: PgDbOrTx, ...args: A) => Promise<Awaited<R>>
    : never;
};
