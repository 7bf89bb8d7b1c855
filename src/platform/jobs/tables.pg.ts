import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { json, timestampMs } from '../pg/columns.js';
import { JOB_STATUSES } from './tables.js';

/** The jobs table on PostgreSQL: the same columns, indexes and records as tables.ts (see its comments). */
export const jobs = pgTable(
  'jobs',
  {
    id: text('id').primaryKey(),
    kind: text('kind').notNull(),
    payload: json<unknown>('payload').notNull(),
    sandboxId: text('sandbox_id'),
    status: text('status', { enum: JOB_STATUSES }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    failures: integer('failures').notNull().default(0),
    maxFailures: integer('max_failures').notNull(),
    runAt: timestampMs('run_at').notNull(),
    leaseUntil: timestampMs('lease_until'),
    leaseOwner: text('lease_owner'),
    heartbeatAt: timestampMs('heartbeat_at'),
    lastError: text('last_error'),
    dedupeKey: text('dedupe_key'),
    createdAt: timestampMs('created_at').notNull(),
    updatedAt: timestampMs('updated_at').notNull(),
    finishedAt: timestampMs('finished_at'),
  },
  (t) => [
    index('jobs_ready_idx').on(t.status, t.kind, t.runAt),
    uniqueIndex('jobs_active_dedupe_unique')
      .on(t.dedupeKey)
      .where(sql`${t.dedupeKey} IS NOT NULL AND ${t.status} IN ('queued', 'running')`),
  ],
);
