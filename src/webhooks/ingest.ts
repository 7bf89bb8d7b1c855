import type { AppDeps } from '../core/deps.js';
import { inTransaction, type Tx } from '../platform/db.js';
import { newId } from '../platform/ids.js';
import { store } from './store.js';
import type { NewDelivery } from './store.js';
import type { CommitSync } from '../platform/commit-sync.js';
import { sqlState } from '../platform/pg/errors.js';

/**
 * Group commit for the inbox. Every verified POST that completes in one
 * event-loop turn is inserted in ONE transaction on setImmediate, and each
 * request is answered only after that transaction is on disk. A fixed timer
 * would cap throughput at concurrency / interval; a per-turn flush adds no
 * delay when traffic is light (PERFORMANCE.md §3-4).
 *
 * The disk sync that synchronous=FULL would do inside COMMIT runs on libuv's
 * thread pool instead (platform/wal-sync.ts), so the event loop keeps reading and
 * verifying requests meanwhile; rows that arrive during a sync are committed
 * together when it ends (they would have waited for the next sync anyway).
 */

export const DRAIN_JOB = 'webhooks.drain-inbox';
/**
 * A drain runs for a bounded time, then hands over to its successor. A job's
 * dedupe key stays taken while it runs, so two keys alternate (as the
 * credentials refresh does): ingest enqueues slot 0; a drain that stops with
 * work left enqueues the other slot.
 */
export interface DrainPayload {
  slot: 0 | 1;
}
export const drainKey = (slot: 0 | 1): string => `${DRAIN_JOB}#${slot}`;
const MAX_BATCH = 500;

/** Told once: with an error when the commit failed, else after the row is durably committed (an object: no closure per request). */
export interface Stored {
  stored(err: unknown): void;
}

/** What a commit did about processing: nothing needed or already covered, a drain enqueued, or one already queued. */
type Drain = 'none' | 'enqueued' | 'absorbed';

interface Waiting {
  row: NewDelivery;
  done: Stored;
}

export class InboxWriter {
  private queue: Waiting[] = [];
  private scheduled = false;
  private flushing: Promise<void> = Promise.resolve();
  private afterSync = false;
  private commitWaiters: Array<() => void> = [];
  private draining = 0;
  private drainQueued = false;
  private readonly wal: CommitSync;

  constructor(private readonly deps: AppDeps) {
    this.wal = deps.walSync;
  }

  /**
   * The group's transaction: the rows, and the drain job only when the rows need processing and no drain is running
   * or known to be queued (decided inside the transaction: transactions run one at a time, see drain()). Those two
   * flags know only this process's drains: on PostgreSQL, where other instances run drains too, every commit with
   * PENDING rows enqueues one, and the job's dedupe key absorbs it while a drain is queued or still reading
   * (drain.ts endSharedDrain gives the key up before a drain stops reading).
   */
  private insert(rows: NewDelivery[]): Promise<Drain> {
    const shared = this.deps.db.backend === 'pg';
    return inTransaction(
      this.deps.db,
      async (tx) => {
        const pending = await store.insertDeliveries(tx, rows);
        if (!pending || (!shared && (this.draining > 0 || this.drainQueued))) return 'none';
        // When a drain is already queued or running (e.g. in a process that died), its dedupe key absorbs this.
        const id = await this.deps.jobs.enqueue<DrainPayload>(tx, DRAIN_JOB, { slot: 0 }, { dedupeKey: drainKey(0) });
        return id ? 'enqueued' : 'absorbed';
      },
      { deferSync: true },
    );
  }

  /** Queues a verified delivery (its SHA-256 computed with the signature check) for the next group commit; `done` runs after it (callbacks: no promise per request). */
  add(input: { webhookId: string; sandboxId: string; body: Buffer; bodySha256: string }, done: Stored): void {
    const now = Date.now();
    const row: NewDelivery = {
      id: newId(now),
      sandboxId: input.sandboxId,
      webhookId: input.webhookId,
      receivedAt: new Date(now),
      body: input.body,
      bodySha256: input.bodySha256,
    };
    this.queue.push({ row, done });
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      // SQLite's gate runs the group transactions one by one, each seeing the rows committed before it.
      if (this.deps.db.backend === 'sqlite') return void this.flush();
      // On PostgreSQL one group commit at a time per instance. Redelivery detection no longer depends on it (the
      // redelivery locks of store insertDeliveries order copies across instances, and so within one too); it
      // bounds the pool connections ingest takes, and the next batch grows while the previous one commits.
      const run = this.flushing.then(() => this.flush());
      this.flushing = run.catch(() => undefined);
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    // While a sync is in flight, rows committed now would wait for the next sync anyway: gather them into one
    // bigger commit when it ends (a commit's cost is mostly its fixed page writes, not its rows).
    if (this.wal.busy && this.queue.length < MAX_BATCH) {
      if (!this.afterSync) {
        this.afterSync = true;
        // The sync in flight may be another writer's (sends, processing, the call log): resume when it ends.
        this.wal.onSyncEnd(() => this.resume());
      }
      return;
    }
    let enqueued = false;
    const committed: Waiting[] = [];
    while (this.queue.length) {
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        enqueued = (await this.commit(batch.map((w) => w.row))) || enqueued;
        for (const w of batch) committed.push(w);
      } catch (err) {
        // The database is unreachable (PostgreSQL restarting): each row alone would fail the same way, each after a
        // connect timeout. Every request of the batch gets its 503 now, and Meta retries it.
        if (!isRowError(this.deps.db.backend, err)) {
          for (const w of batch) settle(w, err);
          continue;
        }
        // One bad row (its webhook deleted a moment ago) must not fail the others: retry each on its own.
        for (const w of batch) {
          try {
            enqueued = (await this.commit([w.row])) || enqueued;
            committed.push(w);
          } catch (err) {
            settle(w, err);
          }
        }
      }
    }
    if (!committed.length) return;
    // Committed but not yet on disk: answer (and wake processing) only after the WAL is synced.
    this.wal.sync((err) => {
      for (const w of committed) settle(w, err);
      if (err) return;
      // Waking the job loop costs a lease query per job kind: only when a drain was newly enqueued.
      if (enqueued) this.deps.jobs.notify();
      for (const wake of this.commitWaiters.splice(0)) wake();
    });
  }

  /** Resolves at the next group commit or after timeoutMs (a drain lingers on it instead of ending and being re-created). */
  nextCommit(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.commitWaiters.push(done);
    });
  }

  /**
   * Runs a drain on SQLite (on PostgreSQL the job runs drain.ts's drain and endSharedDrain instead: these counters
   * cannot see other instances). A commit needs no drain job while one runs, nor while one is
   * known to be queued (the enqueue would be absorbed by its dedupe key). A
   * running drain reads the inbox again after every batch and after every
   * commit it lingers on, and decides to stop synchronously right after a read
   * that found nothing, so no row can commit between that read and `draining`
   * dropping. (After a crash the queued or leased job row is still there; its
   * lease expiry or onStart runs it.)
   */
  async drain(run: () => Promise<void>, requeueIfPending: () => Promise<void>): Promise<void> {
    this.draining += 1;
    this.drainQueued = false;
    try {
      await run();
    } finally {
      this.draining -= 1;
    }
    if (this.draining === 0) await requeueIfPending();
  }

  /**
   * Commits processing results with the same deferred sync; nobody waits for
   * it: a lost commit only means the deliveries are processed again, which is
   * idempotent. `afterSync` runs once it is on disk (or the sync failed: the
   * rows are visible either way, and a failed sync is reported to the inbox
   * rows it covers).
   */
  async commitInBackground<T>(fn: (tx: Tx) => Promise<T>, afterSync?: (result: T) => void): Promise<void> {
    const result = await inTransaction(this.deps.db, fn, { deferSync: true });
    this.wal.sync(() => afterSync?.(result));
  }

  /** A flush that found a sync in flight runs when it ends. */
  private resume(): void {
    if (!this.afterSync) return;
    this.afterSync = false;
    this.schedule();
  }

  /**
   * One transaction (its fsync deferred to CommitSync); returns whether a drain job was newly enqueued. Rows
   * recorded DUPLICATE on insert need no processing, so a commit of only those enqueues nothing.
   */
  private async commit(rows: NewDelivery[]): Promise<boolean> {
    const drain = await this.insert(rows);
    // Only once committed: a rolled-back enqueue must not stop the next commit from enqueuing.
    if (drain !== 'none') this.drainQueued = true;
    return drain === 'enqueued';
  }
}

/**
 * Whether a failed group commit may have failed for one of its rows only (a constraint: its webhook was deleted),
 * so that committing each row alone saves the others. On PostgreSQL only integrity errors (SQLSTATE class 23) are;
 * a lost connection or a server that is down is not. SQLite's errors all concern the rows (its file is local).
 */
function isRowError(backend: 'sqlite' | 'pg', err: unknown): boolean {
  return backend === 'sqlite' || (sqlState(err)?.startsWith('23') ?? false);
}

/** A failing answer must not disturb the other requests of the batch. */
function settle(w: Waiting, err: unknown): void {
  try {
    w.done.stored(err);
  } catch {
    // the callback reports its own failures; nothing more to do for this request
  }
}
