import type { CommitSync } from './commit-sync.js';
import fs from 'node:fs';
import type Sqlite from 'better-sqlite3';

/**
 * One sync at a time while the disk is quick: callers coalesce into the next
 * one, so commits stay big (two or three always in parallel made commits
 * smaller, with more fixed page writes per row, and were not faster on a quiet
 * machine). A sync still in flight after OVERLAP_AFTER_MS means a slow or shared
 * disk (4-8 ms per fdatasync under load on the development VM): then a second
 * one may start, so requests committed meanwhile do not wait for the first to
 * end before theirs even begins.
 */
const MAX_IN_FLIGHT = 2;
const OVERLAP_AFTER_MS = 1;

interface Flight {
  batch: Array<(err: Error | null) => void>;
  done: boolean;
  err: Error | null;
}

export interface WalSyncOptions {
  /** Default OVERLAP_AFTER_MS; Infinity keeps one sync at a time. */
  overlapAfterMs?: number;
  /** The disk sync (default fs.fdatasync); tests wrap it to make the disk slow. */
  fdatasync?: (fd: number, done: (err: Error | null) => void) => void;
}

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
export class WalSync implements CommitSync {
  private fd: number | null = null;
  private inFlight = 0;
  private pending: Array<(err: Error | null) => void> = [];
  private closed = false;
  private idleWaiters: Array<() => void> = [];
  private syncEndListeners: Array<() => void> = [];
  private lastStart = 0;
  /** Syncs started and not yet answered, oldest first. */
  private flights: Flight[] = [];
  private overlapTimer: NodeJS.Timeout | null = null;
  private readonly walFile: string | null;
  private readonly wal: boolean;

  private readonly overlapAfterMs: number;
  private readonly fdatasync: NonNullable<WalSyncOptions['fdatasync']>;

  constructor(
    private readonly sqlite: Sqlite.Database,
    options: WalSyncOptions = {},
  ) {
    this.overlapAfterMs = options.overlapAfterMs ?? OVERLAP_AFTER_MS;
    this.fdatasync = options.fdatasync ?? fs.fdatasync;
    const wal = String(sqlite.pragma('journal_mode', { simple: true })) === 'wal' && !sqlite.memory;
    this.walFile = wal ? `${sqlite.name}-wal` : null;
    this.wal = wal;
  }

  /**
   * The connection's deferred-sync switch (platform/sqlite.ts DeferredSync): a transaction run with
   * `{ deferSync: true }` commits at synchronous=NORMAL, its fsync left to `sync`; FULL is restored when it ends. The
   * gate calls both around the transaction, so no other transaction commits at the lower level meanwhile.
   */
  enter(): boolean {
    // Inside an outer transaction the safety level cannot change (and that transaction's COMMIT decides anyway).
    if (!this.wal || this.closed || this.sqlite.inTransaction) return false;
    // pragma() each time: a prepared `PRAGMA synchronous = …` takes effect when prepared, not when run again.
    this.sqlite.pragma('synchronous = NORMAL');
    return true;
  }

  leave(): void {
    this.sqlite.pragma('synchronous = FULL');
  }

  /** A commit made now would wait for a sync in flight anyway (every slot taken, or the one in flight is still young). */
  get busy(): boolean {
    if (this.inFlight === 0) return false;
    return this.inFlight >= MAX_IN_FLIGHT || performance.now() - this.lastStart < this.overlapAfterMs;
  }

  /**
   * Calls listener once a commit made then would no longer wait (at once when
   * none would): when a sync in flight ends, or when a second one may start.
   * Whoever started the sync: a writer that held its commit back while the
   * disk was busy resumes then, not only after syncs of its own.
   */
  onSyncEnd(listener: () => void): void {
    if (!this.busy) return listener();
    this.syncEndListeners.push(listener);
    this.armOverlap();
  }

  /** Calls done once everything committed so far is on disk (err when the sync failed: nothing may be acknowledged). */
  sync(done: (err: Error | null) => void): void {
    if (!this.walFile || this.closed) return done(null);
    this.pending.push(done);
    if (!this.busy) this.start();
    else this.armOverlap();
  }

  /** While one sync is in flight and others wait, a second slot opens once the first has taken OVERLAP_AFTER_MS. */
  private armOverlap(): void {
    if (this.overlapTimer || this.inFlight !== 1 || !Number.isFinite(this.overlapAfterMs)) return;
    const wait = Math.max(0, this.overlapAfterMs - (performance.now() - this.lastStart));
    this.overlapTimer = setTimeout(() => {
      this.overlapTimer = null;
      this.slotFreed();
    }, wait);
    this.overlapTimer.unref();
  }

  /** Held-back writers commit first (their sync joins the next start), then whatever waits starts. */
  private slotFreed(): void {
    if (this.busy) return this.armOverlap();
    for (const listener of this.syncEndListeners.splice(0)) listener();
    if (this.pending.length && !this.busy) this.start();
  }

  /** A sync covers exactly the callers registered before it started (their commits precede it). */
  private start(): void {
    const flight: Flight = { batch: this.pending, done: false, err: null };
    this.pending = [];
    this.flights.push(flight);
    this.inFlight += 1;
    this.lastStart = performance.now();
    const finish = (err: Error | null) => {
      this.inFlight -= 1;
      flight.done = true;
      flight.err = err;
      // Answers go out in commit order (live events, sends, acks), each with its own sync's result: a later
      // sync that ends first waits for the earlier one.
      while (this.flights[0]?.done) {
        const ended = this.flights.shift()!;
        for (const done of ended.batch) done(ended.err);
      }
      this.slotFreed();
      if (!this.inFlight && !this.pending.length) for (const wake of this.idleWaiters.splice(0)) wake();
    };
    try {
      // Opened on first use: the -wal file exists once the connection has written.
      this.fd ??= fs.openSync(this.walFile!, 'r+');
    } catch (err) {
      return finish(err as Error);
    }
    this.fdatasync(this.fd, finish);
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
