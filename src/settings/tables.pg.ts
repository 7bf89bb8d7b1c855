import { pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { json, timestampMs } from '../platform/pg/columns.js';
import { sandboxes } from '../platform/tenancy/tables.pg.js';
import type { ConsentPolicy } from './tables.js';

/** The settings tables on PostgreSQL: the same columns, keys and records as tables.ts. */

export const channelGeneralSettings = pgTable('channel_general_settings', {
  sandboxId: text('sandbox_id')
    .primaryKey()
    .references(() => sandboxes.id, { onDelete: 'cascade' }),
  whatsAppExecutionField: text('whatsapp_execution_field').notNull(),
  updatedAt: timestampMs('updated_at').notNull(),
});

export const marketingActions = pgTable(
  'marketing_actions',
  {
    id: text('id').primaryKey(),
    sandboxId: text('sandbox_id')
      .notNull()
      .references(() => sandboxes.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    consentPolicy: json<ConsentPolicy | null>('consent_policy'),
    createdAt: timestampMs('created_at').notNull(),
  },
  (t) => [uniqueIndex('marketing_actions_sandbox_key_unique').on(t.sandboxId, t.key)],
);
