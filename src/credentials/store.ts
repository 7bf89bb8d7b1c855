import { and, count, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import { inJsonList, prepared } from '../platform/prepared.js';
import type { DbOrTx } from '../platform/db.js';
import { windowQuery, type PageWindow } from '../platform/pagination.js';
import { metaApiCalls, phoneQualityChanges, whatsappApiCredentials, type CredentialStatus } from './tables.js';

export type CredentialRow = typeof whatsappApiCredentials.$inferSelect;
export type CredentialPatch = Partial<Omit<CredentialRow, 'id' | 'sandboxId' | 'createdAt'>>;
export type MetaApiCallRow = typeof metaApiCalls.$inferSelect;
export type QualityChangeRow = typeof phoneQualityChanges.$inferSelect;

export function insertCredential(db: DbOrTx, row: CredentialRow): void {
  db.insert(whatsappApiCredentials).values(row).run();
}

export function findCredential(db: DbOrTx, sandboxId: string, id: string): CredentialRow | undefined {
  return db
    .select()
    .from(whatsappApiCredentials)
    .where(and(eq(whatsappApiCredentials.sandboxId, sandboxId), eq(whatsappApiCredentials.id, id)))
    .get();
}

export function findCredentials(db: DbOrTx, sandboxId: string, ids: string[]): CredentialRow[] {
  if (!ids.length) return [];
  return prepared(db, 'credentials.findCredentials', (d) =>
    d
      .select()
      .from(whatsappApiCredentials)
      .where(and(eq(whatsappApiCredentials.sandboxId, sql.placeholder('sandboxId')), inJsonList(whatsappApiCredentials.id, 'ids')))
      .prepare(),
  ).all({ sandboxId, ids: JSON.stringify(ids) });
}

/** Unscoped read for background work that carries the id in its payload. */
export function findCredentialById(db: DbOrTx, id: string): CredentialRow | undefined {
  return db.select().from(whatsappApiCredentials).where(eq(whatsappApiCredentials.id, id)).get();
}

export function findCredentialByNameKey(db: DbOrTx, sandboxId: string, nameKey: string): CredentialRow | undefined {
  return db
    .select()
    .from(whatsappApiCredentials)
    .where(and(eq(whatsappApiCredentials.sandboxId, sandboxId), eq(whatsappApiCredentials.nameKey, nameKey)))
    .get();
}

export function listCredentials(db: DbOrTx, sandboxId: string, window: PageWindow, status?: CredentialStatus | null): CredentialRow[] {
  const q = windowQuery(whatsappApiCredentials.id, window);
  return db
    .select()
    .from(whatsappApiCredentials)
    .where(
      and(eq(whatsappApiCredentials.sandboxId, sandboxId), status ? eq(whatsappApiCredentials.status, status) : undefined, ...q.conditions),
    )
    .orderBy(q.orderBy)
    .limit(q.limit)
    .all();
}

export function countCredentials(db: DbOrTx, sandboxId: string, status?: CredentialStatus | null): number {
  return (
    db
      .select({ n: count() })
      .from(whatsappApiCredentials)
      .where(and(eq(whatsappApiCredentials.sandboxId, sandboxId), status ? eq(whatsappApiCredentials.status, status) : undefined))
      .get()?.n ?? 0
  );
}

export function listAllCredentials(db: DbOrTx, sandboxId: string): CredentialRow[] {
  return db
    .select()
    .from(whatsappApiCredentials)
    .where(eq(whatsappApiCredentials.sandboxId, sandboxId))
    .orderBy(whatsappApiCredentials.id)
    .all();
}

export function listCredentialsByWabaId(db: DbOrTx, sandboxId: string, wabaId: string): CredentialRow[] {
  return db
    .select()
    .from(whatsappApiCredentials)
    .where(and(eq(whatsappApiCredentials.sandboxId, sandboxId), eq(whatsappApiCredentials.wabaId, wabaId)))
    .orderBy(whatsappApiCredentials.id)
    .all();
}

export function listCredentialsByPhoneNumberId(db: DbOrTx, sandboxId: string, phoneNumberId: string): CredentialRow[] {
  return db
    .select()
    .from(whatsappApiCredentials)
    .where(and(eq(whatsappApiCredentials.sandboxId, sandboxId), eq(whatsappApiCredentials.phoneNumberId, phoneNumberId)))
    .orderBy(whatsappApiCredentials.id)
    .all();
}

/** ACTIVE credentials of every sandbox (the recurring phone-number refresh). */
export function listActiveCredentialIds(db: DbOrTx): Array<{ id: string; sandboxId: string }> {
  return db
    .select({ id: whatsappApiCredentials.id, sandboxId: whatsappApiCredentials.sandboxId })
    .from(whatsappApiCredentials)
    .where(eq(whatsappApiCredentials.status, 'ACTIVE'))
    .orderBy(whatsappApiCredentials.id)
    .all();
}

export function updateCredential(db: DbOrTx, id: string, patch: CredentialPatch): void {
  db.update(whatsappApiCredentials).set(patch).where(eq(whatsappApiCredentials.id, id)).run();
}

/** Writes only when the row is still at `statusVersion`; false means someone moved it on (stale work). */
export function updateCredentialAtVersion(db: DbOrTx, id: string, statusVersion: number, patch: CredentialPatch): boolean {
  return (
    db
      .update(whatsappApiCredentials)
      .set(patch)
      .where(and(eq(whatsappApiCredentials.id, id), eq(whatsappApiCredentials.statusVersion, statusVersion)))
      .run().changes === 1
  );
}

export function deleteCredential(db: DbOrTx, sandboxId: string, id: string): boolean {
  return (
    db
      .delete(whatsappApiCredentials)
      .where(and(eq(whatsappApiCredentials.sandboxId, sandboxId), eq(whatsappApiCredentials.id, id)))
      .run().changes === 1
  );
}

// ---- quality changes ------------------------------------------------------

export function insertQualityChange(db: DbOrTx, row: QualityChangeRow): void {
  db.insert(phoneQualityChanges).values(row).run();
}

export function findQualityChange(db: DbOrTx, sandboxId: string, id: string): QualityChangeRow | undefined {
  return db
    .select()
    .from(phoneQualityChanges)
    .where(and(eq(phoneQualityChanges.sandboxId, sandboxId), eq(phoneQualityChanges.id, id)))
    .get();
}

// ---- Meta call log --------------------------------------------------------

/** Which of these credential ids still exist (a call may land after its credential was deleted). */
export function existingCredentialIds(db: DbOrTx, ids: string[]): Set<string> {
  if (!ids.length) return new Set();
  const rows = db
    .select({ id: whatsappApiCredentials.id })
    .from(whatsappApiCredentials)
    .where(inArray(whatsappApiCredentials.id, ids))
    .all();
  return new Set(rows.map((r) => r.id));
}

export function insertApiCalls(db: DbOrTx, rows: MetaApiCallRow[]): void {
  // SQLite caps bound parameters per statement; 11 columns x 80 rows stays well under it.
  for (let i = 0; i < rows.length; i += 80)
    db.insert(metaApiCalls)
      .values(rows.slice(i, i + 80))
      .run();
}

/** Deletes all but the newest `keep` calls of a credential (an index seek: cheap enough for every flush). */
export function pruneApiCalls(db: DbOrTx, credentialId: string, keep: number): void {
  const boundary = db
    .select({ id: metaApiCalls.id })
    .from(metaApiCalls)
    .where(eq(metaApiCalls.credentialId, credentialId))
    .orderBy(desc(metaApiCalls.id))
    .limit(1)
    .offset(keep - 1)
    .get();
  if (!boundary) return;
  db.delete(metaApiCalls)
    .where(and(eq(metaApiCalls.credentialId, credentialId), lt(metaApiCalls.id, boundary.id)))
    .run();
}

export function listRecentApiCalls(db: DbOrTx, sandboxId: string, credentialId: string, limit: number): MetaApiCallRow[] {
  return db
    .select()
    .from(metaApiCalls)
    .where(and(eq(metaApiCalls.sandboxId, sandboxId), eq(metaApiCalls.credentialId, credentialId)))
    .orderBy(desc(metaApiCalls.id))
    .limit(limit)
    .all();
}
