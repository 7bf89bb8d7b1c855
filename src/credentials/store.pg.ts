import { and, count, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { PgDbOrTx, PgStoreOf } from '../platform/pg/handle.js';
import { windowQuery, type PageWindow } from '../platform/pagination.js';
import type * as sqliteStore from './store.sqlite.js';
import type { CredentialPatch, CredentialRow, MetaApiCallRow, QualityChangeRow } from './store.sqlite.js';
import { metaApiCalls, phoneQualityChanges, whatsappApiCredentials } from './tables.pg.js';
import type { CredentialStatus } from './tables.js';

/**
 * The PostgreSQL twin of store.ts: the same functions and records (test/pg/store-credentials.test.ts runs both on the
 * same rows). SQLite's per-connection prepared-statement caches have no counterpart here: each call is the plain
 * drizzle query, since a node-postgres round trip costs far more than building it.
 */

export async function insertCredential(db: PgDbOrTx, row: CredentialRow): Promise<void> {
  await db.insert(whatsappApiCredentials).values(row);
}

export async function findCredential(db: PgDbOrTx, sandboxId: string, id: string): Promise<CredentialRow | undefined> {
  const [row] = await db
    .select()
    .from(whatsappApiCredentials)
    .where(and(eq(whatsappApiCredentials.sandboxId, sandboxId), eq(whatsappApiCredentials.id, id)))
    .limit(1);
  return row;
}

export async function findCredentials(db: PgDbOrTx, sandboxId: string, ids: string[]): Promise<CredentialRow[]> {
  if (!ids.length) return [];
  // No ORDER BY, as on SQLite: callers look rows up by id.
  return db
    .select()
    .from(whatsappApiCredentials)
    .where(and(eq(whatsappApiCredentials.sandboxId, sandboxId), inArray(whatsappApiCredentials.id, ids)));
}

/** Unscoped read for background work that carries the id in its payload. */
export async function findCredentialById(db: PgDbOrTx, id: string): Promise<CredentialRow | undefined> {
  const [row] = await db.select().from(whatsappApiCredentials).where(eq(whatsappApiCredentials.id, id)).limit(1);
  return row;
}

export async function findCredentialByNameKey(db: PgDbOrTx, sandboxId: string, nameKey: string): Promise<CredentialRow | undefined> {
  const [row] = await db
    .select()
    .from(whatsappApiCredentials)
    .where(and(eq(whatsappApiCredentials.sandboxId, sandboxId), eq(whatsappApiCredentials.nameKey, nameKey)))
    .limit(1);
  return row;
}

export async function listCredentials(
  db: PgDbOrTx,
  sandboxId: string,
  window: PageWindow,
  status?: CredentialStatus | null,
): Promise<CredentialRow[]> {
  const q = windowQuery(whatsappApiCredentials.id, window);
  return db
    .select()
    .from(whatsappApiCredentials)
    .where(
      and(eq(whatsappApiCredentials.sandboxId, sandboxId), status ? eq(whatsappApiCredentials.status, status) : undefined, ...q.conditions),
    )
    .orderBy(q.orderBy)
    .limit(q.limit);
}

export async function countCredentials(db: PgDbOrTx, sandboxId: string, status?: CredentialStatus | null): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(whatsappApiCredentials)
    .where(and(eq(whatsappApiCredentials.sandboxId, sandboxId), status ? eq(whatsappApiCredentials.status, status) : undefined));
  return row?.n ?? 0;
}

export async function listAllCredentials(db: PgDbOrTx, sandboxId: string): Promise<CredentialRow[]> {
  return db.select().from(whatsappApiCredentials).where(eq(whatsappApiCredentials.sandboxId, sandboxId)).orderBy(whatsappApiCredentials.id);
}

export async function listCredentialsByWabaId(db: PgDbOrTx, sandboxId: string, wabaId: string): Promise<CredentialRow[]> {
  return db
    .select()
    .from(whatsappApiCredentials)
    .where(and(eq(whatsappApiCredentials.sandboxId, sandboxId), eq(whatsappApiCredentials.wabaId, wabaId)))
    .orderBy(whatsappApiCredentials.id);
}

export async function listCredentialsByPhoneNumberId(db: PgDbOrTx, sandboxId: string, phoneNumberId: string): Promise<CredentialRow[]> {
  return db
    .select()
    .from(whatsappApiCredentials)
    .where(and(eq(whatsappApiCredentials.sandboxId, sandboxId), eq(whatsappApiCredentials.phoneNumberId, phoneNumberId)))
    .orderBy(whatsappApiCredentials.id);
}

/** ACTIVE credentials of every sandbox (the recurring phone-number refresh). */
export async function listActiveCredentialIds(db: PgDbOrTx): Promise<Array<{ id: string; sandboxId: string }>> {
  return db
    .select({ id: whatsappApiCredentials.id, sandboxId: whatsappApiCredentials.sandboxId })
    .from(whatsappApiCredentials)
    .where(eq(whatsappApiCredentials.status, 'ACTIVE'))
    .orderBy(whatsappApiCredentials.id);
}

export async function updateCredential(db: PgDbOrTx, id: string, patch: CredentialPatch): Promise<void> {
  await db.update(whatsappApiCredentials).set(patch).where(eq(whatsappApiCredentials.id, id));
}

/** Writes only when the row is still at `statusVersion`; false means someone moved it on (stale work). */
export async function updateCredentialAtVersion(db: PgDbOrTx, id: string, statusVersion: number, patch: CredentialPatch): Promise<boolean> {
  const result = await db
    .update(whatsappApiCredentials)
    .set(patch)
    .where(and(eq(whatsappApiCredentials.id, id), eq(whatsappApiCredentials.statusVersion, statusVersion)));
  return (result.rowCount ?? 0) === 1;
}

export async function deleteCredential(db: PgDbOrTx, sandboxId: string, id: string): Promise<boolean> {
  const result = await db
    .delete(whatsappApiCredentials)
    .where(and(eq(whatsappApiCredentials.sandboxId, sandboxId), eq(whatsappApiCredentials.id, id)));
  return (result.rowCount ?? 0) === 1;
}

// ---- quality changes ------------------------------------------------------

export async function insertQualityChange(db: PgDbOrTx, row: QualityChangeRow): Promise<void> {
  await db.insert(phoneQualityChanges).values(row);
}

export async function findQualityChange(db: PgDbOrTx, sandboxId: string, id: string): Promise<QualityChangeRow | undefined> {
  const [row] = await db
    .select()
    .from(phoneQualityChanges)
    .where(and(eq(phoneQualityChanges.sandboxId, sandboxId), eq(phoneQualityChanges.id, id)))
    .limit(1);
  return row;
}

// ---- Meta call log --------------------------------------------------------

/** Which of these credential ids still exist (a call may land after its credential was deleted). */
export async function existingCredentialIds(db: PgDbOrTx, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db
    .select({ id: whatsappApiCredentials.id })
    .from(whatsappApiCredentials)
    .where(inArray(whatsappApiCredentials.id, ids));
  return new Set(rows.map((r) => r.id));
}

/**
 * One multi-row INSERT for the whole flush: on PostgreSQL the round trip, not the statement, is what a row costs.
 * It first takes each credential's transaction-scoped advisory lock (in one order, so flushes cannot deadlock), held
 * until the flush's pruneApiCalls commit: two flushes that overlap (the call log starts the next before the last
 * commits, and other instances write the same log) would otherwise each prune without seeing the other's rows and
 * leave more than `keep` calls. SQLite's single writer serialises them by itself.
 */
export async function insertApiCalls(db: PgDbOrTx, rows: MetaApiCallRow[]): Promise<void> {
  if (!rows.length) return;
  const credentialIds = [...new Set(rows.map((r) => r.credentialId))].map((id) => sql`${id}`);
  await db.execute(
    sql`SELECT pg_advisory_xact_lock(hashtext('wcs:meta-api-calls'), hashtext(k))
        FROM unnest(ARRAY[${sql.join(credentialIds, sql`, `)}]::text[]) AS k ORDER BY k`,
  );
  await db.insert(metaApiCalls).values(rows);
}

/** Deletes all but the newest `keep` calls of a credential (an index seek: cheap enough for every flush). */
export async function pruneApiCalls(db: PgDbOrTx, credentialId: string, keep: number): Promise<void> {
  const c = metaApiCalls;
  // SQLite reads a negative OFFSET as 0; PostgreSQL rejects it.
  const [boundary] = await db
    .select({ id: c.id })
    .from(c)
    .where(eq(c.credentialId, credentialId))
    .orderBy(desc(c.id))
    .limit(1)
    .offset(Math.max(0, keep - 1));
  if (!boundary) return;
  await db.delete(c).where(and(eq(c.credentialId, credentialId), lt(c.id, boundary.id)));
}

export async function listRecentApiCalls(db: PgDbOrTx, sandboxId: string, credentialId: string, limit: number): Promise<MetaApiCallRow[]> {
  return db
    .select()
    .from(metaApiCalls)
    .where(and(eq(metaApiCalls.sandboxId, sandboxId), eq(metaApiCalls.credentialId, credentialId)))
    .orderBy(desc(metaApiCalls.id))
    .limit(limit);
}

export const pgStore = {
  insertCredential,
  findCredential,
  findCredentials,
  findCredentialById,
  findCredentialByNameKey,
  listCredentials,
  countCredentials,
  listAllCredentials,
  listCredentialsByWabaId,
  listCredentialsByPhoneNumberId,
  listActiveCredentialIds,
  updateCredential,
  updateCredentialAtVersion,
  deleteCredential,
  insertQualityChange,
  findQualityChange,
  existingCredentialIds,
  insertApiCalls,
  pruneApiCalls,
  listRecentApiCalls,
} satisfies PgStoreOf<typeof sqliteStore>;
