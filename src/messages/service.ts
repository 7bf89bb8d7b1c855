import type { AppDeps } from '../core/deps.js';
import { ValidationError } from '../platform/errors.js';
import { toPage, type Page, type PageWindow } from '../platform/pagination.js';
import { normalizePhoneNumber } from './phone-numbers.js';
import { store } from './store.js';
import type { ConsentChangeRow, MessageFilter, MessageRow, TrackingEventFilter, TrackingEventRow } from './store.js';
import type { ConsentStatus, MessageStatus, TrackingEventType } from './tables.js';

/**
 * Messages, consent and tracking: what webhook processing writes into (inbound
 * messages, statuses, marketing preferences: inbound.ts) and what sending will use
 * (recordOutboundMessage / recordSendOutcome: outbound.ts), consent and the reads
 * (here). Every writer is one transaction; tracking events are published and jobs
 * woken after it commits.
 */

export type WhatsAppMessageRecord = MessageRow;
export type TrackingEventRecord = TrackingEventRow;
export type ConsentChangeRecord = ConsentChangeRow;
export type { ConsentStatus, MessageStatus, TrackingEventType };

export {
  recordOutboundMessage,
  recordSendOutcome,
  beginSendAttempt,
  cancelSendAttempt,
  publishTrackingEvents,
  OUTCOME_UNKNOWN_REASON,
  // In-transaction forms, for senders that group many messages into one commit.
  beginSendAttemptIn,
  cancelSendAttemptIn,
  recordSendOutcomeIn,
} from './outbound.js';
export type { OutboundMessageInput, RecordedOutboundMessage, SendOutcome, SendAttempt } from './outbound.js';

export { AUTO_REPLY_JOB, recordInboundMessage, applyStatusUpdate, pruneParkedStatuses, applyMarketingPreference } from './inbound.js';
export type {
  AutoReplyPayload,
  WebhookContext,
  KeywordCategory,
  InboundMessageInput,
  StatusInput,
  MarketingPreferenceInput,
} from './inbound.js';

// ---- consent -----------------------------------------------------------------------

function requirePhoneNumber(phoneNumber: string): string {
  const normalized = typeof phoneNumber === 'string' ? normalizePhoneNumber(phoneNumber) : null;
  if (!normalized) {
    throw ValidationError.field('phoneNumber', 'must be a phone number with its country code, e.g. +14155550123');
  }
  return normalized;
}

/** Consent of the contact with this number (with or without '+', spaces or dashes); UNKNOWN when we never heard of it. Throws ValidationError for a malformed number. */
export async function getConsentByPhoneNumber(
  deps: AppDeps,
  sandboxId: string,
  phoneNumberE164: string,
): Promise<{ status: 'OPTED_IN' | 'OPTED_OUT' | 'UNKNOWN'; changedAt: Date | null }> {
  const contact = await store.findContactByPhone(deps.db, sandboxId, requirePhoneNumber(phoneNumberE164));
  return { status: contact?.consentStatus ?? 'UNKNOWN', changedAt: contact?.consentChangedAt ?? null };
}

export interface ConsentView {
  phoneNumber: string;
  status: ConsentStatus;
  changedAt: Date | null;
  contactId: string | null;
  sandboxId: string;
}

export async function getConsent(deps: AppDeps, sandboxId: string, phoneNumber: string): Promise<ConsentView> {
  const normalized = requirePhoneNumber(phoneNumber);
  const contact = await store.findContactByPhone(deps.db, sandboxId, normalized);
  return {
    phoneNumber: normalized,
    status: contact?.consentStatus ?? 'UNKNOWN',
    changedAt: contact?.consentChangedAt ?? null,
    contactId: contact?.id ?? null,
    sandboxId,
  };
}

export const MAX_CONSENT_HISTORY = 100;

/** The ledger of one contact, newest first. */
export async function consentHistory(deps: AppDeps, consent: ConsentView, first: number): Promise<ConsentChangeRecord[]> {
  if (!consent.contactId) return [];
  return await store.listConsentChanges(deps.db, consent.sandboxId, consent.contactId, Math.min(Math.max(first, 0), MAX_CONSENT_HISTORY));
}

// ---- reads -------------------------------------------------------------------------

export async function getMessage(deps: AppDeps, sandboxId: string, id: string): Promise<WhatsAppMessageRecord | undefined> {
  return await store.findMessage(deps.db, sandboxId, id);
}

export async function findMessages(deps: AppDeps, sandboxId: string, ids: string[]): Promise<WhatsAppMessageRecord[]> {
  return await store.findMessages(deps.db, sandboxId, ids);
}

export async function listMessages(
  deps: AppDeps,
  sandboxId: string,
  window: PageWindow,
  filter: MessageFilter,
): Promise<Page<WhatsAppMessageRecord>> {
  return toPage(
    await store.listMessages(deps.db, sandboxId, window, filter),
    window,
    await store.countMessages(deps.db, sandboxId, filter),
  );
}

export async function getTrackingEvent(deps: AppDeps, sandboxId: string, id: string): Promise<TrackingEventRecord | undefined> {
  return await store.findTrackingEvent(deps.db, sandboxId, id);
}

export async function findTrackingEvents(deps: AppDeps, sandboxId: string, ids: string[]): Promise<TrackingEventRecord[]> {
  return await store.findTrackingEvents(deps.db, sandboxId, ids);
}

export type { MessageFilter, TrackingEventFilter };

export async function listTrackingEvents(
  deps: AppDeps,
  sandboxId: string,
  window: PageWindow,
  filter: TrackingEventFilter,
): Promise<Page<TrackingEventRecord>> {
  return toPage(
    await store.listTrackingEvents(deps.db, sandboxId, window, filter),
    window,
    await store.countTrackingEvents(deps.db, sandboxId, filter),
  );
}
