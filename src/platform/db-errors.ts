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
