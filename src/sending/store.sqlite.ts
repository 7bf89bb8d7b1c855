import { and, asc, count, eq, gte, inArray, isNotNull, isNull, lte, min, or, sql, type SQL } from 'drizzle-orm';
import { whatsappApiCredentials } from '../credentials/tables.js';
import type { SqliteDbOrTx as DbOrTx } from '../platform/sqlite.js';
import { windowQuery, type PageWindow } from '../platform/pagination.js';
import { prepared } from '../platform/prepared.js';
import { trackingEvents, whatsappMessages } from '../messages/tables.js';
import { messageBatches, messageBatchRecipients, messageLinks, type BatchStatus } from './tables.js';

/** The only code of the sending part of messaging that touches drizzle; returns plain records. */

export type BatchRow = typeof messageBatches.$inferSelect;
export type BatchPatch = Partial<Omit<BatchRow, 'id' | 'sandboxId' | 'createdAt'>>;
export type RecipientRow = typeof messageBatchRecipients.$inferSelect;
export type RecipientPatch = Partial<Pick<RecipientRow, 'messageId' | 'done' | 'notBefore' | 'refusals'>>;
export type LinkRow = typeof messageLinks.$inferSelect;

const INSERT_CHUNK = 1_000;
const IN_CHUNK = 500;

// ---- batches -----------------------------------------------------------------------

export function insertBatch(db: DbOrTx, row: BatchRow): void {
  db.insert(messageBatches).values(row).run();
}

export function findBatch(db: DbOrTx, sandboxId: string, id: string): BatchRow | undefined {
  return db
    .select()
    .from(messageBatches)
    .where(and(eq(messageBatches.sandboxId, sandboxId), eq(messageBatches.id, id)))
    .get();
}

export function findBatches(db: DbOrTx, sandboxId: string, ids: string[]): BatchRow[] {
  if (!ids.length) return [];
  return db
    .select()
    .from(messageBatches)
    .where(and(eq(messageBatches.sandboxId, sandboxId), inArray(messageBatches.id, ids)))
    .all();
}

export function updateBatch(db: DbOrTx, id: string, patch: BatchPatch): void {
  db.update(messageBatches).set(patch).where(eq(messageBatches.id, id)).run();
}

export interface BatchFilter {
  status?: BatchStatus | null;
  channelConfigurationId?: string | null;
}

function batchConditions(sandboxId: string, filter: BatchFilter): SQL[] {
  const conditions: SQL[] = [eq(messageBatches.sandboxId, sandboxId)];
  if (filter.status) conditions.push(eq(messageBatches.status, filter.status));
  if (filter.channelConfigurationId) conditions.push(eq(messageBatches.channelConfigurationId, filter.channelConfigurationId));
  return conditions;
}

export function listBatches(db: DbOrTx, sandboxId: string, window: PageWindow, filter: BatchFilter): BatchRow[] {
  const q = windowQuery(messageBatches.id, window);
  return db
    .select()
    .from(messageBatches)
    .where(and(...batchConditions(sandboxId, filter), ...q.conditions))
    .orderBy(q.orderBy)
    .limit(q.limit)
    .all();
}

export function countBatches(db: DbOrTx, sandboxId: string, filter: BatchFilter): number {
  return (
    db
      .select({ n: count() })
      .from(messageBatches)
      .where(and(...batchConditions(sandboxId, filter)))
      .get()?.n ?? 0
  );
}

export interface BatchCounts {
  sent: number;
  blocked: number;
  failed: number;
  /** UNKNOWN, or QUEUED with the outcome-unknown note (waiting for a status webhook). */
  unknown: number;
}

/** sent (reached SENT, DELIVERED or READ), blocked and failed messages per batch, one grouped aggregate. */
export function batchCounts(db: DbOrTx, batchIds: string[], unknownReason: string): Map<string, BatchCounts> {
  const out = new Map<string, BatchCounts>();
  for (let i = 0; i < batchIds.length; i += IN_CHUNK) {
    const rows = db
      .select({
        batchId: whatsappMessages.batchId,
        sent: sql<number>`coalesce(sum(case when ${whatsappMessages.status} in ('SENT', 'DELIVERED', 'READ') then 1 else 0 end), 0)`,
        blocked: sql<number>`coalesce(sum(case when ${whatsappMessages.status} = 'BLOCKED' then 1 else 0 end), 0)`,
        failed: sql<number>`coalesce(sum(case when ${whatsappMessages.status} = 'FAILED' then 1 else 0 end), 0)`,
        unknown: sql<number>`coalesce(sum(case when ${whatsappMessages.status} = 'UNKNOWN' or (${whatsappMessages.status} = 'QUEUED' and ${whatsappMessages.statusReason} = ${unknownReason}) then 1 else 0 end), 0)`,
      })
      .from(whatsappMessages)
      .where(inArray(whatsappMessages.batchId, batchIds.slice(i, i + IN_CHUNK)))
      .groupBy(whatsappMessages.batchId)
      .all();
    for (const r of rows) if (r.batchId) out.set(r.batchId, { sent: r.sent, blocked: r.blocked, failed: r.failed, unknown: r.unknown });
  }
  return out;
}

// ---- recipients -----------------------------------------------------------------------

export function insertRecipients(db: DbOrTx, rows: RecipientRow[]): void {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK)
    db.insert(messageBatchRecipients)
      .values(rows.slice(i, i + INSERT_CHUNK))
      .run();
}

/** Unsettled recipients whose turn has come, in request order. */
export function readyRecipients(db: DbOrTx, batchId: string, now: Date, limit: number): RecipientRow[] {
  return db
    .select()
    .from(messageBatchRecipients)
    .where(
      and(
        eq(messageBatchRecipients.batchId, batchId),
        eq(messageBatchRecipients.done, false),
        or(isNull(messageBatchRecipients.notBefore), lte(messageBatchRecipients.notBefore, now)),
      ),
    )
    .orderBy(asc(messageBatchRecipients.position))
    .limit(limit)
    .all();
}

/** Whether any recipient is unsettled, and the earliest time one that waits may be retried. */
export function pendingState(db: DbOrTx, batchId: string): { pending: number; nextNotBefore: Date | null } {
  const row = db
    .select({ pending: count(), next: min(messageBatchRecipients.notBefore) })
    .from(messageBatchRecipients)
    .where(and(eq(messageBatchRecipients.batchId, batchId), eq(messageBatchRecipients.done, false)))
    .get();
  return { pending: row?.pending ?? 0, nextNotBefore: row?.next ?? null };
}

// The per-recipient writes of a running batch, prepared once per database (building and preparing a
// statement costs more than running it, and a batch runs these a thousand times a second).
function preparedFor(db: DbOrTx) {
  const r = messageBatchRecipients;
  const at = and(eq(r.batchId, sql.placeholder('batchId')), eq(r.position, sql.placeholder('position')));
  return {
    done: db.update(r).set({ done: true }).where(at).prepare(),
    message: db
      .update(r)
      .set({ messageId: sql`${sql.placeholder('messageId')}` })
      .where(at)
      .prepare(),
    doneWithMessage: db
      .update(r)
      .set({ done: true, messageId: sql`${sql.placeholder('messageId')}` })
      .where(at)
      .prepare(),
    state: db.select({ messageId: r.messageId, done: r.done }).from(r).where(at).prepare(),
    batch: db
      .select()
      .from(messageBatches)
      .where(and(eq(messageBatches.sandboxId, sql.placeholder('sandboxId')), eq(messageBatches.id, sql.placeholder('id'))))
      .prepare(),
  };
}
type Prepared = ReturnType<typeof preparedFor>;
/** Statements prepared on the connection; valid inside any transaction of it (better-sqlite3 has one connection). */
function statements(db: DbOrTx): Prepared {
  return prepared(db, 'sending.recipients', preparedFor);
}

export function markRecipientDone(db: DbOrTx, batchId: string, position: number, messageId?: string): void {
  if (messageId) statements(db).doneWithMessage.run({ batchId, position, messageId });
  else statements(db).done.run({ batchId, position });
}

/** Neither done nor given a message yet: nobody else (another run of the batch) has taken this recipient. */
export function recipientUntaken(db: DbOrTx, batchId: string, position: number): boolean {
  const row = statements(db).state.get({ batchId, position });
  return Boolean(row && !row.done && !row.messageId);
}

export function setRecipientMessage(db: DbOrTx, batchId: string, position: number, messageId: string): void {
  statements(db).message.run({ batchId, position, messageId });
}

/** findBatch through a prepared statement (the send guard reads it for every group commit). */
export function readBatch(db: DbOrTx, sandboxId: string, id: string): BatchRow | undefined {
  return statements(db).batch.get({ sandboxId, id });
}

export function updateRecipient(db: DbOrTx, batchId: string, position: number, patch: RecipientPatch): void {
  db.update(messageBatchRecipients)
    .set(patch)
    .where(and(eq(messageBatchRecipients.batchId, batchId), eq(messageBatchRecipients.position, position)))
    .run();
}

/**
 * Messages of the batch that exist but were never handed to Meta (waiting after a
 * refusal): on cancel they are deleted, since nothing of them left the service.
 */
export function deleteUnsentBatchMessages(db: DbOrTx, sandboxId: string, batchId: string, unknownReason: string): number {
  return db
    .delete(whatsappMessages)
    .where(
      and(
        eq(whatsappMessages.sandboxId, sandboxId),
        eq(whatsappMessages.batchId, batchId),
        eq(whatsappMessages.status, 'QUEUED'),
        isNull(whatsappMessages.wamid),
        isNull(whatsappMessages.sendAttemptedAt),
        or(isNull(whatsappMessages.statusReason), sql`${whatsappMessages.statusReason} <> ${unknownReason}`),
      ),
    )
    .run().changes;
}

/**
 * The batch's sends on their way to Meta (attempt marked since `since`, no outcome yet), on any instance: a
 * cancel waits until there are none. Older marks are no longer in flight (no Meta call lasts that long).
 */
export function countSendsInFlight(db: DbOrTx, sandboxId: string, batchId: string, since: Date, unknownReason: string): number {
  const w = whatsappMessages;
  const row = db
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
    )
    .get();
  return row?.n ?? 0;
}

// ---- links ---------------------------------------------------------------------------

export function insertLinks(db: DbOrTx, rows: LinkRow[]): void {
  if (rows.length) db.insert(messageLinks).values(rows).run();
}

export function findLinkByToken(db: DbOrTx, token: string): LinkRow | undefined {
  return db.select().from(messageLinks).where(eq(messageLinks.token, token)).get();
}

export function countClick(db: DbOrTx, id: string, at: Date): void {
  db.update(messageLinks)
    .set({
      clicks: sql`${messageLinks.clicks} + 1`,
      lastClickedAt: at,
      firstClickedAt: sql`coalesce(${messageLinks.firstClickedAt}, ${at.getTime()})`,
    })
    .where(eq(messageLinks.id, id))
    .run();
}

export function listLinks(db: DbOrTx, sandboxId: string, messageIds: string[]): LinkRow[] {
  if (!messageIds.length) return [];
  return db
    .select()
    .from(messageLinks)
    .where(and(eq(messageLinks.sandboxId, sandboxId), inArray(messageLinks.messageId, messageIds)))
    .orderBy(asc(messageLinks.id))
    .all();
}

// ---- pacing seed -------------------------------------------------------------------------

/**
 * When each send attempt of this sender number (any credential, any sandbox) since
 * `since` started, as stored by beginSendAttempt: the previous process's last second.
 */
export function recentSendAttempts(db: DbOrTx, phoneNumberId: string, since: Date): Date[] {
  const credentialIds = db
    .select({ id: whatsappApiCredentials.id })
    .from(whatsappApiCredentials)
    .where(eq(whatsappApiCredentials.phoneNumberId, phoneNumberId))
    .all()
    .map((r) => r.id);
  if (!credentialIds.length) return [];
  return db
    .select({ at: whatsappMessages.sendAttemptedAt })
    .from(whatsappMessages)
    .where(and(inArray(whatsappMessages.credentialId, credentialIds), gte(whatsappMessages.sendAttemptedAt, since)))
    .all()
    .flatMap((r) => (r.at ? [r.at] : []));
}

// ---- reports -------------------------------------------------------------------------------

export interface ReportFilter {
  sandboxId: string;
  channelConfigurationId: string | null;
  /** The configuration's credential: inbound traffic and keyword opt-outs reach a configuration through it. */
  credentialId: string | null;
  since: Date | null;
  until: Date | null;
  /** statusReason of a QUEUED message whose send was never answered (counted as unknown). */
  unknownReason: string;
}

export interface ReportCounts {
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  blocked: number;
  clicked: number;
  optOuts: number;
  inbound: number;
  unknown: number;
}

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
export function reportCounts(db: DbOrTx, f: ReportFilter): ReportCounts {
  const outbound: SQL[] = [eq(m.sandboxId, f.sandboxId), eq(m.direction, 'OUTBOUND'), ...window(m.createdAt, f)];
  if (f.channelConfigurationId) outbound.push(eq(m.channelConfigurationId, f.channelConfigurationId));
  const clickedExists = sql`exists (select 1 from ${trackingEvents} e where e.message_id = ${m.id} and e.type = 'CLICKED')`;
  const o = db
    .select({
      sent: sql<number>`coalesce(sum(case when ${m.status} in ('SENT', 'DELIVERED', 'READ') or ${m.sentAt} is not null then 1 else 0 end), 0)`,
      delivered: sql<number>`coalesce(sum(case when ${m.status} in ('DELIVERED', 'READ') or ${m.deliveredAt} is not null or ${m.readAt} is not null then 1 else 0 end), 0)`,
      read: sql<number>`coalesce(sum(case when ${m.status} = 'READ' or ${m.readAt} is not null then 1 else 0 end), 0)`,
      failed: sql<number>`coalesce(sum(case when ${m.status} = 'FAILED' then 1 else 0 end), 0)`,
      blocked: sql<number>`coalesce(sum(case when ${m.status} = 'BLOCKED' then 1 else 0 end), 0)`,
      unknown: sql<number>`coalesce(sum(case when ${m.status} = 'UNKNOWN' or (${m.status} = 'QUEUED' and ${m.statusReason} = ${f.unknownReason}) then 1 else 0 end), 0)`,
      clicked: sql<number>`coalesce(sum(case when ${clickedExists} then 1 else 0 end), 0)`,
    })
    .from(m)
    .where(and(...outbound))
    .get();

  const inboundWhere: SQL[] = [eq(m.sandboxId, f.sandboxId), eq(m.direction, 'INBOUND'), ...window(m.createdAt, f)];
  if (f.channelConfigurationId) inboundWhere.push(f.credentialId ? eq(m.credentialId, f.credentialId) : sql`0`);
  const inbound =
    db
      .select({ n: count() })
      .from(m)
      .where(and(...inboundWhere))
      .get()?.n ?? 0;

  const e = trackingEvents;
  const optOutWhere: SQL[] = [eq(e.sandboxId, f.sandboxId), eq(e.type, 'OPT_OUT'), ...window(e.at, f)];
  if (f.channelConfigurationId) {
    // Opt-outs caused by one of its messages (131050), or by a keyword sent to its sender number.
    const viaInbound = f.credentialId
      ? sql`exists (select 1 from ${m} x where x.id = ${e.messageId} and x.direction = 'INBOUND' and x.credential_id = ${f.credentialId})`
      : sql`0`;
    optOutWhere.push(or(eq(e.channelConfigurationId, f.channelConfigurationId), and(isNotNull(e.messageId), viaInbound))!);
  }
  const optOuts =
    db
      .select({ n: count() })
      .from(e)
      .where(and(...optOutWhere))
      .get()?.n ?? 0;

  return {
    sent: o?.sent ?? 0,
    delivered: o?.delivered ?? 0,
    read: o?.read ?? 0,
    failed: o?.failed ?? 0,
    blocked: o?.blocked ?? 0,
    unknown: o?.unknown ?? 0,
    clicked: o?.clicked ?? 0,
    optOuts,
    inbound,
  };
}
