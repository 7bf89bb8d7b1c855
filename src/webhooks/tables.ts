import { sql } from 'drizzle-orm';
import { blob, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { whatsappApiCredentials } from '../credentials/tables.js';
import { sandboxes } from '../platform/tenancy/tables.js';

export const KEYWORD_CATEGORIES = ['OPT_IN', 'OPT_OUT', 'HELP', 'DEFAULT'] as const;
export type KeywordCategory = (typeof KEYWORD_CATEGORIES)[number];

/** One keyword rule as stored: keywords already trimmed; matching normalises them again at run time. */
export interface KeywordRule {
  category: KeywordCategory;
  keywords: string[];
  replyMessage: string;
}

/**
 * A Meta webhook endpoint of a sandbox: the callback URL (by its opaque path id),
 * the verify token Meta echoes in the handshake, the app secret that signs POSTs,
 * and the keyword rules applied to inbound messages. Secrets are encrypted
 * (service/secret-columns.ts); the verify token's SHA-256 lets the handshake compare in
 * constant time without decrypting.
 */
export const whatsappWebhooks = sqliteTable(
  'whatsapp_webhooks',
  {
    id: text('id').primaryKey(),
    sandboxId: text('sandbox_id')
      .notNull()
      .references(() => sandboxes.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** lower(name): unique per sandbox regardless of case. */
    nameKey: text('name_key').notNull(),
    /** A credential in use by a webhook cannot be deleted (the credential slice maps this to ConflictError). */
    credentialId: text('credential_id')
      .notNull()
      .references(() => whatsappApiCredentials.id, { onDelete: 'restrict' }),
    /** Opaque, random, unguessable: the last segment of the callback URL. */
    pathId: text('path_id').notNull(),
    verifyTokenEnc: text('verify_token_enc').notNull(),
    /** hex SHA-256 of the verify token. */
    verifyTokenHash: text('verify_token_hash').notNull(),
    verifyTokenLast4: text('verify_token_last4').notNull(),
    appSecretEnc: text('app_secret_enc').notNull(),
    appSecretLast4: text('app_secret_last4').notNull(),
    keywordRules: text('keyword_rules', { mode: 'json' }).$type<KeywordRule[]>().notNull(),
    /** Bumped when the app secret changes, so a cached decrypted secret is never stale. */
    secretVersion: integer('secret_version').notNull().default(1),
    verifiedAt: integer('verified_at', { mode: 'timestamp_ms' }),
    lastEventAt: integer('last_event_at', { mode: 'timestamp_ms' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    uniqueIndex('whatsapp_webhooks_sandbox_name_unique').on(t.sandboxId, t.nameKey),
    uniqueIndex('whatsapp_webhooks_path_unique').on(t.pathId),
    index('whatsapp_webhooks_sandbox_idx').on(t.sandboxId, t.id),
    index('whatsapp_webhooks_credential_idx').on(t.credentialId),
  ],
);

export const DELIVERY_OUTCOMES = ['PENDING', 'PROCESSED', 'DUPLICATE', 'QUARANTINED', 'FAILED'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

/**
 * The inbox: every signed POST, stored with its raw bytes before Meta gets its
 * 200. Rows stay PENDING until the processor has applied them; a restart picks
 * PENDING rows up again.
 */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    sandboxId: text('sandbox_id').notNull(),
    webhookId: text('webhook_id')
      .notNull()
      .references(() => whatsappWebhooks.id, { onDelete: 'cascade' }),
    receivedAt: integer('received_at', { mode: 'timestamp_ms' }).notNull(),
    /** The exact bytes Meta signed (kept for replay and for fields we do not understand yet). */
    body: blob('body', { mode: 'buffer' }).notNull(),
    /** hex SHA-256 of body: an identical redelivery is recognised without parsing. */
    bodySha256: text('body_sha256').notNull(),
    /** entry × change items; null until processed (the ack path does not parse). */
    changes: integer('changes'),
    outcome: text('outcome', { enum: DELIVERY_OUTCOMES }).notNull(),
    detail: text('detail'),
    attempts: integer('attempts').notNull().default(0),
    processedAt: integer('processed_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    index('webhook_deliveries_webhook_idx').on(t.webhookId, t.id),
    index('webhook_deliveries_hash_idx').on(t.webhookId, t.bodySha256, t.id),
    // Only PENDING rows: the drain's queue stays a small index however long the history grows.
    index('webhook_deliveries_pending_idx')
      .on(t.id)
      .where(sql`${t.outcome} = 'PENDING'`),
  ],
);
