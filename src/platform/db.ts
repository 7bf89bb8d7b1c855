import { AsyncLocalStorage } from 'node:async_hooks';
import type { PgDbOrTx, PgRootDb, PgStoreOf, PgTxDb } from './pg/handle.js';
import { RETRYABLE_SQLSTATES } from './pg/errors.js';
import { pgTransaction } from './pg/transaction.js';
import type { SqliteDb, SqliteDbOrTx, SqliteTx } from './sqlite.js';
import { TransactionHooks } from './tx-hooks.js';

export { TransactionHooks } from './tx-hooks.js';

export { MIGRATIONS_FOLDER, migrationsApplied, openDatabase, readPragmas } from './sqlite.js';
export type { Database, PragmaReport, SqliteDb, SqliteDbOrTx, SqliteTx } from './sqlite.js';

/**
 * The database as services see it, whichever backend runs: a handle they pass to their slice's store and a
 * transaction that may await store calls. SQLite (platform/sqlite.ts) is the default; PostgreSQL (platform/pg/) is
 * chosen by a postgres:// DATABASE_URL. Each slice's store.ts dispatches a call to the store of the handle's dialect
 * (dialectStore below); nothing above the stores knows which one runs.
 */
export type Db = SqliteDb | PgRootDb;
export type Tx = SqliteTx | PgTxDb;
export type DbOrTx = SqliteDbOrTx | PgDbOrTx;

/**
 * Takes part in the transactions run in its async scope (withTransactionParticipant): beforeCommit runs inside each
 * outermost inTransaction after fn, with fn's result, so what it writes commits or rolls back with fn's work. If it
 * throws, the transaction rolls back. The audit log uses it to write a mutation's row with the mutation's change.
 */
export interface TransactionParticipant {
  beforeCommit(tx: Tx, result: unknown): Promise<void> | void;
}

const participants = new AsyncLocalStorage<TransactionParticipant>();

/** The hooks of the outermost transaction whose body runs in this async scope (currentTransactionHooks). */
const hookScope = new AsyncLocalStorage<TransactionHooks<Tx>>();

/** Runs fn (and everything it awaits) with participant taking part in each of its transactions. */
export function withTransactionParticipant<T>(participant: TransactionParticipant, fn: () => T): T {
  return participants.run(participant, fn);
}

export interface TransactionOptions {
  /**
   * SQLite: commit without waiting for the disk; the caller answers only after a later WalSync.sync (group commits).
   * PostgreSQL commits are durable at COMMIT (synchronous_commit=on), so there it changes nothing.
   */
  deferSync?: boolean;
  /**
   * A snapshot: on PostgreSQL one REPEATABLE READ transaction, so every read of fn sees the same
   * committed state (a response never mixes a row from before a commit with rows from after it). SQLite's reads are
   * already taken between its one-at-a-time transactions; there fn simply runs.
   */
  snapshot?: boolean;
}

/**
 * Runs fn in one transaction: SQLite's IMMEDIATE transaction behind the connection's gate, or a PostgreSQL transaction
 * run again on a serialization failure or a deadlock (so fn must do no I/O but the database's). Called with a
 * transaction handle (or from inside a transaction's scope on SQLite) it nests as a savepoint.
 */
export async function inTransaction<T>(db: DbOrTx, fn: (tx: Tx) => Promise<T> | T, options: TransactionOptions = {}): Promise<T> {
  const participant = participants.getStore();
  const body = !participant
    ? fn
    : async (tx: Tx) => {
        // fn runs without the participant: a nested call (a savepoint of this transaction) does not write twice.
        const result = await participants.exit(() => fn(tx));
        await participant.beforeCommit(tx, result);
        return result;
      };
  if (db.backend === 'sqlite') {
    if (options.snapshot) return await fn(db as Tx);
    const outer = hookScope.getStore();
    // A savepoint of the open transaction: its hooks are the outermost transaction's.
    if (outer?.open && outer.owner === db.gate) return db.gate.transaction(body, options);
    const hooks = new TransactionHooks<Tx>('sqlite', db.gate);
    let result: T;
    try {
      result = await db.gate.transaction(
        (tx) =>
          hookScope.run(hooks, async () => {
            const value = await body(tx);
            await hooks.runBeforeCommit(tx);
            return value;
          }),
        options,
      );
    } catch (err) {
      hooks.rolledBack();
      throw err;
    }
    hooks.committed();
    return result;
  }
  if (db.role === 'tx' || openScopeOf(db)) {
    const open = pgHandleOf(db);
    return open.transaction(async (inner) => await participants.exit(() => fn(asPgTx(inner))));
  }
  const root = db;
  // One set of hooks per attempt: an attempt that failed (in its body or at COMMIT) never runs its afterCommit hooks.
  let hooks: TransactionHooks<Tx> | undefined;
  let result: T;
  try {
    result = await pgTransaction(
      root,
      async (raw) => {
        hooks?.rolledBack();
        const attempt = (hooks = new TransactionHooks<Tx>('pg', root));
        const tx = asPgTx(raw);
        const scope = { root, tx, open: true };
        try {
          return await pgScope.run(scope, () =>
            hookScope.run(attempt, async () => {
              const value = await body(tx);
              await attempt.runBeforeCommit(tx);
              return value;
            }),
          );
        } finally {
          // Work the body scheduled without awaiting keeps this scope; once the transaction ends it must use the pool.
          scope.open = false;
        }
      },
      options.snapshot ? { isolationLevel: 'repeatable read' } : { retryOn: SERVICE_RETRIES },
    );
  } catch (err) {
    hooks?.rolledBack();
    throw err;
  }
  hooks?.committed();
  return result;
}

/**
 * The hooks of the transaction open in this async scope (see TransactionHooks), or undefined outside one, and once
 * it has ended for work its body left behind. Code that must act at COMMIT (PubSub.publish: events after commit, or
 * NOTIFY inside it on PostgreSQL) attaches here instead of acting at once.
 */
export function currentTransactionHooks(): TransactionHooks<Tx> | undefined {
  const hooks = hookScope.getStore();
  return hooks?.open ? hooks : undefined;
}

/**
 * A row changed between a transaction's read and its version-fenced write (another instance's transaction, or a job,
 * committed in between). Only PostgreSQL's concurrent writers get here; its SQLSTATE is serialization_failure's, so
 * a service transaction simply runs again on what is now committed (and, after its last attempt, fails as it would).
 */
export class ConcurrentChangeError extends Error {
  readonly code = '40001';
  constructor(what: string) {
    super(`${what} changed while this transaction ran`);
    this.name = 'ConcurrentChangeError';
  }
}

/**
 * Besides serialization failures and deadlocks, a unique violation (23505) runs a service transaction again. Services
 * check a name (or key) and then insert, which SQLite's single writer makes atomic; on PostgreSQL two such
 * transactions can both pass the check and the second insert fails on the unique index once the first commits. Run
 * again, its check now sees the committed row and throws the same typed ConflictError as on SQLite.
 */
const SERVICE_RETRIES: ReadonlySet<string> = new Set([...RETRYABLE_SQLSTATES, '23505']);

/**
 * The PostgreSQL transaction open in this async scope. On SQLite, code inside a transaction that reaches the store
 * through the root handle (deps.db) runs on the transaction's connection anyway; on PostgreSQL the root handle is the
 * pool, so store calls on it from inside a transaction's scope are sent to the transaction instead: the same
 * meaning on both backends (they see the transaction's own writes, and commit or roll back with it).
 */
const pgScope = new AsyncLocalStorage<{ root: PgRootDb; tx: PgTxDb; open: boolean }>();

function openScopeOf(db: PgDbOrTx): { tx: PgTxDb } | undefined {
  const scope = pgScope.getStore();
  return scope && scope.open && scope.root === db ? scope : undefined;
}

function pgHandleOf(db: PgDbOrTx): PgDbOrTx {
  if (db.role === 'tx') return db;
  return openScopeOf(db)?.tx ?? db;
}

function asPgTx(tx: object): PgTxDb {
  return Object.assign(tx, { backend: 'pg' as const, role: 'tx' as const }) as PgTxDb;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any store function, whatever its parameters
type StoreFunction = (db: any, ...args: any[]) => unknown;

/** A store module's functions as services call them: any handle first, a Promise of the SQLite function's result. */
export type StoreContract<S> = {
  [K in keyof S as S[K] extends StoreFunction ? K : never]: S[K] extends (db: never, ...args: infer A) => infer R
    ? (db: DbOrTx, ...args: A) => Promise<Awaited<R>>
    : never;
};

/** The same functions called synchronously: the SQLite store itself, for reads that can answer at once (see now). */
export type SyncStore<S> = {
  [K in keyof S as S[K] extends StoreFunction ? K : never]: S[K] extends (db: never, ...args: infer A) => infer R
    ? (db: DbOrTx, ...args: A) => R
    : never;
};

export type DialectStore<S> = StoreContract<S> & {
  /**
   * The SQLite store to call synchronously, when the handle is SQLite's and no transaction is open to anyone else
   * (so the read sees only committed rows, as the async call would); otherwise undefined. Hot read paths use it to
   * answer without a promise per call: `store.now(db)?.find(db, id) ?? store.find(db, id)` (a list page's fields
   * then complete synchronously, the executor's cheapest path). PostgreSQL always takes the async call.
   */
  now(db: DbOrTx): SyncStore<S> | undefined;
};

/**
 * One slice's store on both backends: each function calls the SQLite store (synchronous, so wrapped in a Promise and
 * let through the gate) or the PostgreSQL one, by the handle's backend. `pg` must implement the same functions
 * (PgStoreOf in pg/handle.ts checks it where it is written).
 */
export function dialectStore<S extends object>(sqlite: S, pg?: PgStoreOf<S>): DialectStore<S> {
  const out: Record<string, (db: DbOrTx, ...args: unknown[]) => Promise<unknown>> = {};
  for (const [name, fn] of Object.entries(sqlite)) {
    if (typeof fn !== 'function') continue;
    const lite = fn as (db: SqliteDbOrTx, ...args: unknown[]) => unknown;
    const other = (pg as Record<string, (db: PgDbOrTx, ...args: unknown[]) => Promise<unknown>> | undefined)?.[name];
    out[name] = (db, ...args) => {
      if (db.backend === 'pg') {
        if (!other) return Promise.reject(new Error(`store function ${name} has no PostgreSQL implementation`));
        return other(pgHandleOf(db), ...args);
      }
      if (db.gate.closedToCaller) return db.gate.whenFree(() => lite(db, ...args));
      try {
        return Promise.resolve(lite(db, ...args));
      } catch (err) {
        return Promise.reject(err);
      }
    };
  }
  const sync = sqlite as unknown as SyncStore<S>;
  const now = (db: DbOrTx): SyncStore<S> | undefined => (db.backend === 'sqlite' && !db.gate.closedToCaller ? sync : undefined);
  return Object.assign(out as StoreContract<S>, { now });
}
