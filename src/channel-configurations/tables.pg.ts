import { index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { whatsappApiCredentials } from '../credentials/tables.pg.js';
import { json, timestampMs } from '../platform/pg/columns.js';
import { sandboxes } from '../platform/tenancy/tables.pg.js';
import { whatsappWebhooks } from '../webhooks/tables.pg.js';
import { CHANNELS, CHECK_STATUSES, CONFIGURATION_STATUSES } from './tables.js';

/** The channel-configuration tables on PostgreSQL: the same columns, keys and records as tables.ts. */

export const channelConfigurations = pgTable(
  'channel_configurations',
  {
    id: text('id').primaryKey(),
    sandboxId: text('sandbox_id')
      .notNull()
      .references(() => sandboxes.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    nameKey: text('name_key').notNull(),
    description: text('description'),
    channel: text('channel', { enum: CHANNELS }).notNull(),
    credentialId: text('credential_id').references(() => whatsappApiCredentials.id, { onDelete: 'restrict' }),
    webhookId: text('webhook_id').references(() => whatsappWebhooks.id, { onDelete: 'restrict' }),
    senderPhoneNumber: text('sender_phone_number'),
    executionField: text('execution_field'),
    marketingActionIds: json<string[]>('marketing_action_ids').notNull(),
    status: text('status', { enum: CONFIGURATION_STATUSES }).notNull(),
    statusVersion: integer('status_version').notNull(),
    previousStatus: text('previous_status', { enum: CONFIGURATION_STATUSES }),
    statusChangedAt: timestampMs('status_changed_at').notNull(),
    statusReason: text('status_reason'),
    checkRun: integer('check_run').notNull(),
    createdAt: timestampMs('created_at').notNull(),
    updatedAt: timestampMs('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('channel_configurations_sandbox_name_unique').on(t.sandboxId, t.nameKey),
    index('channel_configurations_sandbox_idx').on(t.sandboxId, t.id),
    index('channel_configurations_credential_idx').on(t.credentialId),
    index('channel_configurations_webhook_idx').on(t.webhookId),
  ],
);

export const channelConfigurationChecks = pgTable(
  'channel_configuration_checks',
  {
    id: text('id').primaryKey(),
    sandboxId: text('sandbox_id').notNull(),
    configurationId: text('configuration_id')
      .notNull()
      .references(() => channelConfigurations.id, { onDelete: 'cascade' }),
    run: integer('run').notNull(),
    name: text('name').notNull(),
    status: text('status', { enum: CHECK_STATUSES }).notNull(),
    message: text('message'),
    remedy: text('remedy'),
    checkedAt: timestampMs('checked_at'),
    position: integer('position').notNull(),
  },
  (t) => [uniqueIndex('channel_configuration_checks_run_name_unique').on(t.configurationId, t.run, t.name)],
);
