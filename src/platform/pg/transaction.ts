import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { PgTransactionConfig } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { RETRYABLE_SQLSTATES, sqlState } from './errors.js';

export type PgTx<S extends Record<string, unknown>> = Parameters<Parameters<NodePgDatabase<S>['transaction']>[0]>[0];

export interface PgTransactionOptions extends PgTransactionConfig {
  /** Runs in all, the first included. */
  maxAttempts?: number;
  /** SQLSTATEs that run the transaction again (default: serialization failures and deadlocks). */
  retryOn?: ReadonlySet<string>;
  /** Told of each retry (metrics, logs). */
  onRetry?: (info: { attempt: number; sqlState: string }) => void;
}

/**
 * Runs fn in one transaction and runs it again when PostgreSQL aborted it as a serialization failure
 * (40001) or a deadlock victim (40P01): such a transaction changed nothing, so another run is safe as long
 * as fn does no I/O outside the database (the rule for every transaction body). Other errors, and the last
 * retryable one, are thrown as they are.
 */
export async function pgTransaction<S extends Record<string, unknown>, T>(
  db: NodePgDatabase<S>,
  fn: (tx: PgTx<S>) => Promise<T>,
  options: PgTransactionOptions = {},
): Promise<T> {
  const { maxAttempts = 5, onRetry, retryOn = RETRYABLE_SQLSTATES, ...config } = options;
  const txConfig = Object.keys(config).length ? config : undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      return await onOwnClient(db, (clientDb) => clientDb.transaction(fn, txConfig));
    } catch (err) {
      const state = sqlState(err);
      if (!state || !retryOn.has(state) || attempt >= maxAttempts) throw err;
      onRetry?.({ attempt, sqlState: state });
      // Full jitter, 5 ms doubling: the other transaction usually needs only a moment to commit.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * 2 ** attempt));
    }
  }
}

/** drizzle over one pooled connection, made once and kept on the connection itself (the pool hands the same ones out again). */
const DRIZZLE = Symbol('wcs.drizzle');
type PooledClient = pg.PoolClient & { [DRIZZLE]?: NodePgDatabase<Record<string, unknown>> };

/**
 * Runs fn with drizzle over a connection checked out here, and gives the connection back whatever happens. drizzle's
 * own pool transaction (drizzle-orm 0.45 node-postgres session.transaction) sends BEGIN before its try/finally: when
 * BEGIN fails (a pooled connection the server dropped in a restart) the connection is never released, and after
 * as many failures as the pool has connections the instance can never run a transaction again.
 */
async function onOwnClient<S extends Record<string, unknown>, T>(
  db: NodePgDatabase<S>,
  fn: (db: NodePgDatabase<S>) => Promise<T>,
): Promise<T> {
  const pool = (db as NodePgDatabase<S> & { $client?: unknown }).$client;
  if (!(pool instanceof pg.Pool)) return fn(db);
  const client: PooledClient = await pool.connect();
  try {
    const clientDb = (client[DRIZZLE] ??= drizzle({ client, schema: db._.fullSchema as Record<string, unknown> }));
    return await fn(clientDb as unknown as NodePgDatabase<S>);
  } finally {
    // A connection the server dropped is not queryable any more, and the pool closes it instead of keeping it.
    client.release();
  }
}
