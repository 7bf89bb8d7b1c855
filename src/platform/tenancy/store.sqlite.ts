import { and, count, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { prepared } from '../prepared.js';
import type { SqliteDbOrTx as DbOrTx } from '../sqlite.js';
import { windowQuery, type PageWindow } from '../pagination.js';
import { apiKeys, auditLog, organizations, sandboxes } from './tables.js';

export type OrganizationRecord = typeof organizations.$inferSelect;
export type SandboxRecord = typeof sandboxes.$inferSelect;
export type ApiKeyRecord = typeof apiKeys.$inferSelect;
export type AuditLogRecord = typeof auditLog.$inferSelect;

export function findOrganizationByName(db: DbOrTx, name: string): OrganizationRecord | undefined {
  return db.select().from(organizations).where(eq(organizations.name, name)).get();
}

export function findOrganizationById(db: DbOrTx, id: string): OrganizationRecord | undefined {
  return db.select().from(organizations).where(eq(organizations.id, id)).get();
}

export function countOrganizations(db: DbOrTx): number {
  return db.select({ id: organizations.id }).from(organizations).all().length;
}

export function insertOrganization(db: DbOrTx, row: typeof organizations.$inferInsert): void {
  db.insert(organizations).values(row).run();
}

export function setEntitlements(db: DbOrTx, organizationId: string, entitlements: string[]): void {
  db.update(organizations).set({ entitlements }).where(eq(organizations.id, organizationId)).run();
}

export function findSandbox(db: DbOrTx, organizationId: string, name: string): SandboxRecord | undefined {
  return db
    .select()
    .from(sandboxes)
    .where(and(eq(sandboxes.organizationId, organizationId), eq(sandboxes.name, name)))
    .get();
}

export function findSandboxById(db: DbOrTx, id: string): SandboxRecord | undefined {
  return db.select().from(sandboxes).where(eq(sandboxes.id, id)).get();
}

export function insertSandbox(db: DbOrTx, row: typeof sandboxes.$inferInsert): void {
  db.insert(sandboxes).values(row).run();
}

export function insertApiKey(db: DbOrTx, row: typeof apiKeys.$inferInsert): void {
  db.insert(apiKeys).values(row).run();
}

export interface ApiKeyListing {
  key: ApiKeyRecord;
  organizationName: string;
  sandboxName: string;
}

export function listApiKeys(db: DbOrTx): ApiKeyListing[] {
  return db
    .select({ key: apiKeys, organizationName: organizations.name, sandboxName: sandboxes.name })
    .from(apiKeys)
    .innerJoin(organizations, eq(organizations.id, apiKeys.organizationId))
    .innerJoin(sandboxes, eq(sandboxes.id, apiKeys.sandboxId))
    .orderBy(apiKeys.createdAt)
    .all();
}

export function findApiKeyByPrefix(db: DbOrTx, prefix: string): ApiKeyRecord | undefined {
  return db.select().from(apiKeys).where(eq(apiKeys.prefix, prefix)).get();
}

export function revokeApiKey(db: DbOrTx, id: string, at: Date): void {
  db.update(apiKeys).set({ revokedAt: at }).where(eq(apiKeys.id, id)).run();
}

export interface ActiveKeyRow {
  key: ApiKeyRecord;
  organization: OrganizationRecord;
  sandbox: SandboxRecord;
}

export function findActiveKeyByHash(db: DbOrTx, keyHash: string): ActiveKeyRow | undefined {
  // Every request runs this: built and prepared once per connection.
  return prepared(db, 'tenancy.findActiveKeyByHash', (d) =>
    d
      .select({ key: apiKeys, organization: organizations, sandbox: sandboxes })
      .from(apiKeys)
      .innerJoin(organizations, eq(organizations.id, apiKeys.organizationId))
      .innerJoin(sandboxes, eq(sandboxes.id, apiKeys.sandboxId))
      .where(and(eq(apiKeys.keyHash, sql.placeholder('keyHash')), isNull(apiKeys.revokedAt)))
      .prepare(),
  ).get({ keyHash });
}

/** Touches last_used_at at most once per interval so reads do not turn into writes. */
export function touchApiKey(db: DbOrTx, id: string, now: Date, minIntervalMs: number): void {
  db.update(apiKeys)
    .set({ lastUsedAt: now })
    .where(and(eq(apiKeys.id, id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, new Date(now.getTime() - minIntervalMs)))))
    .run();
}

export function insertAuditEntry(db: DbOrTx, row: typeof auditLog.$inferInsert): void {
  db.insert(auditLog).values(row).run();
}

export function updateAuditEntry(db: DbOrTx, id: string, patch: Partial<Pick<AuditLogRecord, 'objectId' | 'outcome'>>): void {
  db.update(auditLog).set(patch).where(eq(auditLog.id, id)).run();
}

export function listAuditEntries(db: DbOrTx, sandboxId: string, window: PageWindow): AuditLogRecord[] {
  const q = windowQuery(auditLog.id, window);
  return db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.sandboxId, sandboxId), ...q.conditions))
    .orderBy(q.orderBy)
    .limit(q.limit)
    .all();
}

export function countAuditEntries(db: DbOrTx, sandboxId: string): number {
  return db.select({ n: count() }).from(auditLog).where(eq(auditLog.sandboxId, sandboxId)).get()?.n ?? 0;
}

export function findAuditEntry(db: DbOrTx, sandboxId: string, id: string): AuditLogRecord | undefined {
  return db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.sandboxId, sandboxId), eq(auditLog.id, id)))
    .get();
}
