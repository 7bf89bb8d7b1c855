import type { DbOrTx } from '../db.js';
import type { PgRootDb } from '../pg/handle.js';
import type { KindLimits } from './lease.js';
import { PgQueueCore } from './pg-queue.js';
import { jobRecords, type JobFilter } from './records.js';
import type { QueueStorage } from './storage.js';
import type { JobRecord } from './tables.js';
import type { JobFinish, NewJob } from './writes.js';

/**
 * The queue on PostgreSQL: PgQueueCore over the instance's pool. Its lease picks rows with FOR UPDATE SKIP LOCKED, so
 * any number of instances share one jobs table without leasing a job twice; every finish is fenced by the attempt.
 * The loop's statements use the pool directly (the loop runs in no caller's transaction).
 */
export class PgQueueStorage implements QueueStorage {
  private readonly core: PgQueueCore<Record<string, never>>;

  constructor(
    private readonly db: PgRootDb,
    owner: string,
    leaseMs: number,
  ) {
    this.core = new PgQueueCore(db, { owner, leaseMs });
  }

  enqueue(tx: DbOrTx, job: NewJob): Promise<boolean> {
    return jobRecords.insertJob(tx, job);
  }

  lease(limits: KindLimits): Promise<JobRecord[]> {
    return this.core.lease(limits);
  }

  finish(job: JobRecord, patch: JobFinish, now: Date): Promise<boolean> {
    return this.core.finish(this.db, job, patch, now);
  }

  async heartbeat(ids: readonly string[]): Promise<void> {
    await this.core.heartbeat(ids);
  }

  reclaim(): Promise<Array<{ id: string; kind: string }>> {
    return this.core.reclaimForeignLeases();
  }

  nextDueAt(limits: KindLimits): Promise<number | null> {
    return this.core.nextDueAt(limits);
  }

  get(id: string): Promise<JobRecord | undefined> {
    return jobRecords.getJob(this.db, id);
  }

  list(filter: JobFilter): Promise<JobRecord[]> {
    return jobRecords.listJobs(this.db, filter);
  }

  async prune(cutoff: Date): Promise<void> {
    await this.core.prune(cutoff);
  }
}
