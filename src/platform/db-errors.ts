import { DrizzleError, DrizzleQueryError } from 'drizzle-orm';
import { sqlState } from './pg/errors.js';

/**
 * Constraint failures the services turn into typed errors, recognised on either backend, also when drizzle wrapped
 * the driver's error (DrizzleQueryError keeps it as `cause`).
 */

function* causes(err: unknown): Generator<{ code?: unknown; message?: unknown }> {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    yield e as { code?: unknown; message?: unknown };
  }
}

/**
 * A foreign key refused the write. SQLite enforces ON DELETE RESTRICT with an internal trigger, so it surfaces as
 * SQLITE_CONSTRAINT_TRIGGER with "FOREIGN KEY constraint failed"; NO ACTION surfaces as SQLITE_CONSTRAINT_FOREIGNKEY.
 * PostgreSQL: SQLSTATE 23503.
 */
export function isForeignKeyFailure(err: unknown): boolean {
  if (sqlState(err) === '23503') return true;
  for (const { code, message } of causes(err)) {
    if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return true;
    if (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT') && message === 'FOREIGN KEY constraint failed') return true;
  }
  return false;
}

/**
 * The driver's own error behind drizzle's wrapper. drizzle's errors spell out the statement (DrizzleQueryError on
 * PostgreSQL: "Failed query: <SQL> params: <values>"; on SQLite "Failed to run the query '<SQL>'"), and the values are whatever the statement wrote (a phone number, a message text, a webhook body): that
 * text must not reach a log line, a stored status detail or an API answer. Other errors are returned as they are.
 */
export function withoutQueryText(err: unknown): unknown {
  const wrapped = err instanceof DrizzleError || err instanceof DrizzleQueryError;
  return wrapped && err.cause instanceof Error ? err.cause : err;
}

/** The message to show or store for an error: the database's own reason when drizzle wrapped it. */
export function errorReason(err: unknown): string {
  const inner = withoutQueryText(err);
  return inner instanceof Error ? inner.message : String(inner);
}
