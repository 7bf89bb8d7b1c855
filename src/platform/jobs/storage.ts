import type { Db, DbOrTx } from '../db.js';
import type { KindLimits } from './lease.js';
import type { JobFilter } from './records.js';
import { PgQueueStorage } from './storage.pg.js';
import { SqliteQueueStorage } from './storage.sqlite.js';
import type { JobRecord } from './tables.js';
import type { JobFinish, NewJob } from './writes.js';

export type { JobFilter } from './records.js';

/**
 * What JobQueue's loop needs of the database, on either backend. Every call is a Promise: on SQLite the statements
 * are synchronous but wait at the connection's gate (storage.sqlite.ts), on PostgreSQL they are the SKIP LOCKED lease
 * and attempt-fenced writes of pg-queue.ts. Times are each backend's process clock, as they always were.
 */
export interface QueueStorage {
  /** Inserts a queued job with the caller's handle (in its transaction); false when an active job has its dedupe key. */
  enqueue(tx: DbOrTx, job: NewJob): Promise<boolean>;
  /** Leases up to each kind's limit of ready jobs for this owner, in one statement; in the order they were enqueued. */
  lease(limits: KindLimits): Promise<JobRecord[]>;
  /**
   * Ends a run, fenced by the attempt leased; false when another runner took the lease over. `now` is the update time:
   * the one a retry's run time was computed from, so that run_at - updated_at is exactly the backoff.
   */
  finish(job: JobRecord, patch: JobFinish, now: Date): Promise<boolean>;
  /** Renews this owner's leases on these running jobs. */
  heartbeat(ids: readonly string[]): Promise<void>;
  /** Puts every job leased by another owner back in the queue, ready now (a sole instance at start). */
  reclaim(): Promise<Array<{ id: string; kind: string }>>;
  /** When the next job of a kind with room could be leased (ms since epoch), or null. */
  nextDueAt(limits: KindLimits): Promise<number | null>;
  get(id: string): Promise<JobRecord | undefined>;
  list(filter: JobFilter): Promise<JobRecord[]>;
  /** Deletes succeeded and cancelled jobs finished before cutoff. */
  prune(cutoff: Date): Promise<void>;
}

export function queueStorage(db: Db, owner: string, leaseMs: number): QueueStorage {
  return db.backend === 'sqlite' ? new SqliteQueueStorage(db, owner, leaseMs) : new PgQueueStorage(db, owner, leaseMs);
}
