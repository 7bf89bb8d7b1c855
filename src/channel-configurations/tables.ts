import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { whatsappApiCredentials } from '../credentials/tables.js';
import { sandboxes } from '../platform/tenancy/tables.js';
import { whatsappWebhooks } from '../webhooks/tables.js';

export const CHANNELS = ['WHATSAPP'] as const;
export type Channel = (typeof CHANNELS)[number];

export const CONFIGURATION_STATUSES = ['DRAFT', 'PROCESSING', 'ACTIVE', 'FAILED', 'DEACTIVATED'] as const;
export type ConfigurationStatus = (typeof CONFIGURATION_STATUSES)[number];

export const CHECK_STATUSES = ['PENDING', 'PASSED', 'FAILED'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

/**
 * A channel configuration: what a send goes through (credential, sender number,
 * execution field, marketing actions). WhatsApp settings may be missing only
 * while it is a DRAFT. The credential and webhook cannot be deleted while a
 * configuration points at them (ON DELETE RESTRICT).
 */
export const channelConfigurations = sqliteTable(
  'channel_configurations',
  {
    id: text('id').primaryKey(),
    sandboxId: text('sandbox_id')
      .notNull()
      .references(() => sandboxes.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** lower(name): names are unique per sandbox regardless of case. */
    nameKey: text('name_key').notNull(),
    description: text('description'),
    channel: text('channel', { enum: CHANNELS }).notNull(),
    credentialId: text('credential_id').references(() => whatsappApiCredentials.id, { onDelete: 'restrict' }),
    webhookId: text('webhook_id').references(() => whatsappWebhooks.id, { onDelete: 'restrict' }),
    /** E.164. */
    senderPhoneNumber: text('sender_phone_number'),
    /** null = the sandbox default (channel_general_settings). */
    executionField: text('execution_field'),
    marketingActionIds: text('marketing_action_ids', { mode: 'json' }).$type<string[]>().notNull(),
    status: text('status', { enum: CONFIGURATION_STATUSES }).notNull(),
    /** +1 on every transition: live subscriptions use it to send each transition once. */
    statusVersion: integer('status_version').notNull(),
    previousStatus: text('previous_status', { enum: CONFIGURATION_STATUSES }),
    statusChangedAt: integer('status_changed_at', { mode: 'timestamp_ms' }).notNull(),
    statusReason: text('status_reason'),
    /** The current run of the readiness checks (0 = never submitted); a check job of an older run does nothing. */
    checkRun: integer('check_run').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    uniqueIndex('channel_configurations_sandbox_name_unique').on(t.sandboxId, t.nameKey),
    index('channel_configurations_sandbox_idx').on(t.sandboxId, t.id),
    index('channel_configurations_credential_idx').on(t.credentialId),
    index('channel_configurations_webhook_idx').on(t.webhookId),
  ],
);

/** One row per readiness check and run; the configuration shows the rows of its current run. */
export const channelConfigurationChecks = sqliteTable(
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
    checkedAt: integer('checked_at', { mode: 'timestamp_ms' }),
    position: integer('position').notNull(),
  },
  (t) => [uniqueIndex('channel_configuration_checks_run_name_unique').on(t.configurationId, t.run, t.name)],
);
