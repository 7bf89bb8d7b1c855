import { and, eq, inArray, isNull, lt, ne, or } from 'drizzle-orm';
import type { DbOrTx } from '../db.js';
import type { SqliteDb } from '../sqlite.js';
import { leaseReadyJobs, nextDueAt, type KindLimits } from './lease.js';
import { jobRecords, type JobFilter } from './records.js';
import type { QueueStorage } from './storage.js';
import { jobs, type JobRecord } from './tables.js';
import { finishJob, type JobFinish, type NewJob } from './writes.js';

/**
 * The queue on SQLite: the prepared statements of lease.ts and writes.ts on the root handle. Each runs through the
 * connection's gate (whenFree): the loop runs outside every transaction, so it waits for an open one to end instead of
 * reading its uncommitted rows or writing into it. Each statement commits on its own, atomically.
 */
export class SqliteQueueStorage implements QueueStorage {
  constructor(
    private readonly db: SqliteDb,
    private readonly owner: string,
    private readonly leaseMs: number,
  ) {}

  enqueue(tx: DbOrTx, job: NewJob): Promise<boolean> {
    return jobRecords.insertJob(tx, job);
  }

  lease(limits: KindLimits): Promise<JobRecord[]> {
    return this.db.gate.whenFree(() => {
      // Read the clock once the gate is free: the lease runs from when it is taken.
      const now = new Date();
      return leaseReadyJobs(this.db, limits, now, new Date(now.getTime() + this.leaseMs), this.owner);
    });
  }

  finish(job: JobRecord, patch: JobFinish, now: Date): Promise<boolean> {
    return this.db.gate.whenFree(() => finishJob(this.db, job, patch, now));
  }

  async heartbeat(ids: readonly string[]): Promise<void> {
    if (!ids.length) return;
    await this.db.gate.whenFree(() => {
      const now = Date.now();
      this.db
        .update(jobs)
        .set({ leaseUntil: new Date(now + this.leaseMs), heartbeatAt: new Date(now) })
        .where(and(eq(jobs.status, 'running'), eq(jobs.leaseOwner, this.owner), inArray(jobs.id, [...ids])))
        .run();
    });
  }

  reclaim(): Promise<Array<{ id: string; kind: string }>> {
    return this.db.gate.whenFree(() =>
      this.db
        .update(jobs)
        .set({ status: 'queued', leaseUntil: null, leaseOwner: null, heartbeatAt: null, updatedAt: new Date() })
        .where(and(eq(jobs.status, 'running'), or(isNull(jobs.leaseOwner), ne(jobs.leaseOwner, this.owner))))
        .returning({ id: jobs.id, kind: jobs.kind })
        .all(),
    );
  }

  nextDueAt(limits: KindLimits): Promise<number | null> {
    return this.db.gate.whenFree(() => nextDueAt(this.db, limits, this.owner));
  }

  get(id: string): Promise<JobRecord | undefined> {
    return jobRecords.getJob(this.db, id);
  }

  list(filter: JobFilter): Promise<JobRecord[]> {
    return jobRecords.listJobs(this.db, filter);
  }

  async prune(cutoff: Date): Promise<void> {
    await this.db.gate.whenFree(() =>
      this.db
        .delete(jobs)
        .where(and(inArray(jobs.status, ['succeeded', 'cancelled']), lt(jobs.finishedAt, cutoff)))
        .run(),
    );
  }
}
