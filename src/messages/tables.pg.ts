import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { whatsappApiCredentials } from '../credentials/tables.pg.js';
import { json, timestampMs } from '../platform/pg/columns.js';
import { sandboxes } from '../platform/tenancy/tables.pg.js';
import { CONSENT_STATUSES, MESSAGE_DIRECTIONS, MESSAGE_STATUSES, TRACKING_EVENT_TYPES, type PendingStatusError } from './tables.js';

/** The message-ledger tables on PostgreSQL: the same columns, keys and records as tables.ts (see its comments). */

export const whatsappContacts = pgTable(
  'whatsapp_contacts',
  {
    id: text('id').primaryKey(),
    sandboxId: text('sandbox_id')
      .notNull()
      .references(() => sandboxes.id, { onDelete: 'cascade' }),
    userKey: text('user_key').notNull(),
    bsuid: text('bsuid'),
    waId: text('wa_id'),
    phoneNumber: text('phone_number'),
    profileName: text('profile_name'),
    consentStatus: text('consent_status', { enum: CONSENT_STATUSES }).notNull(),
    consentChangedAt: timestampMs('consent_changed_at'),
    lastInboundAt: timestampMs('last_inbound_at'),
    createdAt: timestampMs('created_at').notNull(),
    updatedAt: timestampMs('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('whatsapp_contacts_user_key_unique').on(t.sandboxId, t.userKey),
    index('whatsapp_contacts_phone_idx').on(t.sandboxId, t.phoneNumber),
    index('whatsapp_contacts_bsuid_idx').on(t.sandboxId, t.bsuid),
    index('whatsapp_contacts_wa_id_idx').on(t.sandboxId, t.waId),
  ],
);

export const consentChanges = pgTable(
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
    messageId: text('message_id'),
    detail: text('detail'),
    dedupeKey: text('dedupe_key'),
    at: timestampMs('at').notNull(),
  },
  (t) => [
    index('consent_changes_contact_idx').on(t.contactId, t.at),
    uniqueIndex('consent_changes_dedupe_unique')
      .on(t.sandboxId, t.dedupeKey)
      .where(sql`${t.dedupeKey} IS NOT NULL`),
  ],
);

export const whatsappMessages = pgTable(
  'whatsapp_messages',
  {
    id: text('id').primaryKey(),
    sandboxId: text('sandbox_id')
      .notNull()
      .references(() => sandboxes.id, { onDelete: 'cascade' }),
    credentialId: text('credential_id')
      .notNull()
      .references(() => whatsappApiCredentials.id, { onDelete: 'restrict' }),
    channelConfigurationId: text('channel_configuration_id'),
    batchId: text('batch_id'),
    contactId: text('contact_id').references(() => whatsappContacts.id, { onDelete: 'set null' }),
    direction: text('direction', { enum: MESSAGE_DIRECTIONS }).notNull(),
    wamid: text('wamid'),
    type: text('type').notNull(),
    toNumber: text('to_number'),
    fromNumber: text('from_number'),
    text: text('text'),
    template: json<Record<string, unknown>>('template'),
    status: text('status', { enum: MESSAGE_STATUSES }).notNull(),
    statusReason: text('status_reason'),
    metaErrorCode: integer('meta_error_code'),
    bizOpaqueCallbackData: text('biz_opaque_callback_data'),
    statusRank: integer('status_rank').notNull(),
    sendAttemptedAt: timestampMs('send_attempted_at'),
    sentAt: timestampMs('sent_at'),
    deliveredAt: timestampMs('delivered_at'),
    readAt: timestampMs('read_at'),
    failedAt: timestampMs('failed_at'),
    groupId: text('group_id'),
    editedText: text('edited_text'),
    editedAt: timestampMs('edited_at'),
    revokedAt: timestampMs('revoked_at'),
    createdAt: timestampMs('created_at').notNull(),
    updatedAt: timestampMs('updated_at').notNull(),
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
    index('whatsapp_messages_batch_idx').on(t.batchId, t.status),
    index('whatsapp_messages_send_attempt_idx').on(t.credentialId, t.sendAttemptedAt),
    index('whatsapp_messages_unsettled_idx')
      .on(t.sendAttemptedAt)
      .where(sql`${t.status} = 'QUEUED'`),
  ],
);

export const pendingStatuses = pgTable(
  'pending_statuses',
  {
    id: text('id').primaryKey(),
    sandboxId: text('sandbox_id')
      .notNull()
      .references(() => sandboxes.id, { onDelete: 'cascade' }),
    wamid: text('wamid').notNull(),
    bizOpaqueCallbackData: text('biz_opaque_callback_data'),
    status: text('status', { enum: MESSAGE_STATUSES }).notNull(),
    metaStatus: text('meta_status').notNull(),
    statusAt: timestampMs('status_at').notNull(),
    recipientId: text('recipient_id'),
    recipientUserId: text('recipient_user_id'),
    errors: json<PendingStatusError[]>('errors').notNull(),
    receivedAt: timestampMs('received_at').notNull(),
  },
  (t) => [
    index('pending_statuses_wamid_idx').on(t.sandboxId, t.wamid),
    index('pending_statuses_opaque_idx').on(t.sandboxId, t.bizOpaqueCallbackData),
    uniqueIndex('pending_statuses_unique').on(t.sandboxId, t.wamid, t.status),
  ],
);

export const trackingEvents = pgTable(
  'tracking_events',
  {
    id: text('id').primaryKey(),
    sandboxId: text('sandbox_id')
      .notNull()
      .references(() => sandboxes.id, { onDelete: 'cascade' }),
    type: text('type', { enum: TRACKING_EVENT_TYPES }).notNull(),
    at: timestampMs('at').notNull(),
    messageId: text('message_id').references(() => whatsappMessages.id, { onDelete: 'set null' }),
    contactId: text('contact_id').references(() => whatsappContacts.id, { onDelete: 'set null' }),
    phoneNumber: text('phone_number'),
    channelConfigurationId: text('channel_configuration_id'),
    detail: json<Record<string, unknown>>('detail'),
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
