import fs from 'node:fs';
import type Sqlite from 'better-sqlite3';

/**
 * One sync at a time: callers coalesce into the next one. Two or three in
 * parallel made commits smaller (more fixed page writes per row) and were not
 * faster on the development VM.
 */
const MAX_IN_FLIGHT = 1;

/**
 * Makes group commits durable without blocking the event loop (the webhook
 * inbox and processing, the send path's group commit, the outbound API call log).
 *
 * Under synchronous=FULL, SQLite in WAL mode fdatasyncs the -wal file inside
 * COMMIT; better-sqlite3 is synchronous, so the whole event loop waits for the
 * disk (a third of the service's time under webhook load). Here a group
 * commit's transaction commits with synchronous=NORMAL (frames written to the WAL, not
 * yet synced) and this class then fdatasyncs the same -wal file on libuv's
 * thread pool; the caller acknowledges only after that sync succeeded. That is
 * exactly the sync FULL would have done, done on another thread.
 *
 * Why it is as safe as FULL:
 * - The connection stays at FULL for every other transaction; only the group
 *   commits are switched to NORMAL, and back, synchronously around them.
 * - WAL frames are appended in order, so a sync covers this commit and all
 *   before it; any later FULL commit (a job, a mutation) also syncs our frames
 *   first, so nothing durable can depend on a row that is not.
 * - NORMAL still syncs the WAL before every checkpoint and the WAL header when
 *   the file is reused, so a checkpoint never copies or discards unsynced frames.
 * - SQLite keeps no POSIX locks on the -wal file (WAL locks live in -shm), so our
 *   own descriptor on it cannot release a lock SQLite holds when it is closed.
 *   SQLite deletes or replaces the -wal file only when the last connection
 *   closes, and ours stays open until close() (checked: another process that
 *   writes, checkpoints with TRUNCATE and closes leaves the same file).
 *
 * Syncs are coalesced: callers that arrive while one is in flight share the
 * next one, so under load there is about one fdatasync per event-loop turn.
 * When the database is not a WAL file (:memory: in tests), commits simply stay
 * at FULL and `sync` answers at once.
 */
export class WalSync {
  private fd: number | null = null;
  private inFlight = 0;
  private pending: Array<(err: Error | null) => void> = [];
  private closed = false;
  private idleWaiters: Array<() => void> = [];
  private syncEndListeners: Array<() => void> = [];
  private readonly walFile: string | null;
  private readonly toNormal: Sqlite.Statement | null;
  private readonly toFull: Sqlite.Statement | null;

  constructor(private readonly sqlite: Sqlite.Database) {
    const wal = String(sqlite.pragma('journal_mode', { simple: true })) === 'wal' && !sqlite.memory;
    this.walFile = wal ? `${sqlite.name}-wal` : null;
    this.toNormal = wal ? sqlite.prepare('PRAGMA synchronous = NORMAL') : null;
    this.toFull = wal ? sqlite.prepare('PRAGMA synchronous = FULL') : null;
  }

  /** Runs fn (a synchronous transaction) with the commit's fsync deferred to `sync`; FULL is restored whatever happens. */
  commitDeferred<T>(fn: () => T): T {
    // Inside an outer transaction the safety level cannot change (and that transaction's COMMIT decides anyway).
    if (!this.toNormal || !this.toFull || this.closed || this.sqlite.inTransaction) return fn();
    this.toNormal.run();
    try {
      return fn();
    } finally {
      this.toFull.run();
    }
  }

  /** Every sync slot is taken: a commit made now waits for one to end anyway. */
  get busy(): boolean {
    return this.inFlight >= MAX_IN_FLIGHT;
  }

  /**
   * Calls listener once the sync in flight ends (at once when none is), whoever
   * started it: a writer that held its commit back while the disk was busy
   * resumes then, not only after syncs of its own.
   */
  onSyncEnd(listener: () => void): void {
    if (this.inFlight) this.syncEndListeners.push(listener);
    else listener();
  }

  /** Calls done once everything committed so far is on disk (err when the sync failed: nothing may be acknowledged). */
  sync(done: (err: Error | null) => void): void {
    if (!this.walFile || this.closed) return done(null);
    this.pending.push(done);
    if (this.inFlight < MAX_IN_FLIGHT) this.start();
  }

  /** A sync covers exactly the callers registered before it started (their commits precede it). */
  private start(): void {
    const batch = this.pending;
    this.pending = [];
    this.inFlight += 1;
    const finish = (err: Error | null) => {
      this.inFlight -= 1;
      for (const done of batch) done(err);
      for (const listener of this.syncEndListeners.splice(0)) listener();
      if (this.pending.length && this.inFlight < MAX_IN_FLIGHT) this.start();
      else if (!this.inFlight && !this.pending.length) for (const wake of this.idleWaiters.splice(0)) wake();
    };
    try {
      // Opened on first use: the -wal file exists once the connection has written.
      this.fd ??= fs.openSync(this.walFile!, 'r+');
    } catch (err) {
      return finish(err as Error);
    }
    fs.fdatasync(this.fd, finish);
  }

  /** Waits for syncs in flight, then closes the descriptor (before the database closes). */
  async close(): Promise<void> {
    while (this.inFlight || this.pending.length) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    this.closed = true;
    if (this.fd !== null) {
      const fd = this.fd;
      this.fd = null;
      await new Promise<void>((resolve) => fs.close(fd, () => resolve()));
    }
  }
}

const byConnection = new WeakMap<Sqlite.Database, WalSync>();

/** The one WalSync of a connection, shared by its group commits so that they coalesce into the same syncs. */
export function walSyncOf(sqlite: Sqlite.Database): WalSync {
  let wal = byConnection.get(sqlite);
  if (!wal) {
    wal = new WalSync(sqlite);
    byConnection.set(sqlite, wal);
  }
  return wal;
}
