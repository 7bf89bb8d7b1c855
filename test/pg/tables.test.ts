import { getTableName, is, type InferInsertModel, type InferSelectModel, type SQL, type Table } from 'drizzle-orm';
import { getTableConfig as pgConfig, PgDialect, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteConfig, SQLiteSyncDialect, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import * as pg from '../helpers/db-schema.pg.js';
import * as sqlite from '../helpers/db-schema.js';

/**
 * The PostgreSQL tables (tables.pg.ts) must give every store the same records as the SQLite ones (tables.ts):
 * the same TypeScript types (checked by tsc below: a column of another type or nullability fails the
 * typecheck) and the same keys, indexes and foreign keys (checked at run time).
 */

type Equal<X, Y> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
type SameRecords<A extends Table, B extends Table> =
  Equal<InferSelectModel<A>, InferSelectModel<B>> extends true ? Equal<InferInsertModel<A>, InferInsertModel<B>> : false;

export type TypeChecks = [
  Expect<SameRecords<typeof pg.organizations, typeof sqlite.organizations>>,
  Expect<SameRecords<typeof pg.sandboxes, typeof sqlite.sandboxes>>,
  Expect<SameRecords<typeof pg.apiKeys, typeof sqlite.apiKeys>>,
  Expect<SameRecords<typeof pg.auditLog, typeof sqlite.auditLog>>,
  Expect<SameRecords<typeof pg.jobs, typeof sqlite.jobs>>,
  Expect<SameRecords<typeof pg.channelGeneralSettings, typeof sqlite.channelGeneralSettings>>,
  Expect<SameRecords<typeof pg.marketingActions, typeof sqlite.marketingActions>>,
  Expect<SameRecords<typeof pg.whatsappApiCredentials, typeof sqlite.whatsappApiCredentials>>,
  Expect<SameRecords<typeof pg.metaApiCalls, typeof sqlite.metaApiCalls>>,
  Expect<SameRecords<typeof pg.phoneQualityChanges, typeof sqlite.phoneQualityChanges>>,
  Expect<SameRecords<typeof pg.whatsappAccountBlocks, typeof sqlite.whatsappAccountBlocks>>,
  Expect<SameRecords<typeof pg.whatsappWebhooks, typeof sqlite.whatsappWebhooks>>,
  Expect<SameRecords<typeof pg.webhookDeliveries, typeof sqlite.webhookDeliveries>>,
  Expect<SameRecords<typeof pg.profiles, typeof sqlite.profiles>>,
  Expect<SameRecords<typeof pg.channelConfigurations, typeof sqlite.channelConfigurations>>,
  Expect<SameRecords<typeof pg.channelConfigurationChecks, typeof sqlite.channelConfigurationChecks>>,
  Expect<SameRecords<typeof pg.whatsappContacts, typeof sqlite.whatsappContacts>>,
  Expect<SameRecords<typeof pg.consentChanges, typeof sqlite.consentChanges>>,
  Expect<SameRecords<typeof pg.whatsappMessages, typeof sqlite.whatsappMessages>>,
  Expect<SameRecords<typeof pg.pendingStatuses, typeof sqlite.pendingStatuses>>,
  Expect<SameRecords<typeof pg.trackingEvents, typeof sqlite.trackingEvents>>,
  Expect<SameRecords<typeof pg.messageBatches, typeof sqlite.messageBatches>>,
  Expect<SameRecords<typeof pg.messageBatchRecipients, typeof sqlite.messageBatchRecipients>>,
  Expect<SameRecords<typeof pg.messageLinks, typeof sqlite.messageLinks>>,
];

// The check itself must be able to fail: a nullable column differs from a non-null one.
export type SelfCheck = Expect<Equal<Equal<{ a: string | null }, { a: string }>, false>>;

const pgDialect = new PgDialect();
const sqliteDialect = new SQLiteSyncDialect();

/** A dialect-neutral picture of a table: what a migration creates. */
function shape(config: ReturnType<typeof pgConfig> | ReturnType<typeof sqliteConfig>, render: (where: SQL) => string) {
  return {
    columns: config.columns
      .map((c) => ({ name: c.name, notNull: c.notNull, primary: c.primary, hasDefault: c.hasDefault, unique: c.isUnique }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    primaryKeys: config.primaryKeys.map((pk) => pk.columns.map((c) => c.name)),
    indexes: config.indexes
      .map((i) => ({
        name: i.config.name,
        unique: i.config.unique,
        columns: i.config.columns.map((c) => ('name' in c ? c.name : '?')),
        where: i.config.where ? render(i.config.where) : null,
      }))
      .sort((a, b) => String(a.name).localeCompare(String(b.name))),
    foreignKeys: config.foreignKeys
      .map((fk) => {
        const ref = fk.reference();
        return {
          columns: ref.columns.map((c) => c.name),
          table: getTableName(ref.foreignTable),
          foreignColumns: ref.foreignColumns.map((c) => c.name),
          onDelete: fk.onDelete ?? 'no action',
        };
      })
      .sort((a, b) => a.columns.join().localeCompare(b.columns.join())),
  };
}

const pgTables = new Map((Object.values(pg) as unknown[]).filter((v): v is PgTable => is(v, PgTable)).map((t) => [pgConfig(t).name, t]));
const sqliteTables = new Map(
  (Object.values(sqlite) as unknown[]).filter((v): v is SQLiteTable => is(v, SQLiteTable)).map((t) => [sqliteConfig(t).name, t]),
);

describe('PostgreSQL tables mirror the SQLite tables', () => {
  it('every SQLite table has a PostgreSQL twin and none is extra', () => {
    const missing = [...sqliteTables.keys()].filter((n) => !pgTables.has(n));
    const extra = [...pgTables.keys()].filter((n) => !sqliteTables.has(n));
    expect({ missing, extra }).toEqual({ missing: [], extra: [] });
    expect(pgTables.size).toBeGreaterThanOrEqual(24);
  });

  for (const [name, pgTable] of pgTables) {
    it(`${name}: same columns, keys, indexes and foreign keys`, () => {
      const sqliteTable = sqliteTables.get(name);
      if (!sqliteTable) throw new Error(`no SQLite table ${name}`);
      const p = shape(pgConfig(pgTable), (w) => pgDialect.sqlToQuery(w).sql);
      const s = shape(sqliteConfig(sqliteTable), (w) => sqliteDialect.sqlToQuery(w).sql);
      expect(p).toEqual(s);
    });
  }
});
