import { and, asc, count, desc, eq, gte, inArray, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { SqliteDbOrTx as DbOrTx } from '../platform/sqlite.js';
import { windowQuery, type PageWindow } from '../platform/pagination.js';
import { prepared } from '../platform/prepared.js';
import { insertRow, updateById } from '../platform/prepared-writes.js';
import {
  consentChanges,
  pendingStatuses,
  trackingEvents,
  whatsappContacts,
  whatsappMessages,
  type MessageStatus,
  type TrackingEventType,
} from './tables.js';

export type ContactRow = typeof whatsappContacts.$inferSelect;
export type ContactPatch = Partial<Omit<ContactRow, 'id' | 'sandboxId' | 'createdAt'>>;
export type ConsentChangeRow = typeof consentChanges.$inferSelect;
export type MessageRow = typeof whatsappMessages.$inferSelect;
export type MessagePatch = Partial<Omit<MessageRow, 'id' | 'sandboxId' | 'direction' | 'createdAt'>>;
export type PendingStatusRow = typeof pendingStatuses.$inferSelect;
export type TrackingEventRow = typeof trackingEvents.$inferSelect;

// ---- hot statements -------------------------------------------------------------------
// Run for every message sent and every status received (up to thousands a second): prepared once per
// connection, since building and preparing a statement costs more than running it.

const $ = sql.placeholder;

function buildHotReads(db: DbOrTx) {
  const c = whatsappContacts;
  const m = whatsappMessages;
  return {
    contact: db
      .select()
      .from(c)
      .where(and(eq(c.sandboxId, $('sandboxId')), eq(c.id, $('id'))))
      .prepare(),
    // Each branch carries the sandbox so both indexes are used (MULTI-INDEX OR), not a scan of the sandbox's contacts.
    contactByWaId: db
      .select()
      .from(c)
      .where(
        or(and(eq(c.sandboxId, $('sandboxId')), eq(c.waId, $('waId'))), and(eq(c.sandboxId, $('sandboxId')), eq(c.userKey, $('waId')))),
      )
      .orderBy(desc(c.updatedAt))
      .prepare(),
    contactByPhone: db
      .select()
      .from(c)
      .where(and(eq(c.sandboxId, $('sandboxId')), eq(c.phoneNumber, $('phoneNumber'))))
      .orderBy(desc(c.consentChangedAt), desc(c.updatedAt))
      .prepare(),
    message: db
      .select()
      .from(m)
      .where(and(eq(m.sandboxId, $('sandboxId')), eq(m.id, $('id'))))
      .prepare(),
    messageByWamid: db
      .select()
      .from(m)
      .where(and(eq(m.sandboxId, $('sandboxId')), eq(m.wamid, $('wamid'))))
      .prepare(),
    outboundByOpaque: db
      .select()
      .from(m)
      .where(and(eq(m.sandboxId, $('sandboxId')), eq(m.direction, 'OUTBOUND'), eq(m.bizOpaqueCallbackData, $('opaque'))))
      .prepare(),
    // A null placeholder matches nothing (x = NULL is never true), like leaving that branch out.
    pendingStatuses: db
      .select()
      .from(pendingStatuses)
      .where(
        or(
          and(eq(pendingStatuses.sandboxId, $('sandboxId')), eq(pendingStatuses.wamid, $('wamid'))),
          and(eq(pendingStatuses.sandboxId, $('sandboxId')), eq(pendingStatuses.bizOpaqueCallbackData, $('opaque'))),
        ),
      )
      .orderBy(asc(pendingStatuses.statusAt), asc(pendingStatuses.id))
      .prepare(),
  };
}

/** The prepared reads and inserts of this connection (a transaction handle carries its database's statements). */
function hot(db: DbOrTx) {
  return prepared(db, 'messages.hot', buildHotReads);
}

// ---- contacts ------------------------------------------------------------------

export function findContact(db: DbOrTx, sandboxId: string, id: string): ContactRow | undefined {
  return hot(db).contact.get({ sandboxId, id });
}

/** By BSUID (or a user key that is one). */
export function findContactByBsuid(db: DbOrTx, sandboxId: string, bsuid: string): ContactRow | undefined {
  return (
    db
      .select()
      .from(whatsappContacts)
      // The sandbox condition inside each branch lets SQLite use both indexes (MULTI-INDEX OR), not scan the sandbox's contacts.
      .where(
        or(
          and(eq(whatsappContacts.sandboxId, sandboxId), eq(whatsappContacts.bsuid, bsuid)),
          and(eq(whatsappContacts.sandboxId, sandboxId), eq(whatsappContacts.userKey, bsuid)),
        ),
      )
      .get()
  );
}

export function findContactByWaId(db: DbOrTx, sandboxId: string, waId: string): ContactRow | undefined {
  return hot(db).contactByWaId.get({ sandboxId, waId });
}

/** The most recently changed contact with this phone number (one number may briefly belong to two keys). */
export function findContactByPhone(db: DbOrTx, sandboxId: string, phoneNumber: string): ContactRow | undefined {
  return hot(db).contactByPhone.get({ sandboxId, phoneNumber });
}

export function insertContact(db: DbOrTx, row: ContactRow): void {
  insertRow(db, whatsappContacts, 'whatsapp_contacts', row);
}

export function updateContact(db: DbOrTx, id: string, patch: ContactPatch): void {
  updateById(db, whatsappContacts, 'whatsapp_contacts', whatsappContacts.id, id, patch);
}

// ---- consent ledger ----------------------------------------------------------------

/** Inserts the row unless its dedupe key was seen; returns whether it was inserted. */
export function insertConsentChange(db: DbOrTx, row: ConsentChangeRow): boolean {
  return db.insert(consentChanges).values(row).onConflictDoNothing().run().changes === 1;
}

export function consentChangeExists(db: DbOrTx, sandboxId: string, dedupeKey: string): boolean {
  return Boolean(
    db
      .select({ id: consentChanges.id })
      .from(consentChanges)
      .where(and(eq(consentChanges.sandboxId, sandboxId), eq(consentChanges.dedupeKey, dedupeKey)))
      .get(),
  );
}

export function listConsentChanges(db: DbOrTx, sandboxId: string, contactId: string, limit: number): ConsentChangeRow[] {
  return db
    .select()
    .from(consentChanges)
    .where(and(eq(consentChanges.sandboxId, sandboxId), eq(consentChanges.contactId, contactId)))
    .orderBy(desc(consentChanges.at), desc(consentChanges.id))
    .limit(limit)
    .all();
}

// ---- messages ------------------------------------------------------------------

export function insertMessage(db: DbOrTx, row: MessageRow): boolean {
  return insertRow(db, whatsappMessages, 'whatsapp_messages', row, { ignoreConflict: true });
}

export function updateMessage(db: DbOrTx, id: string, patch: MessagePatch): void {
  updateById(db, whatsappMessages, 'whatsapp_messages', whatsappMessages.id, id, patch);
}

export function findMessage(db: DbOrTx, sandboxId: string, id: string): MessageRow | undefined {
  return hot(db).message.get({ sandboxId, id });
}

/**
 * The message, to change it in the caller's transaction on what it says now (status checks before a write): SQLite's
 * one writer already keeps it as read; PostgreSQL locks the row (store.pg.ts).
 */
export function lockMessage(db: DbOrTx, sandboxId: string, id: string): MessageRow | undefined {
  return findMessage(db, sandboxId, id);
}

export function findMessages(db: DbOrTx, sandboxId: string, ids: string[]): MessageRow[] {
  if (!ids.length) return [];
  return db
    .select()
    .from(whatsappMessages)
    .where(and(eq(whatsappMessages.sandboxId, sandboxId), inArray(whatsappMessages.id, ids)))
    .all();
}

export function findMessageByWamid(db: DbOrTx, sandboxId: string, wamid: string): MessageRow | undefined {
  return hot(db).messageByWamid.get({ sandboxId, wamid });
}

export function findOutboundByOpaqueData(db: DbOrTx, sandboxId: string, opaque: string): MessageRow | undefined {
  return hot(db).outboundByOpaque.get({ sandboxId, opaque });
}

export interface MessageFilter {
  channelConfigurationId?: string | null;
  status?: MessageStatus | null;
  /** Only the messages of one batch (MessageBatch.messages). */
  batchId?: string | null;
}

function messageConditions(sandboxId: string, filter: MessageFilter): SQL[] {
  const conditions: SQL[] = [eq(whatsappMessages.sandboxId, sandboxId)];
  if (filter.channelConfigurationId) conditions.push(eq(whatsappMessages.channelConfigurationId, filter.channelConfigurationId));
  if (filter.batchId) conditions.push(eq(whatsappMessages.batchId, filter.batchId));
  if (filter.status) conditions.push(eq(whatsappMessages.status, filter.status));
  return conditions;
}

export function listMessages(db: DbOrTx, sandboxId: string, window: PageWindow, filter: MessageFilter): MessageRow[] {
  const q = windowQuery(whatsappMessages.id, window);
  return db
    .select()
    .from(whatsappMessages)
    .where(and(...messageConditions(sandboxId, filter), ...q.conditions))
    .orderBy(q.orderBy)
    .limit(q.limit)
    .all();
}

export function countMessages(db: DbOrTx, sandboxId: string, filter: MessageFilter): number {
  return (
    db
      .select({ n: count() })
      .from(whatsappMessages)
      .where(and(...messageConditions(sandboxId, filter)))
      .get()?.n ?? 0
  );
}

// ---- pending statuses ------------------------------------------------------------

export function insertPendingStatus(db: DbOrTx, row: PendingStatusRow): boolean {
  return insertRow(db, pendingStatuses, 'pending_statuses', row, { ignoreConflict: true });
}

/** Statuses waiting for this message, by its wamid or by the opaque data it was sent with; oldest first. */
export function listPendingStatuses(db: DbOrTx, sandboxId: string, wamid: string | null, opaque: string | null): PendingStatusRow[] {
  if (!wamid && !opaque) return [];
  return hot(db).pendingStatuses.all({ sandboxId, wamid: wamid || null, opaque: opaque || null });
}

export function deletePendingStatuses(db: DbOrTx, ids: string[]): void {
  if (ids.length) db.delete(pendingStatuses).where(inArray(pendingStatuses.id, ids)).run();
}

/** Deletes up to `limit` pending statuses whose id (a ULID: the time they were received) is below beforeId; returns how many. */
export function deletePendingStatusesBefore(db: DbOrTx, beforeId: string, limit: number): number {
  const ids = db
    .select({ id: pendingStatuses.id })
    .from(pendingStatuses)
    .where(lt(pendingStatuses.id, beforeId))
    .orderBy(asc(pendingStatuses.id))
    .limit(limit)
    .all()
    .map((r) => r.id);
  deletePendingStatuses(db, ids);
  return ids.length;
}

// ---- tracking events ------------------------------------------------------------------

/** Inserts the event unless its dedupe key was seen; returns whether it was inserted. */
export function insertTrackingEvent(db: DbOrTx, row: TrackingEventRow): boolean {
  return insertRow(db, trackingEvents, 'tracking_events', row, { ignoreConflict: true });
}

export function findTrackingEvent(db: DbOrTx, sandboxId: string, id: string): TrackingEventRow | undefined {
  return db
    .select()
    .from(trackingEvents)
    .where(and(eq(trackingEvents.sandboxId, sandboxId), eq(trackingEvents.id, id)))
    .get();
}

export function findTrackingEvents(db: DbOrTx, sandboxId: string, ids: string[]): TrackingEventRow[] {
  if (!ids.length) return [];
  return db
    .select()
    .from(trackingEvents)
    .where(and(eq(trackingEvents.sandboxId, sandboxId), inArray(trackingEvents.id, ids)))
    .all();
}

export interface TrackingEventFilter {
  type?: TrackingEventType | null;
  channelConfigurationId?: string | null;
  since?: Date | null;
  until?: Date | null;
  messageId?: string | null;
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

export function listTrackingEvents(db: DbOrTx, sandboxId: string, window: PageWindow, filter: TrackingEventFilter): TrackingEventRow[] {
  const q = windowQuery(trackingEvents.id, window);
  return db
    .select()
    .from(trackingEvents)
    .where(and(...eventConditions(sandboxId, filter), ...q.conditions))
    .orderBy(q.orderBy)
    .limit(q.limit)
    .all();
}

export function countTrackingEvents(db: DbOrTx, sandboxId: string, filter: TrackingEventFilter): number {
  return (
    db
      .select({ n: count() })
      .from(trackingEvents)
      .where(and(...eventConditions(sandboxId, filter)))
      .get()?.n ?? 0
  );
}

/**
 * Outbound messages sent before `cutoff` whose outcome never became known (no
 * answer from Meta, no status webhook since): UNKNOWN with `reason`. Returns
 * what changed, for progress events. Bounded per call; the sweep comes again.
 */
export function settleUnknownOutcomes(
  db: DbOrTx,
  cutoff: Date,
  reason: string,
  now: Date,
  limit = 500,
): { id: string; sandboxId: string; batchId: string | null }[] {
  const stale = db
    .select({ id: whatsappMessages.id })
    .from(whatsappMessages)
    .where(
      and(
        eq(whatsappMessages.direction, 'OUTBOUND'),
        eq(whatsappMessages.status, 'QUEUED'),
        isNull(whatsappMessages.wamid),
        lt(whatsappMessages.sendAttemptedAt, cutoff),
      ),
    )
    .limit(limit);
  return db
    .update(whatsappMessages)
    .set({ status: 'UNKNOWN', statusReason: reason, updatedAt: now })
    .where(inArray(whatsappMessages.id, stale))
    .returning({ id: whatsappMessages.id, sandboxId: whatsappMessages.sandboxId, batchId: whatsappMessages.batchId })
    .all();
}
