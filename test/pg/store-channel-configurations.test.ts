import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as pgStore from '../../src/channel-configurations/store.pg.js';
import * as sqliteStore from '../../src/channel-configurations/store.sqlite.js';
import type { CheckRow, CheckView, ConfigurationRow, ListFilter } from '../../src/channel-configurations/store.sqlite.js';
import * as pgCredentials from '../../src/credentials/tables.pg.js';
import * as sqliteCredentials from '../../src/credentials/tables.js';
import type { PageWindow } from '../../src/platform/pagination.js';
import { openDatabase, type Database } from '../../src/platform/db.js';
import { openPg, type PgDatabase } from '../../src/platform/pg/database.js';
import { createFreshPgDatabase, type FreshPgDatabase } from '../../src/platform/pg/fresh-database.js';
import type { PgRootDb } from '../../src/platform/pg/handle.js';
import { migratePg } from '../../src/platform/pg/migrate.js';
import * as pgTenancy from '../../src/platform/tenancy/tables.pg.js';
import * as sqliteTenancy from '../../src/platform/tenancy/tables.js';
import { PG_ADMIN_URL, pg } from '../helpers/pg.js';

// The same rows in a fresh PostgreSQL database and a fresh SQLite file: every function of store.pg.ts runs on real
// rows, and the non-trivial ones must answer exactly what store.ts answers (the cross-dialect contract).

const T0 = Date.UTC(2025, 0, 2, 3, 4, 5, 678);
const at = (ms: number) => new Date(T0 + ms);
const id = (n: number) => `01JCFG${String(n).padStart(20, '0')}`; // ULID-shaped: 26 upper-case base32 characters
const [A, B, CRED] = ['sbx_a', 'sbx_b', 'cred_a'];

const organization = { id: 'org_1', name: 'Org', entitlements: [], createdAt: at(0) };
const sandboxRows = [
  { id: A, organizationId: 'org_1', name: 'a', createdAt: at(0) },
  { id: B, organizationId: 'org_1', name: 'b', createdAt: at(0) },
];
const credential: typeof sqliteCredentials.whatsappApiCredentials.$inferInsert = {
  id: CRED,
  sandboxId: A,
  name: 'Main',
  nameKey: 'main',
  businessAccountId: 'ba',
  wabaId: 'waba',
  phoneNumberId: 'pn',
  qualityRating: 'GREEN',
  throughputLevel: 'STANDARD',
  canSendMessage: true,
  apiTokenEnc: 'enc',
  apiTokenLast4: '1234',
  apiTokenScopes: [],
  status: 'ACTIVE',
  statusVersion: 1,
  statusChangedAt: at(0),
  warnings: [],
  createdAt: at(0),
  updatedAt: at(0),
};

function configuration(n: number, over: Partial<ConfigurationRow>): ConfigurationRow {
  return {
    id: id(n),
    sandboxId: A,
    name: `Config ${n}`,
    nameKey: `config ${n}`,
    description: null,
    channel: 'WHATSAPP',
    credentialId: null,
    webhookId: null,
    senderPhoneNumber: null,
    executionField: null,
    marketingActionIds: [],
    status: 'DRAFT',
    statusVersion: 0,
    previousStatus: null,
    statusChangedAt: at(n),
    statusReason: null,
    checkRun: 0,
    createdAt: at(n),
    updatedAt: at(n),
    ...over,
  };
}

// Names with LIKE metacharacters, one key with upper-case ASCII (SQLite's LIKE ignores its case), one in sandbox B.
const configurations: ConfigurationRow[] = [
  configuration(1, { name: 'Promo 100%', nameKey: 'promo 100%', status: 'ACTIVE', credentialId: CRED, checkRun: 1 }),
  configuration(2, { name: 'promo_x', nameKey: 'promo_x', status: 'ACTIVE', credentialId: CRED, marketingActionIds: ['m1', 'm2'] }),
  configuration(3, { name: 'Promoxx', nameKey: 'promoxx', status: 'PROCESSING', credentialId: CRED, checkRun: 2 }),
  configuration(4, { name: 'Back\\slash', nameKey: 'back\\slash', status: 'FAILED', credentialId: CRED, statusReason: 'no' }),
  configuration(5, { name: 'MiXed', nameKey: 'MiXed', description: 'a key not lower-cased' }),
  configuration(6, { name: 'Ünïcode Promo', nameKey: 'ünïcode promo', status: 'DEACTIVATED', previousStatus: 'ACTIVE' }),
  configuration(7, { name: 'Seven', nameKey: 'seven', senderPhoneNumber: '+15550001', executionField: 'phone' }),
  configuration(8, { sandboxId: B, name: 'Promo in B', nameKey: 'promo in b', status: 'ACTIVE' }),
];

const CHECK_NAMES = ['credential', 'webhook', 'sender'];
const checksOf = (configurationId: string, run: number, sandboxId = A): CheckRow[] =>
  CHECK_NAMES.map((name, position) => ({
    id: `${configurationId}-r${run}-${name}`,
    sandboxId,
    configurationId,
    run,
    name,
    status: 'PENDING',
    message: null,
    remedy: null,
    checkedAt: null,
    position,
  }));

const ids = (rows: { id: string }[]) => rows.map((r) => r.id);

describe.skipIf(!pg.available)(pg.title('channel-configuration store on PostgreSQL (same answers as SQLite)'), () => {
  let fresh: FreshPgDatabase;
  let database: PgDatabase<Record<string, never>>;
  let p: PgRootDb;
  let dir: string;
  let sqlite: Database;
  let s: Database['db'];

  beforeAll(async () => {
    fresh = await createFreshPgDatabase(PG_ADMIN_URL);
    database = await openPg(fresh.url, { schema: {}, poolSize: 2 });
    await migratePg(database.pool);
    // Not Object.assign(…, { dialect: 'pg' }): drizzle keeps its own PgDialect in the handle's `dialect` field (internal,
    // so absent from its types), and overwriting it breaks every query. The store never reads the tag.
    p = database.db as PgRootDb;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-pg-configs-'));
    sqlite = openDatabase(path.join(dir, 'wcs.sqlite'));
    s = sqlite.db;

    await p.insert(pgTenancy.organizations).values(organization);
    await p.insert(pgTenancy.sandboxes).values(sandboxRows);
    await p.insert(pgCredentials.whatsappApiCredentials).values(credential);
    s.insert(sqliteTenancy.organizations).values(organization).run();
    s.insert(sqliteTenancy.sandboxes).values(sandboxRows).run();
    s.insert(sqliteCredentials.whatsappApiCredentials).values(credential).run();
    for (const row of configurations) {
      await pgStore.insertConfiguration(p, row);
      sqliteStore.insertConfiguration(s, row);
    }
    const checks = [...checksOf(id(1), 1), ...checksOf(id(3), 1), ...checksOf(id(3), 2), ...checksOf(id(8), 1, B)];
    await pgStore.insertChecks(p, checks);
    sqliteStore.insertChecks(s, checks);
  });

  afterAll(async () => {
    sqlite?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    await database?.close();
    await fresh?.drop();
  });

  it('reads one configuration by id, by sandbox and id, and by name key, as inserted', async () => {
    const two = configurations[1]!;
    expect(await pgStore.findConfiguration(p, A, two.id)).toEqual(two);
    expect(await pgStore.findConfiguration(p, B, two.id)).toBeUndefined();
    expect(await pgStore.findConfigurationById(p, two.id)).toEqual(two);
    expect(await pgStore.findConfigurationById(p, 'nope')).toBeUndefined();
    expect(await pgStore.findConfigurationByNameKey(p, A, 'promo_x')).toEqual(two);
    expect(await pgStore.findConfigurationByNameKey(p, B, 'promo_x')).toBeUndefined();
    expect(await pgStore.findConfigurationByNameKey(p, A, 'mixed')).toBeUndefined(); // exact key, like SQLite's =
    expect(sqliteStore.findConfigurationByNameKey(s, A, 'mixed')).toBeUndefined();
  });

  it('finds many by id within one sandbox, in the order SQLite gives', async () => {
    const wanted = [id(7), id(2), id(8), 'missing', id(5), id(2)];
    const rows = await pgStore.findConfigurations(p, A, wanted);
    expect(ids(rows)).toEqual([id(2), id(5), id(7)]);
    expect(rows).toEqual(sqliteStore.findConfigurations(s, A, wanted));
    expect(await pgStore.findConfigurations(p, A, [])).toEqual([]);
  });

  it('pages and counts with every filter and window exactly like SQLite', async () => {
    const windows: PageWindow[] = [
      { limit: 3, direction: 'desc' },
      { limit: 20, direction: 'desc' },
      { limit: 2, direction: 'desc', afterId: id(6) },
      { limit: 2, direction: 'asc' },
      { limit: 2, direction: 'asc', beforeId: id(2) },
      { limit: 5, direction: 'desc', afterId: id(7), beforeId: id(1) },
      { limit: 0, direction: 'desc' },
    ];
    const filters: ListFilter[] = [
      {},
      { status: null, channel: null, search: null },
      { status: 'ACTIVE' },
      { channel: 'WHATSAPP', status: 'DRAFT' },
      { search: 'PROMO' },
      { search: '%' },
      { search: '_' },
      { search: 'o_x' },
      { search: '\\' },
      { search: 'mixed' },
      { search: 'ÜNÏ' },
      { search: 'promo', status: 'PROCESSING' },
    ];
    for (const filter of filters) {
      for (const window of windows) {
        expect(await pgStore.listConfigurations(p, A, window, filter), JSON.stringify({ filter, window })).toEqual(
          sqliteStore.listConfigurations(s, A, window, filter),
        );
      }
      expect(await pgStore.countConfigurations(p, A, filter), JSON.stringify(filter)).toBe(sqliteStore.countConfigurations(s, A, filter));
    }
    // The answers themselves, not only their agreement.
    expect(ids(await pgStore.listConfigurations(p, A, { limit: 3, direction: 'desc' }, {}))).toEqual([id(7), id(6), id(5), id(4)]); // + 1: is there more
    expect(ids(await pgStore.listConfigurations(p, A, { limit: 20, direction: 'desc' }, { search: 'promo' }))).toEqual([
      id(6),
      id(3),
      id(2),
      id(1),
    ]);
    expect(ids(await pgStore.listConfigurations(p, A, { limit: 20, direction: 'desc' }, { search: '%' }))).toEqual([id(1)]);
    expect(ids(await pgStore.listConfigurations(p, A, { limit: 20, direction: 'desc' }, { search: 'mixed' }))).toEqual([id(5)]);
    expect(await pgStore.countConfigurations(p, A, {})).toBe(7);
    expect(await pgStore.countConfigurations(p, B, {})).toBe(1);
    expect(await pgStore.countConfigurations(p, A, { search: 'o_x' })).toBe(1);
  });

  it('lists all of a sandbox and those of a credential by status, in id order', async () => {
    expect(ids(await pgStore.listAllConfigurations(p, A))).toEqual([1, 2, 3, 4, 5, 6, 7].map(id));
    expect(await pgStore.listAllConfigurations(p, B)).toEqual(sqliteStore.listAllConfigurations(s, B));
    for (const statuses of [['ACTIVE', 'PROCESSING'], ['FAILED'], ['DRAFT'], []] as const) {
      expect(await pgStore.listConfigurationsByCredential(p, A, CRED, [...statuses])).toEqual(
        sqliteStore.listConfigurationsByCredential(s, A, CRED, [...statuses]),
      );
    }
    expect(ids(await pgStore.listConfigurationsByCredential(p, A, CRED, ['ACTIVE', 'PROCESSING']))).toEqual([id(1), id(2), id(3)]);
    expect(await pgStore.listConfigurationsByCredential(p, B, CRED, ['ACTIVE'])).toEqual([]);
  });

  it('reads the checks of one run and of many runs like SQLite', async () => {
    const one = await pgStore.listChecks(p, id(3), 2);
    expect(one.map((c) => [c.name, c.position])).toEqual(CHECK_NAMES.map((n, i) => [n, i]));
    expect(one).toEqual(sqliteStore.listChecks(s, id(3), 2));
    expect(await pgStore.listChecks(p, id(3), 5)).toEqual([]);

    const keys = [
      { configurationId: id(1), run: 1 },
      { configurationId: id(3), run: 2 },
      { configurationId: id(8), run: 1 },
      { configurationId: id(2), run: 1 },
    ];
    const many = await pgStore.listChecksForMany(p, keys);
    // Callers group the rows by (configuration, run), each group by position: the order among equal positions is free.
    const grouped = (rows: CheckRow[]) =>
      [...rows].sort((x, y) => x.configurationId.localeCompare(y.configurationId) || x.position - y.position);
    expect(many.map((c) => c.id).sort()).toEqual(
      [...checksOf(id(1), 1), ...checksOf(id(3), 2), ...checksOf(id(8), 1, B)].map((c) => c.id).sort(),
    );
    // PostgreSQL breaks the ties by configuration id (SQLite's tie order is its plan's, here the same).
    expect(many.map((c) => [c.position, c.configurationId])).toEqual(
      [0, 1, 2].flatMap((position) => [id(1), id(3), id(8)].map((configurationId) => [position, configurationId])),
    );
    // SQLite reads only the columns a configuration shows (CheckView), in the same order within each configuration.
    const views = (rows: CheckView[]) =>
      rows
        .map(({ configurationId, run, name, status, message, remedy, checkedAt }) => ({
          configurationId,
          run,
          name,
          status,
          message,
          remedy,
          checkedAt,
        }))
        .sort((x, y) => x.configurationId.localeCompare(y.configurationId));
    expect(views(grouped(many))).toEqual(views(sqliteStore.listChecksForMany(s, keys)));
    expect(await pgStore.listChecksForMany(p, [])).toEqual([]);
  });

  it('updates a check, drops earlier runs, and keeps the same rows as SQLite', async () => {
    const patch = { status: 'FAILED' as const, message: 'No webhook', remedy: 'Add one', checkedAt: at(99) };
    await pgStore.updateCheck(p, id(3), 2, 'webhook', patch);
    sqliteStore.updateCheck(s, id(3), 2, 'webhook', patch);
    expect((await pgStore.listChecks(p, id(3), 2))[1]).toMatchObject({ name: 'webhook', ...patch });

    await pgStore.deleteChecksBefore(p, id(3), 2);
    sqliteStore.deleteChecksBefore(s, id(3), 2);
    expect(await pgStore.listChecks(p, id(3), 1)).toEqual([]);
    expect(await pgStore.listChecks(p, id(3), 2)).toEqual(sqliteStore.listChecks(s, id(3), 2));
    expect(await pgStore.listChecks(p, id(1), 1)).toHaveLength(3); // another configuration's run is untouched
  });

  it('updates, updates at a version (a count of one or nothing) and deletes within a sandbox, like SQLite', async () => {
    const seven = id(7);
    const patch = { description: 'now', marketingActionIds: ['m9'], updatedAt: at(1_000) };
    await pgStore.updateConfiguration(p, seven, patch);
    sqliteStore.updateConfiguration(s, seven, patch);
    expect(await pgStore.findConfiguration(p, A, seven)).toEqual({ ...configurations[6], ...patch });

    const move = { status: 'PROCESSING' as const, previousStatus: 'DRAFT' as const, statusVersion: 1, statusChangedAt: at(2_000) };
    for (const version of [0, 0, 5]) {
      expect(await pgStore.updateConfigurationAtVersion(p, seven, version, move)).toBe(
        sqliteStore.updateConfigurationAtVersion(s, seven, version, move),
      );
    }
    expect(await pgStore.updateConfigurationAtVersion(p, 'missing', 0, move)).toBe(false);
    expect(await pgStore.findConfiguration(p, A, seven)).toEqual(sqliteStore.findConfiguration(s, A, seven));
    expect(await pgStore.findConfiguration(p, A, seven)).toMatchObject(move);

    expect(await pgStore.deleteConfiguration(p, B, seven)).toBe(false); // another sandbox's id deletes nothing
    expect(sqliteStore.deleteConfiguration(s, B, seven)).toBe(false);
    expect(await pgStore.deleteConfiguration(p, A, id(1))).toBe(sqliteStore.deleteConfiguration(s, A, id(1)));
    expect(await pgStore.findConfiguration(p, A, id(1))).toBeUndefined();
    expect(await pgStore.listChecks(p, id(1), 1)).toEqual([]); // the checks go with it (ON DELETE CASCADE)
    expect(await pgStore.deleteConfiguration(p, A, id(1))).toBe(false);
    expect(await pgStore.listAllConfigurations(p, A)).toEqual(sqliteStore.listAllConfigurations(s, A));
  });

  it('exports every function of the SQLite store (checked by satisfies; here by name)', () => {
    expect(Object.keys(pgStore.pgStore).sort()).toEqual(Object.keys(sqliteStore).sort());
  });
});
