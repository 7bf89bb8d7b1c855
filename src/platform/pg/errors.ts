/**
 * Why a PostgreSQL database could not be used. Every message names the server by host, port and database
 * only: a URL's password never appears in an error, a log line or a result.
 */
export type PgErrorCode = 'PG_BAD_URL' | 'PG_UNREACHABLE' | 'PG_UNSAFE_SETTING' | 'PG_MIGRATION_FAILED';

export class PgDatabaseError extends Error {
  constructor(
    readonly code: PgErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PgDatabaseError';
  }
}

/** The SQLSTATE of a PostgreSQL error, looked up through drizzle's wrapping (DrizzleQueryError.cause). */
export function sqlState(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/** serialization_failure and deadlock_detected: the transaction did nothing and may simply run again. */
export const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);
