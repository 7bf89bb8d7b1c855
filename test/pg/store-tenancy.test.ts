import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/platform/db.js';
import type { PageWindow } from '../../src/platform/pagination.js';
import { openPg, type PgDatabase } from '../../src/platform/pg/database.js';
import { createFreshPgDatabase, type FreshPgDatabase } from '../../src/platform/pg/fresh-database.js';
import type { PgRootDb, PgTxDb } from '../../src/platform/pg/handle.js';
import { migratePg } from '../../src/platform/pg/migrate.js';
import { pgTransaction } from '../../src/platform/pg/transaction.js';
import * as pgStore from '../../src/platform/tenancy/store.pg.js';
import * as sqliteStore from '../../src/platform/tenancy/store.sqlite.js';
import { PG_ADMIN_URL, pg } from '../helpers/pg.js';

/**
 * tenancy/store.pg.ts against a fresh PostgreSQL database, and the same calls on a fresh SQLite file with the same
 * rows: each pair of results must be equal (the cross-dialect contract).
 */

/**
 * The store handle type without setting its `dialect` tag: drizzle keeps its own (internal, untyped) `dialect`
 * property on every database and transaction object (the PgDialect that builds the SQL), so Object.assign'ing
 * `dialect: 'pg'` onto it breaks every query. The stores never read the tag.
 */
const pgHandle = (d: PgDatabase<Record<string, never>>['db']) => d as PgRootDb;

const T0 = new Date('2024-05-01T10:00:00.123Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

describe.skipIf(!pg.available)(pg.title('tenancy store on PostgreSQL = tenancy store on SQLite'), () => {
  let fresh: FreshPgDatabase;
  let opened: PgDatabase<Record<string, never>>;
  let db: PgRootDb;
  let lite: Database;
  let dir: string;

  beforeAll(async () => {
    fresh = await createFreshPgDatabase(PG_ADMIN_URL);
    opened = await openPg(fresh.url, { schema: {} as Record<string, never>, poolSize: 2 });
    await migratePg(opened.pool);
    db = pgHandle(opened.db);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-pg-tenancy-'));
    lite = openDatabase(path.join(dir, 'wcs.sqlite'));
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

  it('organizations and sandboxes: insert, find, count, entitlements', async () => {
    expect(await same(pgStore.countOrganizations(db), () => sqliteStore.countOrganizations(lite.db))).toBe(0);
    for (const org of [
      { id: 'ORG1', name: 'acme', createdAt: at(0) },
      { id: 'ORG2', name: 'globex', entitlements: ['bulk'], createdAt: at(1) },
    ]) {
      await pgStore.insertOrganization(db, org);
      sqliteStore.insertOrganization(lite.db, org);
    }
    expect(await same(pgStore.countOrganizations(db), () => sqliteStore.countOrganizations(lite.db))).toBe(2);
    // The column default gives [] on both.
    expect(await same(pgStore.findOrganizationByName(db, 'acme'), () => sqliteStore.findOrganizationByName(lite.db, 'acme'))).toEqual({
      id: 'ORG1',
      name: 'acme',
      entitlements: [],
      createdAt: at(0),
    });
    expect(await pgStore.findOrganizationByName(db, 'ACME')).toBeUndefined();
    expect(await pgStore.findOrganizationById(db, 'ORG3')).toBeUndefined();

    await pgStore.setEntitlements(db, 'ORG1', ['bulk', 'flows']);
    sqliteStore.setEntitlements(lite.db, 'ORG1', ['bulk', 'flows']);
    const org1 = await same(pgStore.findOrganizationById(db, 'ORG1'), () => sqliteStore.findOrganizationById(lite.db, 'ORG1'));
    expect(org1?.entitlements).toEqual(['bulk', 'flows']);
    expect((await pgStore.findOrganizationById(db, 'ORG2'))?.entitlements).toEqual(['bulk']);

    for (const sb of [
      { id: 'SB1', organizationId: 'ORG1', name: 'prod', createdAt: at(2) },
      { id: 'SB2', organizationId: 'ORG1', name: 'test', createdAt: at(3) },
      { id: 'SB3', organizationId: 'ORG2', name: 'prod', createdAt: at(4) },
    ]) {
      await pgStore.insertSandbox(db, sb);
      sqliteStore.insertSandbox(lite.db, sb);
    }
    expect(await same(pgStore.findSandbox(db, 'ORG2', 'prod'), () => sqliteStore.findSandbox(lite.db, 'ORG2', 'prod'))).toEqual({
      id: 'SB3',
      organizationId: 'ORG2',
      name: 'prod',
      createdAt: at(4),
    });
    expect(await pgStore.findSandbox(db, 'ORG2', 'test')).toBeUndefined();
    expect((await same(pgStore.findSandboxById(db, 'SB2'), () => sqliteStore.findSandboxById(lite.db, 'SB2')))?.name).toBe('test');
    expect(await pgStore.findSandboxById(db, 'SB9')).toBeUndefined();
  });

  it('API keys: list (creation order, ties by id), prefix, active-by-hash, revoke, touch', async () => {
    const key = (id: string, sandboxId: string, organizationId: string, createdAt: Date) => ({
      id,
      organizationId,
      sandboxId,
      role: 'ADMIN' as const,
      prefix: `wcs_${id}`,
      keyHash: `hash-${id}`,
      label: id === 'K2' ? null : `label ${id}`,
      createdAt,
    });
    // K3 is created first; K1 and K2 share a millisecond and are inserted in id order (as time-ordered ids are).
    for (const row of [key('K3', 'SB3', 'ORG2', at(5)), key('K1', 'SB1', 'ORG1', at(9)), key('K2', 'SB2', 'ORG1', at(9))]) {
      await pgStore.insertApiKey(db, row);
      sqliteStore.insertApiKey(lite.db, row);
    }
    const listed = await same(pgStore.listApiKeys(db), () => sqliteStore.listApiKeys(lite.db));
    expect(listed.map((l) => [l.key.id, l.organizationName, l.sandboxName])).toEqual([
      ['K3', 'globex', 'prod'],
      ['K1', 'acme', 'prod'],
      ['K2', 'acme', 'test'],
    ]);
    expect(listed[0]!.key).toMatchObject({ role: 'ADMIN', label: 'label K3', lastUsedAt: null, revokedAt: null });

    expect((await same(pgStore.findApiKeyByPrefix(db, 'wcs_K2'), () => sqliteStore.findApiKeyByPrefix(lite.db, 'wcs_K2')))?.id).toBe('K2');
    expect(await pgStore.findApiKeyByPrefix(db, 'wcs_K9')).toBeUndefined();

    const active = await same(pgStore.findActiveKeyByHash(db, 'hash-K1'), () => sqliteStore.findActiveKeyByHash(lite.db, 'hash-K1'));
    expect(active?.key.id).toBe('K1');
    expect(active?.organization).toEqual({ id: 'ORG1', name: 'acme', entitlements: ['bulk', 'flows'], createdAt: at(0) });
    expect(active?.sandbox).toEqual({ id: 'SB1', organizationId: 'ORG1', name: 'prod', createdAt: at(2) });

    await pgStore.revokeApiKey(db, 'K1', at(100));
    sqliteStore.revokeApiKey(lite.db, 'K1', at(100));
    expect(
      await same(pgStore.findActiveKeyByHash(db, 'hash-K1'), () => sqliteStore.findActiveKeyByHash(lite.db, 'hash-K1')),
    ).toBeUndefined();
    expect((await pgStore.findApiKeyByPrefix(db, 'wcs_K1'))?.revokedAt).toEqual(at(100));

    // First use sets last_used_at; a use within the interval leaves it; a later one moves it.
    const touches: [Date, Date][] = [
      [at(1_000), at(1_000)],
      [at(1_000 + 59_999), at(1_000)],
      [at(1_000 + 60_000), at(1_000)], // not strictly older than now - interval: still unchanged
      [at(1_000 + 60_001), at(1_000 + 60_001)],
    ];
    for (const [now, expected] of touches) {
      await pgStore.touchApiKey(db, 'K2', now, 60_000);
      sqliteStore.touchApiKey(lite.db, 'K2', now, 60_000);
      const row = await same(pgStore.findApiKeyByPrefix(db, 'wcs_K2'), () => sqliteStore.findApiKeyByPrefix(lite.db, 'wcs_K2'));
      expect(row?.lastUsedAt).toEqual(expected);
    }
    expect((await pgStore.findApiKeyByPrefix(db, 'wcs_K3'))?.lastUsedAt).toBeNull();
  });

  it('audit log: insert, update, windows both ways, count, find within the sandbox only', async () => {
    const entry = (n: number, sandboxId: string) => ({
      id: `AUD${String(n).padStart(2, '0')}`,
      organizationId: 'ORG1',
      sandboxId,
      apiKeyId: n % 2 ? 'K1' : null,
      actor: n % 2 ? 'wcs_K1' : 'cli',
      role: 'ADMIN',
      action: `action${n}`,
      objectType: n % 3 ? 'Credential' : null,
      outcome: 'PENDING',
      at: at(2_000 + n),
    });
    // Inserted out of id order: the windows must order by id, not by insertion.
    for (const n of [3, 1, 5, 2, 4, 6]) {
      const row = entry(n, n === 6 ? 'SB2' : 'SB1');
      await pgStore.insertAuditEntry(db, row);
      sqliteStore.insertAuditEntry(lite.db, row);
    }
    await pgStore.updateAuditEntry(db, 'AUD02', { objectId: 'obj-2', outcome: 'SUCCESS' });
    sqliteStore.updateAuditEntry(lite.db, 'AUD02', { objectId: 'obj-2', outcome: 'SUCCESS' });
    await pgStore.updateAuditEntry(db, 'AUD03', { outcome: 'NOT_FOUND' });
    sqliteStore.updateAuditEntry(lite.db, 'AUD03', { outcome: 'NOT_FOUND' });

    const two = await same(pgStore.findAuditEntry(db, 'SB1', 'AUD02'), () => sqliteStore.findAuditEntry(lite.db, 'SB1', 'AUD02'));
    expect(two).toMatchObject({
      objectId: 'obj-2',
      outcome: 'SUCCESS',
      apiKeyId: null,
      actor: 'cli',
      objectType: 'Credential',
      at: at(2_002),
    });
    expect(await pgStore.findAuditEntry(db, 'SB1', 'AUD03')).toMatchObject({ objectId: null, outcome: 'NOT_FOUND' });
    expect(
      await same(pgStore.findAuditEntry(db, 'SB2', 'AUD02'), () => sqliteStore.findAuditEntry(lite.db, 'SB2', 'AUD02')),
    ).toBeUndefined();

    expect(await same(pgStore.countAuditEntries(db, 'SB1'), () => sqliteStore.countAuditEntries(lite.db, 'SB1'))).toBe(5);
    expect(await same(pgStore.countAuditEntries(db, 'SB2'), () => sqliteStore.countAuditEntries(lite.db, 'SB2'))).toBe(1);
    expect(await same(pgStore.countAuditEntries(db, 'SB9'), () => sqliteStore.countAuditEntries(lite.db, 'SB9'))).toBe(0);

    const windows: [PageWindow, string[]][] = [
      [{ limit: 2, direction: 'desc' }, ['AUD05', 'AUD04', 'AUD03']],
      [{ limit: 2, direction: 'desc', afterId: 'AUD04' }, ['AUD03', 'AUD02', 'AUD01']],
      [{ limit: 10, direction: 'desc', afterId: 'AUD02' }, ['AUD01']],
      [{ limit: 2, direction: 'asc' }, ['AUD01', 'AUD02', 'AUD03']],
      [{ limit: 2, direction: 'asc', beforeId: 'AUD03' }, ['AUD04', 'AUD05']],
      [{ limit: 10, direction: 'desc', afterId: 'AUD05', beforeId: 'AUD01' }, ['AUD04', 'AUD03', 'AUD02']],
      [{ limit: 0, direction: 'desc' }, ['AUD05']],
    ];
    for (const [window, ids] of windows) {
      const rows = await same(pgStore.listAuditEntries(db, 'SB1', window), () => sqliteStore.listAuditEntries(lite.db, 'SB1', window));
      expect(rows.map((r) => r.id)).toEqual(ids);
    }
    expect((await pgStore.listAuditEntries(db, 'SB2', { limit: 5, direction: 'desc' })).map((r) => r.id)).toEqual(['AUD06']);
  });

  it('works on a transaction handle too', async () => {
    const name = await pgTransaction(opened.db, async (tx) => {
      const handle = tx as PgTxDb;
      await pgStore.insertOrganization(handle, { id: 'ORG3', name: 'initech', createdAt: at(50) });
      return (await pgStore.findOrganizationById(handle, 'ORG3'))?.name;
    });
    expect(name).toBe('initech');
    expect(await pgStore.countOrganizations(db)).toBe(3);
  });
});
