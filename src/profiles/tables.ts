import { integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { sandboxes } from '../platform/tenancy/tables.js';

/** A JSON object of profile attributes; every key is addressable by a dotted attribute path. */
export type ProfileAttributes = Record<string, unknown>;

/**
 * A person the sandbox can message, keyed by the caller's own id (profile_id).
 * Sends read the recipient's number and consents from these attributes.
 */
export const profiles = sqliteTable(
  'profiles',
  {
    id: text('id').primaryKey(),
    sandboxId: text('sandbox_id')
      .notNull()
      .references(() => sandboxes.id, { onDelete: 'cascade' }),
    /** The caller's id for the person, unique per sandbox. */
    profileId: text('profile_id').notNull(),
    attributes: text('attributes', { mode: 'json' }).$type<ProfileAttributes>().notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [uniqueIndex('profiles_sandbox_profile_id_unique').on(t.sandboxId, t.profileId)],
);
