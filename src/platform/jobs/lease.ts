import { sql, type SQL } from 'drizzle-orm';
import type { SqliteDbOrTx as DbOrTx } from '../sqlite.js';
import { prepared } from '../prepared.js';
import { jobs, type JobRecord } from './tables.js';

/**
 * The queue's per-tick statements (SQLite), built and prepared once per connection and only executed afterwards:
 * an idle service used to spend most of its CPU building one drizzle query per job kind on every poll.
 *
 * A tick leases for every kind in ONE statement (one transaction, one commit): each kind is a slot of the statement,
 * `kind = :kN ... LIMIT :nN`, so the statement depends only on how many kinds there are. A kind without a free slot is
 * bound as NULL, which matches no row. SQLite cannot take a correlated LIMIT, so the slots are a UNION ALL of one
 * index range scan per kind (jobs_ready_idx), each reading at most its limit, whatever the backlog.
 *
 * PostgreSQL (research/SCALE-OUT.md §3) keeps the shape: in one transaction, the same per-kind ranges as
 * `CROSS JOIN LATERAL (SELECT id ... ORDER BY run_at LIMIT n FOR UPDATE SKIP LOCKED)` over the kind/limit pairs,
 * then `UPDATE jobs ... FROM ready WHERE jobs.id = ready.id AND <ready again> RETURNING jobs.*`. The ready condition is
 * repeated in the outer WHERE because PostgreSQL re-checks it on a row that changed concurrently (free on SQLite).
 */

/** How many jobs of each kind to lease now; 0 (or less) leases none of that kind. */
export type KindLimits = ReadonlyArray<readonly [kind: string, limit: number]>;

const ready = (now: SQL) => sql`((status = 'queued' AND run_at <= ${now}) OR (status = 'running' AND lease_until < ${now}))`;

function leaseStatement(db: DbOrTx, slots: number) {
  return prepared(db, `jobs.lease.${slots}`, (d) => {
    const now = sql.placeholder('now');
    const perKind = Array.from(
      { length: slots },
      (_, i) =>
        sql`SELECT id FROM (SELECT id FROM jobs WHERE kind = ${sql.placeholder(`k${i}`)} AND ${ready(sql`${now}`)} ORDER BY run_at, id LIMIT ${sql.placeholder(`n${i}`)})`,
    );
    return d
      .update(jobs)
      .set({
        status: 'running',
        attempts: sql`${jobs.attempts} + 1`,
        leaseUntil: sql`${sql.placeholder('leaseUntil')}`,
        leaseOwner: sql`${sql.placeholder('owner')}`,
        heartbeatAt: sql`${now}`,
        updatedAt: sql`${now}`,
      })
      .where(sql`${jobs.id} IN (${sql.join(perKind, sql` UNION ALL `)}) AND ${ready(sql`${now}`)}`)
      .returning()
      .prepare();
  });
}

/** Binds each kind with its limit; a kind with no room is bound as NULL so that its slot matches nothing. */
function bindKinds(limits: KindLimits): Record<string, string | number | null> {
  const params: Record<string, string | number | null> = {};
  limits.forEach(([kind, limit], i) => {
    params[`k${i}`] = limit > 0 ? kind : null;
    params[`n${i}`] = Math.max(0, limit);
  });
  return params;
}

/**
 * Leases up to `limit` ready jobs of each kind (earliest run time first) for `owner` until `leaseUntil`, in one
 * statement: every kind's lease commits at once or not at all.
 */
export function leaseReadyJobs(db: DbOrTx, limits: KindLimits, now: Date, leaseUntil: Date, owner: string): JobRecord[] {
  if (!limits.some(([, limit]) => limit > 0)) return [];
  const rows = leaseStatement(db, limits.length).all({
    ...bindKinds(limits),
    now: now.getTime(),
    leaseUntil: leaseUntil.getTime(),
    owner,
  });
  // RETURNING has no order. Every job leased is due: they start in the order they were enqueued (ids grow with time),
  // so jobs that wait for the same moment (one recipient's pair-rate slot) keep their order.
  return rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function nextDueStatement(db: DbOrTx, slots: number) {
  return prepared(db, `jobs.nextDue.${slots}`, (d) => {
    // min(run_at) over (status, kind) is one index seek per kind, however many jobs wait further ahead.
    const perKind = Array.from(
      { length: slots },
      (_, i) => sql`SELECT min(run_at) AS at FROM jobs WHERE status = 'queued' AND kind = ${sql.placeholder(`k${i}`)}`,
    );
    // A lease of another owner (a dead process's, once its heartbeat stops) becomes takeable when it runs out.
    const foreignLeases = sql`SELECT min(lease_until) AS at FROM jobs WHERE status = 'running'
      AND (lease_owner IS NULL OR lease_owner <> ${sql.placeholder('owner')})
      AND kind IN (${sql.join(
        Array.from({ length: slots }, (_, i) => sql`${sql.placeholder(`k${i}`)}`),
        sql`, `,
      )})`;
    return d
      .select({ at: sql<number | null>`min(at)` })
      .from(sql`(${sql.join([...perKind, foreignLeases], sql` UNION ALL `)})`)
      .prepare();
  });
}

/**
 * When the next job of a kind with room could be leased: the earliest run time of a queued job, or the end of a lease
 * held by another owner. null when nothing is queued. Our own leases are left out: our heartbeat keeps them.
 */
export function nextDueAt(db: DbOrTx, limits: KindLimits, owner: string): number | null {
  if (!limits.some(([, limit]) => limit > 0)) return null;
  const row = nextDueStatement(db, limits.length).get({ ...bindKinds(limits), owner });
  return row?.at ?? null;
}
