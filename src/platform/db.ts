import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Sqlite from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { PreparedStatements, type WithStatements } from './prepared.js';

/**
 * drizzle's client without a relational schema (stores query the tables they import; no code uses `db.query`),
 * carrying its connection's prepared statements.
 */
export type Db = BetterSQLite3Database & WithStatements;
/** The handle a transaction callback of inTransaction receives: same query API as Db, same statements. */
export type Tx = Parameters<Parameters<BetterSQLite3Database['transaction']>[0]>[0] & WithStatements;
export type DbOrTx = Db | Tx;

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));

export interface Database {
  db: Db;
  sqlite: Sqlite.Database;
  file: string;
  close(): void;
}

export interface PragmaReport {
  journal_mode: string;
  synchronous: number;
  foreign_keys: number;
  busy_timeout: number;
}

/**
 * Opens the SQLite file with the pragmas durability depends on, then applies
 * pending migrations. synchronous=FULL because better-sqlite3 defaults to NORMAL
 * in WAL mode, which can lose an acknowledged webhook on power loss.
 */
export function openDatabase(file: string, options: { migrate?: boolean } = {}): Database {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Sqlite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('wal_autocheckpoint = 1000');
  const report = readPragmas(sqlite);
  if (report.synchronous !== 2 || report.foreign_keys !== 1 || (file !== ':memory:' && report.journal_mode !== 'wal')) {
    sqlite.close();
    throw new Error(`SQLite pragmas not applied: ${JSON.stringify(report)}`);
  }
  const db: Db = Object.assign(drizzle(sqlite), { statements: new PreparedStatements(sqlite) });
  if (options.migrate !== false) migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  return {
    db,
    sqlite,
    file,
    close: () => {
      if (sqlite.open) sqlite.close();
    },
  };
}

export function readPragmas(sqlite: Sqlite.Database): PragmaReport {
  return {
    journal_mode: String(sqlite.pragma('journal_mode', { simple: true })),
    synchronous: Number(sqlite.pragma('synchronous', { simple: true })),
    foreign_keys: Number(sqlite.pragma('foreign_keys', { simple: true })),
    busy_timeout: Number(sqlite.pragma('busy_timeout', { simple: true })),
  };
}

/** True when every migration in drizzle/ has been applied to this database. */
export function migrationsApplied(sqlite: Sqlite.Database): boolean {
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as {
    entries: unknown[];
  };
  const applied = sqlite.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number };
  return applied.n >= journal.entries.length;
}

/**
 * Takes part in the transactions run in its async scope (withTransactionParticipant): beforeCommit runs inside each
 * outermost inTransaction after fn, with fn's result, so what it writes commits or rolls back with fn's work. If it
 * throws, the transaction rolls back. The audit log uses it to write a mutation's row with the mutation's change.
 */
export interface TransactionParticipant {
  beforeCommit(tx: Tx, result: unknown): void;
}

const participants = new AsyncLocalStorage<TransactionParticipant>();

/** Runs fn (and everything it awaits) with participant taking part in each of its transactions. */
export function withTransactionParticipant<T>(participant: TransactionParticipant, fn: () => T): T {
  return participants.run(participant, fn);
}

/**
 * Runs fn in one IMMEDIATE transaction (takes the write lock up front, so two
 * writers never deadlock on a read-to-write upgrade). fn must be synchronous:
 * better-sqlite3 transactions cannot span an await. The transaction handle
 * carries the database's prepared statements (same connection).
 */
export function inTransaction<T>(db: Db, fn: (tx: Tx) => T): T {
  const { statements } = db;
  const participant = participants.getStore();
  if (!participant) return db.transaction((tx) => fn(Object.assign(tx, { statements })), { behavior: 'immediate' });
  return db.transaction(
    (drizzleTx) => {
      const tx = Object.assign(drizzleTx, { statements });
      // fn runs without the participant: a nested call (a savepoint of this transaction) does not write twice.
      const result = participants.exit(() => fn(tx));
      participant.beforeCommit(tx, result);
      return result;
    },
    { behavior: 'immediate' },
  );
}
