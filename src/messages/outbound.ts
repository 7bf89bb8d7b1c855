import { getCredential } from '../credentials/service.js';
import type { AppDeps } from '../core/deps.js';
import type { Recipient } from '../meta/index.js';
import { inTransaction, type Tx } from '../platform/db.js';
import { ValidationError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import { upsertContact } from './contacts.js';
import { normalizePhoneNumber } from './phone-numbers.js';
import { applyFact, applyPendingStatuses, STATUS_RANK } from './statuses.js';
import { store } from './store.js';
import type { ContactRow, MessageRow } from './store.js';
import { addTrackingEvent, Effects } from './tracking.js';

/**
 * Outbound messages: the row is written before Meta is called (QUEUED, with our
 * id as biz_opaque_callback_data), then the send's outcome is recorded. A send
 * whose answer was lost is never repeated (RELIABILITY C6): the message stays
 * QUEUED with OUTCOME_UNKNOWN_REASON until a status webhook carrying its opaque
 * data settles it.
 */

export const OUTCOME_UNKNOWN_REASON = 'outcome unknown: not resent; a status webhook will settle it';

/** The credential's sender number in E.164, for the from/to columns. */
export async function businessNumber(deps: AppDeps, sandboxId: string, credentialId: string): Promise<string | null> {
  const credential = await getCredential(deps, sandboxId, credentialId);
  if (!credential) throw new Error(`WhatsApp API credential ${credentialId} not found in sandbox ${sandboxId}`);
  const display = credential.displayPhoneNumber;
  return display ? (normalizePhoneNumber(display) ?? display) : null;
}

export interface OutboundRowInput {
  id: string;
  sandboxId: string;
  credentialId: string;
  channelConfigurationId?: string | null;
  batchId?: string | null;
  contact: ContactRow | null;
  toNumber: string | null;
  fromNumber: string | null;
  type: string;
  text: string | null;
  template?: Record<string, unknown> | null;
  blockedReason?: string | null;
  now: Date;
}

export function outboundRow(input: OutboundRowInput): MessageRow {
  const blocked = Boolean(input.blockedReason);
  return {
    id: input.id,
    sandboxId: input.sandboxId,
    credentialId: input.credentialId,
    channelConfigurationId: input.channelConfigurationId ?? null,
    batchId: input.batchId ?? null,
    contactId: input.contact?.id ?? null,
    direction: 'OUTBOUND',
    wamid: null,
    type: input.type,
    toNumber: input.toNumber,
    fromNumber: input.fromNumber,
    text: input.text,
    template: input.template ?? null,
    status: blocked ? 'BLOCKED' : 'QUEUED',
    statusReason: input.blockedReason ?? null,
    metaErrorCode: null,
    // Meta echoes it in status webhooks: how a send whose answer was lost is recognised.
    bizOpaqueCallbackData: input.id,
    statusRank: blocked ? STATUS_RANK.BLOCKED : STATUS_RANK.QUEUED,
    sendAttemptedAt: null,
    sentAt: null,
    deliveredAt: null,
    readAt: null,
    failedAt: null,
    groupId: null,
    editedText: null,
    editedAt: null,
    revokedAt: null,
    createdAt: input.now,
    updatedAt: input.now,
  };
}

export interface OutboundMessageInput {
  sandboxId: string;
  credentialId: string;
  channelConfigurationId?: string | null;
  batchId?: string | null;
  /** Recipient phone number (E.164; '+', spaces and dashes tolerated) and/or business-scoped user id. */
  toPhoneNumber?: string | null;
  toUserId?: string | null;
  text?: string | null;
  template?: Record<string, unknown> | null;
  /** Set when policy refuses the send: the row is BLOCKED with this reason (plus a BLOCKED event) and never reaches Meta. */
  blockedReason?: string | null;
  /** The sender's E.164 number when the caller already has it (a batch records thousands); default: read from the credential. */
  fromNumber?: string | null;
}

export interface RecordedOutboundMessage {
  message: MessageRow;
  /** Publish with publishTrackingEvents after the caller's transaction commits (only when a tx was passed). */
  trackingEventIds: string[];
}

/**
 * Creates an OUTBOUND message (QUEUED, or BLOCKED with a reason). Pass the
 * caller's transaction to enqueue the send job atomically with the row; then
 * call publishTrackingEvents after commit. Without tx it commits and publishes itself.
 */
export async function recordOutboundMessage(deps: AppDeps, input: OutboundMessageInput, tx?: Tx): Promise<RecordedOutboundMessage> {
  const toNumber = input.toPhoneNumber ? normalizePhoneNumber(input.toPhoneNumber) : null;
  // A BLOCKED message may lack a usable recipient: a missing or invalid number is itself the reason it is blocked.
  const blocked = Boolean(input.blockedReason);
  if (input.toPhoneNumber && !toNumber && !blocked)
    throw ValidationError.field('phoneNumber', 'must be a phone number with its country code, e.g. +14155550123');
  if (!toNumber && !input.toUserId && !blocked)
    throw ValidationError.field('phoneNumber', 'a recipient phone number or user id is required');
  if (!input.text && !input.template) throw ValidationError.field('text', 'a text or a template is required');
  const fromNumber = input.fromNumber !== undefined ? input.fromNumber : await businessNumber(deps, input.sandboxId, input.credentialId);
  const now = new Date();
  const effects = new Effects(input.sandboxId);
  const write = async (t: Tx): Promise<MessageRow> => {
    const contact = await upsertContact(
      t,
      input.sandboxId,
      { waId: toNumber ? toNumber.slice(1) : null, userId: input.toUserId ?? null },
      now,
    );
    const row = outboundRow({
      id: newId(now.getTime()),
      sandboxId: input.sandboxId,
      credentialId: input.credentialId,
      channelConfigurationId: input.channelConfigurationId,
      batchId: input.batchId,
      contact,
      toNumber: toNumber ?? contact?.phoneNumber ?? null,
      fromNumber,
      type: input.template ? 'template' : 'text',
      text: input.text ?? null,
      template: input.template,
      blockedReason: input.blockedReason,
      now,
    });
    await store.insertMessage(t, row);
    if (row.status === 'BLOCKED') {
      await addTrackingEvent(t, effects, {
        type: 'BLOCKED',
        at: now,
        messageId: row.id,
        contactId: row.contactId,
        phoneNumber: row.toNumber,
        channelConfigurationId: row.channelConfigurationId,
        detail: { reason: row.statusReason },
        dedupeKey: `blocked:${row.id}`,
      });
    }
    return row;
  };
  if (tx) return { message: await write(tx), trackingEventIds: effects.trackingEventIds };
  const message = await inTransaction(deps.db, write);
  effects.publish(deps);
  return { message, trackingEventIds: [] };
}

export function publishTrackingEvents(deps: AppDeps, sandboxId: string, trackingEventIds: string[]): void {
  for (const trackingEventId of trackingEventIds) deps.pubsub.publish(sandboxId, 'tracking:event-added', { trackingEventId });
}

export type SendAttempt =
  | { kind: 'send'; message: MessageRow; recipient: Recipient | null }
  /** Already settled (sent, failed, blocked, or left for a status webhook): do nothing. */
  | { kind: 'skip' }
  /** An earlier run started this send and did not record its outcome: it may have reached Meta. */
  | { kind: 'unknown' };

/**
 * Marks the moment before the send call. A run that finds the mark set knows an
 * earlier run (a crashed process, an expired lease) may have sent it, and must
 * not send again.
 */
export async function beginSendAttempt(deps: AppDeps, sandboxId: string, messageId: string): Promise<SendAttempt> {
  return await inTransaction(deps.db, (tx) => beginSendAttemptIn(tx, sandboxId, messageId));
}

/**
 * beginSendAttempt inside the caller's transaction, so a sender can mark many
 * messages in one commit (group commit); the mark is durable once that commits.
 */
export async function beginSendAttemptIn(tx: Tx, sandboxId: string, messageId: string, now = new Date()): Promise<SendAttempt> {
  // Locked: the unknown-outcome sweep (another transaction on PostgreSQL) must not change it between check and write.
  const message = await store.lockMessage(tx, sandboxId, messageId);
  if (!message || message.direction !== 'OUTBOUND' || message.status !== 'QUEUED' || message.wamid) return { kind: 'skip' };
  if (message.statusReason === OUTCOME_UNKNOWN_REASON) return { kind: 'skip' };
  if (message.sendAttemptedAt) {
    await store.updateMessage(tx, message.id, { statusReason: OUTCOME_UNKNOWN_REASON, updatedAt: now });
    return { kind: 'unknown' };
  }
  await store.updateMessage(tx, message.id, { sendAttemptedAt: now, updatedAt: now });
  const contact = message.contactId ? await store.findContact(tx, sandboxId, message.contactId) : undefined;
  // The raw wa_id is what Meta reported for this user; the BSUID only when there is no number.
  const recipient: Recipient | null = contact?.waId
    ? `+${contact.waId}`
    : message.toNumber
      ? message.toNumber
      : contact?.bsuid
        ? { userId: contact.bsuid }
        : null;
  return { kind: 'send', message: { ...message, sendAttemptedAt: now }, recipient };
}

/** Meta certainly did not take the message (throttled, unreachable before writing): a later run may send it. */
export async function cancelSendAttempt(deps: AppDeps, sandboxId: string, messageId: string): Promise<void> {
  await inTransaction(deps.db, (tx) => cancelSendAttemptIn(tx, sandboxId, messageId));
}

/** cancelSendAttempt inside the caller's transaction. */
export async function cancelSendAttemptIn(tx: Tx, sandboxId: string, messageId: string, now = new Date()): Promise<void> {
  const message = await store.findMessage(tx, sandboxId, messageId);
  if (message && message.status === 'QUEUED' && !message.wamid) {
    await store.updateMessage(tx, message.id, { sendAttemptedAt: null, updatedAt: now });
  }
}

export type SendOutcome =
  | { kind: 'accepted'; wamid: string; at?: Date }
  | { kind: 'failed'; metaErrorCode: number | null; reason: string; at?: Date }
  | { kind: 'unknown' };

/**
 * Records what the send call returned. accepted: wamid + SENT (one SENT event)
 * and any statuses that arrived before it apply now. failed: FAILED with Meta's
 * code and reason. unknown: stays QUEUED with OUTCOME_UNKNOWN_REASON.
 */
export async function recordSendOutcome(
  deps: AppDeps,
  sandboxId: string,
  messageId: string,
  outcome: SendOutcome,
): Promise<MessageRow | undefined> {
  const effects = new Effects(sandboxId);
  const updated = await inTransaction(deps.db, (tx) => recordSendOutcomeIn(deps, tx, effects, messageId, outcome));
  effects.publish(deps);
  return updated;
}

/**
 * recordSendOutcome inside the caller's transaction (group commit of many
 * outcomes); call effects.publish(deps) after that transaction commits.
 */
export async function recordSendOutcomeIn(
  deps: AppDeps,
  tx: Tx,
  effects: Effects,
  messageId: string,
  outcome: SendOutcome,
  now = new Date(),
): Promise<MessageRow | undefined> {
  const sandboxId = effects.sandboxId;
  // Locked, as in beginSendAttemptIn: the outcome is written on the status this transaction read.
  const message = await store.lockMessage(tx, sandboxId, messageId);
  if (!message || message.direction !== 'OUTBOUND') return undefined;
  if (outcome.kind === 'unknown') {
    if (message.status !== 'QUEUED') return message;
    await store.updateMessage(tx, message.id, { statusReason: OUTCOME_UNKNOWN_REASON, updatedAt: now });
    return { ...message, statusReason: OUTCOME_UNKNOWN_REASON };
  }
  if (outcome.kind === 'failed') {
    return (
      await applyFact(
        tx,
        effects,
        message,
        {
          status: 'FAILED',
          metaStatus: 'rejected',
          at: outcome.at ?? now,
          wamid: null,
          errors: [{ code: outcome.metaErrorCode, title: outcome.reason, message: null, details: null }],
        },
        now,
      )
    ).message;
  }
  // A status webhook may have reconciled the message (by opaque data) with this wamid already.
  const wamid = message.wamid ?? outcome.wamid;
  const owner = await store.findMessageByWamid(tx, sandboxId, wamid);
  if (owner && owner.id !== message.id) {
    deps.logger.error({ sandboxId, messageId, otherMessageId: owner.id }, 'Meta returned a wamid that another message already has');
    return message;
  }
  const merged = await applyFact(
    tx,
    effects,
    message,
    { status: 'SENT', metaStatus: 'accepted', at: outcome.at ?? now, wamid, errors: [] },
    now,
  );
  return applyPendingStatuses(tx, effects, merged.message, now);
}
