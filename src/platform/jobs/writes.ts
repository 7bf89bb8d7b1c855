import { and, eq, sql } from 'drizzle-orm';
import type { SqliteDbOrTx as DbOrTx } from '../sqlite.js';
import { prepared } from '../prepared.js';
import { jobs, type JobRecord, type JobStatus } from './tables.js';

/**
 * The two writes every job makes, its insert and its finish, prepared once per connection: building and preparing
 * them each time cost about as much CPU as the rest of a no-op job's life (lease, run, commit).
 */

export type NewJob = Pick<JobRecord, 'id' | 'kind' | 'payload' | 'sandboxId' | 'maxFailures' | 'runAt' | 'dedupeKey' | 'createdAt'>;

/** Inserts a queued job; false when an active job holds the same dedupe key. */
export function insertJob(db: DbOrTx, job: NewJob): boolean {
  const statement = prepared(db, 'jobs.insert', (d) =>
    d
      .insert(jobs)
      .values({
        id: sql.placeholder('id'),
        kind: sql.placeholder('kind'),
        payload: sql.placeholder('payload'),
        sandboxId: sql.placeholder('sandboxId'),
        status: 'queued',
        maxFailures: sql.placeholder('maxFailures'),
        runAt: sql.placeholder('runAt'),
        dedupeKey: sql.placeholder('dedupeKey'),
        createdAt: sql.placeholder('createdAt'),
        updatedAt: sql.placeholder('createdAt'),
      })
      .onConflictDoNothing()
      .prepare(),
  );
  return statement.run(job).changes === 1;
}

/** What a run changes on its job; fields left out keep the values the job was leased with. */
export interface JobFinish {
  status: JobStatus;
  failures?: number;
  runAt?: Date;
  lastError?: string | null;
}

const TERMINAL: ReadonlySet<JobStatus> = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * Ends a run: releases the lease and records the outcome. Fenced by the attempt number, so a runner whose lease was
 * taken over cannot overwrite the new run; false when it was.
 */
export function finishJob(db: DbOrTx, job: JobRecord, patch: JobFinish, now: Date): boolean {
  const statement = prepared(db, 'jobs.finish', (d) =>
    d
      .update(jobs)
      .set({
        status: sql`${sql.placeholder('status')}`,
        failures: sql`${sql.placeholder('failures')}`,
        runAt: sql`${sql.placeholder('runAt')}`,
        lastError: sql`${sql.placeholder('lastError')}`,
        finishedAt: sql`${sql.placeholder('finishedAt')}`,
        updatedAt: sql`${sql.placeholder('now')}`,
        leaseUntil: null,
        leaseOwner: null,
        heartbeatAt: null,
      })
      .where(and(eq(jobs.id, sql.placeholder('id')), eq(jobs.status, 'running'), eq(jobs.attempts, sql.placeholder('attempts'))))
      .prepare(),
  );
  const finishedAt = TERMINAL.has(patch.status) ? now : job.finishedAt;
  return (
    statement.run({
      id: job.id,
      attempts: job.attempts,
      status: patch.status,
      failures: patch.failures ?? job.failures,
      runAt: (patch.runAt ?? job.runAt).getTime(),
      lastError: patch.lastError === undefined ? job.lastError : patch.lastError,
      finishedAt: finishedAt ? finishedAt.getTime() : null,
      now: now.getTime(),
    }).changes === 1
  );
}
