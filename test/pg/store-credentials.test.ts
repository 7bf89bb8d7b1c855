import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as pgStoreModule from '../../src/credentials/store.pg.js';
import * as sqliteStore from '../../src/credentials/store.sqlite.js';
import type { CredentialRow, MetaApiCallRow, QualityChangeRow } from '../../src/credentials/store.sqlite.js';
import { openDatabase, type Database } from '../../src/platform/db.js';
import { newId } from '../../src/platform/ids.js';
import type { PageWindow } from '../../src/platform/pagination.js';
import { openPg, type PgDatabase } from '../../src/platform/pg/database.js';
import { createFreshPgDatabase, type FreshPgDatabase } from '../../src/platform/pg/fresh-database.js';
import type { PgRootDb, PgTxDb } from '../../src/platform/pg/handle.js';
import { migratePg } from '../../src/platform/pg/migrate.js';
import * as pgTenancy from '../../src/platform/tenancy/tables.pg.js';
import * as sqliteTenancy from '../../src/platform/tenancy/tables.js';
import { PG_ADMIN_URL, pg } from '../helpers/pg.js';

const { pgStore } = pgStoreModule;
type Store = typeof pgStore;
type Name = keyof Store;
type ArgsOf<K extends Name> = Parameters<Store[K]> extends [unknown, ...infer A] ? A : never;

/**
 * credentials/store.pg.ts on a real server: every function against real rows, and the same calls on the SQLite store
 * over the same rows must give equal results (the cross-dialect contract).
 */
describe.skipIf(!pg.available)(pg.title('credentials store on PostgreSQL matches the SQLite store'), () => {
  let fresh: FreshPgDatabase;
  let database: PgDatabase<Record<string, never>>;
  let pgDb: PgRootDb;
  let lite: Database;
  let dir: string;

  const t0 = Date.UTC(2026, 0, 5, 9, 0, 0, 123);
  const at = (ms: number) => new Date(t0 + ms);
  const credentials: CredentialRow[] = [];

  function credential(i: number, over: Partial<CredentialRow>): CredentialRow {
    return {
      id: newId(t0 + i),
      sandboxId: 's1',
      name: `Cred ${i}`,
      nameKey: `cred ${i}`,
      businessAccountId: 'biz',
      wabaId: 'waba-a',
      wabaName: i % 2 ? 'Acme' : null,
      wabaOwnership: i % 2 ? 'OWNED' : null,
      phoneNumberId: `phone-${i}`,
      displayPhoneNumber: i % 2 ? '+1 555 0100' : null,
      verifiedName: null,
      qualityRating: 'GREEN',
      throughputLevel: 'STANDARD',
      messagesPerSecond: i % 2 ? 80 : null,
      messagingLimitTier: null,
      phoneStatus: 'CONNECTED',
      canSendMessage: i % 3 === 0 ? null : i % 3 === 1,
      apiTokenEnc: `enc-${i}`,
      apiTokenLast4: 'abcd',
      apiTokenType: 'SYSTEM_USER',
      apiTokenExpiresAt: i % 2 ? null : at(86_400_000),
      apiTokenScopes: ['whatsapp_business_messaging', 'whatsapp_business_management'],
      appId: null,
      status: 'ACTIVE',
      previousStatus: null,
      statusMessage: null,
      statusVersion: 1,
      statusChangedAt: at(i),
      warnings: i === 2 ? [{ code: 'W', message: 'quoted "x" ünï' }] : [],
      phoneNumberRefreshedAt: null,
      createdAt: at(i),
      updatedAt: at(i),
      ...over,
    };
  }

  /** Runs one store function on both dialects, asserts equal results and returns the PostgreSQL one. */
  async function both<K extends Name>(name: K, ...args: ArgsOf<K>): Promise<Awaited<ReturnType<Store[K]>>> {
    // await: the SQLite store is synchronous today and async after the lead's conversion; both work.
    const fromSqlite: unknown = await (sqliteStore[name] as (...a: unknown[]) => unknown)(lite.db, ...args);
    const fromPg = await (pgStore[name] as (...a: unknown[]) => Promise<unknown>)(pgDb, ...args);
    expect(fromPg).toEqual(fromSqlite);
    return fromPg as Awaited<ReturnType<Store[K]>>;
  }

  const byId = <T extends { id: string }>(rows: T[]) => [...rows].sort((a, b) => (a.id < b.id ? -1 : 1));

  beforeAll(async () => {
    fresh = await createFreshPgDatabase(PG_ADMIN_URL);
    database = await openPg(fresh.url, { schema: {}, poolSize: 2 });
    await migratePg(database.pool);
    // Typed as the store's handle without adding handle.ts's `dialect: 'pg'` tag: drizzle keeps its own PgDialect in
    // the (untyped) `dialect` property of every database, and overwriting it breaks every query.
    pgDb = database.db as unknown as PgRootDb;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-pg-credentials-'));
    lite = openDatabase(path.join(dir, 'db.sqlite'));

    const org = { id: 'o1', name: 'acme', createdAt: at(0) };
    const sandboxRows = ['s1', 's2'].map((id) => ({ id, organizationId: 'o1', name: id, createdAt: at(0) }));
    lite.db.insert(sqliteTenancy.organizations).values(org).run();
    lite.db.insert(sqliteTenancy.sandboxes).values(sandboxRows).run();
    await database.db.insert(pgTenancy.organizations).values(org);
    await database.db.insert(pgTenancy.sandboxes).values(sandboxRows);

    credentials.push(
      credential(1, {}),
      credential(2, { status: 'FAILED', previousStatus: 'PROCESSING', statusMessage: 'token rejected', wabaId: 'waba-b' }),
      credential(3, { phoneNumberId: 'shared-phone' }),
      credential(4, { status: 'PROCESSING', phoneNumberId: 'shared-phone' }),
      credential(5, { wabaId: 'waba-b' }),
      credential(6, {}),
      credential(7, { sandboxId: 's2', phoneNumberId: 'shared-phone' }),
    );
    for (const row of credentials) await both('insertCredential', row);
  });
  afterAll(async () => {
    lite?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    await database?.close();
    await fresh?.drop();
  });

  const [c1, c2, c3, c4, c5, c6, c7] = [0, 1, 2, 3, 4, 5, 6].map((i) => () => credentials[i]!);

  it('finds credentials by id, ids, name key, scoped to their sandbox', async () => {
    expect(await both('findCredential', 's1', c2().id)).toEqual(c2());
    expect(await both('findCredential', 's2', c2().id)).toBeUndefined();
    expect(await both('findCredentialById', c7().id)).toEqual(c7());
    expect(await both('findCredentialById', 'missing')).toBeUndefined();
    expect(await both('findCredentialByNameKey', 's1', 'cred 3')).toEqual(c3());
    expect(await both('findCredentialByNameKey', 's2', 'cred 3')).toBeUndefined();

    // No ORDER BY on either side: compare as sets.
    const ids = [c5().id, c1().id, c7().id, 'missing'];
    const fromPg = await pgStore.findCredentials(pgDb, 's1', ids);
    expect(byId(fromPg)).toEqual(byId(await sqliteStore.findCredentials(lite.db, 's1', ids)));
    expect(byId(fromPg)).toEqual([c1(), c5()]);
    expect(await both('findCredentials', 's1', [])).toEqual([]);
  });

  it('pages, counts and lists with the same windows, filters and order', async () => {
    const s1 = credentials.filter((c) => c.sandboxId === 's1');
    const newestFirst = [...s1].reverse();
    const windows: PageWindow[] = [
      { limit: 2, direction: 'desc' },
      { limit: 2, direction: 'desc', afterId: c5().id },
      { limit: 10, direction: 'desc', afterId: c5().id, beforeId: c1().id },
      { limit: 2, direction: 'asc' },
      { limit: 2, direction: 'asc', beforeId: c2().id },
      { limit: 0, direction: 'desc' },
    ];
    for (const window of windows) {
      await both('listCredentials', 's1', window);
      await both('listCredentials', 's1', window, 'ACTIVE');
      await both('listCredentials', 's1', window, null);
    }
    expect(await both('listCredentials', 's1', { limit: 2, direction: 'desc' })).toEqual(newestFirst.slice(0, 3));
    expect(await both('listCredentials', 's1', { limit: 2, direction: 'desc', afterId: c5().id })).toEqual([c4(), c3(), c2()]);
    expect(await both('listCredentials', 's1', { limit: 5, direction: 'asc', beforeId: c2().id }, 'ACTIVE')).toEqual([c3(), c5(), c6()]);

    expect(await both('countCredentials', 's1')).toBe(6);
    expect(await both('countCredentials', 's1', null)).toBe(6);
    expect(await both('countCredentials', 's1', 'ACTIVE')).toBe(4);
    expect(await both('countCredentials', 's2', 'FAILED')).toBe(0);

    expect(await both('listAllCredentials', 's1')).toEqual(s1);
    expect(await both('listAllCredentials', 's2')).toEqual([c7()]);
    expect(await both('listCredentialsByWabaId', 's1', 'waba-b')).toEqual([c2(), c5()]);
    expect(await both('listCredentialsByWabaId', 's2', 'waba-b')).toEqual([]);
    expect(await both('listCredentialsByPhoneNumberId', 's1', 'shared-phone')).toEqual([c3(), c4()]);
    expect(await both('listActiveCredentialIds')).toEqual(
      [c1(), c3(), c5(), c6(), c7()].map((c) => ({ id: c.id, sandboxId: c.sandboxId })),
    );
  });

  it('updates, updates at a version (false when stale) and deletes within the sandbox', async () => {
    const patch = {
      qualityRating: 'YELLOW' as const,
      canSendMessage: null,
      warnings: [{ code: 'LOW_QUALITY', message: 'quality dropped' }],
      apiTokenScopes: [],
      phoneNumberRefreshedAt: at(5_000),
      updatedAt: at(5_000),
    };
    await both('updateCredential', c1().id, patch);
    expect(await both('findCredentialById', c1().id)).toEqual({ ...c1(), ...patch });
    // Unknown id: nothing to update, no error.
    await both('updateCredential', 'missing', { statusMessage: 'x' });

    const moved = { status: 'ACTIVE' as const, previousStatus: 'PROCESSING' as const, statusVersion: 2, statusChangedAt: at(6_000) };
    expect(await both('updateCredentialAtVersion', c4().id, 1, moved)).toBe(true);
    expect(await both('updateCredentialAtVersion', c4().id, 1, { ...moved, statusVersion: 3 })).toBe(false);
    expect(await both('findCredentialById', c4().id)).toEqual({ ...c4(), ...moved });

    expect(await both('deleteCredential', 's2', c6().id)).toBe(false);
    expect(await both('deleteCredential', 's1', c6().id)).toBe(true);
    expect(await both('deleteCredential', 's1', c6().id)).toBe(false);
    expect(await both('countCredentials', 's1')).toBe(5);
  });

  it('records and finds quality changes', async () => {
    const change: QualityChangeRow = {
      id: newId(t0 + 10_000),
      sandboxId: 's1',
      credentialId: c3().id,
      phoneNumberId: 'shared-phone',
      previousQualityRating: null,
      qualityRating: 'RED',
      at: at(10_000),
      source: 'webhook',
    };
    await both('insertQualityChange', change);
    expect(await both('findQualityChange', 's1', change.id)).toEqual(change);
    expect(await both('findQualityChange', 's2', change.id)).toBeUndefined();
  });

  it('keeps the Meta call log: live ids, inserts, prunes to the newest, lists newest first', async () => {
    const ids = [c1().id, c3().id, 'deleted-credential', c7().id];
    expect([...(await both('existingCredentialIds', ids))].sort()).toEqual([c1().id, c3().id, c7().id].sort());
    expect(await both('existingCredentialIds', [])).toEqual(new Set());

    const call = (i: number, credentialId: string, sandboxId = 's1'): MetaApiCallRow => ({
      id: newId(t0 + 20_000 + i),
      sandboxId,
      credentialId,
      at: at(20_000 + i),
      method: i % 2 ? 'POST' : 'GET',
      path: `/v21.0/phone/messages?i=${i}`,
      httpStatus: i % 4 === 3 ? null : 200,
      metaCode: i % 4 === 2 ? 131_056 : null,
      fbtraceId: i % 2 ? `trace-${i}` : null,
      durationMs: 10 + i,
      outcome: i % 4 === 3 ? 'NETWORK_ERROR' : 'OK',
    });
    const calls = [...Array.from({ length: 8 }, (_, i) => call(i, c1().id)), call(8, c3().id), call(9, c7().id, 's2')];
    await both('insertApiCalls', calls);
    await both('insertApiCalls', []);
    const forC1 = calls.filter((c) => c.credentialId === c1().id).reverse();
    expect(await both('listRecentApiCalls', 's1', c1().id, 100)).toEqual(forC1);
    expect(await both('listRecentApiCalls', 's1', c1().id, 3)).toEqual(forC1.slice(0, 3));
    expect(await both('listRecentApiCalls', 's2', c1().id, 100)).toEqual([]);

    await both('pruneApiCalls', c1().id, 5);
    expect(await both('listRecentApiCalls', 's1', c1().id, 100)).toEqual(forC1.slice(0, 5));
    // Fewer calls than kept: nothing to prune.
    await both('pruneApiCalls', c3().id, 5);
    expect(await both('listRecentApiCalls', 's1', c3().id, 100)).toHaveLength(1);
    // keep 0: SQLite reads the negative OFFSET as 0 and keeps the newest; PostgreSQL must do the same.
    await both('pruneApiCalls', c1().id, 0);
    expect(await both('listRecentApiCalls', 's1', c1().id, 100)).toEqual(forC1.slice(0, 1));
    expect(await both('listRecentApiCalls', 's2', c7().id, 100)).toEqual([calls[9]]);
  });

  it('two flushes that overlap still keep only the newest calls (the second waits for the first to commit)', async () => {
    const credentialId = c5().id; // no calls of its own before this test
    const call = (i: number): MetaApiCallRow => ({
      id: newId(t0 + 30_000 + i),
      sandboxId: 's1',
      credentialId,
      at: at(30_000 + i),
      method: 'GET',
      path: `/v21.0/phone?i=${i}`,
      httpStatus: 200,
      metaCode: null,
      fbtraceId: null,
      durationMs: 10,
      outcome: 'OK',
    });
    const calls = [0, 1, 2, 3, 4].map(call);
    await pgStore.insertApiCalls(pgDb, calls.slice(0, 3));
    let commitFirst!: () => void;
    const firstMayCommit = new Promise<void>((resolve) => (commitFirst = resolve));
    let firstPruned!: () => void;
    const firstHasPruned = new Promise<void>((resolve) => (firstPruned = resolve));
    const flush = (row: MetaApiCallRow, beforeCommit?: () => Promise<void>) =>
      pgDb.transaction(async (tx) => {
        await pgStore.insertApiCalls(tx as PgTxDb, [row]);
        await pgStore.pruneApiCalls(tx as PgTxDb, credentialId, 3);
        await beforeCommit?.();
      });
    const first = flush(calls[3]!, async () => {
      firstPruned();
      await firstMayCommit;
    });
    await firstHasPruned;
    // Without the lock the second prunes against a view without the first's call, and four calls are left.
    const second = flush(calls[4]!);
    await new Promise((resolve) => setTimeout(resolve, 100));
    commitFirst();
    await Promise.all([first, second]);
    expect((await pgStore.listRecentApiCalls(pgDb, 's1', credentialId, 100)).map((c) => c.id)).toEqual(
      [calls[4]!, calls[3]!, calls[2]!].map((c) => c.id),
    );
  });

  it('covers every function of the PostgreSQL store', () => {
    // A new store function must get a test here: the list of exports is the list of functions this file calls.
    const exported = Object.keys(pgStoreModule).filter((k) => k !== 'pgStore');
    expect(exported.sort()).toEqual(Object.keys(pgStore).sort());
    expect(Object.keys(pgStore).sort()).toEqual(
      Object.keys(sqliteStore)
        .filter((k) => typeof (sqliteStore as Record<string, unknown>)[k] === 'function')
        .sort(),
    );
  });
});
