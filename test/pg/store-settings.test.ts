import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/platform/db.js';
import { openPg, type PgDatabase } from '../../src/platform/pg/database.js';
import { createFreshPgDatabase, type FreshPgDatabase } from '../../src/platform/pg/fresh-database.js';
import type { PgRootDb } from '../../src/platform/pg/handle.js';
import { migratePg } from '../../src/platform/pg/migrate.js';
import * as pgTenancy from '../../src/platform/tenancy/tables.pg.js';
import * as sqliteTenancy from '../../src/platform/tenancy/tables.js';
import * as pgStore from '../../src/settings/store.pg.js';
import * as sqliteStore from '../../src/settings/store.sqlite.js';
import type { MarketingActionRecord } from '../../src/settings/store.sqlite.js';
import { PG_ADMIN_URL, pg } from '../helpers/pg.js';

/**
 * settings/store.pg.ts against a fresh PostgreSQL database, and the same calls on a fresh SQLite file with the same
 * rows: each pair of results must be equal (the cross-dialect contract).
 */

const T0 = new Date('2024-05-01T10:00:00.123Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const byId = (rows: MarketingActionRecord[]) => [...rows].sort((a, b) => (a.id < b.id ? -1 : 1));

describe.skipIf(!pg.available)(pg.title('settings store on PostgreSQL = settings store on SQLite'), () => {
  let fresh: FreshPgDatabase;
  let opened: PgDatabase<Record<string, never>>;
  let db: PgRootDb;
  let lite: Database;
  let dir: string;

  beforeAll(async () => {
    fresh = await createFreshPgDatabase(PG_ADMIN_URL);
    opened = await openPg(fresh.url, { schema: {} as Record<string, never>, poolSize: 2 });
    await migratePg(opened.pool);
    // Not Object.assign(…, { dialect: 'pg' }): drizzle's own internal `dialect` property would be replaced.
    db = opened.db as PgRootDb;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-pg-settings-'));
    lite = openDatabase(path.join(dir, 'wcs.sqlite'));

    const org = { id: 'ORG1', name: 'acme', createdAt: T0 };
    const sandboxes = ['SB1', 'SB2'].map((id) => ({ id, organizationId: 'ORG1', name: id, createdAt: T0 }));
    await db.insert(pgTenancy.organizations).values(org);
    await db.insert(pgTenancy.sandboxes).values(sandboxes);
    lite.db.insert(sqliteTenancy.organizations).values(org).run();
    lite.db.insert(sqliteTenancy.sandboxes).values(sandboxes).run();
  });
  afterAll(async () => {
    lite?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    await opened?.close();
    await fresh?.drop();
  });

  /** Runs one call on both dialects, asserts equal results, returns the PostgreSQL one. */
  async function same<T>(onPg: Promise<T>, onSqlite: () => T): Promise<T> {
    const [a, b] = [await onPg, onSqlite()];
    expect(a).toEqual(b);
    return a;
  }

  it('general settings: none, inserted, then updated in place', async () => {
    expect(await same(pgStore.findGeneralSettings(db, 'SB1'), () => sqliteStore.findGeneralSettings(lite.db, 'SB1'))).toBeUndefined();
    const writes = [
      { sandboxId: 'SB1', whatsAppExecutionField: 'phone', updatedAt: at(1) },
      { sandboxId: 'SB2', whatsAppExecutionField: 'mobile', updatedAt: at(2) },
      { sandboxId: 'SB1', whatsAppExecutionField: 'contact.whatsapp', updatedAt: at(3) },
    ];
    for (const row of writes) {
      await pgStore.upsertGeneralSettings(db, row);
      sqliteStore.upsertGeneralSettings(lite.db, row);
    }
    expect(await same(pgStore.findGeneralSettings(db, 'SB1'), () => sqliteStore.findGeneralSettings(lite.db, 'SB1'))).toEqual(writes[2]);
    expect(await same(pgStore.findGeneralSettings(db, 'SB2'), () => sqliteStore.findGeneralSettings(lite.db, 'SB2'))).toEqual(writes[1]);
  });

  it('marketing actions: insert (duplicates ignored or refused), list by id, find by ids and by key', async () => {
    const action = (id: string, sandboxId: string, key: string, extra: Partial<MarketingActionRecord> = {}): MarketingActionRecord => ({
      id,
      sandboxId,
      key,
      name: `Action ${key}`,
      description: null,
      consentPolicy: null,
      createdAt: at(10),
      ...extra,
    });
    const rows = [
      action('MA3', 'SB1', 'newsletter', { consentPolicy: { attribute: 'consents.newsletter', allowedValues: ['yes', 'opt-in'] } }),
      action('MA1', 'SB1', 'promotions', { description: 'Sales and offers' }),
      action('MA2', 'SB1', 'reminders'),
      action('MB1', 'SB2', 'newsletter'),
    ];
    for (const row of rows) {
      await pgStore.insertMarketingAction(db, row);
      sqliteStore.insertMarketingAction(lite.db, row);
    }
    // A seed that races another: the same (sandbox, key) is skipped, the first row stays.
    const again = action('MA9', 'SB1', 'promotions', { name: 'Other' });
    await pgStore.insertMarketingAction(db, again, true);
    sqliteStore.insertMarketingAction(lite.db, again, true);
    await expect(pgStore.insertMarketingAction(db, again)).rejects.toThrow();
    expect(() => sqliteStore.insertMarketingAction(lite.db, again)).toThrow();

    const listed = await same(pgStore.listMarketingActions(db, 'SB1'), () => sqliteStore.listMarketingActions(lite.db, 'SB1'));
    expect(listed.map((r) => r.id)).toEqual(['MA1', 'MA2', 'MA3']);
    expect(listed[2]).toEqual(rows[0]);
    expect(listed[0]?.description).toBe('Sales and offers');
    expect(await same(pgStore.listMarketingActions(db, 'SB9'), () => sqliteStore.listMarketingActions(lite.db, 'SB9'))).toEqual([]);

    // Neither dialect orders these: compare as sets. Another sandbox's id and unknown ids find nothing.
    const ids = ['MA3', 'MB1', 'MA1', 'nope', 'MA3'];
    const found = byId(await pgStore.findMarketingActionsByIds(db, 'SB1', ids));
    expect(found).toEqual(byId(sqliteStore.findMarketingActionsByIds(lite.db, 'SB1', ids)));
    expect(found.map((r) => r.id)).toEqual(['MA1', 'MA3']);
    expect(
      await same(pgStore.findMarketingActionsByIds(db, 'SB1', []), () => sqliteStore.findMarketingActionsByIds(lite.db, 'SB1', [])),
    ).toEqual([]);

    const byKey = await same(pgStore.findMarketingActionByKey(db, 'SB2', 'newsletter'), () =>
      sqliteStore.findMarketingActionByKey(lite.db, 'SB2', 'newsletter'),
    );
    expect(byKey?.id).toBe('MB1');
    expect(
      await same(pgStore.findMarketingActionByKey(db, 'SB2', 'promotions'), () =>
        sqliteStore.findMarketingActionByKey(lite.db, 'SB2', 'promotions'),
      ),
    ).toBeUndefined();
  });
});
