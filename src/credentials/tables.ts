import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { sandboxes } from '../platform/tenancy/tables.js';

export const CREDENTIAL_STATUSES = ['PROCESSING', 'ACTIVE', 'FAILED'] as const;
export type CredentialStatus = (typeof CREDENTIAL_STATUSES)[number];

export const QUALITY_RATINGS = ['GREEN', 'YELLOW', 'RED', 'UNKNOWN'] as const;
export type CredentialQualityRating = (typeof QUALITY_RATINGS)[number];

export const THROUGHPUT_LEVELS = ['STANDARD', 'HIGH', 'NOT_APPLICABLE'] as const;
export type CredentialThroughputLevel = (typeof THROUGHPUT_LEVELS)[number];

export type WabaOwnershipKind = 'OWNED' | 'CLIENT';

export interface CredentialWarning {
  code: string;
  message: string;
}

/**
 * A Meta API token bound to one WABA and one sender number. The token is stored
 * encrypted (api_token_enc, listed in service/secret-columns.ts); only its last 4
 * characters are ever shown. Phone-number facts are a cache of what Meta last
 * said, refreshed by a recurring job, the refresh mutation and quality webhooks.
 */
export const whatsappApiCredentials = sqliteTable(
  'whatsapp_api_credentials',
  {
    id: text('id').primaryKey(),
    sandboxId: text('sandbox_id')
      .notNull()
      .references(() => sandboxes.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** lower(name): names are unique per sandbox regardless of case. */
    nameKey: text('name_key').notNull(),
    /** The business portfolio id the admin typed. */
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
    canSendMessage: integer('can_send_message', { mode: 'boolean' }),
    apiTokenEnc: text('api_token_enc').notNull(),
    apiTokenLast4: text('api_token_last4').notNull(),
    /** From debug_token: SYSTEM_USER, USER, … (null until verified). */
    apiTokenType: text('api_token_type'),
    /** null = never expires (or not verified yet). */
    apiTokenExpiresAt: integer('api_token_expires_at', { mode: 'timestamp_ms' }),
    apiTokenScopes: text('api_token_scopes', { mode: 'json' }).$type<string[]>().notNull(),
    appId: text('app_id'),
    status: text('status', { enum: CREDENTIAL_STATUSES }).notNull(),
    previousStatus: text('previous_status', { enum: CREDENTIAL_STATUSES }),
    statusMessage: text('status_message'),
    /** +1 on every transition: verification jobs and live subscriptions use it to drop stale work and duplicates. */
    statusVersion: integer('status_version').notNull(),
    statusChangedAt: integer('status_changed_at', { mode: 'timestamp_ms' }).notNull(),
    warnings: text('warnings', { mode: 'json' }).$type<CredentialWarning[]>().notNull(),
    phoneNumberRefreshedAt: integer('phone_number_refreshed_at', { mode: 'timestamp_ms' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    uniqueIndex('whatsapp_api_credentials_sandbox_name_unique').on(t.sandboxId, t.nameKey),
    index('whatsapp_api_credentials_sandbox_idx').on(t.sandboxId, t.id),
    index('whatsapp_api_credentials_phone_idx').on(t.sandboxId, t.phoneNumberId),
    index('whatsapp_api_credentials_status_idx').on(t.status),
  ],
);

/** "Advanced logging": the newest calls made to Meta with each credential's token (never the token). */
export const metaApiCalls = sqliteTable(
  'meta_api_calls',
  {
    id: text('id').primaryKey(),
    sandboxId: text('sandbox_id').notNull(),
    credentialId: text('credential_id')
      .notNull()
      .references(() => whatsappApiCredentials.id, { onDelete: 'cascade' }),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    method: text('method').notNull(),
    /** Path and query as sent, with access_token/input_token removed by the Meta client. */
    path: text('path').notNull(),
    httpStatus: integer('http_status'),
    metaCode: integer('meta_code'),
    fbtraceId: text('fbtrace_id'),
    durationMs: integer('duration_ms').notNull(),
    outcome: text('outcome').notNull(),
  },
  (t) => [index('meta_api_calls_credential_idx').on(t.credentialId, t.id)],
);

/** Every change of a sender's quality rating, with when and how we learned it. */
export const phoneQualityChanges = sqliteTable(
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
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    source: text('source', { enum: ['refresh', 'webhook'] }).notNull(),
  },
  (t) => [index('phone_quality_changes_credential_idx').on(t.credentialId, t.id)],
);
