import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Sqlite from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { PreparedStatements, type WithStatements } from './prepared.js';

/**
 * The SQLite backend: one better-sqlite3 connection (WAL, synchronous=FULL) and the async transactions every store
 * contract runs on. better-sqlite3 is synchronous and cannot hold a transaction across an `await`, so the transaction
 * is taken by hand: a gate (an async mutex) admits one transaction at a time, BEGIN IMMEDIATE takes the write lock up
 * front, and the body may await store calls (each runs synchronously on the connection) until COMMIT. Calls on the
 * root handle from outside the transaction wait at the gate, so nobody reads a transaction's uncommitted rows or
 * writes into it by accident; calls from inside it (its own async scope) run at once, as they did before.
 */

interface SqliteHandleFields extends WithStatements {
  readonly backend: 'sqlite';
  /** The connection's gate; the same object on the root handle and on the transaction handle. */
  readonly gate: SqliteGate;
  readonly role: 'root' | 'tx';
}

/** drizzle's client over the connection (no relational schema: no code uses `db.query`), with its statements. */
export type SqliteDb = BetterSQLite3Database & SqliteHandleFields;
/** The handle a transaction body receives: the same connection, so the same query API and statements. */
export type SqliteTx = SqliteDb;
export type SqliteDbOrTx = SqliteDb;

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));

export interface Database {
  db: SqliteDb;
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
 * Commits whose fsync is left to a later WalSync.sync (platform/wal-sync.ts): the transaction runs at
 * synchronous=NORMAL, set and reset inside the gate so that no other transaction commits at that level.
 */
export interface DeferredSync {
  enter(): boolean;
  leave(): void;
}

/** One transaction at a time on a connection; the async scope of the one running, to let its own calls through. */
export class SqliteGate {
  private current: Promise<void> | null = null;
  /**
   * The transaction (its `current` promise) whose async scope the caller is in. Per transaction, not per gate: work a
   * body scheduled without awaiting (a timer, setImmediate) keeps the scope after the commit, and must then wait at
   * the gate like anyone else rather than slip into the next transaction.
   */
  private readonly scope = new AsyncLocalStorage<Promise<void>>();
  deferredSync: DeferredSync | null = null;
  private savepoints = 0;
  private readonly begin: Sqlite.Statement;
  private readonly commit: Sqlite.Statement;
  private readonly rollback: Sqlite.Statement;

  constructor(
    readonly sqlite: Sqlite.Database,
    readonly tx: SqliteTx,
  ) {
    this.begin = sqlite.prepare('BEGIN IMMEDIATE');
    this.commit = sqlite.prepare('COMMIT');
    this.rollback = sqlite.prepare('ROLLBACK');
  }

  /** True while a transaction is open and the caller is not inside it: its calls must wait (see whenFree). */
  get closedToCaller(): boolean {
    return this.current !== null && this.scope.getStore() !== this.current;
  }

  /** Runs fn once no transaction is open (at once when none is): fn is synchronous, so none can start meanwhile. */
  async whenFree<T>(fn: () => T): Promise<T> {
    while (this.closedToCaller) await this.current;
    return fn();
  }

  /** Runs fn in a transaction of its own, or in a savepoint when the caller is already inside the open one. */
  async transaction<T>(fn: (tx: SqliteTx) => Promise<T> | T, options: { deferSync?: boolean } = {}): Promise<T> {
    if (this.current !== null && this.scope.getStore() === this.current) return this.savepoint(fn);
    while (this.current !== null) await this.current;
    let release!: () => void;
    const current = new Promise<void>((resolve) => (release = resolve));
    this.current = current;
    const deferred = options.deferSync && this.deferredSync?.enter() ? this.deferredSync : null;
    try {
      this.begin.run();
      try {
        const result = await this.scope.run(current, () => fn(this.tx));
        this.commit.run();
        return result;
      } catch (err) {
        if (this.sqlite.inTransaction) this.rollback.run();
        throw err;
      }
    } finally {
      deferred?.leave();
      this.current = null;
      release();
    }
  }

  private async savepoint<T>(fn: (tx: SqliteTx) => Promise<T> | T): Promise<T> {
    const name = `sp${++this.savepoints}`;
    this.sqlite.prepare(`SAVEPOINT ${name}`).run();
    try {
      const result = await fn(this.tx);
      this.sqlite.prepare(`RELEASE ${name}`).run();
      return result;
    } catch (err) {
      this.sqlite.prepare(`ROLLBACK TO ${name}`).run();
      this.sqlite.prepare(`RELEASE ${name}`).run();
      throw err;
    }
  }
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
  const statements = new PreparedStatements(sqlite);
  // Two drizzle clients over the one connection: the root, which waits at the gate, and the one transactions see.
  const tx = drizzle(sqlite) as unknown as SqliteTx;
  const gate = new SqliteGate(sqlite, tx);
  Object.assign(tx, { statements, backend: 'sqlite', gate, role: 'tx' });
  const db: SqliteDb = Object.assign(drizzle(sqlite), { statements, backend: 'sqlite' as const, gate, role: 'root' as const });
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
