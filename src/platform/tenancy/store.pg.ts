import { and, count, eq, isNull, lt, or } from 'drizzle-orm';
import { windowQuery, type PageWindow } from '../pagination.js';
import type { PgDbOrTx, PgStoreOf } from '../pg/handle.js';
import type * as sqliteStore from './store.sqlite.js';
import type { ActiveKeyRow, ApiKeyListing, ApiKeyRecord, AuditLogRecord, OrganizationRecord, SandboxRecord } from './store.sqlite.js';
import { apiKeys, auditLog, organizations, sandboxes } from './tables.pg.js';

/** The tenancy store on PostgreSQL: store.ts's functions and records, over tables.pg.ts. */

export async function findOrganizationByName(db: PgDbOrTx, name: string): Promise<OrganizationRecord | undefined> {
  const [row] = await db.select().from(organizations).where(eq(organizations.name, name)).limit(1);
  return row;
}

export async function findOrganizationById(db: PgDbOrTx, id: string): Promise<OrganizationRecord | undefined> {
  const [row] = await db.select().from(organizations).where(eq(organizations.id, id)).limit(1);
  return row;
}

export async function countOrganizations(db: PgDbOrTx): Promise<number> {
  // count() on the server: the SQLite store reads the ids and counts them in process, which is the same number.
  const [row] = await db.select({ n: count() }).from(organizations);
  return row?.n ?? 0;
}

export async function insertOrganization(db: PgDbOrTx, row: typeof organizations.$inferInsert): Promise<void> {
  await db.insert(organizations).values(row);
}

export async function setEntitlements(db: PgDbOrTx, organizationId: string, entitlements: string[]): Promise<void> {
  await db.update(organizations).set({ entitlements }).where(eq(organizations.id, organizationId));
}

export async function findSandbox(db: PgDbOrTx, organizationId: string, name: string): Promise<SandboxRecord | undefined> {
  const [row] = await db
    .select()
    .from(sandboxes)
    .where(and(eq(sandboxes.organizationId, organizationId), eq(sandboxes.name, name)))
    .limit(1);
  return row;
}

export async function findSandboxById(db: PgDbOrTx, id: string): Promise<SandboxRecord | undefined> {
  const [row] = await db.select().from(sandboxes).where(eq(sandboxes.id, id)).limit(1);
  return row;
}

export async function insertSandbox(db: PgDbOrTx, row: typeof sandboxes.$inferInsert): Promise<void> {
  await db.insert(sandboxes).values(row);
}

export async function insertApiKey(db: PgDbOrTx, row: typeof apiKeys.$inferInsert): Promise<void> {
  await db.insert(apiKeys).values(row);
}

export async function listApiKeys(db: PgDbOrTx): Promise<ApiKeyListing[]> {
  return (
    db
      .select({ key: apiKeys, organizationName: organizations.name, sandboxName: sandboxes.name })
      .from(apiKeys)
      .innerJoin(organizations, eq(organizations.id, apiKeys.organizationId))
      .innerJoin(sandboxes, eq(sandboxes.id, apiKeys.sandboxId))
      // Keys created in the same millisecond came out in insertion (rowid) order on SQLite; ids are time-ordered.
      .orderBy(apiKeys.createdAt, apiKeys.id)
  );
}

export async function findApiKeyByPrefix(db: PgDbOrTx, prefix: string): Promise<ApiKeyRecord | undefined> {
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.prefix, prefix)).limit(1);
  return row;
}

export async function revokeApiKey(db: PgDbOrTx, id: string, at: Date): Promise<void> {
  await db.update(apiKeys).set({ revokedAt: at }).where(eq(apiKeys.id, id));
}

export async function findActiveKeyByHash(db: PgDbOrTx, keyHash: string): Promise<ActiveKeyRow | undefined> {
  const [row] = await db
    .select({ key: apiKeys, organization: organizations, sandbox: sandboxes })
    .from(apiKeys)
    .innerJoin(organizations, eq(organizations.id, apiKeys.organizationId))
    .innerJoin(sandboxes, eq(sandboxes.id, apiKeys.sandboxId))
    .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)))
    .limit(1);
  return row;
}

/** Touches last_used_at at most once per interval so reads do not turn into writes. */
export async function touchApiKey(db: PgDbOrTx, id: string, now: Date, minIntervalMs: number): Promise<void> {
  await db
    .update(apiKeys)
    .set({ lastUsedAt: now })
    .where(and(eq(apiKeys.id, id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, new Date(now.getTime() - minIntervalMs)))));
}

export async function insertAuditEntry(db: PgDbOrTx, row: typeof auditLog.$inferInsert): Promise<void> {
  await db.insert(auditLog).values(row);
}

export async function updateAuditEntry(
  db: PgDbOrTx,
  id: string,
  patch: Partial<Pick<AuditLogRecord, 'objectId' | 'outcome'>>,
): Promise<void> {
  await db.update(auditLog).set(patch).where(eq(auditLog.id, id));
}

export async function listAuditEntries(db: PgDbOrTx, sandboxId: string, window: PageWindow): Promise<AuditLogRecord[]> {
  const q = windowQuery(auditLog.id, window);
  return db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.sandboxId, sandboxId), ...q.conditions))
    .orderBy(q.orderBy)
    .limit(q.limit);
}

export async function countAuditEntries(db: PgDbOrTx, sandboxId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(auditLog).where(eq(auditLog.sandboxId, sandboxId));
  return row?.n ?? 0;
}

export async function findAuditEntry(db: PgDbOrTx, sandboxId: string, id: string): Promise<AuditLogRecord | undefined> {
  const [row] = await db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.sandboxId, sandboxId), eq(auditLog.id, id)))
    .limit(1);
  return row;
}

export const pgStore = {
  findOrganizationByName,
  findOrganizationById,
  countOrganizations,
  insertOrganization,
  setEntitlements,
  findSandbox,
  findSandboxById,
  insertSandbox,
  insertApiKey,
  listApiKeys,
  findApiKeyByPrefix,
  revokeApiKey,
  findActiveKeyByHash,
  touchApiKey,
  insertAuditEntry,
  updateAuditEntry,
  listAuditEntries,
  countAuditEntries,
  findAuditEntry,
} satisfies PgStoreOf<typeof sqliteStore>;
