import { and, asc, count, eq, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { PgDbOrTx, PgStoreOf } from '../platform/pg/handle.js';
import { windowQuery, type PageWindow } from '../platform/pagination.js';
import type * as sqliteStore from './store.sqlite.js';
import type { CheckRow, ConfigurationPatch, ConfigurationRow, ListFilter } from './store.sqlite.js';
import type { CheckStatus, ConfigurationStatus } from './tables.js';
import { channelConfigurationChecks, channelConfigurations } from './tables.pg.js';

/**
 * The PostgreSQL twin of store.ts: the same functions and results. SQLite's per-connection prepared statements
 * (prepared, tableSelect) have no counterpart here: a node-postgres round trip costs far more than building the query.
 */

export async function insertConfiguration(db: PgDbOrTx, row: ConfigurationRow): Promise<void> {
  await db.insert(channelConfigurations).values(row);
}

export async function findConfiguration(db: PgDbOrTx, sandboxId: string, id: string): Promise<ConfigurationRow | undefined> {
  const [row] = await db
    .select()
    .from(channelConfigurations)
    .where(and(eq(channelConfigurations.sandboxId, sandboxId), eq(channelConfigurations.id, id)))
    .limit(1);
  return row;
}

export async function findConfigurations(db: PgDbOrTx, sandboxId: string, ids: string[]): Promise<ConfigurationRow[]> {
  if (!ids.length) return [];
  // SQLite returns these in id order (it walks the (sandbox_id, id) index or the sorted IN list); say so explicitly.
  return db
    .select()
    .from(channelConfigurations)
    .where(and(eq(channelConfigurations.sandboxId, sandboxId), inArray(channelConfigurations.id, ids)))
    .orderBy(asc(channelConfigurations.id));
}

/** Unscoped read for background work that carries the id in its payload. */
export async function findConfigurationById(db: PgDbOrTx, id: string): Promise<ConfigurationRow | undefined> {
  const [row] = await db.select().from(channelConfigurations).where(eq(channelConfigurations.id, id)).limit(1);
  return row;
}

export async function findConfigurationByNameKey(db: PgDbOrTx, sandboxId: string, nameKey: string): Promise<ConfigurationRow | undefined> {
  const [row] = await db
    .select()
    .from(channelConfigurations)
    .where(and(eq(channelConfigurations.sandboxId, sandboxId), eq(channelConfigurations.nameKey, nameKey)))
    .limit(1);
  return row;
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function filterConditions(sandboxId: string, filter: ListFilter): SQL[] {
  const conditions: SQL[] = [eq(channelConfigurations.sandboxId, sandboxId)];
  if (filter.status) conditions.push(eq(channelConfigurations.status, filter.status));
  if (filter.channel) conditions.push(eq(channelConfigurations.channel, filter.channel));
  if (filter.search) {
    const pattern = `%${escapeLike(filter.search.toLowerCase())}%`;
    // ILIKE: SQLite's LIKE ignores ASCII case, PostgreSQL's does not (name_key is lower-cased already, so this only
    // matters for a key written some other way, where it keeps the SQLite answer).
    conditions.push(sql`${channelConfigurations.nameKey} ILIKE ${pattern} ESCAPE '\\'`);
  }
  return conditions;
}

/**
 * platform/pagination.ts windowQuery for a PostgreSQL id column (that one is typed for SQLite columns): the same
 * conditions, order and one extra row.
 */

export async function listConfigurations(
  db: PgDbOrTx,
  sandboxId: string,
  window: PageWindow,
  filter: ListFilter,
): Promise<ConfigurationRow[]> {
  // One query for every window: SQLite's prepared fast path (no cursor = "after ~") selects the same rows.
  const q = windowQuery(channelConfigurations.id, window);
  return db
    .select()
    .from(channelConfigurations)
    .where(and(...filterConditions(sandboxId, filter), ...q.conditions))
    .orderBy(q.orderBy)
    .limit(q.limit);
}

export async function countConfigurations(db: PgDbOrTx, sandboxId: string, filter: ListFilter): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(channelConfigurations)
    .where(and(...filterConditions(sandboxId, filter)));
  return row?.n ?? 0;
}

export async function listAllConfigurations(db: PgDbOrTx, sandboxId: string): Promise<ConfigurationRow[]> {
  return db
    .select()
    .from(channelConfigurations)
    .where(eq(channelConfigurations.sandboxId, sandboxId))
    .orderBy(asc(channelConfigurations.id));
}

export async function listConfigurationsByCredential(
  db: PgDbOrTx,
  sandboxId: string,
  credentialId: string,
  statuses: ConfigurationStatus[],
): Promise<ConfigurationRow[]> {
  // drizzle turns inArray over [] into false on both dialects, as the SQLite store relies on.
  return db
    .select()
    .from(channelConfigurations)
    .where(
      and(
        eq(channelConfigurations.sandboxId, sandboxId),
        eq(channelConfigurations.credentialId, credentialId),
        inArray(channelConfigurations.status, statuses),
      ),
    )
    .orderBy(asc(channelConfigurations.id));
}

export async function updateConfiguration(db: PgDbOrTx, id: string, patch: ConfigurationPatch): Promise<void> {
  await db.update(channelConfigurations).set(patch).where(eq(channelConfigurations.id, id));
}

/** Optimistic update: only when nobody moved the status since `statusVersion` was read. */
export async function updateConfigurationAtVersion(
  db: PgDbOrTx,
  id: string,
  statusVersion: number,
  patch: ConfigurationPatch,
): Promise<boolean> {
  const result = await db
    .update(channelConfigurations)
    .set(patch)
    .where(and(eq(channelConfigurations.id, id), eq(channelConfigurations.statusVersion, statusVersion)));
  return (result.rowCount ?? 0) === 1;
}

export async function deleteConfiguration(db: PgDbOrTx, sandboxId: string, id: string): Promise<boolean> {
  const result = await db
    .delete(channelConfigurations)
    .where(and(eq(channelConfigurations.sandboxId, sandboxId), eq(channelConfigurations.id, id)));
  return (result.rowCount ?? 0) === 1;
}

// ---- checks ------------------------------------------------------------------

export async function insertChecks(db: PgDbOrTx, rows: CheckRow[]): Promise<void> {
  if (rows.length) await db.insert(channelConfigurationChecks).values(rows);
}

/** Earlier runs are not shown anywhere; dropping them keeps the table at one run per configuration. */
export async function deleteChecksBefore(db: PgDbOrTx, configurationId: string, run: number): Promise<void> {
  await db
    .delete(channelConfigurationChecks)
    .where(and(eq(channelConfigurationChecks.configurationId, configurationId), lt(channelConfigurationChecks.run, run)));
}

export async function listChecks(db: PgDbOrTx, configurationId: string, run: number): Promise<CheckRow[]> {
  return db
    .select()
    .from(channelConfigurationChecks)
    .where(and(eq(channelConfigurationChecks.configurationId, configurationId), eq(channelConfigurationChecks.run, run)))
    .orderBy(asc(channelConfigurationChecks.position));
}

/**
 * The checks of the given runs (each configuration's current one) in one statement: the (id, run) pairs are bound
 * as two arrays and unnested into rows (SQLite binds one JSON array and reads it with json_each), matched on the
 * (configuration_id, run, name) index.
 */
export async function listChecksForMany(db: PgDbOrTx, keys: { configurationId: string; run: number }[]): Promise<CheckRow[]> {
  if (!keys.length) return [];
  const c = channelConfigurationChecks;
  // sql.param: a bare array in drizzle's sql`` becomes a list of parameters, not one array parameter.
  const ids = sql.param(keys.map((k) => k.configurationId));
  const runs = sql.param(keys.map((k) => k.run));
  return (
    db
      .select()
      .from(c)
      .where(sql`(${c.configurationId}, ${c.run}) IN (SELECT * FROM unnest(${ids}::text[], ${runs}::integer[]))`)
      // Positions repeat across configurations; callers group by (configuration, run), the id only makes the order stable.
      .orderBy(asc(c.position), asc(c.configurationId))
  );
}

export async function updateCheck(
  db: PgDbOrTx,
  configurationId: string,
  run: number,
  name: string,
  patch: { status: CheckStatus; message: string | null; remedy: string | null; checkedAt: Date | null },
): Promise<void> {
  await db
    .update(channelConfigurationChecks)
    .set(patch)
    .where(
      and(
        eq(channelConfigurationChecks.configurationId, configurationId),
        eq(channelConfigurationChecks.run, run),
        eq(channelConfigurationChecks.name, name),
      ),
    );
}

export const pgStore = {
  insertConfiguration,
  findConfiguration,
  findConfigurations,
  findConfigurationById,
  findConfigurationByNameKey,
  listConfigurations,
  countConfigurations,
  listAllConfigurations,
  listConfigurationsByCredential,
  updateConfiguration,
  updateConfigurationAtVersion,
  deleteConfiguration,
  insertChecks,
  deleteChecksBefore,
  listChecks,
  listChecksForMany,
  updateCheck,
} satisfies PgStoreOf<typeof sqliteStore>;
