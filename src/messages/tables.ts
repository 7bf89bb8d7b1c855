import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { whatsappApiCredentials } from '../credentials/tables.js';
import { sandboxes } from '../platform/tenancy/tables.js';

export const CONSENT_STATUSES = ['OPTED_IN', 'OPTED_OUT', 'UNKNOWN'] as const;
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];

/** What changed a contact's consent: a keyword rule, Meta's marketing stop/resume, a 131050 failure, or an API call. */
export const CONSENT_SOURCES = ['KEYWORD', 'USER_PREFERENCES', 'META_ERROR_131050', 'API', 'NUMBER_CHANGE'] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];

export const MESSAGE_STATUSES = ['QUEUED', 'SENT', 'DELIVERED', 'READ', 'FAILED', 'BLOCKED', 'UNKNOWN'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const MESSAGE_DIRECTIONS = ['INBOUND', 'OUTBOUND'] as const;
export type MessageDirection = (typeof MESSAGE_DIRECTIONS)[number];

export const TRACKING_EVENT_TYPES = [
  'SENT',
  'DELIVERED',
  'READ',
  'FAILED',
  'CLICKED',
  'INBOUND',
  'OPT_IN',
  'OPT_OUT',
  'HELP',
  'BLOCKED',
  'SYSTEM',
] as const;
export type TrackingEventType = (typeof TRACKING_EVENT_TYPES)[number];

const timestamp = (name: string) => integer(name, { mode: 'timestamp_ms' });

/**
 * A WhatsApp user as seen by one sandbox. Meta is moving to business-scoped user
 * ids (BSUID, `user_id`) with the phone number optional, so the key is the BSUID
 * when known, else the wa_id; the phone number (E.164) is kept for lookups.
 */
export const whatsappContacts = sqliteTable(
  'whatsapp_contacts',
  {
    id: text('id').primaryKey(),
    sandboxId: text('sandbox_id')
      .notNull()
      .references(() => sandboxes.id, { onDelete: 'cascade' }),
    /** bsuid when known, else wa_id; unique per sandbox. */
    userKey: text('user_key').notNull(),
    bsuid: text('bsuid'),
    waId: text('wa_id'),
    /** E.164 with '+', derived from wa_id. */
    phoneNumber: text('phone_number'),
    profileName: text('profile_name'),
    consentStatus: text('consent_status', { enum: CONSENT_STATUSES }).notNull(),
    consentChangedAt: timestamp('consent_changed_at'),
    lastInboundAt: timestamp('last_inbound_at'),
    createdAt: timestamp('created_at').notNull(),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('whatsapp_contacts_user_key_unique').on(t.sandboxId, t.userKey),
    index('whatsapp_contacts_phone_idx').on(t.sandboxId, t.phoneNumber),
    index('whatsapp_contacts_bsuid_idx').on(t.sandboxId, t.bsuid),
    index('whatsapp_contacts_wa_id_idx').on(t.sandboxId, t.waId),
  ],
);

/** The consent ledger: every change of a contact's consent, with what caused it. Append-only. */
export const consentChanges = sqliteTable(
  'consent_changes',
  {
    id: text('id').primaryKey(),
    sandboxId: text('sandbox_id').notNull(),
    contactId: text('contact_id')
      .notNull()
      .references(() => whatsappContacts.id, { onDelete: 'cascade' }),
    status: text('status', { enum: CONSENT_STATUSES }).notNull(),
    previousStatus: text('previous_status', { enum: CONSENT_STATUSES }).notNull(),
    source: text('source').notNull(),
    keyword: text('keyword'),
    /** The wamid of the inbound message (keyword) or failed outbound message (131050) that caused it. */
    messageId: text('message_id'),
    /** Meta's explanation, e.g. user_preferences' detail. */
    detail: text('detail'),
    /** Redelivered webhooks without an id of their own (user_preferences) are recognised by this key. */
    dedupeKey: text('dedupe_key'),
    at: timestamp('at').notNull(),
  },
  (t) => [
    index('consent_changes_contact_idx').on(t.contactId, t.at),
    uniqueIndex('consent_changes_dedupe_unique')
      .on(t.sandboxId, t.dedupeKey)
      .where(sql`${t.dedupeKey} IS NOT NULL`),
  ],
);

/**
 * Messages in both directions. OUTBOUND rows follow QUEUED < SENT < DELIVERED <
 * READ (status_rank; FAILED and BLOCKED are final). INBOUND rows are stored as
 * DELIVERED: they reached us, and the contract's enum has no RECEIVED value.
 */
export const whatsappMessages = sqliteTable(
  'whatsapp_messages',
  {
    id: text('id').primaryKey(),
    sandboxId: text('sandbox_id')
      .notNull()
      .references(() => sandboxes.id, { onDelete: 'cascade' }),
    // RESTRICT: a credential that sent or received messages cannot be deleted from under them.
    credentialId: text('credential_id')
      .notNull()
      .references(() => whatsappApiCredentials.id, { onDelete: 'restrict' }),
    /** No foreign key: channel configurations are another slice; null for webhook traffic. */
    channelConfigurationId: text('channel_configuration_id'),
    batchId: text('batch_id'),
    contactId: text('contact_id').references(() => whatsappContacts.id, { onDelete: 'set null' }),
    direction: text('direction', { enum: MESSAGE_DIRECTIONS }).notNull(),
    /** Meta's message id; null until Meta accepted an outbound message. */
    wamid: text('wamid'),
    /** Meta's message type (text, template, button, image …). */
    type: text('type').notNull(),
    toNumber: text('to_number'),
    fromNumber: text('from_number'),
    text: text('text'),
    template: text('template', { mode: 'json' }).$type<Record<string, unknown>>(),
    status: text('status', { enum: MESSAGE_STATUSES }).notNull(),
    statusReason: text('status_reason'),
    metaErrorCode: integer('meta_error_code'),
    /** What we sent as biz_opaque_callback_data (our message id): status webhooks echo it back. */
    bizOpaqueCallbackData: text('biz_opaque_callback_data'),
    statusRank: integer('status_rank').notNull(),
    /** Set just before the send call; a run that finds it set knows an earlier run may have sent (never resend). */
    sendAttemptedAt: timestamp('send_attempted_at'),
    sentAt: timestamp('sent_at'),
    deliveredAt: timestamp('delivered_at'),
    readAt: timestamp('read_at'),
    failedAt: timestamp('failed_at'),
    /** Inbound group traffic: Meta's group id (the message came from a group, not a 1:1 chat). */
    groupId: text('group_id'),
    /** The user edited this inbound message (Meta's `edit` notice): the new text and when. */
    editedText: text('edited_text'),
    editedAt: timestamp('edited_at'),
    /** The user deleted this inbound message for everyone (Meta's `revoke` notice). */
    revokedAt: timestamp('revoked_at'),
    createdAt: timestamp('created_at').notNull(),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('whatsapp_messages_wamid_unique')
      .on(t.sandboxId, t.wamid)
      .where(sql`${t.wamid} IS NOT NULL`),
    index('whatsapp_messages_sandbox_idx').on(t.sandboxId, t.id),
    index('whatsapp_messages_status_idx').on(t.sandboxId, t.status, t.id),
    index('whatsapp_messages_channel_idx').on(t.sandboxId, t.channelConfigurationId, t.id),
    index('whatsapp_messages_opaque_idx').on(t.sandboxId, t.bizOpaqueCallbackData),
    index('whatsapp_messages_credential_idx').on(t.credentialId),
    index('whatsapp_messages_contact_idx').on(t.contactId),
    // Batch counters (sent / blocked / failed per batch) are aggregates over this index.
    index('whatsapp_messages_batch_idx').on(t.batchId, t.status),
    // A sender's pacing after a restart starts from the sends of the last second (send/pacing-seed).
    index('whatsapp_messages_send_attempt_idx').on(t.credentialId, t.sendAttemptedAt),
    // The outcome-unknown sweep: QUEUED messages whose send was tried, oldest first (a small set).
    index('whatsapp_messages_unsettled_idx')
      .on(t.sendAttemptedAt)
      .where(sql`${t.status} = 'QUEUED'`),
  ],
);

/** Statuses for a message we do not know yet (Meta's order is not guaranteed); applied when the message appears. */
export const pendingStatuses = sqliteTable(
  'pending_statuses',
  {
    id: text('id').primaryKey(),
    sandboxId: text('sandbox_id')
      .notNull()
      .references(() => sandboxes.id, { onDelete: 'cascade' }),
    wamid: text('wamid').notNull(),
    bizOpaqueCallbackData: text('biz_opaque_callback_data'),
    /** Our status (SENT, DELIVERED, READ, FAILED). */
    status: text('status', { enum: MESSAGE_STATUSES }).notNull(),
    /** Meta's own word (played counts as READ). */
    metaStatus: text('meta_status').notNull(),
    statusAt: timestamp('status_at').notNull(),
    recipientId: text('recipient_id'),
    recipientUserId: text('recipient_user_id'),
    errors: text('errors', { mode: 'json' }).$type<PendingStatusError[]>().notNull(),
    receivedAt: timestamp('received_at').notNull(),
  },
  (t) => [
    index('pending_statuses_wamid_idx').on(t.sandboxId, t.wamid),
    index('pending_statuses_opaque_idx').on(t.sandboxId, t.bizOpaqueCallbackData),
    uniqueIndex('pending_statuses_unique').on(t.sandboxId, t.wamid, t.status),
  ],
);

export interface PendingStatusError {
  code: number | null;
  title: string | null;
  message: string | null;
  details: string | null;
}

/** What happened to messages and contacts, one row per fact, deduplicated however often Meta repeats itself. */
export const trackingEvents = sqliteTable(
  'tracking_events',
  {
    id: text('id').primaryKey(),
    sandboxId: text('sandbox_id')
      .notNull()
      .references(() => sandboxes.id, { onDelete: 'cascade' }),
    type: text('type', { enum: TRACKING_EVENT_TYPES }).notNull(),
    at: timestamp('at').notNull(),
    messageId: text('message_id').references(() => whatsappMessages.id, { onDelete: 'set null' }),
    contactId: text('contact_id').references(() => whatsappContacts.id, { onDelete: 'set null' }),
    phoneNumber: text('phone_number'),
    channelConfigurationId: text('channel_configuration_id'),
    detail: text('detail', { mode: 'json' }).$type<Record<string, unknown>>(),
    dedupeKey: text('dedupe_key'),
  },
  (t) => [
    uniqueIndex('tracking_events_dedupe_unique')
      .on(t.sandboxId, t.dedupeKey)
      .where(sql`${t.dedupeKey} IS NOT NULL`),
    index('tracking_events_sandbox_idx').on(t.sandboxId, t.id),
    index('tracking_events_type_idx').on(t.sandboxId, t.type, t.id),
    index('tracking_events_channel_idx').on(t.sandboxId, t.channelConfigurationId, t.id),
    index('tracking_events_message_idx').on(t.messageId),
  ],
);
