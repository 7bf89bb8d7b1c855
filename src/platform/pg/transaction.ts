import type { PgTransactionConfig } from 'drizzle-orm/pg-core';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
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
      return await db.transaction(fn, txConfig);
    } catch (err) {
      const state = sqlState(err);
      if (!state || !retryOn.has(state) || attempt >= maxAttempts) throw err;
      onRetry?.({ attempt, sqlState: state });
      // Full jitter, 5 ms doubling: the other transaction usually needs only a moment to commit.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * 2 ** attempt));
    }
  }
}
