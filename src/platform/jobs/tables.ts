import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const jobs = sqliteTable(
  'jobs',
  {
    id: text('id').primaryKey(),
    kind: text('kind').notNull(),
    payload: text('payload', { mode: 'json' }).$type<unknown>().notNull(),
    sandboxId: text('sandbox_id'),
    status: text('status', { enum: JOB_STATUSES }).notNull(),
    /** Every run, including transient retries; drives the backoff exponent. */
    attempts: integer('attempts').notNull().default(0),
    /** Runs that ended in a non-transient error; the job fails for good at maxFailures. */
    failures: integer('failures').notNull().default(0),
    maxFailures: integer('max_failures').notNull(),
    runAt: integer('run_at', { mode: 'timestamp_ms' }).notNull(),
    leaseUntil: integer('lease_until', { mode: 'timestamp_ms' }),
    /** The queue instance (process) holding the lease; its heartbeat keeps leaseUntil ahead while it lives. */
    leaseOwner: text('lease_owner'),
    /** The owner's last heartbeat on this lease: a stale one means a dead owner, whose lease another instance may take. */
    heartbeatAt: integer('heartbeat_at', { mode: 'timestamp_ms' }),
    lastError: text('last_error'),
    /** At most one queued-or-running job per key (recurring jobs, one check run per object). */
    dedupeKey: text('dedupe_key'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
    finishedAt: integer('finished_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    index('jobs_ready_idx').on(t.status, t.kind, t.runAt),
    uniqueIndex('jobs_active_dedupe_unique')
      .on(t.dedupeKey)
      .where(sql`${t.dedupeKey} IS NOT NULL AND ${t.status} IN ('queued', 'running')`),
  ],
);

export type JobRecord = typeof jobs.$inferSelect;
