import { and, count, desc, eq, lt, sql } from 'drizzle-orm';
import { inJsonList, prepared, tableSelect } from '../platform/prepared.js';
import { insertRow } from '../platform/prepared-writes.js';
import type { SqliteDbOrTx as DbOrTx } from '../platform/sqlite.js';
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
  // A list page's references, read for every page: decoded without drizzle's generic row mapping (tableSelect).
  return prepared(db, 'credentials.findCredentials', (d) =>
    tableSelect(
      d,
      whatsappApiCredentials,
      d
        .select()
        .from(whatsappApiCredentials)
        .where(and(eq(whatsappApiCredentials.sandboxId, sql.placeholder('sandboxId')), inJsonList(whatsappApiCredentials.id, 'ids'))),
    ),
  )({ sandboxId, ids: JSON.stringify(ids) });
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
  const rows = prepared(db, 'credentials.existing', (d) =>
    d.select({ id: whatsappApiCredentials.id }).from(whatsappApiCredentials).where(inJsonList(whatsappApiCredentials.id, 'ids')).prepare(),
  ).all({ ids: JSON.stringify(ids) });
  return new Set(rows.map((r) => r.id));
}

/** The Meta call log takes a row per send (up to a thousand a second): one prepared insert per row. */
export function insertApiCalls(db: DbOrTx, rows: MetaApiCallRow[]): void {
  for (const row of rows) insertRow(db, metaApiCalls, 'meta_api_calls', row);
}

/** Deletes all but the newest `keep` calls of a credential (an index seek: cheap enough for every flush). */
export function pruneApiCalls(db: DbOrTx, credentialId: string, keep: number): void {
  const c = metaApiCalls;
  const boundary = prepared(db, 'credentials.api-calls.boundary', (d) =>
    d
      .select({ id: c.id })
      .from(c)
      .where(eq(c.credentialId, sql.placeholder('credentialId')))
      .orderBy(desc(c.id))
      .limit(1)
      .offset(sql.placeholder('skip'))
      .prepare(),
  ).get({ credentialId, skip: keep - 1 });
  if (!boundary) return;
  prepared(db, 'credentials.api-calls.prune', (d) =>
    d
      .delete(c)
      .where(and(eq(c.credentialId, sql.placeholder('credentialId')), lt(c.id, sql.placeholder('boundary'))))
      .prepare(),
  ).run({ credentialId, boundary: boundary.id });
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
