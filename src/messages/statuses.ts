import type { Tx } from '../platform/db.js';
import { changeConsent, upsertContact } from './contacts.js';
import { store } from './store.js';
import type { MessagePatch, MessageRow } from './store.js';
import type { MessageStatus, PendingStatusError } from './tables.js';
import { addTrackingEvent, type Effects } from './tracking.js';

/**
 * The monotonic merge of outbound message statuses (RELIABILITY C4): Meta does
 * not deliver statuses in order and may skip `delivered`, so a status only ever
 * moves a message forward, and FAILED (like BLOCKED) is final.
 */
// UNKNOWN ranks with QUEUED: a status webhook arriving after the deadline still moves it forward.
export const STATUS_RANK: Record<MessageStatus, number> = { QUEUED: 0, UNKNOWN: 0, SENT: 1, DELIVERED: 2, READ: 3, FAILED: 4, BLOCKED: 5 };
const FINAL: ReadonlySet<MessageStatus> = new Set(['FAILED', 'BLOCKED']);

export type DeliveryStatus = 'SENT' | 'DELIVERED' | 'READ' | 'FAILED';

/** Meta's status word -> ours; `played` (a voice note was played) counts as READ. Unknown words: null. */
export function toDeliveryStatus(metaStatus: string): DeliveryStatus | null {
  switch (metaStatus.trim().toLowerCase()) {
    case 'sent':
      return 'SENT';
    case 'delivered':
      return 'DELIVERED';
    case 'read':
    case 'played':
      return 'READ';
    case 'failed':
      return 'FAILED';
    default:
      return null;
  }
}

/** Meta's error code whose failure means "this user stopped marketing messages from you". */
export const MARKETING_STOPPED_CODE = 131050;

export interface StatusFact {
  status: DeliveryStatus;
  /** Meta's word (sent, played …), or `accepted` when the send call itself succeeded. */
  metaStatus: string;
  at: Date;
  wamid: string | null;
  errors: PendingStatusError[];
  recipientId?: string | null;
  recipientUserId?: string | null;
}

export interface MergeResult {
  moved: boolean;
  eventId: string | null;
  message: MessageRow;
}

const TIME_COLUMN = { SENT: 'sentAt', DELIVERED: 'deliveredAt', READ: 'readAt', FAILED: 'failedAt' } as const;

export function describeErrors(errors: PendingStatusError[]): string | null {
  const first = errors[0];
  if (!first) return null;
  const parts = [first.title ?? first.message, first.details].filter((p): p is string => Boolean(p && p.trim()));
  const unique = parts.filter((p, i) => parts.indexOf(p) === i);
  const text = unique.join(': ');
  return first.code !== null ? `${first.code}: ${text || 'failed'}` : text || null;
}

/**
 * Applies one status to one outbound message: moves it forward when the status
 * ranks higher, fills the status' own timestamp when missing, and records one
 * tracking event per (message, status), even when the status did not move the
 * message (delivered arriving after read still is a delivery).
 */
export async function mergeStatus(tx: Tx, effects: Effects, message: MessageRow, fact: StatusFact, now = new Date()): Promise<MergeResult> {
  // A BLOCKED message never reached Meta: nothing Meta says can be about it.
  if (message.status === 'BLOCKED') return { moved: false, eventId: null, message };
  const patch: MessagePatch = {};
  if (!message.wamid && fact.wamid) patch.wamid = fact.wamid;
  const column = TIME_COLUMN[fact.status];
  if (!message[column]) patch[column] = fact.at;
  // A message the user read was delivered, whatever Meta says after: it stays READ, and the failure is kept on
  // it (failedAt, metaErrorCode, statusReason) and reported as a FAILED event. (A failed message stays FAILED:
  // nothing moves a final status, also a late `read`.)
  const readThenFailed = message.status === 'READ' && fact.status === 'FAILED';
  const moved = !readThenFailed && !FINAL.has(message.status) && STATUS_RANK[fact.status] > message.statusRank;
  if (readThenFailed) {
    patch.metaErrorCode = fact.errors[0]?.code ?? null;
    patch.statusReason = `Read by the recipient; Meta also reported a failure: ${describeErrors(fact.errors) ?? 'no reason given'}`;
  }
  if (moved) {
    patch.status = fact.status;
    patch.statusRank = STATUS_RANK[fact.status];
    if (fact.status === 'FAILED') {
      patch.metaErrorCode = fact.errors[0]?.code ?? null;
      patch.statusReason = describeErrors(fact.errors) ?? 'Meta reported the message as failed without a reason.';
    } else {
      // Settles an "outcome unknown" note: Meta has told us what happened.
      patch.statusReason = null;
    }
  }
  if (Object.keys(patch).length) {
    patch.updatedAt = now;
    await store.updateMessage(tx, message.id, patch);
  }
  const updated: MessageRow = { ...message, ...patch };
  const first = fact.errors[0];
  const eventId = await addTrackingEvent(tx, effects, {
    type: fact.status,
    at: fact.at,
    messageId: message.id,
    contactId: message.contactId,
    phoneNumber: message.toNumber,
    channelConfigurationId: message.channelConfigurationId,
    detail: {
      wamid: updated.wamid,
      metaStatus: fact.metaStatus,
      ...(first ? { errorCode: first.code, errorTitle: first.title, errorDetails: first.details } : {}),
    },
    dedupeKey: `status:${message.id}:${fact.status}`,
  });
  return { moved, eventId, message: updated };
}

/**
 * A failure with 131050 means the user stopped marketing messages in WhatsApp:
 * record the opt-out for that contact (found, or created from the recipient ids).
 */
export async function consentFromFailure(
  tx: Tx,
  effects: Effects,
  message: MessageRow,
  fact: StatusFact,
  now = new Date(),
): Promise<boolean> {
  if (fact.status !== 'FAILED' || !fact.errors.some((e) => e.code === MARKETING_STOPPED_CODE)) return false;
  let contact = message.contactId ? await store.findContact(tx, message.sandboxId, message.contactId) : undefined;
  if (!contact) {
    const waId = fact.recipientId ?? (message.toNumber ? message.toNumber.replace(/^\+/, '') : null);
    contact = (await upsertContact(tx, message.sandboxId, { waId, userId: fact.recipientUserId ?? null }, now)) ?? undefined;
    if (contact && !message.contactId) await store.updateMessage(tx, message.id, { contactId: contact.id });
  }
  if (!contact) return false;
  const outcome = await changeConsent(
    tx,
    contact,
    {
      status: 'OPTED_OUT',
      source: 'META_ERROR_131050',
      messageId: fact.wamid ?? message.wamid,
      detail: describeErrors(fact.errors),
      at: fact.at,
    },
    now,
  );
  if (outcome !== 'changed') return false;
  await addTrackingEvent(tx, effects, {
    type: 'OPT_OUT',
    at: fact.at,
    messageId: message.id,
    contactId: contact.id,
    phoneNumber: contact.phoneNumber,
    channelConfigurationId: message.channelConfigurationId,
    detail: { source: 'META_ERROR_131050', wamid: fact.wamid ?? message.wamid },
    dedupeKey: `consent:${message.id}:131050`,
  });
  return true;
}

/** Applies a status and its consent consequence; returns whether anything changed. */
export async function applyFact(tx: Tx, effects: Effects, message: MessageRow, fact: StatusFact, now = new Date()): Promise<MergeResult> {
  const result = await mergeStatus(tx, effects, message, fact, now);
  await consentFromFailure(tx, effects, result.message, fact, now);
  return result;
}

/** Applies (oldest first) and removes the statuses that arrived before this message had its wamid. */
export async function applyPendingStatuses(tx: Tx, effects: Effects, message: MessageRow, now = new Date()): Promise<MessageRow> {
  const pending = await store.listPendingStatuses(tx, message.sandboxId, message.wamid, message.bizOpaqueCallbackData);
  let current = message;
  const applied: string[] = [];
  for (const row of pending) {
    // Matched by opaque data only: trust it only while the message has no other wamid.
    if (current.wamid && row.wamid !== current.wamid) continue;
    current = (
      await applyFact(
        tx,
        effects,
        current,
        {
          status: row.status as DeliveryStatus,
          metaStatus: row.metaStatus,
          at: row.statusAt,
          wamid: row.wamid,
          errors: row.errors,
          recipientId: row.recipientId,
          recipientUserId: row.recipientUserId,
        },
        now,
      )
    ).message;
    applied.push(row.id);
  }
  await store.deletePendingStatuses(tx, applied);
  // A status matched by opaque data gave the message its wamid: statuses keyed only by that wamid apply now too.
  if (current.wamid && current.wamid !== message.wamid) return applyPendingStatuses(tx, effects, current, now);
  return current;
}
