import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { asc } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/platform/db.js';
import type { PageWindow } from '../../src/platform/pagination.js';
import { openPg, type PgDatabase } from '../../src/platform/pg/database.js';
import { createFreshPgDatabase, type FreshPgDatabase } from '../../src/platform/pg/fresh-database.js';
import type { PgRootDb } from '../../src/platform/pg/handle.js';
import { migratePg } from '../../src/platform/pg/migrate.js';
import * as sqliteStore from '../../src/webhooks/store.sqlite.js';
import type { NewDelivery, WebhookRow } from '../../src/webhooks/store.sqlite.js';
import { pgStore } from '../../src/webhooks/store.pg.js';
import * as pgTables from '../helpers/db-schema.pg.js';
import * as liteTables from '../helpers/db-schema.js';
import { PG_ADMIN_URL, pg } from '../helpers/pg.js';

/**
 * The webhooks store on PostgreSQL (store.pg.ts) against its SQLite twin (store.ts): every function runs on real rows,
 * and each call is made on both databases with the same rows before it, which must give equal results and leave
 * equal tables (the cross-dialect contract).
 */

type PgStore = typeof pgStore;
type Args<K extends keyof PgStore> = PgStore[K] extends (db: never, ...args: infer A) => unknown ? A : never;
type Result<K extends keyof PgStore> = Awaited<ReturnType<PgStore[K]>>;
type AnyStoreFunction = (db: unknown, ...args: unknown[]) => unknown;

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0, 0);
const at = (ms: number) => new Date(T0 + ms);

function webhook(id: string, sandboxId: string, name: string, credentialId = 'c1'): WebhookRow {
  return {
    id,
    sandboxId,
    name,
    nameKey: name.toLowerCase(),
    credentialId,
    pathId: `path-${id}`,
    verifyTokenEnc: 'v-enc',
    verifyTokenHash: 'v-hash',
    verifyTokenLast4: 'v4v4',
    appSecretEnc: 'a-enc',
    appSecretLast4: 'a4a4',
    keywordRules: [{ category: 'OPT_OUT', keywords: ['STOP', 'unsubscribe'], replyMessage: 'Bye "now"' }],
    secretVersion: 1,
    verifiedAt: null,
    lastEventAt: null,
    createdAt: at(0),
    updatedAt: at(1),
  };
}

function delivery(id: string, webhookId: string, body: string, ms: number, sandboxId = 's1'): NewDelivery {
  // The hash stands in for SHA-256: the store only compares it.
  return { id, sandboxId, webhookId, receivedAt: at(ms), body: Buffer.from(body), bodySha256: `sha-${body}` };
}

describe.skipIf(!pg.available)(pg.title('webhooks store on PostgreSQL equals the SQLite store'), () => {
  let fresh: FreshPgDatabase;
  let pgDatabase: PgDatabase<Record<string, never>>;
  let pgDb: PgRootDb;
  let dir: string;
  let lite: Database;

  beforeAll(async () => {
    fresh = await createFreshPgDatabase(PG_ADMIN_URL);
    pgDatabase = await openPg(fresh.url, { schema: {} as Record<string, never>, poolSize: 2 });
    await migratePg(pgDatabase.pool);
    // Not tagged with Object.assign(db, { dialect: 'pg' }): drizzle keeps its PgDialect in db.dialect, and the tag
    // would replace it (every query then fails with "this.dialect.buildInsertQuery is not a function"). The store
    // never reads the tag, so the untagged client stands in for the handle.
    pgDb = pgDatabase.db as PgRootDb;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-pg-webhooks-'));
    lite = openDatabase(path.join(dir, 'wcs.sqlite'));

    // The parent rows: two sandboxes (isolation) and one credential in each.
    const org = { id: 'o1', name: 'acme', createdAt: at(0) };
    const sandboxRows = ['s1', 's2'].map((id) => ({ id, organizationId: 'o1', name: id, createdAt: at(0) }));
    const credentials = sandboxRows.map((s, i) => ({
      id: `c${i + 1}`,
      sandboxId: s.id,
      name: `Main ${i}`,
      nameKey: `main ${i}`,
      businessAccountId: 'b',
      wabaId: 'w',
      phoneNumberId: 'p',
      qualityRating: 'GREEN' as const,
      throughputLevel: 'STANDARD' as const,
      apiTokenEnc: 'enc',
      apiTokenLast4: 'abcd',
      apiTokenScopes: [],
      status: 'ACTIVE' as const,
      statusVersion: 1,
      statusChangedAt: at(0),
      warnings: [],
      createdAt: at(0),
      updatedAt: at(0),
    }));
    await pgDb.insert(pgTables.organizations).values(org);
    await pgDb.insert(pgTables.sandboxes).values(sandboxRows);
    await pgDb.insert(pgTables.whatsappApiCredentials).values(credentials);
    lite.db.insert(liteTables.organizations).values(org).run();
    lite.db.insert(liteTables.sandboxes).values(sandboxRows).run();
    lite.db.insert(liteTables.whatsappApiCredentials).values(credentials).run();
  });
  afterAll(async () => {
    lite?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    await pgDatabase?.close();
    await fresh?.drop();
  });

  /** Runs one store function on both databases and asserts equal results; returns the PostgreSQL one. */
  async function both<K extends keyof PgStore>(name: K, ...args: Args<K>): Promise<Result<K>> {
    const liteHandle = lite.db;
    const fromLite = (sqliteStore[name] as AnyStoreFunction)(liteHandle, ...args);
    const fromPg = (await (pgStore[name] as AnyStoreFunction)(pgDb, ...args)) as Result<K>;
    expect(fromPg, name).toEqual(fromLite);
    return fromPg;
  }

  /** Both databases hold the same webhooks and deliveries. */
  async function sameTables(): Promise<void> {
    const liteWebhooks = lite.db.select().from(liteTables.whatsappWebhooks).orderBy(asc(liteTables.whatsappWebhooks.id)).all();
    const pgWebhooks = await pgDb.select().from(pgTables.whatsappWebhooks).orderBy(asc(pgTables.whatsappWebhooks.id));
    expect(pgWebhooks).toEqual(liteWebhooks);
    const liteDeliveries = lite.db.select().from(liteTables.webhookDeliveries).orderBy(asc(liteTables.webhookDeliveries.id)).all();
    const pgDeliveries = await pgDb.select().from(pgTables.webhookDeliveries).orderBy(asc(pgTables.webhookDeliveries.id));
    expect(pgDeliveries).toEqual(liteDeliveries);
  }

  const windows: PageWindow[] = [
    { limit: 20, direction: 'desc' },
    { limit: 1, direction: 'desc' },
    { limit: 2, direction: 'desc', afterId: 'W3' },
    { limit: 1, direction: 'asc', beforeId: 'W1' },
    { limit: 5, direction: 'asc' },
    { limit: 0, direction: 'desc' },
  ];

  it('webhooks: insert, finds, lists, counts, update and delete, per sandbox', async () => {
    for (const row of [
      webhook('W1', 's1', 'Alpha'),
      webhook('W2', 's1', 'Beta'),
      webhook('W3', 's1', 'Gamma'),
      webhook('W9', 's2', 'Other', 'c2'),
    ]) {
      await both('insertWebhook', row);
    }
    await sameTables();

    expect(await both('findWebhook', 's1', 'W2')).toEqual(webhook('W2', 's1', 'Beta'));
    expect(await both('findWebhook', 's2', 'W2')).toBeUndefined();
    expect((await both('findWebhookById', 'W9'))?.sandboxId).toBe('s2');
    expect(await both('findWebhookById', 'nope')).toBeUndefined();
    expect((await both('findWebhooks', 's1', ['W3', 'W1', 'W9', 'nope'])).map((w) => w.id).sort()).toEqual(['W1', 'W3']);
    expect(await both('findWebhooks', 's1', [])).toEqual([]);
    expect((await both('findWebhookByPathId', 'path-W3'))?.id).toBe('W3');
    expect(await both('findWebhookByPathId', 'path-none')).toBeUndefined();
    expect((await both('findWebhookByNameKey', 's1', 'gamma'))?.id).toBe('W3');
    expect(await both('findWebhookByNameKey', 's2', 'gamma')).toBeUndefined();

    expect((await both('listWebhooks', 's1', windows[0]!)).map((w) => w.id)).toEqual(['W3', 'W2', 'W1']);
    for (const window of windows.slice(1)) await both('listWebhooks', 's1', window);
    expect(await both('countWebhooks', 's1')).toBe(3);
    expect(await both('countWebhooks', 's2')).toBe(1);
    expect((await both('listWebhooksByCredential', 's1', 'c1')).map((w) => w.id)).toEqual(['W1', 'W2', 'W3']);
    expect(await both('listWebhooksByCredential', 's2', 'c1')).toEqual([]);

    await both('updateWebhook', 'W2', {
      name: 'Beta 2',
      nameKey: 'beta 2',
      keywordRules: [{ category: 'HELP', keywords: ['HELP'], replyMessage: 'Ask us' }],
      secretVersion: 2,
      verifiedAt: at(500),
      updatedAt: at(501),
    });
    await sameTables();
    expect(await both('findWebhookByNameKey', 's1', 'beta 2')).toMatchObject({ secretVersion: 2, verifiedAt: at(500) });

    expect(await both('deleteWebhook', 's2', 'W3')).toBe(false); // another sandbox's id deletes nothing
    await both('insertWebhook', webhook('W4', 's1', 'Doomed'));
    expect(await both('deleteWebhook', 's1', 'W4')).toBe(true);
    expect(await both('deleteWebhook', 's1', 'W4')).toBe(false);
    await sameTables();
  });

  it('the inbox: duplicates on ingest, outcomes, lists, counts, hand-over and pruning', async () => {
    // D03 repeats D01 (stored earlier), D05 repeats D04 within the commit; W2's 'a' is another webhook's, so not a duplicate.
    const first = [delivery('D01', 'W1', 'a', 10), delivery('D02', 'W1', 'b', 20)];
    expect(await both('insertDeliveries', first)).toBe(2);
    const second = [
      delivery('D03', 'W1', 'a', 30),
      delivery('D04', 'W1', 'c', 40),
      delivery('D05', 'W1', 'c', 50),
      delivery('D06', 'W2', 'a', 45),
    ];
    expect(await both('insertDeliveries', second)).toBe(2);
    expect(await both('insertDeliveries', [])).toBe(0);
    await sameTables();
    const dup = await pgDb.select().from(pgTables.webhookDeliveries).orderBy(asc(pgTables.webhookDeliveries.id));
    expect(dup.map((d) => d.outcome)).toEqual(['PENDING', 'PENDING', 'DUPLICATE', 'PENDING', 'DUPLICATE', 'PENDING']);
    // A duplicate moved its webhook's last event (to the later of D03 and D05).
    expect((await both('findWebhookById', 'W1'))?.lastEventAt).toEqual(at(50));
    expect((await both('findWebhookById', 'W2'))?.lastEventAt).toBeNull();

    expect(await both('findDeliveryForProcessing', 'D04')).toEqual({
      id: 'D04',
      webhookId: 'W1',
      receivedAt: at(40),
      body: Buffer.from('c'),
      bodySha256: 'sha-c',
    });
    expect(await both('findDeliveryForProcessing', 'nope')).toBeUndefined();
    expect(await both('earlierIdenticalDelivery', 'W1', 'sha-a', 'D03')).toEqual({ changes: null });
    expect(await both('earlierIdenticalDelivery', 'W1', 'sha-a', 'D01')).toBeUndefined();
    expect(await both('earlierIdenticalDelivery', 'W2', 'sha-c', 'D99')).toBeUndefined();

    expect(await both('listFreshPendingIds', 10)).toEqual(['D01', 'D02', 'D04', 'D06']);
    expect(await both('listFreshPendingIds', 2)).toEqual(['D01', 'D02']);
    expect(await both('hasPendingDeliveries')).toBe(true);

    // Processing D01 and D04 fills in their duplicates' change counts; an older receivedAt does not move last_event_at back.
    await both('writeOutcomes', [
      {
        id: 'D01',
        outcome: 'PROCESSED',
        detail: null,
        changes: 3,
        processedAt: at(1000),
        webhookId: 'W1',
        receivedAt: at(10),
        bodySha256: 'sha-a',
      },
      {
        id: 'D04',
        outcome: 'QUARANTINED',
        detail: 'not JSON',
        changes: 0,
        processedAt: at(1001),
        webhookId: 'W1',
        receivedAt: at(40),
        bodySha256: 'sha-c',
      },
      {
        id: 'D06',
        outcome: 'PROCESSED',
        detail: null,
        changes: 1,
        processedAt: at(1002),
        webhookId: 'W2',
        receivedAt: at(45),
        bodySha256: 'sha-a',
      },
    ]);
    await sameTables();
    expect(await both('earlierIdenticalDelivery', 'W1', 'sha-a', 'D03')).toEqual({ changes: 3 });
    expect((await both('findWebhookById', 'W1'))?.lastEventAt).toEqual(at(50));
    expect((await both('findWebhookById', 'W2'))?.lastEventAt).toEqual(at(45));
    expect(await both('countQuarantinedDeliveries', 'W1')).toBe(1);
    expect(await both('countQuarantinedDeliveries', 'W2')).toBe(0);

    const summaries = await both('findDeliverySummaries', 's1', ['D05', 'D01', 'nope']);
    expect(summaries.map((s) => s.id).sort()).toEqual(['D01', 'D05']);
    expect(summaries[0]).not.toHaveProperty('body');
    expect(await both('findDeliverySummaries', 's2', ['D01'])).toEqual([]);
    expect(await both('findDeliverySummaries', 's1', [])).toEqual([]);
    const deliveryWindows: PageWindow[] = [
      { limit: 20, direction: 'desc' },
      { limit: 2, direction: 'desc', afterId: 'D04' },
      { limit: 2, direction: 'asc', beforeId: 'D02' },
      { limit: 1, direction: 'asc' },
    ];
    expect((await both('listDeliveries', 'W1', deliveryWindows[0]!)).map((d) => d.id)).toEqual(['D05', 'D04', 'D03', 'D02', 'D01']);
    for (const window of deliveryWindows.slice(1)) await both('listDeliveries', 'W1', window);
    expect(await both('countDeliveries', 'W1')).toBe(5);
    expect(await both('countDeliveries', 'W3')).toBe(0);

    // D02 threw during processing: a retry job owns it now, so the drain no longer lists it, but it is still PENDING.
    await both('markHandedOver', 'D02', 'boom');
    expect(await both('listFreshPendingIds', 10)).toEqual([]);
    expect(await both('hasPendingDeliveries')).toBe(true);
    await both('updateDelivery', 'D02', { outcome: 'FAILED', detail: 'gave up', attempts: 5, processedAt: at(2000) });
    await sameTables();
    expect(await both('hasPendingDeliveries')).toBe(false);

    // Pruning: chunks in id order, never a PENDING row (D00 is one).
    await both('insertDeliveries', [delivery('D00', 'W3', 'z', 5)]);
    expect(await both('deleteOldDeliveries', 'D05', 2)).toBe(2); // D01, D02
    expect(await both('deleteOldDeliveries', 'D05', 2)).toBe(2); // D03, D04
    expect(await both('deleteOldDeliveries', 'D05', 2)).toBe(0);
    await sameTables();
    const left = await pgDb
      .select({ id: pgTables.webhookDeliveries.id })
      .from(pgTables.webhookDeliveries)
      .orderBy(asc(pgTables.webhookDeliveries.id));
    expect(left.map((d) => d.id)).toEqual(['D00', 'D05', 'D06']);
  });
});
