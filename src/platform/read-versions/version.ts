import type { Db } from '../db.js';

/**
 * A group's read version (read_versions/tables.ts): a number that changes with every committed write to one of the
 * group's tables, from any connection or process. SQLite only; null on PostgreSQL, where a trigger's counter would
 * be one row every writer of the group locks until its commit (and a sequence is seen before the commit it belongs
 * to), so nothing there is versioned this way.
 */
export function readVersion(db: Db, group: string): number | null {
  if (db.backend !== 'sqlite') return null;
  // A transaction is open on the connection and the caller is not in it: the counter may hold its uncommitted
  // writes, and a rollback would take them back while an answer stays kept under them (the reads themselves wait at
  // the gate). Unknown, then: nothing is kept or served meanwhile.
  if (db.gate.closedToCaller) return null;
  const statement = db.statements.get('platform.readVersion', () =>
    db.statements.connection.prepare('SELECT version FROM read_versions WHERE name = ?').pluck(),
  );
  const version = statement.get(group) as number | undefined;
  if (version === undefined) throw new Error(`read_versions has no group ${group}`);
  return version;
}
