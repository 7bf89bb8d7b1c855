import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { channelConfigurations } from '../channel-configurations/tables.js';
import { sandboxes } from '../platform/tenancy/tables.js';
import { whatsappMessages } from '../messages/tables.js';

/** Contract enum MessageBatchStatus. */
export const BATCH_STATUSES = ['QUEUED', 'RUNNING', 'PAUSED', 'COMPLETED', 'CANCELLED'] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

/** What a batch (or a single send) sends: free text or a template; placeholders are rendered per recipient. */
export interface MessageContent {
  text: string | null;
  template: TemplateContent | null;
}

/**
 * A template send. bodyParameters / headerParameters are the positional text
 * shorthands of the first version; body / header / buttons carry every form
 * Meta takes (named parameters, currency, date_time, media headers, button
 * parameters). Rows written before them have only the shorthands.
 */
export interface TemplateContent {
  name: string;
  languageCode: string;
  bodyParameters: string[];
  headerParameters: string[];
  body?: TemplateParameterContent[];
  header?: TemplateHeaderContent;
  buttons?: TemplateButtonContent[];
}

/** One body (or text header) parameter: exactly one of text, currency, dateTime; name for NAMED templates. */
export interface TemplateParameterContent {
  name?: string;
  text?: string;
  currency?: { code: string; amount1000: number; fallbackValue: string };
  dateTime?: { fallbackValue: string };
}

export interface TemplateMediaContent {
  link?: string;
  id?: string;
  filename?: string;
}

/** The header's parameter: a text (named or positional) or a media object. */
export interface TemplateHeaderContent {
  name?: string;
  text?: string;
  image?: TemplateMediaContent;
  video?: TemplateMediaContent;
  document?: TemplateMediaContent;
}

/** A button's parameter, by the button's index in the template: exactly one value. */
export interface TemplateButtonContent {
  index: number;
  quickReplyPayload?: string;
  urlSuffix?: string;
  copyCode?: string;
}

const timestamp = (name: string) => integer(name, { mode: 'timestamp_ms' });

/**
 * One sendWhatsAppMessages call. Counters are not stored: they are aggregates
 * over the batch's messages, so a status webhook that fails a SENT message later
 * is reflected without any bookkeeping. A batch belongs to its configuration
 * (the contract's MessageBatch.channelConfiguration is non-null): deleting the
 * configuration deletes its batches; their messages stay.
 */
export const messageBatches = sqliteTable(
  'message_batches',
  {
    id: text('id').primaryKey(),
    sandboxId: text('sandbox_id')
      .notNull()
      .references(() => sandboxes.id, { onDelete: 'cascade' }),
    channelConfigurationId: text('channel_configuration_id')
      .notNull()
      .references(() => channelConfigurations.id, { onDelete: 'cascade' }),
    content: text('content', { mode: 'json' }).$type<MessageContent>().notNull(),
    trackLinks: integer('track_links', { mode: 'boolean' }).notNull(),
    /** Marketing batches pause while the sender's quality rating is RED. */
    marketing: integer('marketing', { mode: 'boolean' }).notNull(),
    status: text('status', { enum: BATCH_STATUSES }).notNull(),
    statusReason: text('status_reason'),
    /** +1 on every status change (live subscriptions). */
    statusVersion: integer('status_version').notNull(),
    total: integer('total').notNull(),
    createdAt: timestamp('created_at').notNull(),
    startedAt: timestamp('started_at'),
    finishedAt: timestamp('finished_at'),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [
    index('message_batches_sandbox_idx').on(t.sandboxId, t.id),
    index('message_batches_status_idx').on(t.status),
    index('message_batches_channel_idx').on(t.sandboxId, t.channelConfigurationId, t.id),
  ],
);

/**
 * The durable work list of a batch: one row per recipient, in request order.
 * The message is created when the recipient's turn comes (so consent and the
 * profile are read right before sending); done marks a recipient settled
 * (sent, blocked, failed, or an unknown outcome that is never resent).
 */
export const messageBatchRecipients = sqliteTable(
  'message_batch_recipients',
  {
    batchId: text('batch_id')
      .notNull()
      .references(() => messageBatches.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    profileId: text('profile_id').notNull(),
    messageId: text('message_id').references(() => whatsappMessages.id, { onDelete: 'set null' }),
    done: integer('done', { mode: 'boolean' }).notNull(),
    /** Meta refused for now (throttled, pair rate): not before this time. */
    notBefore: timestamp('not_before'),
    /** Refusals so far (131056 backoff exponent, and the cap before giving up). */
    refusals: integer('refusals').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.batchId, t.position] }),
    index('message_batch_recipients_pending_idx').on(t.batchId, t.done, t.position),
  ],
);

/**
 * A tracked link: one row per distinct URL per message. The token is the only
 * thing in the public URL; the redirect target comes only from this row.
 */
export const messageLinks = sqliteTable(
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
    firstClickedAt: timestamp('first_clicked_at'),
    lastClickedAt: timestamp('last_clicked_at'),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [uniqueIndex('message_links_token_unique').on(t.token), index('message_links_message_idx').on(t.messageId)],
);
