import { and, asc, count, desc, eq, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { SqliteDbOrTx as DbOrTx } from '../platform/sqlite.js';
import { columnsSelect, inJsonList, prepared, tableSelect } from '../platform/prepared.js';
import { windowQuery, type PageWindow } from '../platform/pagination.js';
import { channelConfigurationChecks, channelConfigurations, type Channel, type CheckStatus, type ConfigurationStatus } from './tables.js';

export type ConfigurationRow = typeof channelConfigurations.$inferSelect;
export type ConfigurationPatch = Partial<Omit<ConfigurationRow, 'id' | 'sandboxId' | 'createdAt'>>;
export type CheckRow = typeof channelConfigurationChecks.$inferSelect;
/** A check as a configuration shows it: its row without its id, sandbox and position (listChecksForMany). */
export type CheckView = Pick<CheckRow, 'configurationId' | 'run' | 'name' | 'status' | 'message' | 'remedy' | 'checkedAt'>;

export interface ListFilter {
  status?: ConfigurationStatus | null;
  channel?: Channel | null;
  /** Case-insensitive substring of the name. */
  search?: string | null;
}

export function insertConfiguration(db: DbOrTx, row: ConfigurationRow): void {
  db.insert(channelConfigurations).values(row).run();
}

export function findConfiguration(db: DbOrTx, sandboxId: string, id: string): ConfigurationRow | undefined {
  return db
    .select()
    .from(channelConfigurations)
    .where(and(eq(channelConfigurations.sandboxId, sandboxId), eq(channelConfigurations.id, id)))
    .get();
}

export function findConfigurations(db: DbOrTx, sandboxId: string, ids: string[]): ConfigurationRow[] {
  if (!ids.length) return [];
  return prepared(db, 'channel-configurations.findConfigurations', (d) =>
    d
      .select()
      .from(channelConfigurations)
      .where(and(eq(channelConfigurations.sandboxId, sql.placeholder('sandboxId')), inJsonList(channelConfigurations.id, 'ids')))
      .prepare(),
  ).all({ sandboxId, ids: JSON.stringify(ids) });
}

/** Unscoped read for background work that carries the id in its payload. */
export function findConfigurationById(db: DbOrTx, id: string): ConfigurationRow | undefined {
  return db.select().from(channelConfigurations).where(eq(channelConfigurations.id, id)).get();
}

export function findConfigurationByNameKey(db: DbOrTx, sandboxId: string, nameKey: string): ConfigurationRow | undefined {
  return db
    .select()
    .from(channelConfigurations)
    .where(and(eq(channelConfigurations.sandboxId, sandboxId), eq(channelConfigurations.nameKey, nameKey)))
    .get();
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
    conditions.push(sql`${channelConfigurations.nameKey} LIKE ${pattern} ESCAPE '\\'`);
  }
  return conditions;
}

export function listConfigurations(db: DbOrTx, sandboxId: string, window: PageWindow, filter: ListFilter): ConfigurationRow[] {
  // The common page (no filter, newest first, optionally after a cursor) runs a statement prepared once.
  if (!filter.status && !filter.channel && !filter.search && window.direction === 'desc' && !window.beforeId) {
    const page = prepared(db, 'channel-configurations.listNewestFirst', (d) =>
      tableSelect(
        d,
        channelConfigurations,
        d
          .select()
          .from(channelConfigurations)
          .where(
            and(
              eq(channelConfigurations.sandboxId, sql.placeholder('sandboxId')),
              lt(channelConfigurations.id, sql.placeholder('afterId')),
            ),
          )
          .orderBy(desc(channelConfigurations.id))
          .limit(sql.placeholder('limit')),
      ),
    );
    // A ULID is 26 characters of Crockford base32: "~" sorts after every id, so "no cursor" is "after ~".
    return page({ sandboxId, afterId: window.afterId ?? '~', limit: window.limit + 1 });
  }
  const q = windowQuery(channelConfigurations.id, window);
  return db
    .select()
    .from(channelConfigurations)
    .where(and(...filterConditions(sandboxId, filter), ...q.conditions))
    .orderBy(q.orderBy)
    .limit(q.limit)
    .all();
}

export function countConfigurations(db: DbOrTx, sandboxId: string, filter: ListFilter): number {
  if (!filter.status && !filter.channel && !filter.search) {
    const statement = prepared(db, 'channel-configurations.countAll', (d) =>
      d
        .select({ n: count() })
        .from(channelConfigurations)
        .where(eq(channelConfigurations.sandboxId, sql.placeholder('sandboxId')))
        .prepare(),
    );
    return statement.get({ sandboxId })?.n ?? 0;
  }
  return (
    db
      .select({ n: count() })
      .from(channelConfigurations)
      .where(and(...filterConditions(sandboxId, filter)))
      .get()?.n ?? 0
  );
}

export function listAllConfigurations(db: DbOrTx, sandboxId: string): ConfigurationRow[] {
  return db
    .select()
    .from(channelConfigurations)
    .where(eq(channelConfigurations.sandboxId, sandboxId))
    .orderBy(asc(channelConfigurations.id))
    .all();
}

export function listConfigurationsByCredential(
  db: DbOrTx,
  sandboxId: string,
  credentialId: string,
  statuses: ConfigurationStatus[],
): ConfigurationRow[] {
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
    .orderBy(asc(channelConfigurations.id))
    .all();
}

export function updateConfiguration(db: DbOrTx, id: string, patch: ConfigurationPatch): void {
  db.update(channelConfigurations).set(patch).where(eq(channelConfigurations.id, id)).run();
}

/** Optimistic update: only when nobody moved the status since `statusVersion` was read. */
export function updateConfigurationAtVersion(db: DbOrTx, id: string, statusVersion: number, patch: ConfigurationPatch): boolean {
  return (
    db
      .update(channelConfigurations)
      .set(patch)
      .where(and(eq(channelConfigurations.id, id), eq(channelConfigurations.statusVersion, statusVersion)))
      .run().changes === 1
  );
}

export function deleteConfiguration(db: DbOrTx, sandboxId: string, id: string): boolean {
  return (
    db
      .delete(channelConfigurations)
      .where(and(eq(channelConfigurations.sandboxId, sandboxId), eq(channelConfigurations.id, id)))
      .run().changes === 1
  );
}

// ---- checks ------------------------------------------------------------------

export function insertChecks(db: DbOrTx, rows: CheckRow[]): void {
  if (rows.length) db.insert(channelConfigurationChecks).values(rows).run();
}

/** Earlier runs are not shown anywhere; dropping them keeps the table at one run per configuration. */
export function deleteChecksBefore(db: DbOrTx, configurationId: string, run: number): void {
  db.delete(channelConfigurationChecks)
    .where(and(eq(channelConfigurationChecks.configurationId, configurationId), lt(channelConfigurationChecks.run, run)))
    .run();
}

export function listChecks(db: DbOrTx, configurationId: string, run: number): CheckRow[] {
  return db
    .select()
    .from(channelConfigurationChecks)
    .where(and(eq(channelConfigurationChecks.configurationId, configurationId), eq(channelConfigurationChecks.run, run)))
    .orderBy(asc(channelConfigurationChecks.position))
    .all();
}

/** The columns of a CheckView, in the order listChecksForMany reads them. */
const c = channelConfigurationChecks;
const CHECK_VIEW = {
  configurationId: c.configurationId,
  run: c.run,
  name: c.name,
  status: c.status,
  message: c.message,
  remedy: c.remedy,
  checkedAt: c.checkedAt,
};

/**
 * The checks of the given runs (each configuration's current one), in order, in one statement prepared once: the
 * (id, run) pairs are bound as one JSON array and matched on the (configuration_id, run, name) index, so a
 * configuration submitted many times reads only its current run's rows, not every run's to filter them here. Only
 * the columns a configuration shows are read (a list page reads this for every row).
 */
export function listChecksForMany(db: DbOrTx, keys: { configurationId: string; run: number }[]): CheckView[] {
  if (!keys.length) return [];
  return prepared(db, 'channel-configurations.checksOfRuns', (d) =>
    columnsSelect(
      d,
      c,
      CHECK_VIEW,
      d
        .select(CHECK_VIEW)
        .from(c)
        .where(
          sql`(${c.configurationId}, ${c.run}) IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(${sql.placeholder('runs')}))`,
        )
        .orderBy(asc(c.position)),
    ),
  )({ runs: JSON.stringify(keys.map((k) => [k.configurationId, k.run])) });
}

export function updateCheck(
  db: DbOrTx,
  configurationId: string,
  run: number,
  name: string,
  patch: { status: CheckStatus; message: string | null; remedy: string | null; checkedAt: Date | null },
): void {
  db.update(channelConfigurationChecks)
    .set(patch)
    .where(
      and(
        eq(channelConfigurationChecks.configurationId, configurationId),
        eq(channelConfigurationChecks.run, run),
        eq(channelConfigurationChecks.name, name),
      ),
    )
    .run();
}
