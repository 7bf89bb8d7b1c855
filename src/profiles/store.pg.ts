import { and, eq, inArray } from 'drizzle-orm';
import type { PgDbOrTx, PgStoreOf } from '../platform/pg/handle.js';
import type * as sqliteStore from './store.sqlite.js';
import type { ProfileRecord } from './store.sqlite.js';
import { profiles } from './tables.pg.js';

/** The profiles store on PostgreSQL: store.ts's functions and records, over tables.pg.ts. */

/**
 * Ids per IN (...) query. PostgreSQL's limit is 65,535 bound parameters, far above SQLite's, but the SQLite store's
 * chunk size keeps each statement small on both and the results identical (chunks are concatenated in order).
 */
const IN_CHUNK = 500;

export async function findProfile(db: PgDbOrTx, sandboxId: string, profileId: string): Promise<ProfileRecord | undefined> {
  const [row] = await db
    .select()
    .from(profiles)
    .where(and(eq(profiles.sandboxId, sandboxId), eq(profiles.profileId, profileId)))
    .limit(1);
  return row;
}

export async function findProfilesByProfileIds(db: PgDbOrTx, sandboxId: string, profileIds: string[]): Promise<ProfileRecord[]> {
  const out: ProfileRecord[] = [];
  for (let i = 0; i < profileIds.length; i += IN_CHUNK) {
    const chunk = profileIds.slice(i, i + IN_CHUNK);
    out.push(
      ...(await db
        .select()
        .from(profiles)
        .where(and(eq(profiles.sandboxId, sandboxId), inArray(profiles.profileId, chunk)))),
    );
  }
  return out;
}

export async function findProfilesByIds(db: PgDbOrTx, sandboxId: string, ids: string[]): Promise<ProfileRecord[]> {
  const out: ProfileRecord[] = [];
  for (let i = 0; i < ids.length; i += IN_CHUNK) {
    const chunk = ids.slice(i, i + IN_CHUNK);
    out.push(
      ...(await db
        .select()
        .from(profiles)
        .where(and(eq(profiles.sandboxId, sandboxId), inArray(profiles.id, chunk)))),
    );
  }
  return out;
}

/** Inserts the profile, or replaces the attributes of the existing one (keeping its id and createdAt). */
export async function upsertProfile(db: PgDbOrTx, row: ProfileRecord): Promise<ProfileRecord> {
  const [saved] = await db
    .insert(profiles)
    .values(row)
    .onConflictDoUpdate({
      target: [profiles.sandboxId, profiles.profileId],
      set: { attributes: row.attributes, updatedAt: row.updatedAt },
    })
    .returning();
  // An upsert returns its row whether it inserted or updated.
  if (!saved) throw new Error('upsertProfile: INSERT … ON CONFLICT DO UPDATE returned no row');
  return saved;
}

export async function deleteProfile(db: PgDbOrTx, sandboxId: string, profileId: string): Promise<ProfileRecord | undefined> {
  const [row] = await db
    .delete(profiles)
    .where(and(eq(profiles.sandboxId, sandboxId), eq(profiles.profileId, profileId)))
    .returning();
  return row;
}

export const pgStore = {
  findProfile,
  findProfilesByProfileIds,
  findProfilesByIds,
  upsertProfile,
  deleteProfile,
} satisfies PgStoreOf<typeof sqliteStore>;
