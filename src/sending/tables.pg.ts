import { boolean, index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { channelConfigurations } from '../channel-configurations/tables.pg.js';
import { whatsappMessages } from '../messages/tables.pg.js';
import { json, timestampMs } from '../platform/pg/columns.js';
import { sandboxes } from '../platform/tenancy/tables.pg.js';
import { BATCH_STATUSES, type MessageContent } from './tables.js';

/** The send-path tables on PostgreSQL: the same columns, keys and records as tables.ts (see its comments). */

export const messageBatches = pgTable(
  'message_batches',
  {
    id: text('id').primaryKey(),
    sandboxId: text('sandbox_id')
      .notNull()
      .references(() => sandboxes.id, { onDelete: 'cascade' }),
    channelConfigurationId: text('channel_configuration_id')
      .notNull()
      .references(() => channelConfigurations.id, { onDelete: 'cascade' }),
    content: json<MessageContent>('content').notNull(),
    trackLinks: boolean('track_links').notNull(),
    marketing: boolean('marketing').notNull(),
    status: text('status', { enum: BATCH_STATUSES }).notNull(),
    statusReason: text('status_reason'),
    statusVersion: integer('status_version').notNull(),
    total: integer('total').notNull(),
    createdAt: timestampMs('created_at').notNull(),
    startedAt: timestampMs('started_at'),
    finishedAt: timestampMs('finished_at'),
    updatedAt: timestampMs('updated_at').notNull(),
  },
  (t) => [
    index('message_batches_sandbox_idx').on(t.sandboxId, t.id),
    index('message_batches_status_idx').on(t.status),
    index('message_batches_channel_idx').on(t.sandboxId, t.channelConfigurationId, t.id),
  ],
);

export const messageBatchRecipients = pgTable(
  'message_batch_recipients',
  {
    batchId: text('batch_id')
      .notNull()
      .references(() => messageBatches.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    profileId: text('profile_id').notNull(),
    messageId: text('message_id').references(() => whatsappMessages.id, { onDelete: 'set null' }),
    done: boolean('done').notNull(),
    notBefore: timestampMs('not_before'),
    refusals: integer('refusals').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.batchId, t.position] }),
    index('message_batch_recipients_pending_idx').on(t.batchId, t.done, t.position),
  ],
);

export const messageLinks = pgTable(
  'message_links',
  {
    id: text('id').primaryKey(),
    sandboxId: text('sandbox_id')
      .notNull()
      .references(() => sandboxes.id, { onDelete: 'cascade' }),
    messageId: text('message_id')
      .notNull()
      .references(() => whatsappMessages.id, { onDelete: 'cascade' }),
    token: text('token').notNull(),
    url: text('url').notNull(),
    clicks: integer('clicks').notNull(),
    firstClickedAt: timestampMs('first_clicked_at'),
    lastClickedAt: timestampMs('last_clicked_at'),
    createdAt: timestampMs('created_at').notNull(),
  },
  (t) => [uniqueIndex('message_links_token_unique').on(t.token), index('message_links_message_idx').on(t.messageId)],
);
