import { and, eq, inArray } from 'drizzle-orm';
import type { SqliteDbOrTx as DbOrTx } from '../platform/sqlite.js';
import { profiles } from './tables.js';

export type ProfileRecord = typeof profiles.$inferSelect;

/** Bound parameters per IN (...) query; well under SQLite's variable limit. */
const IN_CHUNK = 500;

export function findProfile(db: DbOrTx, sandboxId: string, profileId: string): ProfileRecord | undefined {
  return db
    .select()
    .from(profiles)
    .where(and(eq(profiles.sandboxId, sandboxId), eq(profiles.profileId, profileId)))
    .get();
}

export function findProfilesByProfileIds(db: DbOrTx, sandboxId: string, profileIds: string[]): ProfileRecord[] {
  const out: ProfileRecord[] = [];
  for (let i = 0; i < profileIds.length; i += IN_CHUNK) {
    const chunk = profileIds.slice(i, i + IN_CHUNK);
    out.push(
      ...db
        .select()
        .from(profiles)
        .where(and(eq(profiles.sandboxId, sandboxId), inArray(profiles.profileId, chunk)))
        .all(),
    );
  }
  return out;
}

export function findProfilesByIds(db: DbOrTx, sandboxId: string, ids: string[]): ProfileRecord[] {
  const out: ProfileRecord[] = [];
  for (let i = 0; i < ids.length; i += IN_CHUNK) {
    const chunk = ids.slice(i, i + IN_CHUNK);
    out.push(
      ...db
        .select()
        .from(profiles)
        .where(and(eq(profiles.sandboxId, sandboxId), inArray(profiles.id, chunk)))
        .all(),
    );
  }
  return out;
}

/** Inserts the profile, or replaces the attributes of the existing one (keeping its id and createdAt). */
export function upsertProfile(db: DbOrTx, row: ProfileRecord): ProfileRecord {
  return db
    .insert(profiles)
    .values(row)
    .onConflictDoUpdate({
      target: [profiles.sandboxId, profiles.profileId],
      set: { attributes: row.attributes, updatedAt: row.updatedAt },
    })
    .returning()
    .get();
}

export function deleteProfile(db: DbOrTx, sandboxId: string, profileId: string): ProfileRecord | undefined {
  return db
    .delete(profiles)
    .where(and(eq(profiles.sandboxId, sandboxId), eq(profiles.profileId, profileId)))
    .returning()
    .get();
}
