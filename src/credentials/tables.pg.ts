import { boolean, index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { json, timestampMs } from '../platform/pg/columns.js';
import { sandboxes } from '../platform/tenancy/tables.pg.js';
import { CREDENTIAL_STATUSES, QUALITY_RATINGS, THROUGHPUT_LEVELS, type CredentialWarning } from './tables.js';

/** The credential tables on PostgreSQL: the same columns, keys and records as tables.ts (see its comments). */

export const whatsappApiCredentials = pgTable(
  'whatsapp_api_credentials',
  {
    id: text('id').primaryKey(),
    sandboxId: text('sandbox_id')
      .notNull()
      .references(() => sandboxes.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    nameKey: text('name_key').notNull(),
    businessAccountId: text('business_account_id').notNull(),
    wabaId: text('waba_id').notNull(),
    wabaName: text('waba_name'),
    wabaOwnership: text('waba_ownership', { enum: ['OWNED', 'CLIENT'] }),
    phoneNumberId: text('phone_number_id').notNull(),
    displayPhoneNumber: text('display_phone_number'),
    verifiedName: text('verified_name'),
    qualityRating: text('quality_rating', { enum: QUALITY_RATINGS }).notNull(),
    throughputLevel: text('throughput_level', { enum: THROUGHPUT_LEVELS }).notNull(),
    messagesPerSecond: integer('messages_per_second'),
    messagingLimitTier: text('messaging_limit_tier'),
    phoneStatus: text('phone_status'),
    canSendMessage: boolean('can_send_message'),
    apiTokenEnc: text('api_token_enc').notNull(),
    apiTokenLast4: text('api_token_last4').notNull(),
    apiTokenType: text('api_token_type'),
    apiTokenExpiresAt: timestampMs('api_token_expires_at'),
    apiTokenScopes: json<string[]>('api_token_scopes').notNull(),
    appId: text('app_id'),
    status: text('status', { enum: CREDENTIAL_STATUSES }).notNull(),
    previousStatus: text('previous_status', { enum: CREDENTIAL_STATUSES }),
    statusMessage: text('status_message'),
    statusVersion: integer('status_version').notNull(),
    statusChangedAt: timestampMs('status_changed_at').notNull(),
    warnings: json<CredentialWarning[]>('warnings').notNull(),
    phoneNumberRefreshedAt: timestampMs('phone_number_refreshed_at'),
    createdAt: timestampMs('created_at').notNull(),
    updatedAt: timestampMs('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('whatsapp_api_credentials_sandbox_name_unique').on(t.sandboxId, t.nameKey),
    index('whatsapp_api_credentials_sandbox_idx').on(t.sandboxId, t.id),
    index('whatsapp_api_credentials_phone_idx').on(t.sandboxId, t.phoneNumberId),
    index('whatsapp_api_credentials_status_idx').on(t.status),
  ],
);

export const metaApiCalls = pgTable(
  'meta_api_calls',
  {
    id: text('id').primaryKey(),
    sandboxId: text('sandbox_id').notNull(),
    credentialId: text('credential_id')
      .notNull()
      .references(() => whatsappApiCredentials.id, { onDelete: 'cascade' }),
    at: timestampMs('at').notNull(),
    method: text('method').notNull(),
    path: text('path').notNull(),
    httpStatus: integer('http_status'),
    metaCode: integer('meta_code'),
    fbtraceId: text('fbtrace_id'),
    durationMs: integer('duration_ms').notNull(),
    outcome: text('outcome').notNull(),
  },
  (t) => [index('meta_api_calls_credential_idx').on(t.credentialId, t.id)],
);

export const phoneQualityChanges = pgTable(
  'phone_quality_changes',
  {
    id: text('id').primaryKey(),
    sandboxId: text('sandbox_id').notNull(),
    credentialId: text('credential_id')
      .notNull()
      .references(() => whatsappApiCredentials.id, { onDelete: 'cascade' }),
    phoneNumberId: text('phone_number_id').notNull(),
    previousQualityRating: text('previous_quality_rating', { enum: QUALITY_RATINGS }),
    qualityRating: text('quality_rating', { enum: QUALITY_RATINGS }).notNull(),
    at: timestampMs('at').notNull(),
    source: text('source', { enum: ['refresh', 'webhook'] }).notNull(),
  },
  (t) => [index('phone_quality_changes_credential_idx').on(t.credentialId, t.id)],
);
