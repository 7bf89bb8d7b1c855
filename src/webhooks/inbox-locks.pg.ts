import { and, eq, inArray, sql } from 'drizzle-orm';
import type { PgDbOrTx } from '../platform/pg/handle.js';
import { webhookDeliveries } from './tables.pg.js';

/**
 * How N instances on one PostgreSQL database share the inbox. On SQLite one process owns the file and its writer
 * gate runs every transaction alone, which the ingest and drain code lean on; here any instance may take the POST
 * and any may run the drain, so three things are settled by the database instead:
 *
 * - Redeliveries: a group commit locks the (webhook, body hash) of each of its rows (an advisory lock per key, all
 *   taken in one statement in key order, so two group commits cannot deadlock on them) before it looks for an
 *   identical row; a copy committed by another instance a moment earlier is then seen, and the copy is stored
 *   DUPLICATE (insertRedeliveryLocks, used by store.pg.ts insertDeliveries).
 * - Claims: a drain applies a delivery only while it holds it (drain-claims.pg.ts, across the transactions of a big
 *   one) and only if the applying transaction finds its row still fresh and PENDING (claimFreshPending, which also
 *   locks the row): two drains never both apply a row, and a row another drain holds is simply left to it.
 * - A drain's end: every group commit holds the inbox lock shared; a drain that ends takes it exclusively, so it waits
 *   for the group commits in flight, sees their rows, and gives up its job's dedupe key in that transaction. A commit
 *   after it then enqueues a new drain instead of being absorbed by a job that will not look again (lockInboxForDrainEnd).
 */

/** Advisory lock spaces (the two-int form): the inbox as a whole, and one (webhook, body hash) key. */
const INBOX_SPACE = 0x77637369; // 'wcsi'
const REDELIVERY_SPACE = 0x77637364; // 'wcsd'

/** The inbox shared and each row's redelivery key exclusively, until the group commit's transaction ends. */
export async function insertRedeliveryLocks(db: PgDbOrTx, rows: ReadonlyArray<{ webhookId: string; bodySha256: string }>): Promise<void> {
  const keys = [...new Set(rows.map((r) => `${r.webhookId}:${r.bodySha256}`))];
  await db.execute(sql`
    SELECT pg_advisory_xact_lock_shared(${INBOX_SPACE}::int, 0), pg_advisory_xact_lock(${REDELIVERY_SPACE}::int, k)
    FROM (SELECT DISTINCT hashtext(key) AS k FROM unnest(ARRAY[${sql.join(
      keys.map((k) => sql`${k}`),
      sql`, `,
    )}]::text[]) AS key ORDER BY 1) AS ordered`);
}

/** Waits for every group commit in flight and holds new ones back until this transaction ends. */
export async function lockInboxForDrainEnd(db: PgDbOrTx): Promise<void> {
  await db.execute(sql`SELECT pg_advisory_xact_lock(${INBOX_SPACE}::int, 0)`);
}

/**
 * Of these deliveries, the ones this transaction now holds: still PENDING, not handed to a retry job, and not held
 * by another transaction (another drain applying them, whose commit will record their outcome).
 */
export async function claimFreshPending(db: PgDbOrTx, ids: readonly string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(and(inArray(webhookDeliveries.id, [...ids]), sql`${webhookDeliveries.outcome} = 'PENDING'`, eq(webhookDeliveries.attempts, 0)))
    .for('update', { skipLocked: true });
  return new Set(rows.map((r) => r.id));
}
