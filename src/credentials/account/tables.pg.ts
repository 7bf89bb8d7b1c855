import { pgTable, text } from 'drizzle-orm/pg-core';
import { json, timestampMs } from '../../platform/pg/columns.js';
import { whatsappApiCredentials } from '../tables.pg.js';
import { ACCOUNT_BLOCK_KINDS } from './tables.js';

/** The account-block table on PostgreSQL: the same columns, keys and records as tables.ts (see its comments). */
export const whatsappAccountBlocks = pgTable('whatsapp_account_blocks', {
  credentialId: text('credential_id')
    .primaryKey()
    .references(() => whatsappApiCredentials.id, { onDelete: 'cascade' }),
  sandboxId: text('sandbox_id').notNull(),
  kind: text('kind', { enum: ACCOUNT_BLOCK_KINDS }).notNull(),
  event: text('event').notNull(),
  detail: text('detail').notNull(),
  restrictionTypes: json<string[]>('restriction_types').notNull(),
  until: timestampMs('until'),
  since: timestampMs('since').notNull(),
  deliveryId: text('delivery_id'),
});
