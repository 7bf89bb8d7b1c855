import { and, asc, eq, type SQL } from 'drizzle-orm';
import { dialectStore } from '../db.js';
import type { PgDbOrTx } from '../pg/handle.js';
import type { SqliteDbOrTx } from '../sqlite.js';
import { jobs as pgJobs } from './tables.pg.js';
import { jobs, type JobRecord, type JobStatus } from './tables.js';
import { insertJob, type NewJob } from './writes.js';

/**
 * The queue's calls that take the caller's handle (enqueue) or may be made from inside a caller's transaction
 * (get, list), as one dialect store: platform/db.ts routes each by the handle's backend, lets a SQLite call through
 * the gate only when no one else's transaction is open, and sends a PostgreSQL root-handle call made inside
 * inTransaction to that transaction, as for every other store. The loop's own statements are in storage.*.ts.
 */

export interface JobFilter {
  kind?: string;
  status?: JobStatus;
}

function sqliteFilter(filter: JobFilter): SQL | undefined {
  const conditions: SQL[] = [];
  if (filter.kind) conditions.push(eq(jobs.kind, filter.kind));
  if (filter.status) conditions.push(eq(jobs.status, filter.status));
  return and(...conditions);
}

function pgFilter(filter: JobFilter): SQL | undefined {
  const conditions: SQL[] = [];
  if (filter.kind) conditions.push(eq(pgJobs.kind, filter.kind));
  if (filter.status) conditions.push(eq(pgJobs.status, filter.status));
  return and(...conditions);
}

const sqlite = {
  insertJob: (db: SqliteDbOrTx, job: NewJob): boolean => insertJob(db, job),
  getJob: (db: SqliteDbOrTx, id: string): JobRecord | undefined => db.select().from(jobs).where(eq(jobs.id, id)).get(),
  listJobs: (db: SqliteDbOrTx, filter: JobFilter): JobRecord[] =>
    db.select().from(jobs).where(sqliteFilter(filter)).orderBy(asc(jobs.id)).all(),
  releaseDedupeKey: (db: SqliteDbOrTx, id: string): void => {
    db.update(jobs).set({ dedupeKey: null }).where(eq(jobs.id, id)).run();
  },
};

const pg = {
  /** ON CONFLICT DO NOTHING: the partial unique index on active dedupe keys turns a duplicate into no row. */
  insertJob: async (db: PgDbOrTx, job: NewJob): Promise<boolean> => {
    const rows = await db
      .insert(pgJobs)
      .values({ ...job, status: 'queued', updatedAt: job.createdAt })
      .onConflictDoNothing()
      .returning({ id: pgJobs.id });
    return rows.length === 1;
  },
  getJob: async (db: PgDbOrTx, id: string): Promise<JobRecord | undefined> => {
    const [row] = await db.select().from(pgJobs).where(eq(pgJobs.id, id));
    return row;
  },
  listJobs: (db: PgDbOrTx, filter: JobFilter): Promise<JobRecord[]> =>
    db.select().from(pgJobs).where(pgFilter(filter)).orderBy(asc(pgJobs.id)),
  releaseDedupeKey: async (db: PgDbOrTx, id: string): Promise<void> => {
    await db.update(pgJobs).set({ dedupeKey: null }).where(eq(pgJobs.id, id));
  },
};

export const jobRecords = dialectStore(sqlite, pg);
