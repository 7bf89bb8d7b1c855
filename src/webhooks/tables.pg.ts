import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { whatsappApiCredentials } from '../credentials/tables.pg.js';
import { bytes, json, timestampMs } from '../platform/pg/columns.js';
import { sandboxes } from '../platform/tenancy/tables.pg.js';
import { DELIVERY_OUTCOMES, type KeywordRule } from './tables.js';

/** The webhook tables on PostgreSQL: the same columns, keys and records as tables.ts (see its comments). */

export const whatsappWebhooks = pgTable(
  'whatsapp_webhooks',
  {
    id: text('id').primaryKey(),
    sandboxId: text('sandbox_id')
      .notNull()
      .references(() => sandboxes.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    nameKey: text('name_key').notNull(),
    credentialId: text('credential_id')
      .notNull()
      .references(() => whatsappApiCredentials.id, { onDelete: 'restrict' }),
    pathId: text('path_id').notNull(),
    verifyTokenEnc: text('verify_token_enc').notNull(),
    verifyTokenHash: text('verify_token_hash').notNull(),
    verifyTokenLast4: text('verify_token_last4').notNull(),
    appSecretEnc: text('app_secret_enc').notNull(),
    appSecretLast4: text('app_secret_last4').notNull(),
    keywordRules: json<KeywordRule[]>('keyword_rules').notNull(),
    secretVersion: integer('secret_version').notNull().default(1),
    verifiedAt: timestampMs('verified_at'),
    lastEventAt: timestampMs('last_event_at'),
    createdAt: timestampMs('created_at').notNull(),
    updatedAt: timestampMs('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('whatsapp_webhooks_sandbox_name_unique').on(t.sandboxId, t.nameKey),
    uniqueIndex('whatsapp_webhooks_path_unique').on(t.pathId),
    index('whatsapp_webhooks_sandbox_idx').on(t.sandboxId, t.id),
    index('whatsapp_webhooks_credential_idx').on(t.credentialId),
  ],
);

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    sandboxId: text('sandbox_id').notNull(),
    webhookId: text('webhook_id')
      .notNull()
      .references(() => whatsappWebhooks.id, { onDelete: 'cascade' }),
    receivedAt: timestampMs('received_at').notNull(),
    body: bytes('body').notNull(),
    bodySha256: text('body_sha256').notNull(),
    changes: integer('changes'),
    outcome: text('outcome', { enum: DELIVERY_OUTCOMES }).notNull(),
    detail: text('detail'),
    attempts: integer('attempts').notNull().default(0),
    processedAt: timestampMs('processed_at'),
  },
  (t) => [
    index('webhook_deliveries_webhook_idx').on(t.webhookId, t.id),
    index('webhook_deliveries_hash_idx').on(t.webhookId, t.bodySha256, t.id),
    index('webhook_deliveries_pending_idx')
      .on(t.id)
      .where(sql`${t.outcome} = 'PENDING'`),
  ],
);
