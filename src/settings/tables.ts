import { integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { sandboxes } from '../platform/tenancy/tables.js';

export const channelGeneralSettings = sqliteTable('channel_general_settings', {
  sandboxId: text('sandbox_id')
    .primaryKey()
    .references(() => sandboxes.id, { onDelete: 'cascade' }),
  whatsAppExecutionField: text('whatsapp_execution_field').notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
});

/** A profile attribute that must hold one of the allowed values for a send to go out. */
export interface ConsentPolicy {
  attribute: string;
  allowedValues: string[];
}

export const marketingActions = sqliteTable(
  'marketing_actions',
  {
    id: text('id').primaryKey(),
    sandboxId: text('sandbox_id')
      .notNull()
      .references(() => sandboxes.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    consentPolicy: text('consent_policy', { mode: 'json' }).$type<ConsentPolicy | null>(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [uniqueIndex('marketing_actions_sandbox_key_unique').on(t.sandboxId, t.key)],
);
