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
import * as pgStore from '../../src/profiles/store.pg.js';
import * as sqliteStore from '../../src/profiles/store.sqlite.js';
import type { ProfileRecord } from '../../src/profiles/store.sqlite.js';
import { PG_ADMIN_URL, pg } from '../helpers/pg.js';

/**
 * profiles/store.pg.ts against a fresh PostgreSQL database, and the same calls on a fresh SQLite file with the same
 * rows: each pair of results must be equal (the cross-dialect contract).
 */

const T0 = new Date('2024-05-01T10:00:00.123Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const byId = (rows: ProfileRecord[]) => [...rows].sort((a, b) => (a.id < b.id ? -1 : 1));

describe.skipIf(!pg.available)(pg.title('profiles store on PostgreSQL = profiles store on SQLite'), () => {
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
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-pg-profiles-'));
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

  const profile = (id: string, sandboxId: string, profileId: string, attributes: Record<string, unknown>, ms: number): ProfileRecord => ({
    id,
    sandboxId,
    profileId,
    attributes,
    createdAt: at(ms),
    updatedAt: at(ms),
  });

  it('upsert inserts, then replaces the attributes keeping id and createdAt; find; delete', async () => {
    expect(await same(pgStore.findProfile(db, 'SB1', 'alice'), () => sqliteStore.findProfile(lite.db, 'SB1', 'alice'))).toBeUndefined();

    const first = profile(
      'P1',
      'SB1',
      'alice',
      { phone: '+15550001', consents: { marketing: 'yes' }, tags: ['a', 'b'], n: 1.5, ok: true },
      1,
    );
    expect(await same(pgStore.upsertProfile(db, first), () => sqliteStore.upsertProfile(lite.db, first))).toEqual(first);

    const second = profile('P9', 'SB1', 'alice', { phone: '+15550002', nested: { empty: {}, nil: null } }, 2);
    const replaced = await same(pgStore.upsertProfile(db, second), () => sqliteStore.upsertProfile(lite.db, second));
    expect(replaced).toEqual({ ...second, id: 'P1', createdAt: at(1) });

    // The same caller id in another sandbox is another profile.
    const other = profile('P2', 'SB2', 'alice', { phone: '+15550003' }, 3);
    expect(await same(pgStore.upsertProfile(db, other), () => sqliteStore.upsertProfile(lite.db, other))).toEqual(other);

    expect(await same(pgStore.findProfile(db, 'SB1', 'alice'), () => sqliteStore.findProfile(lite.db, 'SB1', 'alice'))).toEqual(replaced);
    expect((await pgStore.findProfile(db, 'SB2', 'alice'))?.id).toBe('P2');

    const deleted = await same(pgStore.deleteProfile(db, 'SB2', 'alice'), () => sqliteStore.deleteProfile(lite.db, 'SB2', 'alice'));
    expect(deleted).toEqual(other);
    expect(await same(pgStore.deleteProfile(db, 'SB2', 'alice'), () => sqliteStore.deleteProfile(lite.db, 'SB2', 'alice'))).toBeUndefined();
    expect((await pgStore.findProfile(db, 'SB1', 'alice'))?.id).toBe('P1');
  });

  it('finds by caller ids and by ids, across IN chunks, within the sandbox only', async () => {
    const rows = [
      profile('P3', 'SB1', 'bob', { phone: '+15550004' }, 4),
      profile('P4', 'SB1', 'carol', {}, 5),
      profile('P5', 'SB2', 'dave', { phone: '+15550006' }, 6),
    ];
    for (const row of rows) {
      await pgStore.upsertProfile(db, row);
      sqliteStore.upsertProfile(lite.db, row);
    }
    // 1,200 ids: three chunks of 500, with hits in the first and the last and another sandbox's in between.
    const filler = (prefix: string) => Array.from({ length: 1_200 }, (_, i) => `${prefix}${i}`);
    const profileIds = filler('nobody-');
    profileIds[0] = 'alice';
    profileIds[700] = 'dave';
    profileIds[1_100] = 'bob';
    const byProfileId = byId(await pgStore.findProfilesByProfileIds(db, 'SB1', profileIds));
    expect(byProfileId).toEqual(byId(sqliteStore.findProfilesByProfileIds(lite.db, 'SB1', profileIds)));
    expect(byProfileId.map((r) => r.profileId)).toEqual(['alice', 'bob']);

    const ids = filler('X');
    ids[3] = 'P4';
    ids[600] = 'P5';
    ids[1_199] = 'P1';
    const found = byId(await pgStore.findProfilesByIds(db, 'SB1', ids));
    expect(found).toEqual(byId(sqliteStore.findProfilesByIds(lite.db, 'SB1', ids)));
    expect(found.map((r) => r.id)).toEqual(['P1', 'P4']);
    expect(found[1]?.attributes).toEqual({});

    expect(await same(pgStore.findProfilesByIds(db, 'SB1', []), () => sqliteStore.findProfilesByIds(lite.db, 'SB1', []))).toEqual([]);
    expect(
      await same(pgStore.findProfilesByProfileIds(db, 'SB2', []), () => sqliteStore.findProfilesByProfileIds(lite.db, 'SB2', [])),
    ).toEqual([]);
  });
});
