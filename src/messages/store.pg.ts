import { and, asc, count, desc, eq, gte, inArray, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { windowQuery, type PageWindow } from '../platform/pagination.js';
import type { PgDbOrTx, PgStoreOf } from '../platform/pg/handle.js';
import type * as sqliteStore from './store.sqlite.js';
import type {
  ConsentChangeRow,
  ContactPatch,
  ContactRow,
  MessageFilter,
  MessagePatch,
  MessageRow,
  PendingStatusRow,
  TrackingEventFilter,
  TrackingEventRow,
} from './store.sqlite.js';
import { consentChanges, pendingStatuses, trackingEvents, whatsappContacts, whatsappMessages } from './tables.pg.js';

/**
 * The message ledger on PostgreSQL: the functions of store.ts, same names, parameters and results, as Promises.
 * No prepared-statement cache: on PostgreSQL the round trip costs more than building the statement.
 */

/** Leaves out undefined values, as drizzle's set() and the SQLite updateById do; null when nothing is left to set. */
function definedPatch<T extends object>(patch: T): Partial<T> | null {
  const entries = Object.entries(patch).filter(([, value]) => value !== undefined);
  return entries.length ? (Object.fromEntries(entries) as Partial<T>) : null;
}

// ---- contacts ------------------------------------------------------------------

export async function findContact(db: PgDbOrTx, sandboxId: string, id: string): Promise<ContactRow | undefined> {
  const c = whatsappContacts;
  const [row] = await db
    .select()
    .from(c)
    .where(and(eq(c.sandboxId, sandboxId), eq(c.id, id)))
    .limit(1);
  return row;
}

/**
 * By BSUID (or a user key that is one). When one contact has the BSUID and another has it as its key, SQLite's
 * MULTI-INDEX OR answers the bsuid branch first, each branch in rowid (insertion) order: the ORDER BY says that.
 */
export async function findContactByBsuid(db: PgDbOrTx, sandboxId: string, bsuid: string): Promise<ContactRow | undefined> {
  const c = whatsappContacts;
  const [row] = await db
    .select()
    .from(c)
    .where(and(eq(c.sandboxId, sandboxId), or(eq(c.bsuid, bsuid), eq(c.userKey, bsuid))))
    .orderBy(sql`${c.bsuid} = ${bsuid} DESC NULLS LAST`, asc(c.id))
    .limit(1);
  return row;
}

export async function findContactByWaId(db: PgDbOrTx, sandboxId: string, waId: string): Promise<ContactRow | undefined> {
  const c = whatsappContacts;
  const [row] = await db
    .select()
    .from(c)
    .where(and(eq(c.sandboxId, sandboxId), or(eq(c.waId, waId), eq(c.userKey, waId))))
    .orderBy(desc(c.updatedAt))
    .limit(1);
  return row;
}

/** The most recently changed contact with this phone number (one number may briefly belong to two keys). */
export async function findContactByPhone(db: PgDbOrTx, sandboxId: string, phoneNumber: string): Promise<ContactRow | undefined> {
  const c = whatsappContacts;
  const [row] = await db
    .select()
    .from(c)
    .where(and(eq(c.sandboxId, sandboxId), eq(c.phoneNumber, phoneNumber)))
    // SQLite sorts NULL lowest, so DESC puts contacts without a consent change last; PostgreSQL's DESC puts NULL first.
    .orderBy(sql`${c.consentChangedAt} DESC NULLS LAST`, desc(c.updatedAt))
    .limit(1);
  return row;
}

export async function insertContact(db: PgDbOrTx, row: ContactRow): Promise<void> {
  await db.insert(whatsappContacts).values(row);
}

export async function updateContact(db: PgDbOrTx, id: string, patch: ContactPatch): Promise<void> {
  const set = definedPatch(patch);
  if (set) await db.update(whatsappContacts).set(set).where(eq(whatsappContacts.id, id));
}

// ---- consent ledger ----------------------------------------------------------------

/** Inserts the row unless its dedupe key was seen; returns whether it was inserted. */
export async function insertConsentChange(db: PgDbOrTx, row: ConsentChangeRow): Promise<boolean> {
  const result = await db.insert(consentChanges).values(row).onConflictDoNothing();
  return (result.rowCount ?? 0) === 1;
}

export async function consentChangeExists(db: PgDbOrTx, sandboxId: string, dedupeKey: string): Promise<boolean> {
  const rows = await db
    .select({ id: consentChanges.id })
    .from(consentChanges)
    .where(and(eq(consentChanges.sandboxId, sandboxId), eq(consentChanges.dedupeKey, dedupeKey)))
    .limit(1);
  return rows.length > 0;
}

export async function listConsentChanges(db: PgDbOrTx, sandboxId: string, contactId: string, limit: number): Promise<ConsentChangeRow[]> {
  return db
    .select()
    .from(consentChanges)
    .where(and(eq(consentChanges.sandboxId, sandboxId), eq(consentChanges.contactId, contactId)))
    .orderBy(desc(consentChanges.at), desc(consentChanges.id))
    .limit(limit);
}

// ---- messages ------------------------------------------------------------------

export async function insertMessage(db: PgDbOrTx, row: MessageRow): Promise<boolean> {
  const result = await db.insert(whatsappMessages).values(row).onConflictDoNothing();
  return (result.rowCount ?? 0) === 1;
}

export async function updateMessage(db: PgDbOrTx, id: string, patch: MessagePatch): Promise<void> {
  const set = definedPatch(patch);
  if (set) await db.update(whatsappMessages).set(set).where(eq(whatsappMessages.id, id));
}

/** findMessage with the row locked FOR UPDATE until the caller's transaction ends (a status check, then a write). */
export async function lockMessage(db: PgDbOrTx, sandboxId: string, id: string): Promise<MessageRow | undefined> {
  const m = whatsappMessages;
  const [row] = await db
    .select()
    .from(m)
    .where(and(eq(m.sandboxId, sandboxId), eq(m.id, id)))
    .limit(1)
    .for('update');
  return row;
}

export async function findMessage(db: PgDbOrTx, sandboxId: string, id: string): Promise<MessageRow | undefined> {
  const m = whatsappMessages;
  const [row] = await db
    .select()
    .from(m)
    .where(and(eq(m.sandboxId, sandboxId), eq(m.id, id)))
    .limit(1);
  return row;
}

export async function findMessages(db: PgDbOrTx, sandboxId: string, ids: string[]): Promise<MessageRow[]> {
  if (!ids.length) return [];
  return db
    .select()
    .from(whatsappMessages)
    .where(and(eq(whatsappMessages.sandboxId, sandboxId), inArray(whatsappMessages.id, ids)));
}

export async function findMessageByWamid(db: PgDbOrTx, sandboxId: string, wamid: string): Promise<MessageRow | undefined> {
  const m = whatsappMessages;
  const [row] = await db
    .select()
    .from(m)
    .where(and(eq(m.sandboxId, sandboxId), eq(m.wamid, wamid)))
    .limit(1);
  return row;
}

/** Several messages may carry the same opaque data: SQLite answers the first inserted (rowid order in the index); so does id order. */
export async function findOutboundByOpaqueData(db: PgDbOrTx, sandboxId: string, opaque: string): Promise<MessageRow | undefined> {
  const m = whatsappMessages;
  const [row] = await db
    .select()
    .from(m)
    .where(and(eq(m.sandboxId, sandboxId), eq(m.direction, 'OUTBOUND'), eq(m.bizOpaqueCallbackData, opaque)))
    .orderBy(asc(m.id))
    .limit(1);
  return row;
}

function messageConditions(sandboxId: string, filter: MessageFilter): SQL[] {
  const conditions: SQL[] = [eq(whatsappMessages.sandboxId, sandboxId)];
  if (filter.channelConfigurationId) conditions.push(eq(whatsappMessages.channelConfigurationId, filter.channelConfigurationId));
  if (filter.batchId) conditions.push(eq(whatsappMessages.batchId, filter.batchId));
  if (filter.status) conditions.push(eq(whatsappMessages.status, filter.status));
  return conditions;
}

export async function listMessages(db: PgDbOrTx, sandboxId: string, window: PageWindow, filter: MessageFilter): Promise<MessageRow[]> {
  const q = windowQuery(whatsappMessages.id, window);
  return db
    .select()
    .from(whatsappMessages)
    .where(and(...messageConditions(sandboxId, filter), ...q.conditions))
    .orderBy(q.orderBy)
    .limit(q.limit);
}

export async function countMessages(db: PgDbOrTx, sandboxId: string, filter: MessageFilter): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(whatsappMessages)
    .where(and(...messageConditions(sandboxId, filter)));
  return row?.n ?? 0;
}

// ---- pending statuses ------------------------------------------------------------

export async function insertPendingStatus(db: PgDbOrTx, row: PendingStatusRow): Promise<boolean> {
  const result = await db.insert(pendingStatuses).values(row).onConflictDoNothing();
  return (result.rowCount ?? 0) === 1;
}

/** Statuses waiting for this message, by its wamid or by the opaque data it was sent with; oldest first. */
export async function listPendingStatuses(
  db: PgDbOrTx,
  sandboxId: string,
  wamid: string | null,
  opaque: string | null,
): Promise<PendingStatusRow[]> {
  if (!wamid && !opaque) return [];
  const p = pendingStatuses;
  // An empty string matches nothing on SQLite (it binds null there): leave that branch out.
  const branches = [wamid ? eq(p.wamid, wamid) : undefined, opaque ? eq(p.bizOpaqueCallbackData, opaque) : undefined];
  return db
    .select()
    .from(p)
    .where(and(eq(p.sandboxId, sandboxId), or(...branches)))
    .orderBy(asc(p.statusAt), asc(p.id));
}

export async function deletePendingStatuses(db: PgDbOrTx, ids: string[]): Promise<void> {
  if (ids.length) await db.delete(pendingStatuses).where(inArray(pendingStatuses.id, ids));
}

/** Deletes up to `limit` pending statuses whose id (a ULID: the time they were received) is below beforeId; returns how many. */
export async function deletePendingStatusesBefore(db: PgDbOrTx, beforeId: string, limit: number): Promise<number> {
  const rows = await db
    .select({ id: pendingStatuses.id })
    .from(pendingStatuses)
    .where(lt(pendingStatuses.id, beforeId))
    .orderBy(asc(pendingStatuses.id))
    .limit(limit);
  const ids = rows.map((r) => r.id);
  await deletePendingStatuses(db, ids);
  return ids.length;
}

// ---- tracking events ------------------------------------------------------------------

/** Inserts the event unless its dedupe key was seen; returns whether it was inserted. */
export async function insertTrackingEvent(db: PgDbOrTx, row: TrackingEventRow): Promise<boolean> {
  const result = await db.insert(trackingEvents).values(row).onConflictDoNothing();
  return (result.rowCount ?? 0) === 1;
}

export async function findTrackingEvent(db: PgDbOrTx, sandboxId: string, id: string): Promise<TrackingEventRow | undefined> {
  const [row] = await db
    .select()
    .from(trackingEvents)
    .where(and(eq(trackingEvents.sandboxId, sandboxId), eq(trackingEvents.id, id)))
    .limit(1);
  return row;
}

export async function findTrackingEvents(db: PgDbOrTx, sandboxId: string, ids: string[]): Promise<TrackingEventRow[]> {
  if (!ids.length) return [];
  return db
    .select()
    .from(trackingEvents)
    .where(and(eq(trackingEvents.sandboxId, sandboxId), inArray(trackingEvents.id, ids)));
}

function eventConditions(sandboxId: string, filter: TrackingEventFilter): SQL[] {
  const conditions: SQL[] = [eq(trackingEvents.sandboxId, sandboxId)];
  if (filter.type) conditions.push(eq(trackingEvents.type, filter.type));
  if (filter.channelConfigurationId) conditions.push(eq(trackingEvents.channelConfigurationId, filter.channelConfigurationId));
  if (filter.since) conditions.push(gte(trackingEvents.at, filter.since));
  if (filter.until) conditions.push(lte(trackingEvents.at, filter.until));
  if (filter.messageId) conditions.push(eq(trackingEvents.messageId, filter.messageId));
  return conditions;
}

export async function listTrackingEvents(
  db: PgDbOrTx,
  sandboxId: string,
  window: PageWindow,
  filter: TrackingEventFilter,
): Promise<TrackingEventRow[]> {
  const q = windowQuery(trackingEvents.id, window);
  return db
    .select()
    .from(trackingEvents)
    .where(and(...eventConditions(sandboxId, filter), ...q.conditions))
    .orderBy(q.orderBy)
    .limit(q.limit);
}

export async function countTrackingEvents(db: PgDbOrTx, sandboxId: string, filter: TrackingEventFilter): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(trackingEvents)
    .where(and(...eventConditions(sandboxId, filter)));
  return row?.n ?? 0;
}

/**
 * Outbound messages sent before `cutoff` whose outcome never became known (no
 * answer from Meta, no status webhook since): UNKNOWN with `reason`. Returns
 * what changed, for progress events. Bounded per call; the sweep comes again.
 */
export async function settleUnknownOutcomes(
  db: PgDbOrTx,
  cutoff: Date,
  reason: string,
  now: Date,
  limit = 500,
): Promise<{ id: string; sandboxId: string; batchId: string | null }[]> {
  const m = whatsappMessages;
  const unsettled = and(eq(m.direction, 'OUTBOUND'), eq(m.status, 'QUEUED'), isNull(m.wamid), lt(m.sendAttemptedAt, cutoff));
  // Several instances sweep at once: SKIP LOCKED splits the rows between them instead of making one wait, and the
  // outer repeat of the conditions drops a row a status webhook settled after the subquery read it.
  const stale = db.select({ id: m.id }).from(m).where(unsettled).limit(limit).for('update', { skipLocked: true });
  return db
    .update(m)
    .set({ status: 'UNKNOWN', statusReason: reason, updatedAt: now })
    .where(and(inArray(m.id, stale), unsettled))
    .returning({ id: m.id, sandboxId: m.sandboxId, batchId: m.batchId });
}

export const pgStore = {
  lockMessage,
  findContact,
  findContactByBsuid,
  findContactByWaId,
  findContactByPhone,
  insertContact,
  updateContact,
  insertConsentChange,
  consentChangeExists,
  listConsentChanges,
  insertMessage,
  updateMessage,
  findMessage,
  findMessages,
  findMessageByWamid,
  findOutboundByOpaqueData,
  listMessages,
  countMessages,
  insertPendingStatus,
  listPendingStatuses,
  deletePendingStatuses,
  deletePendingStatusesBefore,
  insertTrackingEvent,
  findTrackingEvent,
  findTrackingEvents,
  listTrackingEvents,
  countTrackingEvents,
  settleUnknownOutcomes,
} satisfies PgStoreOf<typeof sqliteStore>;
