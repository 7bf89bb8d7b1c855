import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { whatsappApiCredentials } from '../tables.js';

/**
 * What Meta's `account_update` webhook says stands in the way of a credential's
 * WhatsApp Business Account right now: at most one row per credential.
 * FAILED: the account is gone for this app (deleted, banned, offboarded, app
 * uninstalled); the credential is FAILED until Meta lifts it. RESTRICTED: Meta
 * limits messaging until `until`; the credential stays ACTIVE and the sends the
 * restriction covers are refused. The row is deleted when the block is lifted.
 */
export const ACCOUNT_BLOCK_KINDS = ['FAILED', 'RESTRICTED'] as const;
export type AccountBlockKind = (typeof ACCOUNT_BLOCK_KINDS)[number];

export const whatsappAccountBlocks = sqliteTable('whatsapp_account_blocks', {
  credentialId: text('credential_id')
    .primaryKey()
    .references(() => whatsappApiCredentials.id, { onDelete: 'cascade' }),
  sandboxId: text('sandbox_id').notNull(),
  kind: text('kind', { enum: ACCOUNT_BLOCK_KINDS }).notNull(),
  /** Meta's event name: ACCOUNT_DELETED, DISABLED_UPDATE, ACCOUNT_RESTRICTION … */
  event: text('event').notNull(),
  /** A sentence for people: what Meta said and what it means here. */
  detail: text('detail').notNull(),
  /** ACCOUNT_RESTRICTION's restriction_type values (empty for other events). */
  restrictionTypes: text('restriction_types', { mode: 'json' }).$type<string[]>().notNull(),
  /** When the restriction ends by itself (latest expiration Meta gave); null = until Meta lifts it. */
  until: integer('until', { mode: 'timestamp_ms' }),
  since: integer('since', { mode: 'timestamp_ms' }).notNull(),
  /** The webhook delivery that reported it. */
  deliveryId: text('delivery_id'),
});
