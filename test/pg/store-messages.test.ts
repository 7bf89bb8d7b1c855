import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { whatsappApiCredentials as sqliteCredentials } from '../../src/credentials/tables.js';
import { whatsappApiCredentials as pgCredentials } from '../../src/credentials/tables.pg.js';
import { whatsappMessages as pgMessages } from '../../src/messages/tables.pg.js';
import * as pgStore from '../../src/messages/store.pg.js';
import * as sqliteStore from '../../src/messages/store.sqlite.js';
import type { ConsentChangeRow, ContactRow, MessageRow, PendingStatusRow, TrackingEventRow } from '../../src/messages/store.sqlite.js';
import { openDatabase, type Database, type DbOrTx } from '../../src/platform/db.js';
import type { PageWindow } from '../../src/platform/pagination.js';
import { openPg, type PgDatabase } from '../../src/platform/pg/database.js';
import { createFreshPgDatabase, type FreshPgDatabase } from '../../src/platform/pg/fresh-database.js';
import type { PgDbOrTx, PgRootDb } from '../../src/platform/pg/handle.js';
import { migratePg } from '../../src/platform/pg/migrate.js';
import { organizations as pgOrganizations, sandboxes as pgSandboxes } from '../../src/platform/tenancy/tables.pg.js';
import { organizations as sqliteOrganizations, sandboxes as sqliteSandboxes } from '../../src/platform/tenancy/tables.js';
import { PG_ADMIN_URL, pg } from '../helpers/pg.js';

// The cross-dialect contract of the message ledger: the same rows in a fresh SQLite file and a fresh PostgreSQL
// database, the same calls on store.ts and store.pg.ts, equal answers. Where SQLite's answer rests on something
// implicit (NULL sorting lowest, rowid order), the rows are chosen so that a naive translation would differ.

type Store = typeof pgStore;
type Name = keyof Omit<Store, 'pgStore'>;
type Args<K extends Name> = Store[K] extends (db: PgDbOrTx, ...args: infer A) => unknown ? A : never;

const T0 = Date.UTC(2025, 0, 1);
const at = (ms: number) => new Date(T0 + ms);
const A = 'sb_a';
const B = 'sb_b';

describe.skipIf(!pg.available)(pg.title('message ledger store on PostgreSQL = on SQLite (store.pg.ts vs store.ts)'), () => {
  let fresh: FreshPgDatabase;
  let pgOpened: PgDatabase<Record<string, never>>;
  let pdb: PgRootDb;
  let lite: Database;
  let dir: string;

  /** Runs one store function on both databases, expects equal answers and returns the PostgreSQL one. */
  async function both<K extends Name>(name: K, ...args: Args<K>): Promise<Awaited<ReturnType<Store[K]>>> {
    const onSqlite = (sqliteStore[name] as unknown as (db: DbOrTx, ...a: Args<K>) => unknown)(lite.db, ...args);
    const onPg = await (pgStore[name] as unknown as (db: PgDbOrTx, ...a: Args<K>) => Promise<Awaited<ReturnType<Store[K]>>>)(pdb, ...args);
    expect(onPg, `${name}(${JSON.stringify(args)})`).toEqual(onSqlite);
    return onPg;
  }

  /** For the lookups by a list of ids, whose order neither store promises (their callers map the rows by id). */
  async function bothById(name: 'findMessages' | 'findTrackingEvents', sandboxId: string, ids: string[]): Promise<{ id: string }[]> {
    const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
    const onSqlite = sqliteStore[name](lite.db, sandboxId, ids).sort(byId);
    const onPg = (await pgStore[name](pdb, sandboxId, ids)).sort(byId);
    expect(onPg, `${name}(${JSON.stringify(ids)})`).toEqual(onSqlite);
    return onPg;
  }

  beforeAll(async () => {
    fresh = await createFreshPgDatabase(PG_ADMIN_URL);
    pgOpened = await openPg(fresh.url, { schema: {}, poolSize: 2 });
    await migratePg(pgOpened.pool);
    // Not Object.assign(db, { dialect: 'pg' }): drizzle keeps its own PgDialect in db.dialect and every query needs it.
    // The store never reads the tag, so the type alone is enough here.
    pdb = pgOpened.db as unknown as PgRootDb;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-pg-messages-'));
    lite = openDatabase(path.join(dir, 'wcs.sqlite'));

    const org = { id: 'org_1', name: 'org', entitlements: [], createdAt: at(0) };
    const sandboxes = [A, B].map((id) => ({ id, organizationId: org.id, name: id, createdAt: at(0) }));
    const credentials = [A, B].map((sandboxId) => ({
      id: `cred_${sandboxId}`,
      sandboxId,
      name: 'main',
      nameKey: 'main',
      businessAccountId: 'bp',
      wabaId: 'waba',
      phoneNumberId: `pn_${sandboxId}`,
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
    lite.db.insert(sqliteOrganizations).values(org).run();
    lite.db.insert(sqliteSandboxes).values(sandboxes).run();
    lite.db.insert(sqliteCredentials).values(credentials).run();
    await pdb.insert(pgOrganizations).values(org);
    await pdb.insert(pgSandboxes).values(sandboxes);
    await pdb.insert(pgCredentials).values(credentials);
  });
  afterAll(async () => {
    lite?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    await pgOpened?.close();
    await fresh?.drop();
  });

  const contact = (id: string, sandboxId: string, over: Partial<ContactRow>): ContactRow => ({
    id,
    sandboxId,
    userKey: id,
    bsuid: null,
    waId: null,
    phoneNumber: null,
    profileName: null,
    consentStatus: 'UNKNOWN',
    consentChangedAt: null,
    lastInboundAt: null,
    createdAt: at(0),
    updatedAt: at(0),
    ...over,
  });

  it('contacts: lookups by id, BSUID, wa_id and phone answer the same contact as SQLite', async () => {
    const rows = [
      contact('c01', A, { userKey: 'bsuid-1', bsuid: 'bsuid-1', waId: '15550001', phoneNumber: '+15550001', updatedAt: at(1) }),
      // Same phone: the one with a consent change wins over newer ones without (SQLite sorts NULL lowest).
      contact('c02', A, { userKey: '15550002', phoneNumber: '+15550001', consentChangedAt: at(5), updatedAt: at(2) }),
      contact('c03', A, { userKey: '15550003', phoneNumber: '+15550001', updatedAt: at(10) }),
      // One contact keyed by a BSUID another contact carries as its bsuid.
      contact('c04', A, { userKey: 'bsuid-x' }),
      contact('c05', A, { userKey: '15550005', bsuid: 'bsuid-x' }),
      // Two contacts answer to one wa_id (by wa_id and by key): the most recently updated wins.
      contact('c06', A, { userKey: '15550006', waId: '15550099', updatedAt: at(1) }),
      contact('c07', A, { userKey: 'bsuid-7', bsuid: 'bsuid-7', waId: '15550006', updatedAt: at(3) }),
      contact('c08', A, { userKey: '15550099', updatedAt: at(2) }),
      contact('cb1', B, { userKey: 'bsuid-1', bsuid: 'bsuid-1', waId: '15550001', phoneNumber: '+15550001', updatedAt: at(99) }),
    ];
    for (const row of rows) await both('insertContact', row);

    expect((await both('findContact', A, 'c01'))?.userKey).toBe('bsuid-1');
    expect(await both('findContact', B, 'c01')).toBeUndefined();
    expect((await both('findContactByBsuid', A, 'bsuid-1'))?.id).toBe('c01');
    expect((await both('findContactByBsuid', B, 'bsuid-1'))?.id).toBe('cb1');
    await both('findContactByBsuid', A, 'bsuid-x');
    expect(await both('findContactByBsuid', A, 'nobody')).toBeUndefined();
    expect((await both('findContactByWaId', A, '15550006'))?.id).toBe('c07');
    expect((await both('findContactByWaId', A, '15550099'))?.id).toBe('c08');
    expect((await both('findContactByPhone', A, '+15550001'))?.id).toBe('c02');
    expect((await both('findContactByPhone', B, '+15550001'))?.id).toBe('cb1');

    await both('updateContact', 'c03', { consentStatus: 'OPTED_IN', consentChangedAt: at(20), profileName: undefined });
    await both('updateContact', 'c03', { profileName: undefined });
    expect(await both('findContact', A, 'c03')).toMatchObject({ consentStatus: 'OPTED_IN', consentChangedAt: at(20), profileName: null });
    expect((await both('findContactByPhone', A, '+15550001'))?.id).toBe('c03');
    await expect(pgStore.insertContact(pdb, contact('c09', A, { userKey: 'bsuid-1' }))).rejects.toThrow();
  });

  it('consent ledger: dedupe keys, existence and the newest-first list', async () => {
    const change = (id: string, ms: number, dedupeKey: string | null, sandboxId = A): ConsentChangeRow => ({
      id,
      sandboxId,
      contactId: sandboxId === A ? 'c01' : 'cb1',
      status: 'OPTED_OUT',
      previousStatus: 'UNKNOWN',
      source: 'KEYWORD',
      keyword: 'STOP',
      messageId: null,
      detail: null,
      dedupeKey,
      at: at(ms),
    });
    expect(await both('insertConsentChange', change('cc1', 1, 'k1'))).toBe(true);
    expect(await both('insertConsentChange', change('cc2', 1, 'k1'))).toBe(false);
    expect(await both('insertConsentChange', change('cc3', 5, null))).toBe(true);
    expect(await both('insertConsentChange', change('cc4', 5, null))).toBe(true);
    expect(await both('insertConsentChange', change('cc5', 1, 'k1', B))).toBe(true);
    expect(await both('consentChangeExists', A, 'k1')).toBe(true);
    expect(await both('consentChangeExists', A, 'k2')).toBe(false);
    expect((await both('listConsentChanges', A, 'c01', 2)).map((r) => r.id)).toEqual(['cc4', 'cc3']);
    expect((await both('listConsentChanges', A, 'c01', 10)).map((r) => r.id)).toEqual(['cc4', 'cc3', 'cc1']);
  });

  const message = (id: string, over: Partial<MessageRow>): MessageRow => ({
    id,
    sandboxId: A,
    credentialId: `cred_${over.sandboxId ?? A}`,
    channelConfigurationId: null,
    batchId: null,
    contactId: null,
    direction: 'OUTBOUND',
    wamid: null,
    type: 'text',
    toNumber: '+15550001',
    fromNumber: null,
    text: 'hello',
    template: null,
    status: 'QUEUED',
    statusReason: null,
    metaErrorCode: null,
    bizOpaqueCallbackData: null,
    statusRank: 0,
    sendAttemptedAt: null,
    sentAt: null,
    deliveredAt: null,
    readAt: null,
    failedAt: null,
    groupId: null,
    editedText: null,
    editedAt: null,
    revokedAt: null,
    createdAt: at(0),
    updatedAt: at(0),
    ...over,
  });

  it('messages: inserts ignore duplicates, lookups, windows, filters and counts match SQLite', async () => {
    const rows = [
      message('m01', { wamid: 'w-1', status: 'SENT', channelConfigurationId: 'cfg1', contactId: 'c01', template: { name: 't', n: [1] } }),
      message('m02', { bizOpaqueCallbackData: 'op-1', channelConfigurationId: 'cfg1', batchId: 'b1' }),
      message('m03', { direction: 'INBOUND', bizOpaqueCallbackData: 'op-1', wamid: 'w-3', status: 'READ' }),
      message('m04', {
        bizOpaqueCallbackData: 'op-1',
        channelConfigurationId: 'cfg2',
        batchId: 'b1',
        status: 'FAILED',
        metaErrorCode: 131050,
      }),
      message('m05', { status: 'DELIVERED', channelConfigurationId: 'cfg1', batchId: 'b1', wamid: 'w-5' }),
      message('m06', { status: 'SENT', wamid: 'w-6' }),
      message('m07', { channelConfigurationId: 'cfg2' }),
      message('mb1', { sandboxId: B, wamid: 'w-1', bizOpaqueCallbackData: 'op-1', channelConfigurationId: 'cfg1' }),
    ];
    for (const row of rows) expect(await both('insertMessage', row)).toBe(true);
    expect(await both('insertMessage', message('m01', {}))).toBe(false);
    expect(await both('insertMessage', message('m99', { wamid: 'w-1' }))).toBe(false);

    expect(await both('findMessage', A, 'm01')).toEqual(rows[0]);
    expect(await both('findMessage', B, 'm01')).toBeUndefined();
    expect((await bothById('findMessages', A, ['m05', 'm01', 'mb1', 'nope'])).map((r) => r.id)).toEqual(['m01', 'm05']);
    expect(await bothById('findMessages', A, [])).toEqual([]);
    expect((await both('findMessageByWamid', A, 'w-1'))?.id).toBe('m01');
    expect((await both('findMessageByWamid', B, 'w-1'))?.id).toBe('mb1');
    expect((await both('findOutboundByOpaqueData', A, 'op-1'))?.id).toBe('m02');
    expect(await both('findOutboundByOpaqueData', A, 'op-none')).toBeUndefined();

    await both('updateMessage', 'm02', { status: 'SENT', wamid: 'w-2', sentAt: at(7), statusRank: 1, text: undefined });
    await both('updateMessage', 'm02', {});
    expect(await both('findMessage', A, 'm02')).toMatchObject({
      status: 'SENT',
      wamid: 'w-2',
      sentAt: at(7),
      statusRank: 1,
      text: 'hello',
    });
    expect((await both('findOutboundByOpaqueData', A, 'op-1'))?.id).toBe('m02');

    const ids = async (window: PageWindow, filter: sqliteStore.MessageFilter = {}) =>
      (await both('listMessages', A, window, filter)).map((r) => r.id);
    expect(await ids({ limit: 3, direction: 'desc' })).toEqual(['m07', 'm06', 'm05', 'm04']);
    expect(await ids({ limit: 3, direction: 'desc', afterId: 'm04' })).toEqual(['m03', 'm02', 'm01']);
    expect(await ids({ limit: 2, direction: 'asc', beforeId: 'm03' })).toEqual(['m04', 'm05', 'm06']);
    expect(await ids({ limit: 10, direction: 'desc', afterId: 'm06', beforeId: 'm02' })).toEqual(['m05', 'm04', 'm03']);
    expect(await ids({ limit: 10, direction: 'desc' }, { channelConfigurationId: 'cfg1' })).toEqual(['m05', 'm02', 'm01']);
    expect(await ids({ limit: 10, direction: 'desc' }, { batchId: 'b1', status: 'FAILED' })).toEqual(['m04']);
    expect(await ids({ limit: 10, direction: 'asc' }, { status: 'SENT', channelConfigurationId: null, batchId: null })).toEqual([
      'm01',
      'm02',
      'm06',
    ]);
    expect(await both('countMessages', A, {})).toBe(7);
    expect(await both('countMessages', A, { channelConfigurationId: 'cfg1' })).toBe(3);
    expect(await both('countMessages', A, { batchId: 'b1', status: 'DELIVERED' })).toBe(1);
    expect(await both('countMessages', B, { status: 'READ' })).toBe(0);
  });

  it('settleUnknownOutcomes marks the same stale sends UNKNOWN and leaves the rest', async () => {
    const rows = [
      message('s01', { sendAttemptedAt: at(100) }),
      message('s02', { sendAttemptedAt: at(200), batchId: 'b9' }),
      message('s03', { sendAttemptedAt: at(300) }),
      message('s04', { sendAttemptedAt: at(100), wamid: 'w-s4' }),
      message('s05', { sendAttemptedAt: at(100), status: 'SENT' }),
      message('s06', { sendAttemptedAt: at(100), direction: 'INBOUND' }),
      message('s07', { sandboxId: B, sendAttemptedAt: at(150) }),
    ];
    for (const row of rows) await both('insertMessage', row);
    const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
    const settle = async (limit?: number) => {
      const onSqlite = sqliteStore.settleUnknownOutcomes(lite.db, at(250), 'no answer', at(1000), limit).sort(byId);
      const onPg = (await pgStore.settleUnknownOutcomes(pdb, at(250), 'no answer', at(1000), limit)).sort(byId);
      expect(onPg).toEqual(onSqlite);
      return onPg;
    };
    expect(await settle(10)).toEqual([
      { id: 's01', sandboxId: A, batchId: null },
      { id: 's02', sandboxId: A, batchId: 'b9' },
      { id: 's07', sandboxId: B, batchId: null },
    ]);
    expect(await settle()).toEqual([]);
    const after = (await bothById(
      'findMessages',
      A,
      rows.map((r) => r.id),
    )) as MessageRow[];
    const statuses = { s01: 'UNKNOWN', s02: 'UNKNOWN', s03: 'QUEUED', s04: 'QUEUED', s05: 'SENT', s06: 'QUEUED' };
    expect(Object.fromEntries(after.map((r) => [r.id, r.status]))).toEqual(statuses);
    expect(await both('findMessage', A, 's01')).toMatchObject({ statusReason: 'no answer', updatedAt: at(1000) });

    // PostgreSQL only: two instances sweeping at once settle each message once (SKIP LOCKED, conditions re-checked).
    const many = Array.from({ length: 40 }, (_, i) => message(`t${String(i).padStart(2, '0')}`, { sendAttemptedAt: at(100) }));
    await pdb.insert(pgMessages).values(many);
    const sweeps = await Promise.all([1, 2].map(() => pgStore.settleUnknownOutcomes(pdb, at(250), 'no answer', at(1000), 30)));
    const settled = sweeps.flat().map((r) => r.id);
    expect(settled.sort()).toEqual(many.map((r) => r.id));
  });

  it('pending statuses: dedupe, lookup by wamid or opaque data oldest first, deletes', async () => {
    const pending = (id: string, over: Partial<PendingStatusRow>): PendingStatusRow => ({
      id,
      sandboxId: A,
      wamid: 'w-9',
      bizOpaqueCallbackData: null,
      status: 'SENT',
      metaStatus: 'sent',
      statusAt: at(5),
      recipientId: '15550001',
      recipientUserId: null,
      errors: [],
      receivedAt: at(5),
      ...over,
    });
    const rows = [
      pending('p02', { status: 'DELIVERED', metaStatus: 'delivered', errors: [{ code: 1, title: 't', message: 'm', details: 'd' }] }),
      pending('p01', {}),
      pending('p03', { wamid: 'w-other', bizOpaqueCallbackData: 'op-9', statusAt: at(1) }),
      pending('p04', { sandboxId: B, bizOpaqueCallbackData: 'op-9' }),
      pending('p05', { wamid: 'w-late', statusAt: at(0) }),
    ];
    for (const row of rows) expect(await both('insertPendingStatus', row)).toBe(true);
    expect(await both('insertPendingStatus', pending('p06', {}))).toBe(false);

    const ids = async (wamid: string | null, opaque: string | null) =>
      (await both('listPendingStatuses', A, wamid, opaque)).map((r) => r.id);
    expect(await ids('w-9', null)).toEqual(['p01', 'p02']);
    expect(await ids('w-9', 'op-9')).toEqual(['p03', 'p01', 'p02']);
    expect(await ids(null, 'op-9')).toEqual(['p03']);
    expect(await ids('', 'op-9')).toEqual(['p03']);
    expect(await ids('', '')).toEqual([]);
    expect(await ids(null, null)).toEqual([]);
    expect((await both('listPendingStatuses', A, 'w-9', null))[1]?.errors).toEqual(rows[0]!.errors);

    await both('deletePendingStatuses', ['p03']);
    await both('deletePendingStatuses', []);
    expect(await ids(null, 'op-9')).toEqual([]);
    expect(await both('deletePendingStatusesBefore', 'p05', 2)).toBe(2);
    expect(await both('deletePendingStatusesBefore', 'p05', 2)).toBe(1);
    expect(await both('deletePendingStatusesBefore', 'p05', 2)).toBe(0);
    expect(await ids('w-late', null)).toEqual(['p05']);
  });

  it('tracking events: dedupe, lookups, windows with time filters and counts match SQLite', async () => {
    const event = (id: string, over: Partial<TrackingEventRow>): TrackingEventRow => ({
      id,
      sandboxId: A,
      type: 'SENT',
      at: at(10),
      messageId: null,
      contactId: null,
      phoneNumber: null,
      channelConfigurationId: null,
      detail: null,
      dedupeKey: null,
      ...over,
    });
    const rows = [
      event('e01', { messageId: 'm01', channelConfigurationId: 'cfg1', dedupeKey: 'd1', detail: { url: 'https://x', n: 1 } }),
      event('e02', { type: 'DELIVERED', messageId: 'm01', at: at(20), channelConfigurationId: 'cfg1' }),
      event('e03', { type: 'CLICKED', at: at(30), contactId: 'c01', phoneNumber: '+15550001' }),
      event('e04', { type: 'DELIVERED', messageId: 'm05', at: at(40) }),
      event('e05', { type: 'INBOUND', at: at(50), channelConfigurationId: 'cfg2' }),
      event('eb1', { sandboxId: B, messageId: 'mb1', dedupeKey: 'd1' }),
    ];
    for (const row of rows) expect(await both('insertTrackingEvent', row)).toBe(true);
    expect(await both('insertTrackingEvent', event('e99', { dedupeKey: 'd1' }))).toBe(false);

    expect(await both('findTrackingEvent', A, 'e01')).toEqual(rows[0]);
    expect(await both('findTrackingEvent', A, 'eb1')).toBeUndefined();
    expect((await bothById('findTrackingEvents', A, ['e04', 'e02', 'eb1'])).map((r) => r.id)).toEqual(['e02', 'e04']);
    expect(await bothById('findTrackingEvents', A, [])).toEqual([]);

    const ids = async (window: PageWindow, filter: sqliteStore.TrackingEventFilter = {}) =>
      (await both('listTrackingEvents', A, window, filter)).map((r) => r.id);
    expect(await ids({ limit: 2, direction: 'desc' })).toEqual(['e05', 'e04', 'e03']);
    expect(await ids({ limit: 2, direction: 'asc', beforeId: 'e02' })).toEqual(['e03', 'e04', 'e05']);
    expect(await ids({ limit: 10, direction: 'desc' }, { since: at(20), until: at(40) })).toEqual(['e04', 'e03', 'e02']);
    expect(await ids({ limit: 10, direction: 'desc' }, { type: 'DELIVERED', messageId: 'm01' })).toEqual(['e02']);
    expect(await ids({ limit: 10, direction: 'desc', afterId: 'e02' }, { channelConfigurationId: 'cfg1' })).toEqual(['e01']);
    expect(await both('countTrackingEvents', A, {})).toBe(5);
    expect(await both('countTrackingEvents', A, { since: at(20), until: at(40), type: 'DELIVERED' })).toBe(2);
    expect(await both('countTrackingEvents', A, { until: at(9) })).toBe(0);
    expect(await both('countTrackingEvents', B, { messageId: 'mb1' })).toBe(1);
  });
});
