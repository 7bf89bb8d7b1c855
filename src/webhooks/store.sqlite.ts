import type Sqlite from 'better-sqlite3';
import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import type { SqliteDbOrTx as DbOrTx } from '../platform/sqlite.js';
import { inJsonList, prepared, tableSelect } from '../platform/prepared.js';
import { windowQuery, type PageWindow } from '../platform/pagination.js';
import { webhookDeliveries, whatsappWebhooks, type DeliveryOutcome } from './tables.js';

/** The only code of the webhooks slice that touches drizzle; returns plain records. */

export type WebhookRow = typeof whatsappWebhooks.$inferSelect;
export type WebhookPatch = Partial<Omit<WebhookRow, 'id' | 'sandboxId' | 'createdAt'>>;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
/** A delivery without its (possibly 3 MB) body, for lists. */
export type DeliverySummary = Omit<DeliveryRow, 'body'>;
export type DeliveryPatch = Partial<Pick<DeliveryRow, 'outcome' | 'detail' | 'attempts' | 'changes' | 'processedAt'>>;

export function findWebhook(db: DbOrTx, sandboxId: string, id: string): WebhookRow | undefined {
  return db
    .select()
    .from(whatsappWebhooks)
    .where(and(eq(whatsappWebhooks.sandboxId, sandboxId), eq(whatsappWebhooks.id, id)))
    .get();
}

function prepareWebhookById(db: DbOrTx) {
  return db
    .select()
    .from(whatsappWebhooks)
    .where(eq(whatsappWebhooks.id, sql.placeholder('id')))
    .prepare();
}

/** Prepared once per connection: processing reads the webhook for every drain batch. */
export function findWebhookById(db: DbOrTx, id: string): WebhookRow | undefined {
  return prepared(db, 'webhooks.findWebhookById', prepareWebhookById).get({ id });
}

export function findWebhooks(db: DbOrTx, sandboxId: string, ids: string[]): WebhookRow[] {
  if (!ids.length) return [];
  // A list page's references, read for every page: decoded without drizzle's generic row mapping (tableSelect).
  return prepared(db, 'webhooks.findWebhooks', (d) =>
    tableSelect(
      d,
      whatsappWebhooks,
      d
        .select()
        .from(whatsappWebhooks)
        .where(and(eq(whatsappWebhooks.sandboxId, sql.placeholder('sandboxId')), inJsonList(whatsappWebhooks.id, 'ids'))),
    ),
  )({ sandboxId, ids: JSON.stringify(ids) });
}

export function findWebhookByPathId(db: DbOrTx, pathId: string): WebhookRow | undefined {
  return db.select().from(whatsappWebhooks).where(eq(whatsappWebhooks.pathId, pathId)).get();
}

export function findWebhookByNameKey(db: DbOrTx, sandboxId: string, nameKey: string): WebhookRow | undefined {
  return db
    .select()
    .from(whatsappWebhooks)
    .where(and(eq(whatsappWebhooks.sandboxId, sandboxId), eq(whatsappWebhooks.nameKey, nameKey)))
    .get();
}

export function listWebhooks(db: DbOrTx, sandboxId: string, window: PageWindow): WebhookRow[] {
  const q = windowQuery(whatsappWebhooks.id, window);
  return db
    .select()
    .from(whatsappWebhooks)
    .where(and(eq(whatsappWebhooks.sandboxId, sandboxId), ...q.conditions))
    .orderBy(q.orderBy)
    .limit(q.limit)
    .all();
}

export function countWebhooks(db: DbOrTx, sandboxId: string): number {
  return db.select({ n: count() }).from(whatsappWebhooks).where(eq(whatsappWebhooks.sandboxId, sandboxId)).get()?.n ?? 0;
}

export function countQuarantinedDeliveries(db: DbOrTx, webhookId: string): number {
  return (
    db
      .select({ n: count() })
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.webhookId, webhookId), eq(webhookDeliveries.outcome, 'QUARANTINED')))
      .get()?.n ?? 0
  );
}

export function listWebhooksByCredential(db: DbOrTx, sandboxId: string, credentialId: string): WebhookRow[] {
  return db
    .select()
    .from(whatsappWebhooks)
    .where(and(eq(whatsappWebhooks.sandboxId, sandboxId), eq(whatsappWebhooks.credentialId, credentialId)))
    .orderBy(asc(whatsappWebhooks.id))
    .all();
}

export function insertWebhook(db: DbOrTx, row: WebhookRow): void {
  db.insert(whatsappWebhooks).values(row).run();
}

export function updateWebhook(db: DbOrTx, id: string, patch: WebhookPatch): void {
  db.update(whatsappWebhooks).set(patch).where(eq(whatsappWebhooks.id, id)).run();
}

export function deleteWebhook(db: DbOrTx, sandboxId: string, id: string): boolean {
  return (
    db
      .delete(whatsappWebhooks)
      .where(and(eq(whatsappWebhooks.sandboxId, sandboxId), eq(whatsappWebhooks.id, id)))
      .run().changes === 1
  );
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

export interface NewDelivery {
  id: string;
  sandboxId: string;
  webhookId: string;
  receivedAt: Date;
  body: Buffer;
  bodySha256: string;
}

/** The fields processing needs from a delivery (with the body). */
export interface DeliveryForProcessing {
  id: string;
  webhookId: string;
  receivedAt: Date;
  body: Buffer;
  bodySha256: string;
}

export interface DeliveryOutcomeWrite {
  id: string;
  outcome: DeliveryOutcome;
  detail: string | null;
  changes: number;
  processedAt: Date;
}

/**
 * The ingest and processing hot paths run thousands of times a second; the
 * query builder costs more than the statements themselves there (PERFORMANCE.md
 * §3: ~70 µs per query), so they use statements prepared once per connection.
 * They join whatever transaction is open on that connection.
 */
class HotStatements {
  readonly insert: Sqlite.Statement;
  readonly insertDuplicate: Sqlite.Statement;
  readonly fillDuplicateChanges: Sqlite.Statement;
  readonly forProcessing: Sqlite.Statement;
  readonly earlierIdentical: Sqlite.Statement;
  readonly writeOutcome: Sqlite.Statement;
  readonly touchLastEvent: Sqlite.Statement;
  readonly freshPending: Sqlite.Statement;

  constructor(sqlite: Sqlite.Database) {
    this.insert = sqlite.prepare(
      `INSERT INTO webhook_deliveries (id, sandbox_id, webhook_id, received_at, body, body_sha256, outcome, attempts)
       VALUES (?, ?, ?, ?, ?, ?, 'PENDING', 0)`,
    );
    this.insertDuplicate = sqlite.prepare(
      `INSERT INTO webhook_deliveries (id, sandbox_id, webhook_id, received_at, body, body_sha256, outcome, attempts, changes, detail, processed_at)
       VALUES (?, ?, ?, ?, ?, ?, 'DUPLICATE', 1, ?, ?, ?)`,
    );
    // Duplicates stored while their original was still PENDING learn its change count when it is processed.
    this.fillDuplicateChanges = sqlite.prepare(
      "UPDATE webhook_deliveries SET changes = ? WHERE webhook_id = ? AND body_sha256 = ? AND id > ? AND changes IS NULL AND outcome = 'DUPLICATE'",
    );
    this.forProcessing = sqlite.prepare('SELECT id, webhook_id, received_at, body, body_sha256 FROM webhook_deliveries WHERE id = ?');
    this.earlierIdentical = sqlite.prepare(
      'SELECT changes FROM webhook_deliveries WHERE webhook_id = ? AND body_sha256 = ? AND id < ? ORDER BY id LIMIT 1',
    );
    this.writeOutcome = sqlite.prepare(
      'UPDATE webhook_deliveries SET outcome = ?, detail = ?, changes = ?, processed_at = ?, attempts = attempts + 1 WHERE id = ?',
    );
    this.touchLastEvent = sqlite.prepare('UPDATE whatsapp_webhooks SET last_event_at = ? WHERE id = ? AND coalesce(last_event_at, 0) < ?');
    // outcome = 'PENDING' as a literal, so SQLite can use the partial index on PENDING rows.
    this.freshPending = sqlite.prepare("SELECT id FROM webhook_deliveries WHERE outcome = 'PENDING' AND attempts = 0 ORDER BY id LIMIT ?");
  }
}

/** This connection's hot statements, one set, built on first use (they run inside whatever transaction is open). */
function statements(db: DbOrTx): HotStatements {
  return prepared(db, 'webhooks.hot', (d) => new HotStatements(d.statements.connection));
}

export const DUPLICATE_DETAIL = 'Identical to an earlier delivery (same bytes); nothing was applied again.';

/**
 * Inserts a group commit's rows (call inside the transaction that also enqueues
 * the drain). Redeliveries are common (Meta retries, several subscribed apps):
 * a row whose exact bytes this webhook already stored is recorded DUPLICATE
 * here, in the transaction that stores it, so processing never reads, parses or
 * rewrites it. Rows of one commit are checked in order, so of identical copies
 * in one commit the first is the original. Returns how many rows are PENDING.
 */
export function insertDeliveries(db: DbOrTx, rows: NewDelivery[]): number {
  const s = statements(db);
  let pending = 0;
  let lastDuplicate: Map<string, number> | undefined;
  for (const r of rows) {
    const at = r.receivedAt.getTime();
    const original = s.earlierIdentical.get(r.webhookId, r.bodySha256, r.id) as { changes: number | null } | undefined;
    if (!original) {
      s.insert.run(r.id, r.sandboxId, r.webhookId, at, r.body, r.bodySha256);
      pending += 1;
      continue;
    }
    s.insertDuplicate.run(r.id, r.sandboxId, r.webhookId, at, r.body, r.bodySha256, original.changes, DUPLICATE_DETAIL, at);
    lastDuplicate ??= new Map();
    lastDuplicate.set(r.webhookId, Math.max(lastDuplicate.get(r.webhookId) ?? 0, at));
  }
  // A duplicate is a notification Meta posted too: the webhook's last event moves as processing would move it.
  if (lastDuplicate) for (const [webhookId, at] of lastDuplicate) s.touchLastEvent.run(at, webhookId, at);
  return pending;
}

export function findDeliveryForProcessing(db: DbOrTx, id: string): DeliveryForProcessing | undefined {
  const row = statements(db).forProcessing.get(id) as
    { id: string; webhook_id: string; received_at: number; body: Buffer; body_sha256: string } | undefined;
  return (
    row && { id: row.id, webhookId: row.webhook_id, receivedAt: new Date(row.received_at), body: row.body, bodySha256: row.body_sha256 }
  );
}

/**
 * The earliest earlier delivery of the same webhook with exactly these bytes:
 * its change count (null while it is unprocessed), or undefined when there is none.
 */
export function earlierIdenticalDelivery(
  db: DbOrTx,
  webhookId: string,
  bodySha256: string,
  beforeId: string,
): { changes: number | null } | undefined {
  return statements(db).earlierIdentical.get(webhookId, bodySha256, beforeId) as { changes: number | null } | undefined;
}

/** Records outcomes (attempts + 1 each) and moves each webhook's last_event_at forward; call inside one transaction. */
export function writeOutcomes(
  db: DbOrTx,
  writes: Array<DeliveryOutcomeWrite & { webhookId: string; receivedAt: Date; bodySha256: string }>,
): void {
  const s = statements(db);
  const latest = new Map<string, number>();
  for (const w of writes) {
    s.writeOutcome.run(w.outcome, w.detail, w.changes, w.processedAt.getTime(), w.id);
    if (w.outcome !== 'DUPLICATE') s.fillDuplicateChanges.run(w.changes, w.webhookId, w.bodySha256, w.id);
    latest.set(w.webhookId, Math.max(latest.get(w.webhookId) ?? 0, w.receivedAt.getTime()));
  }
  for (const [webhookId, at] of latest) s.touchLastEvent.run(at, webhookId, at);
}

export function findDeliverySummaries(db: DbOrTx, sandboxId: string, ids: string[]): DeliverySummary[] {
  if (!ids.length) return [];
  return db
    .select(summaryColumns)
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.sandboxId, sandboxId), inArray(webhookDeliveries.id, ids)))
    .all();
}

export function listDeliveries(db: DbOrTx, webhookId: string, window: PageWindow): DeliverySummary[] {
  const q = windowQuery(webhookDeliveries.id, window);
  return db
    .select(summaryColumns)
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.webhookId, webhookId), ...q.conditions))
    .orderBy(q.orderBy)
    .limit(q.limit)
    .all();
}

export function countDeliveries(db: DbOrTx, webhookId: string): number {
  return db.select({ n: count() }).from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, webhookId)).get()?.n ?? 0;
}

/** A literal, not a bound parameter, so SQLite can use the partial index on PENDING rows. */
const PENDING = sql`${webhookDeliveries.outcome} = 'PENDING'`;

/** Oldest PENDING deliveries not handed to a retry job yet (attempts = 0). */
export function listFreshPendingIds(db: DbOrTx, limit: number): string[] {
  return statements(db).freshPending.pluck().all(limit) as string[];
}

export function hasPendingDeliveries(db: DbOrTx): boolean {
  return Boolean(db.select({ id: webhookDeliveries.id }).from(webhookDeliveries).where(PENDING).limit(1).get());
}

/** A delivery whose processing threw: attempts > 0 takes it out of the drain's hands (a retry job owns it). */
export function markHandedOver(db: DbOrTx, id: string, detail: string): void {
  db.update(webhookDeliveries)
    .set({ attempts: sql`${webhookDeliveries.attempts} + 1`, detail })
    .where(eq(webhookDeliveries.id, id))
    .run();
}

export function updateDelivery(db: DbOrTx, id: string, patch: DeliveryPatch): void {
  db.update(webhookDeliveries).set(patch).where(eq(webhookDeliveries.id, id)).run();
}

/**
 * Forgets processed deliveries (bodies up to 3 MB each) made before `beforeId` (ids sort by time), a chunk at a
 * time so the write lock is held briefly; PENDING rows are never removed. Returns how many were deleted.
 */
export function deleteOldDeliveries(db: DbOrTx, beforeId: string, limit: number): number {
  return db.statements.connection
    .prepare(
      `DELETE FROM webhook_deliveries WHERE id IN (
         SELECT id FROM webhook_deliveries WHERE id < ? AND outcome <> 'PENDING' ORDER BY id LIMIT ?)`,
    )
    .run(beforeId, limit).changes;
}
