import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { asc } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { whatsappMessages as sqliteMessages, trackingEvents as sqliteEvents } from '../../src/messages/tables.js';
import { openDatabase, type Database } from '../../src/platform/db.js';
import { openPg, type PgDatabase } from '../../src/platform/pg/database.js';
import { createFreshPgDatabase, type FreshPgDatabase } from '../../src/platform/pg/fresh-database.js';
import type { PgRootDb } from '../../src/platform/pg/handle.js';
import { migratePg } from '../../src/platform/pg/migrate.js';
import * as sqliteStore from '../../src/sending/store.sqlite.js';
import type { BatchRow, LinkRow, RecipientRow, ReportFilter } from '../../src/sending/store.sqlite.js';
import { pgStore } from '../../src/sending/store.pg.js';
import * as S from '../helpers/db-schema.js';
import * as P from '../helpers/db-schema.pg.js';
import { PG_ADMIN_URL, pg } from '../helpers/pg.js';

type MessageRow = typeof sqliteMessages.$inferInsert;
type CredentialRecord = typeof S.whatsappApiCredentials.$inferSelect;
type ChannelConfigurationRecord = typeof S.channelConfigurations.$inferSelect;
type EventRow = typeof sqliteEvents.$inferInsert;
type Store = typeof pgStore;
type Args<K extends keyof Store> = Store[K] extends (db: never, ...args: infer A) => unknown ? A : never;

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0, 0);
const at = (ms: number) => new Date(T0 + ms);
const UNKNOWN = 'outcome unknown';

/**
 * The sending store on PostgreSQL, and the contract test against its SQLite twin: the same rows go into a fresh
 * PostgreSQL database and a fresh SQLite file, every store call runs on both, and both must answer alike.
 */
describe.skipIf(!pg.available)(pg.title('sending store on PostgreSQL matches the SQLite store'), () => {
  let fresh: FreshPgDatabase;
  let database: PgDatabase<Record<string, never>>;
  let pdb: PgRootDb;
  let dir: string;
  let sqlite: Database;

  /** Runs one store call on both dialects, asserts equal answers and returns PostgreSQL's. */
  async function both<K extends keyof Store>(name: K, ...args: Args<K>): Promise<Awaited<ReturnType<Store[K]>>> {
    const onPg = await (pgStore[name] as (db: unknown, ...a: unknown[]) => Promise<unknown>)(pdb, ...args);
    // Awaited, so the comparison keeps working once the SQLite store is async too.
    const onSqlite = await (sqliteStore[name] as (db: unknown, ...a: unknown[]) => unknown)(sqlite.db, ...args);
    expect(onPg, `${name} on PostgreSQL vs SQLite`).toEqual(onSqlite);
    return onPg as Awaited<ReturnType<Store[K]>>;
  }

  /** Every recipient row of both databases, in key order: writes must leave the same table behind. */
  async function recipientsAlike(): Promise<RecipientRow[]> {
    const r = P.messageBatchRecipients;
    const s = S.messageBatchRecipients;
    const onPg = await pdb.select().from(r).orderBy(asc(r.batchId), asc(r.position));
    expect(onPg).toEqual(sqlite.db.select().from(s).orderBy(asc(s.batchId), asc(s.position)).all());
    return onPg;
  }

  const credential = (id: string, sandboxId: string, phoneNumberId: string): CredentialRecord => ({
    id,
    sandboxId,
    name: id,
    nameKey: id,
    businessAccountId: 'bm',
    wabaId: 'waba',
    wabaName: null,
    wabaOwnership: null,
    phoneNumberId,
    displayPhoneNumber: null,
    verifiedName: null,
    qualityRating: 'GREEN',
    throughputLevel: 'STANDARD',
    messagesPerSecond: 80,
    messagingLimitTier: null,
    phoneStatus: null,
    canSendMessage: true,
    apiTokenEnc: 'enc',
    apiTokenLast4: 'abcd',
    apiTokenType: null,
    apiTokenExpiresAt: null,
    apiTokenScopes: [],
    appId: null,
    status: 'ACTIVE',
    previousStatus: null,
    statusMessage: null,
    statusVersion: 1,
    statusChangedAt: at(0),
    warnings: [],
    phoneNumberRefreshedAt: null,
    createdAt: at(0),
    updatedAt: at(0),
  });

  const configuration = (id: string, sandboxId: string, credentialId: string | null): ChannelConfigurationRecord => ({
    id,
    sandboxId,
    name: id,
    nameKey: id,
    description: null,
    channel: 'WHATSAPP',
    credentialId,
    webhookId: null,
    senderPhoneNumber: null,
    executionField: null,
    marketingActionIds: [],
    status: 'ACTIVE',
    statusVersion: 1,
    previousStatus: null,
    statusChangedAt: at(0),
    statusReason: null,
    checkRun: 0,
    createdAt: at(0),
    updatedAt: at(0),
  });

  const batch = (id: string, over: Partial<BatchRow> = {}): BatchRow => ({
    id,
    sandboxId: 's1',
    channelConfigurationId: 'cc1',
    content: { text: 'Hi {{name}} ünïcode "quoted"', template: null },
    trackLinks: true,
    marketing: false,
    status: 'RUNNING',
    statusReason: null,
    statusVersion: 1,
    total: 3,
    createdAt: at(0),
    startedAt: at(1),
    finishedAt: null,
    updatedAt: at(1),
    ...over,
  });

  let messageSeq = 0;
  const message = (id: string, over: Partial<MessageRow>): MessageRow => ({
    id,
    sandboxId: 's1',
    credentialId: 'c1',
    channelConfigurationId: 'cc1',
    batchId: null,
    direction: 'OUTBOUND',
    type: 'text',
    status: 'QUEUED',
    statusRank: 0,
    createdAt: at(1_000 * ++messageSeq),
    updatedAt: at(0),
    ...over,
  });

  const event = (id: string, over: Partial<EventRow> & Pick<EventRow, 'type'>): EventRow => ({
    id,
    sandboxId: 's1',
    at: at(5_000),
    ...over,
  });

  // Outbound messages of batches b1 (settled in every way) and b2 (the unsent ones a cancel deletes), inbound
  // traffic of both sender numbers, and a message of the other sandbox.
  const messages: MessageRow[] = [
    message('m01', { batchId: 'b1', status: 'SENT', sentAt: at(10), sendAttemptedAt: at(-400) }),
    message('m02', { batchId: 'b1', status: 'DELIVERED', deliveredAt: at(20), sendAttemptedAt: at(-300) }),
    message('m03', { batchId: 'b1', status: 'READ', readAt: at(30), sendAttemptedAt: at(-200) }),
    message('m04', { batchId: 'b1', status: 'FAILED', sentAt: at(10), sendAttemptedAt: at(-100) }),
    message('m05', { batchId: 'b1', status: 'BLOCKED' }),
    message('m06', { batchId: 'b1', status: 'UNKNOWN', sendAttemptedAt: at(-2_000) }),
    message('m07', { batchId: 'b1', status: 'QUEUED', statusReason: UNKNOWN, sendAttemptedAt: at(-50) }),
    message('m08', { batchId: 'b2', status: 'QUEUED' }),
    message('m09', { batchId: 'b2', status: 'QUEUED', statusReason: 'throttled' }),
    message('m10', { batchId: 'b2', status: 'QUEUED', statusReason: UNKNOWN }),
    message('m11', { batchId: 'b2', status: 'QUEUED', wamid: 'wamid.11' }),
    message('m12', { batchId: 'b2', status: 'QUEUED', sendAttemptedAt: at(-10) }),
    message('m13', { batchId: 'b2', status: 'SENT' }),
    message('m14', { batchId: 'b2', status: 'QUEUED', sandboxId: 's2', credentialId: 'c2', channelConfigurationId: 'cc3' }),
    message('m15', { channelConfigurationId: 'cc2', credentialId: 'c3', status: 'DELIVERED', sendAttemptedAt: at(-150) }),
    message('i01', { direction: 'INBOUND', channelConfigurationId: null, status: 'DELIVERED' }),
    message('i02', { direction: 'INBOUND', channelConfigurationId: null, status: 'DELIVERED', credentialId: 'c3' }),
    message('i03', { direction: 'INBOUND', channelConfigurationId: null, status: 'DELIVERED', sandboxId: 's2', credentialId: 'c2' }),
    message('m16', { sandboxId: 's2', credentialId: 'c2', channelConfigurationId: 'cc3', status: 'READ', sendAttemptedAt: at(-250) }),
  ];

  const events: EventRow[] = [
    event('e1', { type: 'CLICKED', messageId: 'm01' }),
    event('e2', { type: 'CLICKED', messageId: 'm01' }),
    event('e3', { type: 'CLICKED', messageId: 'm03' }),
    event('e4', { type: 'OPT_OUT', channelConfigurationId: 'cc1', messageId: 'm04' }),
    event('e5', { type: 'OPT_OUT', messageId: 'i01', at: at(30_000) }),
    event('e6', { type: 'OPT_OUT', messageId: 'i02' }),
    event('e7', { type: 'OPT_OUT' }),
    event('e8', { type: 'OPT_OUT', channelConfigurationId: 'cc2', at: at(60_000) }),
    event('e9', { type: 'OPT_OUT', sandboxId: 's2', channelConfigurationId: 'cc3', messageId: 'i03' }),
  ];

  beforeAll(async () => {
    fresh = await createFreshPgDatabase(PG_ADMIN_URL);
    database = await openPg(fresh.url, { schema: {}, poolSize: 2 });
    await migratePg(database.pool);
    // Not Object.assign(db, { dialect: 'pg' }): that tag would overwrite drizzle's own `dialect` (its SQL builder)
    // and break every query. The store functions never read the tag, so the plain client is the handle here.
    pdb = database.db as unknown as PgRootDb;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-store-sending-'));
    sqlite = openDatabase(path.join(dir, 'wcs.db'));

    const organizations = [{ id: 'o1', name: 'acme', entitlements: [], createdAt: at(0) }];
    const sandboxes = ['s1', 's2'].map((id) => ({ id, organizationId: 'o1', name: id, createdAt: at(0) }));
    // c2 is the same sender number as c1 in the other sandbox; c3 another number.
    const credentials = [credential('c1', 's1', 'P1'), credential('c2', 's2', 'P1'), credential('c3', 's1', 'P2')];
    const configurations = [configuration('cc1', 's1', 'c1'), configuration('cc2', 's1', null), configuration('cc3', 's2', 'c2')];
    await pdb.insert(P.organizations).values(organizations);
    await pdb.insert(P.sandboxes).values(sandboxes);
    await pdb.insert(P.whatsappApiCredentials).values(credentials);
    await pdb.insert(P.channelConfigurations).values(configurations);
    await pdb.insert(P.whatsappMessages).values(messages);
    await pdb.insert(P.trackingEvents).values(events);
    sqlite.db.insert(S.organizations).values(organizations).run();
    sqlite.db.insert(S.sandboxes).values(sandboxes).run();
    sqlite.db.insert(S.whatsappApiCredentials).values(credentials).run();
    sqlite.db.insert(S.channelConfigurations).values(configurations).run();
    sqlite.db.insert(S.whatsappMessages).values(messages).run();
    sqlite.db.insert(S.trackingEvents).values(events).run();
  });
  afterAll(async () => {
    sqlite?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    await database?.close();
    await fresh?.drop();
  });

  it('batches: insert, find, update, windows and counts under filters', async () => {
    const rows = [
      batch('b1'),
      batch('b2', { status: 'PAUSED', statusReason: 'quality RED', marketing: true }),
      batch('b3', { status: 'COMPLETED', channelConfigurationId: 'cc2', finishedAt: at(9) }),
      batch('b4', {
        content: { text: null, template: { name: 'promo', languageCode: 'en', bodyParameters: ['a'], headerParameters: [] } },
      }),
      batch('b5', { sandboxId: 's2', channelConfigurationId: 'cc3' }),
    ];
    for (const row of rows) await both('insertBatch', row);

    expect(await both('findBatch', 's1', 'b4')).toEqual(rows[3]);
    expect(await both('findBatch', 's2', 'b1')).toBeUndefined();
    expect(await both('readBatch', 's1', 'b2')).toEqual(rows[1]);
    expect(await both('readBatch', 's1', 'b5')).toBeUndefined();
    // Neither dialect orders findBatches (the loader maps by id): compare as sets.
    const found = await pgStore.findBatches(pdb, 's1', ['b1', 'b3', 'b5', 'nope']);
    const foundSqlite = await sqliteStore.findBatches(sqlite.db, 's1', ['b1', 'b3', 'b5', 'nope']);
    expect(found.map((b) => b.id).sort()).toEqual(['b1', 'b3']);
    expect([...found].sort((a, b) => a.id.localeCompare(b.id))).toEqual([...foundSqlite].sort((a, b) => a.id.localeCompare(b.id)));
    expect(await both('findBatches', 's1', [])).toEqual([]);

    await both('updateBatch', 'b4', { status: 'CANCELLED', statusVersion: 2, finishedAt: at(77), updatedAt: at(77), statusReason: null });
    expect(await both('findBatch', 's1', 'b4')).toMatchObject({ status: 'CANCELLED', statusVersion: 2, finishedAt: at(77) });

    const ids = async (...args: Args<'listBatches'>) => (await both('listBatches', ...args)).map((b) => b.id);
    expect(await ids('s1', { limit: 2, direction: 'desc' }, {})).toEqual(['b4', 'b3', 'b2']);
    expect(await ids('s1', { limit: 2, direction: 'desc', afterId: 'b3' }, {})).toEqual(['b2', 'b1']);
    expect(await ids('s1', { limit: 5, direction: 'asc', beforeId: 'b2' }, {})).toEqual(['b3', 'b4']);
    expect(await ids('s1', { limit: 5, direction: 'desc', afterId: 'b4', beforeId: 'b1' }, {})).toEqual(['b3', 'b2']);
    expect(await ids('s1', { limit: 5, direction: 'desc' }, { status: 'RUNNING' })).toEqual(['b1']);
    expect(await ids('s1', { limit: 5, direction: 'desc' }, { channelConfigurationId: 'cc2', status: null })).toEqual(['b3']);
    expect(await ids('s2', { limit: 5, direction: 'desc' }, { channelConfigurationId: 'cc1' })).toEqual([]);

    expect(await both('countBatches', 's1', {})).toBe(4);
    expect(await both('countBatches', 's1', { status: 'PAUSED' })).toBe(1);
    expect(await both('countBatches', 's1', { channelConfigurationId: 'cc1', status: null })).toBe(3);
    expect(await both('countBatches', 's2', { status: 'COMPLETED' })).toBe(0);
  });

  it('batchCounts: one grouped aggregate per chunk of ids, numbers (not bigint text) on PostgreSQL', async () => {
    // 600 ids put b2 in the second chunk of 500.
    const ids = [...Array.from({ length: 599 }, (_, i) => `x${i}`), 'b1', 'b2', 'b3'];
    const counts = await both('batchCounts', ids, UNKNOWN);
    expect([...counts.keys()].sort()).toEqual(['b1', 'b2']);
    expect(counts.get('b1')).toEqual({ sent: 3, blocked: 1, failed: 1, unknown: 2 });
    // b2's unknown-reason message counts; the message of the other sandbox (also b2) is counted too, as on SQLite.
    expect(counts.get('b2')).toEqual({ sent: 1, blocked: 0, failed: 0, unknown: 1 });
    expect(await both('batchCounts', [], UNKNOWN)).toEqual(new Map());
  });

  it('recipients: ready window, pending state, the per-recipient writes', async () => {
    const recipient = (position: number, over: Partial<RecipientRow> = {}): RecipientRow => ({
      batchId: 'b1',
      position,
      profileId: `p${position}`,
      messageId: null,
      done: false,
      notBefore: null,
      refusals: 0,
      ...over,
    });
    await both('insertRecipients', [
      recipient(0, { done: true, messageId: 'm01' }),
      recipient(1, { notBefore: at(500), refusals: 1 }),
      recipient(2),
      recipient(3, { notBefore: at(100), refusals: 2 }),
      recipient(4),
      recipient(5, { notBefore: at(100) }),
    ]);
    // 1,001 recipients of b3: two insert chunks.
    await both(
      'insertRecipients',
      Array.from({ length: 1_001 }, (_, i) => recipient(i, { batchId: 'b3', done: i % 2 === 0 })),
    );
    await both('insertRecipients', []);

    const positions = async (...args: Args<'readyRecipients'>) => (await both('readyRecipients', ...args)).map((r) => r.position);
    expect(await positions('b1', at(99), 10)).toEqual([2, 4]);
    expect(await positions('b1', at(100), 10)).toEqual([2, 3, 4, 5]);
    expect(await positions('b1', at(100), 2)).toEqual([2, 3]);
    expect(await positions('b1', at(1_000), 10)).toEqual([1, 2, 3, 4, 5]);
    expect((await positions('b3', at(0), 600)).length).toBe(500);

    expect(await both('pendingState', 'b1')).toEqual({ pending: 5, nextNotBefore: at(100) });
    expect(await both('pendingState', 'b3')).toEqual({ pending: 500, nextNotBefore: null });
    expect(await both('pendingState', 'nope')).toEqual({ pending: 0, nextNotBefore: null });

    expect(await both('recipientUntaken', 'b1', 0)).toBe(false);
    expect(await both('recipientUntaken', 'b1', 2)).toBe(true);
    expect(await both('recipientUntaken', 'b1', 99)).toBe(false);
    await both('setRecipientMessage', 'b1', 2, 'm02');
    expect(await both('recipientUntaken', 'b1', 2)).toBe(false);
    await both('markRecipientDone', 'b1', 2);
    await both('markRecipientDone', 'b1', 4, 'm05');
    expect(await both('recipientUntaken', 'b1', 4)).toBe(false);
    await both('updateRecipient', 'b1', 1, { notBefore: at(50), refusals: 3 });
    await both('updateRecipient', 'b1', 3, { notBefore: null, done: true, messageId: 'm03' });

    const rows = (await recipientsAlike()).filter((r) => r.batchId === 'b1');
    expect(rows.map((r) => [r.position, r.done, r.messageId, r.notBefore, r.refusals])).toEqual([
      [0, true, 'm01', null, 0],
      [1, false, null, at(50), 3],
      [2, true, 'm02', null, 0],
      [3, true, 'm03', null, 2],
      [4, true, 'm05', null, 0],
      [5, false, null, at(100), 0],
    ]);
    expect(await both('pendingState', 'b1')).toEqual({ pending: 2, nextNotBefore: at(50) });
  });

  it('links: insert, by token, clicks keep the first click time, list per message', async () => {
    const link = (id: string, messageId: string, over: Partial<LinkRow> = {}): LinkRow => ({
      id,
      sandboxId: 's1',
      messageId,
      token: `t-${id}`,
      url: `https://example.test/${id}?q=ü`,
      clicks: 0,
      firstClickedAt: null,
      lastClickedAt: null,
      createdAt: at(0),
      ...over,
    });
    await both('insertLinks', [link('l2', 'm01'), link('l1', 'm01'), link('l3', 'm02'), link('l4', 'm16', { sandboxId: 's2' })]);
    await both('insertLinks', []);

    expect(await both('findLinkByToken', 't-l3')).toEqual(link('l3', 'm02'));
    expect(await both('findLinkByToken', 'nope')).toBeUndefined();

    await both('countClick', 'l1', at(1_234));
    await both('countClick', 'l1', at(5_678));
    expect(await both('findLinkByToken', 't-l1')).toEqual(
      link('l1', 'm01', { clicks: 2, firstClickedAt: at(1_234), lastClickedAt: at(5_678) }),
    );

    expect((await both('listLinks', 's1', ['m01', 'm02', 'm16'])).map((l) => l.id)).toEqual(['l1', 'l2', 'l3']);
    expect((await both('listLinks', 's2', ['m16'])).map((l) => l.id)).toEqual(['l4']);
    expect(await both('listLinks', 's1', [])).toEqual([]);
  });

  it('recentSendAttempts: every credential of the number, any sandbox, since the given time', async () => {
    // Unordered on both dialects (the pacers sort what they are seeded with): compare sorted.
    const attempts = async (phoneNumberId: string, since: Date) => {
      const sorted = (dates: Date[]) => dates.map((d) => d.getTime() - T0).sort((a, b) => a - b);
      const onPg = sorted(await pgStore.recentSendAttempts(pdb, phoneNumberId, since));
      expect(onPg).toEqual(sorted(await sqliteStore.recentSendAttempts(sqlite.db, phoneNumberId, since)));
      return onPg;
    };
    expect(await attempts('P1', at(-1_000))).toEqual([-400, -300, -250, -200, -100, -50, -10]);
    // The bound is inclusive, to the millisecond.
    expect(await attempts('P1', at(-50))).toEqual([-50, -10]);
    expect(await attempts('P2', at(-100))).toEqual([]);
    expect(await attempts('nobody', at(-100_000))).toEqual([]);
  });

  it('reportCounts: outbound by furthest status, clicks, inbound and opt-outs per configuration and window', async () => {
    const report = (over: Partial<ReportFilter>) =>
      both('reportCounts', {
        sandboxId: 's1',
        channelConfigurationId: null,
        credentialId: null,
        since: null,
        until: null,
        unknownReason: UNKNOWN,
        ...over,
      });

    // sent: m01–m03, m13, m15 by status and m04 by its sentAt (FAILED after it was sent).
    expect(await report({})).toEqual({
      sent: 6,
      delivered: 3,
      read: 1,
      failed: 1,
      blocked: 1,
      clicked: 2,
      optOuts: 5,
      inbound: 2,
      unknown: 3,
    });
    // cc1 through credential c1: e4 (its message), e5 (a keyword to its number); i01 is its inbound.
    expect(await report({ channelConfigurationId: 'cc1', credentialId: 'c1' })).toMatchObject({ sent: 5, optOuts: 2, inbound: 1 });
    // A configuration without a credential: SQLite's `0` conditions, false on PostgreSQL.
    expect(await report({ channelConfigurationId: 'cc2', credentialId: null })).toMatchObject({ delivered: 1, optOuts: 1, inbound: 0 });
    // Windows on created_at (messages m01… are created 1 s apart) and on the event time, both bounds inclusive.
    await report({ since: at(3_000), until: at(9_000) });
    await report({ since: at(5_000), until: at(5_000) });
    expect(await report({ since: at(30_000) })).toMatchObject({ sent: 0, optOuts: 2, inbound: 0 });
    await report({ channelConfigurationId: 'cc1', credentialId: 'c1', until: at(10_000) });
    await report({ sandboxId: 's2', channelConfigurationId: 'cc3', credentialId: 'c2' });
    await report({ unknownReason: 'throttled' });
  });

  it("countSendsInFlight: the batch's sends marked attempted since the time, without an outcome (a cancel waits for them)", async () => {
    // b2: m12 (attempted at -10, no wamid, no outcome); m10's outcome is unknown, m11 has a wamid, m13 is SENT.
    expect(await both('countSendsInFlight', 's1', 'b2', at(-1_000), UNKNOWN)).toBe(1);
    // The bound is inclusive; an older mark is no longer in flight.
    expect(await both('countSendsInFlight', 's1', 'b2', at(-10), UNKNOWN)).toBe(1);
    expect(await both('countSendsInFlight', 's1', 'b2', at(-9), UNKNOWN)).toBe(0);
    // Another sandbox never counts; b1's attempted messages all have an outcome (m07's is unknown).
    expect(await both('countSendsInFlight', 's2', 'b2', at(-1_000), UNKNOWN)).toBe(0);
    expect(await both('countSendsInFlight', 's1', 'b1', at(-1_000), UNKNOWN)).toBe(0);
    // With another "unknown" reason, m07 would still be on its way.
    expect(await both('countSendsInFlight', 's1', 'b1', at(-1_000), 'other')).toBe(1);
  });

  it("deleteUnsentBatchMessages: only the batch's QUEUED messages never handed to Meta, counted", async () => {
    expect(await both('deleteUnsentBatchMessages', 's1', 'b2', UNKNOWN)).toBe(2);
    expect(await both('deleteUnsentBatchMessages', 's1', 'b2', UNKNOWN)).toBe(0);
    const left = await pdb.select({ id: P.whatsappMessages.id }).from(P.whatsappMessages).orderBy(asc(P.whatsappMessages.id));
    const leftSqlite = sqlite.db.select({ id: S.whatsappMessages.id }).from(S.whatsappMessages).orderBy(asc(S.whatsappMessages.id)).all();
    expect(left).toEqual(leftSqlite);
    expect(left.map((r) => r.id)).not.toContain('m08');
    expect(left.map((r) => r.id)).not.toContain('m09');
    expect(left.map((r) => r.id)).toEqual(expect.arrayContaining(['m10', 'm11', 'm12', 'm13', 'm14']));
  });
});
