import { and, asc, count, eq, inArray, isNull, lt, ne, sql } from 'drizzle-orm';
import type { PgDbOrTx, PgStoreOf } from '../platform/pg/handle.js';
import { windowQuery, type PageWindow } from '../platform/pagination.js';
import type * as sqliteStore from './store.sqlite.js';
import {
  DUPLICATE_DETAIL,
  type DeliveryForProcessing,
  type DeliveryOutcomeWrite,
  type DeliveryPatch,
  type DeliverySummary,
  type NewDelivery,
  type WebhookPatch,
  type WebhookRow,
} from './store.sqlite.js';
import { insertRedeliveryLocks } from './inbox-locks.pg.js';
import { webhookDeliveries, whatsappWebhooks } from './tables.pg.js';

/**
 * The webhooks store on PostgreSQL: the functions of store.ts, same names, parameters and records, over a
 * node-postgres handle. SQLite's per-connection prepared statements (the hot ingest and processing statements)
 * are plain drizzle queries here: a round trip to the server costs more than building the query.
 */

export async function findWebhook(db: PgDbOrTx, sandboxId: string, id: string): Promise<WebhookRow | undefined> {
  const [row] = await db
    .select()
    .from(whatsappWebhooks)
    .where(and(eq(whatsappWebhooks.sandboxId, sandboxId), eq(whatsappWebhooks.id, id)))
    .limit(1);
  return row;
}

export async function findWebhookById(db: PgDbOrTx, id: string): Promise<WebhookRow | undefined> {
  const [row] = await db.select().from(whatsappWebhooks).where(eq(whatsappWebhooks.id, id)).limit(1);
  return row;
}

export async function findWebhooks(db: PgDbOrTx, sandboxId: string, ids: string[]): Promise<WebhookRow[]> {
  if (!ids.length) return [];
  return db
    .select()
    .from(whatsappWebhooks)
    .where(and(eq(whatsappWebhooks.sandboxId, sandboxId), inArray(whatsappWebhooks.id, ids)));
}

export async function findWebhookByPathId(db: PgDbOrTx, pathId: string): Promise<WebhookRow | undefined> {
  const [row] = await db.select().from(whatsappWebhooks).where(eq(whatsappWebhooks.pathId, pathId)).limit(1);
  return row;
}

export async function findWebhookByNameKey(db: PgDbOrTx, sandboxId: string, nameKey: string): Promise<WebhookRow | undefined> {
  const [row] = await db
    .select()
    .from(whatsappWebhooks)
    .where(and(eq(whatsappWebhooks.sandboxId, sandboxId), eq(whatsappWebhooks.nameKey, nameKey)))
    .limit(1);
  return row;
}

export async function listWebhooks(db: PgDbOrTx, sandboxId: string, window: PageWindow): Promise<WebhookRow[]> {
  const q = windowQuery(whatsappWebhooks.id, window);
  return db
    .select()
    .from(whatsappWebhooks)
    .where(and(eq(whatsappWebhooks.sandboxId, sandboxId), ...q.conditions))
    .orderBy(q.orderBy)
    .limit(q.limit);
}

export async function countWebhooks(db: PgDbOrTx, sandboxId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(whatsappWebhooks).where(eq(whatsappWebhooks.sandboxId, sandboxId));
  return row?.n ?? 0;
}

export async function countQuarantinedDeliveries(db: PgDbOrTx, webhookId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.webhookId, webhookId), eq(webhookDeliveries.outcome, 'QUARANTINED')));
  return row?.n ?? 0;
}

export async function listWebhooksByCredential(db: PgDbOrTx, sandboxId: string, credentialId: string): Promise<WebhookRow[]> {
  return db
    .select()
    .from(whatsappWebhooks)
    .where(and(eq(whatsappWebhooks.sandboxId, sandboxId), eq(whatsappWebhooks.credentialId, credentialId)))
    .orderBy(asc(whatsappWebhooks.id));
}

export async function insertWebhook(db: PgDbOrTx, row: WebhookRow): Promise<void> {
  await db.insert(whatsappWebhooks).values(row);
}

export async function updateWebhook(db: PgDbOrTx, id: string, patch: WebhookPatch): Promise<void> {
  await db.update(whatsappWebhooks).set(patch).where(eq(whatsappWebhooks.id, id));
}

export async function deleteWebhook(db: PgDbOrTx, sandboxId: string, id: string): Promise<boolean> {
  const result = await db.delete(whatsappWebhooks).where(and(eq(whatsappWebhooks.sandboxId, sandboxId), eq(whatsappWebhooks.id, id)));
  return (result.rowCount ?? 0) === 1;
}

// ---- the inbox ---------------------------------------------------------------

const summaryColumns = {
  id: webhookDeliveries.id,
  sandboxId: webhookDeliveries.sandboxId,
  webhookId: webhookDeliveries.webhookId,
  receivedAt: webhookDeliveries.receivedAt,
  bodySha256: webhookDeliveries.bodySha256,
  changes: webhookDeliveries.changes,
  outcome: webhookDeliveries.outcome,
  detail: webhookDeliveries.detail,
  attempts: webhookDeliveries.attempts,
  processedAt: webhookDeliveries.processedAt,
};

/** A literal, not a bound parameter, so the planner matches the partial index on PENDING rows in any plan. */
const PENDING = sql`${webhookDeliveries.outcome} = 'PENDING'`;

/** SQLite `coalesce(last_event_at, 0) < at`: a webhook's last event only moves forward (null is the epoch). */
async function touchLastEvent(db: PgDbOrTx, webhookId: string, at: Date): Promise<void> {
  await db
    .update(whatsappWebhooks)
    .set({ lastEventAt: at })
    .where(and(eq(whatsappWebhooks.id, webhookId), sql`coalesce(${whatsappWebhooks.lastEventAt}, 'epoch'::timestamptz) < ${at}`));
}

/**
 * Inserts a group commit's rows (call inside the transaction that also enqueues the drain); store.ts explains
 * the DUPLICATE rule. Row by row as on SQLite, because each row's check must see the rows inserted before it.
 * Another instance may be committing a copy at the same moment: the row's redelivery key is locked first
 * (inbox-locks.pg.ts), so of two copies the second to take it sees the first and is the DUPLICATE, whichever
 * instance got it and whichever id is smaller. Returns how many rows are PENDING.
 */
export async function insertDeliveries(db: PgDbOrTx, rows: NewDelivery[]): Promise<number> {
  let pending = 0;
  let lastDuplicate: Map<string, number> | undefined;
  await insertRedeliveryLocks(db, rows);
  for (const r of rows) {
    const original = await storedIdenticalDelivery(db, r.webhookId, r.bodySha256);
    const row = {
      id: r.id,
      sandboxId: r.sandboxId,
      webhookId: r.webhookId,
      receivedAt: r.receivedAt,
      body: r.body,
      bodySha256: r.bodySha256,
    };
    if (!original) {
      await db.insert(webhookDeliveries).values({ ...row, outcome: 'PENDING', attempts: 0 });
      pending += 1;
      continue;
    }
    await db.insert(webhookDeliveries).values({
      ...row,
      outcome: 'DUPLICATE',
      attempts: 1,
      changes: original.changes,
      detail: DUPLICATE_DETAIL,
      processedAt: r.receivedAt,
    });
    lastDuplicate ??= new Map();
    lastDuplicate.set(r.webhookId, Math.max(lastDuplicate.get(r.webhookId) ?? 0, r.receivedAt.getTime()));
  }
  // A duplicate is a notification Meta posted too: the webhook's last event moves as processing would move it.
  if (lastDuplicate) for (const [webhookId, at] of lastDuplicate) await touchLastEvent(db, webhookId, new Date(at));
  return pending;
}

export async function findDeliveryForProcessing(db: PgDbOrTx, id: string): Promise<DeliveryForProcessing | undefined> {
  const [row] = await db
    .select({
      id: webhookDeliveries.id,
      webhookId: webhookDeliveries.webhookId,
      receivedAt: webhookDeliveries.receivedAt,
      body: webhookDeliveries.body,
      bodySha256: webhookDeliveries.bodySha256,
    })
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.id, id))
    .limit(1);
  return row;
}

/**
 * Any stored delivery of the webhook with exactly these bytes (the original first: it carries the change count),
 * for insertDeliveries under the redelivery lock. Not "earlier by id" as on SQLite: ids come from each instance's
 * clock, and a copy committed elsewhere first may have the larger one.
 */
async function storedIdenticalDelivery(
  db: PgDbOrTx,
  webhookId: string,
  bodySha256: string,
): Promise<{ changes: number | null } | undefined> {
  const [row] = await db
    .select({ changes: webhookDeliveries.changes })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.webhookId, webhookId), eq(webhookDeliveries.bodySha256, bodySha256)))
    .orderBy(sql`${webhookDeliveries.outcome} = 'DUPLICATE'`, asc(webhookDeliveries.id))
    .limit(1);
  return row;
}

/**
 * The earliest earlier delivery of the same webhook with exactly these bytes that is not itself a copy:
 * its change count (null while it is unprocessed), or undefined when there is none. A DUPLICATE row does not count:
 * across instances a copy may have a smaller id than the original it was recorded against (insertDeliveries), and
 * the original must not then take itself for a copy of its copy.
 */
export async function earlierIdenticalDelivery(
  db: PgDbOrTx,
  webhookId: string,
  bodySha256: string,
  beforeId: string,
): Promise<{ changes: number | null } | undefined> {
  const [row] = await db
    .select({ changes: webhookDeliveries.changes })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.webhookId, webhookId),
        eq(webhookDeliveries.bodySha256, bodySha256),
        lt(webhookDeliveries.id, beforeId),
        sql`${webhookDeliveries.outcome} <> 'DUPLICATE'`,
      ),
    )
    .orderBy(asc(webhookDeliveries.id))
    .limit(1);
  return row;
}

/** Records outcomes (attempts + 1 each) and moves each webhook's last_event_at forward; call inside one transaction. */
export async function writeOutcomes(
  db: PgDbOrTx,
  writes: Array<DeliveryOutcomeWrite & { webhookId: string; receivedAt: Date; bodySha256: string }>,
): Promise<void> {
  const latest = new Map<string, number>();
  for (const w of writes) {
    await db
      .update(webhookDeliveries)
      .set({
        outcome: w.outcome,
        detail: w.detail,
        changes: w.changes,
        processedAt: w.processedAt,
        attempts: sql`${webhookDeliveries.attempts} + 1`,
      })
      .where(eq(webhookDeliveries.id, w.id));
    // Duplicates stored while their original was still PENDING learn its change count when it is processed (on either
    // side of it by id: a copy committed by another instance may have the smaller one).
    if (w.outcome !== 'DUPLICATE') {
      await db
        .update(webhookDeliveries)
        .set({ changes: w.changes })
        .where(
          and(
            eq(webhookDeliveries.webhookId, w.webhookId),
            eq(webhookDeliveries.bodySha256, w.bodySha256),
            ne(webhookDeliveries.id, w.id),
            isNull(webhookDeliveries.changes),
            eq(webhookDeliveries.outcome, 'DUPLICATE'),
          ),
        );
    }
    latest.set(w.webhookId, Math.max(latest.get(w.webhookId) ?? 0, w.receivedAt.getTime()));
  }
  for (const [webhookId, at] of latest) await touchLastEvent(db, webhookId, new Date(at));
}

export async function findDeliverySummaries(db: PgDbOrTx, sandboxId: string, ids: string[]): Promise<DeliverySummary[]> {
  if (!ids.length) return [];
  return db
    .select(summaryColumns)
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.sandboxId, sandboxId), inArray(webhookDeliveries.id, ids)));
}

export async function listDeliveries(db: PgDbOrTx, webhookId: string, window: PageWindow): Promise<DeliverySummary[]> {
  const q = windowQuery(webhookDeliveries.id, window);
  return db
    .select(summaryColumns)
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.webhookId, webhookId), ...q.conditions))
    .orderBy(q.orderBy)
    .limit(q.limit);
}

export async function countDeliveries(db: PgDbOrTx, webhookId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, webhookId));
  return row?.n ?? 0;
}

/** Oldest PENDING deliveries not handed to a retry job yet (attempts = 0). */
export async function listFreshPendingIds(db: PgDbOrTx, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(and(PENDING, eq(webhookDeliveries.attempts, 0)))
    .orderBy(asc(webhookDeliveries.id))
    .limit(limit);
  return rows.map((r) => r.id);
}

export async function hasPendingDeliveries(db: PgDbOrTx): Promise<boolean> {
  const rows = await db.select({ id: webhookDeliveries.id }).from(webhookDeliveries).where(PENDING).limit(1);
  return rows.length > 0;
}

/** A delivery whose processing threw: attempts > 0 takes it out of the drain's hands (a retry job owns it). */
export async function markHandedOver(db: PgDbOrTx, id: string, detail: string): Promise<void> {
  await db
    .update(webhookDeliveries)
    .set({ attempts: sql`${webhookDeliveries.attempts} + 1`, detail })
    .where(eq(webhookDeliveries.id, id));
}

export async function updateDelivery(db: PgDbOrTx, id: string, patch: DeliveryPatch): Promise<void> {
  await db.update(webhookDeliveries).set(patch).where(eq(webhookDeliveries.id, id));
}

/**
 * Forgets processed deliveries made before `beforeId` (ids sort by time), a chunk at a time so row locks are held
 * briefly; PENDING rows are never removed. Returns how many were deleted. The SQLite twin takes the raw connection
 * (it runs outside any drizzle transaction there); here it takes the handle like every other function.
 */
export async function deleteOldDeliveries(db: PgDbOrTx, beforeId: string, limit: number): Promise<number> {
  const chunk = db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(and(lt(webhookDeliveries.id, beforeId), sql`${webhookDeliveries.outcome} <> 'PENDING'`))
    .orderBy(asc(webhookDeliveries.id))
    .limit(limit);
  const result = await db.delete(webhookDeliveries).where(inArray(webhookDeliveries.id, chunk));
  return result.rowCount ?? 0;
}

/** Compile-time proof that this module implements every function of store.ts. */
export const pgStore = {
  findWebhook,
  findWebhookById,
  findWebhooks,
  findWebhookByPathId,
  findWebhookByNameKey,
  listWebhooks,
  countWebhooks,
  countQuarantinedDeliveries,
  listWebhooksByCredential,
  insertWebhook,
  updateWebhook,
  deleteWebhook,
  insertDeliveries,
  findDeliveryForProcessing,
  earlierIdenticalDelivery,
  writeOutcomes,
  findDeliverySummaries,
  listDeliveries,
  countDeliveries,
  listFreshPendingIds,
  hasPendingDeliveries,
  markHandedOver,
  updateDelivery,
  deleteOldDeliveries,
} satisfies PgStoreOf<typeof sqliteStore>;
