import { and, asc, count, eq, gte, inArray, isNotNull, isNull, lte, min, or, sql, type SQL } from 'drizzle-orm';
import { whatsappApiCredentials } from '../credentials/tables.pg.js';
import { trackingEvents, whatsappMessages } from '../messages/tables.pg.js';
import { windowQuery, type PageWindow } from '../platform/pagination.js';
import type { PgDbOrTx, PgStoreOf } from '../platform/pg/handle.js';
import type * as sqliteStore from './store.sqlite.js';
import type {
  BatchCounts,
  BatchFilter,
  BatchPatch,
  BatchRow,
  LinkRow,
  RecipientPatch,
  RecipientRow,
  ReportCounts,
  ReportFilter,
} from './store.sqlite.js';
import { messageBatches, messageBatchRecipients, messageLinks } from './tables.pg.js';

/**
 * The PostgreSQL twin of store.ts: the same functions and records over node-postgres. Only the dialect differs:
 * timestamps are timestamptz (compared with Dates), booleans are booleans, and the SQLite per-connection prepared
 * statements are plain queries here (a round trip costs more than building the query).
 */

// Same chunks as store.ts: 1,000 recipients of 7 columns stay far below PostgreSQL's 65,535 parameters.
const INSERT_CHUNK = 1_000;
const IN_CHUNK = 500;

/**
 * sum() of integers is bigint on PostgreSQL, which node-postgres reads as a string; SQLite returns a number.
 * Every count below is small enough for a double.
 */
const countOf = (expression: SQL) => sql<number>`coalesce(sum(case when ${expression} then 1 else 0 end), 0)`.mapWith(Number);

// ---- batches -----------------------------------------------------------------------

export async function insertBatch(db: PgDbOrTx, row: BatchRow): Promise<void> {
  await db.insert(messageBatches).values(row);
}

export async function findBatch(db: PgDbOrTx, sandboxId: string, id: string): Promise<BatchRow | undefined> {
  const [row] = await db
    .select()
    .from(messageBatches)
    .where(and(eq(messageBatches.sandboxId, sandboxId), eq(messageBatches.id, id)))
    .limit(1);
  return row;
}

export async function findBatches(db: PgDbOrTx, sandboxId: string, ids: string[]): Promise<BatchRow[]> {
  if (!ids.length) return [];
  return db
    .select()
    .from(messageBatches)
    .where(and(eq(messageBatches.sandboxId, sandboxId), inArray(messageBatches.id, ids)));
}

export async function updateBatch(db: PgDbOrTx, id: string, patch: BatchPatch): Promise<void> {
  await db.update(messageBatches).set(patch).where(eq(messageBatches.id, id));
}

function batchConditions(sandboxId: string, filter: BatchFilter): SQL[] {
  const conditions: SQL[] = [eq(messageBatches.sandboxId, sandboxId)];
  if (filter.status) conditions.push(eq(messageBatches.status, filter.status));
  if (filter.channelConfigurationId) conditions.push(eq(messageBatches.channelConfigurationId, filter.channelConfigurationId));
  return conditions;
}

export async function listBatches(db: PgDbOrTx, sandboxId: string, window: PageWindow, filter: BatchFilter): Promise<BatchRow[]> {
  const q = windowQuery(messageBatches.id, window);
  return db
    .select()
    .from(messageBatches)
    .where(and(...batchConditions(sandboxId, filter), ...q.conditions))
    .orderBy(q.orderBy)
    .limit(q.limit);
}

export async function countBatches(db: PgDbOrTx, sandboxId: string, filter: BatchFilter): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(messageBatches)
    .where(and(...batchConditions(sandboxId, filter)));
  return row?.n ?? 0;
}

/** sent (reached SENT, DELIVERED or READ), blocked and failed messages per batch, one grouped aggregate. */
export async function batchCounts(db: PgDbOrTx, batchIds: string[], unknownReason: string): Promise<Map<string, BatchCounts>> {
  const w = whatsappMessages;
  const out = new Map<string, BatchCounts>();
  for (let i = 0; i < batchIds.length; i += IN_CHUNK) {
    const rows = await db
      .select({
        batchId: w.batchId,
        sent: countOf(sql`${w.status} in ('SENT', 'DELIVERED', 'READ')`),
        blocked: countOf(sql`${w.status} = 'BLOCKED'`),
        failed: countOf(sql`${w.status} = 'FAILED'`),
        unknown: countOf(sql`${w.status} = 'UNKNOWN' or (${w.status} = 'QUEUED' and ${w.statusReason} = ${unknownReason})`),
      })
      .from(w)
      .where(inArray(w.batchId, batchIds.slice(i, i + IN_CHUNK)))
      .groupBy(w.batchId);
    for (const r of rows) if (r.batchId) out.set(r.batchId, { sent: r.sent, blocked: r.blocked, failed: r.failed, unknown: r.unknown });
  }
  return out;
}

// ---- recipients -----------------------------------------------------------------------

export async function insertRecipients(db: PgDbOrTx, rows: RecipientRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) await db.insert(messageBatchRecipients).values(rows.slice(i, i + INSERT_CHUNK));
}

/** Unsettled recipients whose turn has come, in request order. */
export async function readyRecipients(db: PgDbOrTx, batchId: string, now: Date, limit: number): Promise<RecipientRow[]> {
  const r = messageBatchRecipients;
  return db
    .select()
    .from(r)
    .where(and(eq(r.batchId, batchId), eq(r.done, false), or(isNull(r.notBefore), lte(r.notBefore, now))))
    .orderBy(asc(r.position))
    .limit(limit);
}

/** Whether any recipient is unsettled, and the earliest time one that waits may be retried. */
export async function pendingState(db: PgDbOrTx, batchId: string): Promise<{ pending: number; nextNotBefore: Date | null }> {
  const r = messageBatchRecipients;
  const [row] = await db
    .select({ pending: count(), next: min(r.notBefore) })
    .from(r)
    .where(and(eq(r.batchId, batchId), eq(r.done, false)));
  return { pending: row?.pending ?? 0, nextNotBefore: row?.next ?? null };
}

const recipientAt = (batchId: string, position: number) =>
  and(eq(messageBatchRecipients.batchId, batchId), eq(messageBatchRecipients.position, position));

export async function markRecipientDone(db: PgDbOrTx, batchId: string, position: number, messageId?: string): Promise<void> {
  await db
    .update(messageBatchRecipients)
    .set(messageId ? { done: true, messageId } : { done: true })
    .where(recipientAt(batchId, position));
}

/** Neither done nor given a message yet: nobody else (another run of the batch) has taken this recipient. */
/**
 * Two runs of one batch (a lease taken over) may reach the same recipient: the row is locked until the caller's
 * transaction ends, so the second waits for the first's setRecipientMessage and then finds it taken (SQLite's one
 * writer gives this by itself).
 */
export async function recipientUntaken(db: PgDbOrTx, batchId: string, position: number): Promise<boolean> {
  const r = messageBatchRecipients;
  const [row] = await db
    .select({ messageId: r.messageId, done: r.done })
    .from(r)
    .where(recipientAt(batchId, position))
    .limit(1)
    .for('update');
  return Boolean(row && !row.done && !row.messageId);
}

export async function setRecipientMessage(db: PgDbOrTx, batchId: string, position: number, messageId: string): Promise<void> {
  await db.update(messageBatchRecipients).set({ messageId }).where(recipientAt(batchId, position));
}

/**
 * The send guard's read of its batch (still RUNNING?), with the row held FOR SHARE until the sends' transaction
 * commits: a cancel (an UPDATE of the row) waits for sends that passed the guard, and sends after it see CANCELLED, so
 * nothing begins after the cancel commits (SQLite's one writer gives this by itself).
 */
export async function readBatch(db: PgDbOrTx, sandboxId: string, id: string): Promise<BatchRow | undefined> {
  const [row] = await db
    .select()
    .from(messageBatches)
    .where(and(eq(messageBatches.sandboxId, sandboxId), eq(messageBatches.id, id)))
    .limit(1)
    .for('share');
  return row;
}

export async function updateRecipient(db: PgDbOrTx, batchId: string, position: number, patch: RecipientPatch): Promise<void> {
  await db.update(messageBatchRecipients).set(patch).where(recipientAt(batchId, position));
}

/**
 * Messages of the batch that exist but were never handed to Meta (waiting after a
 * refusal): on cancel they are deleted, since nothing of them left the service.
 */
export async function deleteUnsentBatchMessages(db: PgDbOrTx, sandboxId: string, batchId: string, unknownReason: string): Promise<number> {
  const w = whatsappMessages;
  const result = await db
    .delete(w)
    .where(
      and(
        eq(w.sandboxId, sandboxId),
        eq(w.batchId, batchId),
        eq(w.status, 'QUEUED'),
        isNull(w.wamid),
        isNull(w.sendAttemptedAt),
        or(isNull(w.statusReason), sql`${w.statusReason} <> ${unknownReason}`),
      ),
    );
  return result.rowCount ?? 0;
}

export async function countSendsInFlight(
  db: PgDbOrTx,
  sandboxId: string,
  batchId: string,
  since: Date,
  unknownReason: string,
): Promise<number> {
  const w = whatsappMessages;
  const [row] = await db
    .select({ n: count() })
    .from(w)
    .where(
      and(
        eq(w.batchId, batchId),
        eq(w.status, 'QUEUED'),
        eq(w.sandboxId, sandboxId),
        isNull(w.wamid),
        gte(w.sendAttemptedAt, since),
        or(isNull(w.statusReason), sql`${w.statusReason} <> ${unknownReason}`),
      ),
    );
  return Number(row?.n ?? 0);
}

// ---- links ---------------------------------------------------------------------------

export async function insertLinks(db: PgDbOrTx, rows: LinkRow[]): Promise<void> {
  if (rows.length) await db.insert(messageLinks).values(rows);
}

export async function findLinkByToken(db: PgDbOrTx, token: string): Promise<LinkRow | undefined> {
  const [row] = await db.select().from(messageLinks).where(eq(messageLinks.token, token)).limit(1);
  return row;
}

export async function countClick(db: PgDbOrTx, id: string, at: Date): Promise<void> {
  await db
    .update(messageLinks)
    .set({
      clicks: sql`${messageLinks.clicks} + 1`,
      lastClickedAt: at,
      // A raw parameter is not mapped by the column: pass the instant as ISO text, typed, as the column itself would.
      firstClickedAt: sql`coalesce(${messageLinks.firstClickedAt}, ${at.toISOString()}::timestamptz)`,
    })
    .where(eq(messageLinks.id, id));
}

export async function listLinks(db: PgDbOrTx, sandboxId: string, messageIds: string[]): Promise<LinkRow[]> {
  if (!messageIds.length) return [];
  return db
    .select()
    .from(messageLinks)
    .where(and(eq(messageLinks.sandboxId, sandboxId), inArray(messageLinks.messageId, messageIds)))
    .orderBy(asc(messageLinks.id));
}

// ---- pacing seed -------------------------------------------------------------------------

/**
 * When each send attempt of this sender number (any credential, any sandbox) since
 * `since` started, as stored by beginSendAttempt: the previous process's last second.
 * Unordered, as on SQLite: the pacers sort what they are seeded with.
 */
export async function recentSendAttempts(db: PgDbOrTx, phoneNumberId: string, since: Date): Promise<Date[]> {
  const credentials = await db
    .select({ id: whatsappApiCredentials.id })
    .from(whatsappApiCredentials)
    .where(eq(whatsappApiCredentials.phoneNumberId, phoneNumberId));
  const credentialIds = credentials.map((r) => r.id);
  if (!credentialIds.length) return [];
  const rows = await db
    .select({ at: whatsappMessages.sendAttemptedAt })
    .from(whatsappMessages)
    .where(and(inArray(whatsappMessages.credentialId, credentialIds), gte(whatsappMessages.sendAttemptedAt, since)));
  return rows.flatMap((r) => (r.at ? [r.at] : []));
}

// ---- reports -------------------------------------------------------------------------------

const m = whatsappMessages;

function window(column: typeof m.createdAt | typeof trackingEvents.at, f: ReportFilter): SQL[] {
  const out: SQL[] = [];
  if (f.since) out.push(gte(column, f.since));
  if (f.until) out.push(lte(column, f.until));
  return out;
}

/**
 * The report as three SQL aggregates. Outbound counts are over the messages
 * created in the window (each message counted once, by the furthest it got: a
 * read message also counts as sent and delivered); opt-outs are OPT_OUT events
 * and inbound the inbound messages of the window.
 */
export async function reportCounts(db: PgDbOrTx, f: ReportFilter): Promise<ReportCounts> {
  const outbound: SQL[] = [eq(m.sandboxId, f.sandboxId), eq(m.direction, 'OUTBOUND'), ...window(m.createdAt, f)];
  if (f.channelConfigurationId) outbound.push(eq(m.channelConfigurationId, f.channelConfigurationId));
  const clickedExists = sql`exists (select 1 from ${trackingEvents} e where e.message_id = ${m.id} and e.type = 'CLICKED')`;
  const [o] = await db
    .select({
      sent: countOf(sql`${m.status} in ('SENT', 'DELIVERED', 'READ') or ${m.sentAt} is not null`),
      delivered: countOf(sql`${m.status} in ('DELIVERED', 'READ') or ${m.deliveredAt} is not null or ${m.readAt} is not null`),
      read: countOf(sql`${m.status} = 'READ' or ${m.readAt} is not null`),
      failed: countOf(sql`${m.status} = 'FAILED'`),
      blocked: countOf(sql`${m.status} = 'BLOCKED'`),
      unknown: countOf(sql`${m.status} = 'UNKNOWN' or (${m.status} = 'QUEUED' and ${m.statusReason} = ${f.unknownReason})`),
      clicked: countOf(clickedExists),
    })
    .from(m)
    .where(and(...outbound));

  // A configuration without a credential has no inbound traffic: SQLite's `0` is a boolean false here.
  const inboundWhere: SQL[] = [eq(m.sandboxId, f.sandboxId), eq(m.direction, 'INBOUND'), ...window(m.createdAt, f)];
  if (f.channelConfigurationId) inboundWhere.push(f.credentialId ? eq(m.credentialId, f.credentialId) : sql`false`);
  const [inbound] = await db
    .select({ n: count() })
    .from(m)
    .where(and(...inboundWhere));

  const e = trackingEvents;
  const optOutWhere: SQL[] = [eq(e.sandboxId, f.sandboxId), eq(e.type, 'OPT_OUT'), ...window(e.at, f)];
  if (f.channelConfigurationId) {
    // Opt-outs caused by one of its messages (131050), or by a keyword sent to its sender number.
    const viaInbound = f.credentialId
      ? sql`exists (select 1 from ${m} x where x.id = ${e.messageId} and x.direction = 'INBOUND' and x.credential_id = ${f.credentialId})`
      : sql`false`;
    optOutWhere.push(or(eq(e.channelConfigurationId, f.channelConfigurationId), and(isNotNull(e.messageId), viaInbound))!);
  }
  const [optOuts] = await db
    .select({ n: count() })
    .from(e)
    .where(and(...optOutWhere));

  return {
    sent: o?.sent ?? 0,
    delivered: o?.delivered ?? 0,
    read: o?.read ?? 0,
    failed: o?.failed ?? 0,
    blocked: o?.blocked ?? 0,
    unknown: o?.unknown ?? 0,
    clicked: o?.clicked ?? 0,
    optOuts: optOuts?.n ?? 0,
    inbound: inbound?.n ?? 0,
  };
}

export const pgStore = {
  insertBatch,
  findBatch,
  findBatches,
  updateBatch,
  listBatches,
  countBatches,
  batchCounts,
  insertRecipients,
  readyRecipients,
  pendingState,
  markRecipientDone,
  recipientUntaken,
  setRecipientMessage,
  readBatch,
  updateRecipient,
  deleteUnsentBatchMessages,
  countSendsInFlight,
  insertLinks,
  findLinkByToken,
  countClick,
  listLinks,
  recentSendAttempts,
  reportCounts,
} satisfies PgStoreOf<typeof sqliteStore>;
