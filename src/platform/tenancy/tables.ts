import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const organizations = sqliteTable('organizations', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  entitlements: text('entitlements', { mode: 'json' })
    .$type<string[]>()
    .notNull()
    .default(sql`'[]'`),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
});

export const sandboxes = sqliteTable(
  'sandboxes',
  {
    id: text('id').primaryKey(),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [uniqueIndex('sandboxes_org_name_unique').on(t.organizationId, t.name)],
);

export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    sandboxId: text('sandbox_id')
      .notNull()
      .references(() => sandboxes.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ['ADMIN', 'VIEWER'] }).notNull(),
    /** Shown in listings and logs to identify a key; not secret. */
    prefix: text('prefix').notNull().unique(),
    /** sha256 of the whole key: keys are 240-bit random, so a fast hash is enough. */
    keyHash: text('key_hash').notNull().unique(),
    label: text('label'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    lastUsedAt: integer('last_used_at', { mode: 'timestamp_ms' }),
    revokedAt: integer('revoked_at', { mode: 'timestamp_ms' }),
  },
  (t) => [index('api_keys_sandbox_idx').on(t.sandboxId)],
);

export const auditLog = sqliteTable(
  'audit_log',
  {
    id: text('id').primaryKey(),
    organizationId: text('organization_id').notNull(),
    sandboxId: text('sandbox_id').notNull(),
    apiKeyId: text('api_key_id'),
    /** Who: the API key prefix, or "cli". */
    actor: text('actor').notNull(),
    role: text('role').notNull(),
    /** What: the mutation name. */
    action: text('action').notNull(),
    objectType: text('object_type'),
    objectId: text('object_id'),
    /** SUCCESS or the error code the caller received. */
    outcome: text('outcome').notNull(),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('audit_log_sandbox_idx').on(t.sandboxId, t.id)],
);
