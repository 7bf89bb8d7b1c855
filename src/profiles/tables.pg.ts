import { pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { json, timestampMs } from '../platform/pg/columns.js';
import { sandboxes } from '../platform/tenancy/tables.pg.js';
import type { ProfileAttributes } from './tables.js';

/** The profiles table on PostgreSQL: the same columns, keys and records as tables.ts. */
export const profiles = pgTable(
  'profiles',
  {
    id: text('id').primaryKey(),
    sandboxId: text('sandbox_id')
      .notNull()
      .references(() => sandboxes.id, { onDelete: 'cascade' }),
    profileId: text('profile_id').notNull(),
    attributes: json<ProfileAttributes>('attributes').notNull(),
    createdAt: timestampMs('created_at').notNull(),
    updatedAt: timestampMs('updated_at').notNull(),
  },
  (t) => [uniqueIndex('profiles_sandbox_profile_id_unique').on(t.sandboxId, t.profileId)],
);
