import { sql } from 'drizzle-orm';
import { index, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { json, timestampMs } from '../pg/columns.js';

/** The tenancy tables on PostgreSQL: the same columns, keys and records as tables.ts. */

export const organizations = pgTable('organizations', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  entitlements: json<string[]>('entitlements')
    .notNull()
    .default(sql`'[]'::json`),
  createdAt: timestampMs('created_at').notNull(),
});

export const sandboxes = pgTable(
  'sandboxes',
  {
    id: text('id').primaryKey(),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    createdAt: timestampMs('created_at').notNull(),
  },
  (t) => [uniqueIndex('sandboxes_org_name_unique').on(t.organizationId, t.name)],
);

export const apiKeys = pgTable(
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
    prefix: text('prefix').notNull().unique(),
    keyHash: text('key_hash').notNull().unique(),
    label: text('label'),
    createdAt: timestampMs('created_at').notNull(),
    lastUsedAt: timestampMs('last_used_at'),
    revokedAt: timestampMs('revoked_at'),
  },
  (t) => [index('api_keys_sandbox_idx').on(t.sandboxId)],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: text('id').primaryKey(),
    organizationId: text('organization_id').notNull(),
    sandboxId: text('sandbox_id').notNull(),
    apiKeyId: text('api_key_id'),
    actor: text('actor').notNull(),
    role: text('role').notNull(),
    action: text('action').notNull(),
    objectType: text('object_type'),
    objectId: text('object_id'),
    outcome: text('outcome').notNull(),
    at: timestampMs('at').notNull(),
  },
  (t) => [index('audit_log_sandbox_idx').on(t.sandboxId, t.id)],
);
