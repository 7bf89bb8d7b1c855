import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../helpers/harness.js';
import { connectWs } from '../helpers/live.js';
import { cleanup, sandboxIdOf, startWorld } from '../helpers/world.js';
import {
  acmeInput,
  createCredential,
  DiscoverDoc,
  IDS,
  ListDoc,
  readCredential,
  RecentCallsDoc,
  StatusSubDoc,
  waitForStatus,
  waitUntil,
} from './helpers.js';

// Acceptance 1: discover -> create -> ACTIVE, seen through a graphql-ws subscription and through queries.

let h: Harness;
beforeAll(async () => ({ h } = await startWorld()));
afterAll(cleanup);

describe('credential lifecycle', () => {
  it('discovers the portfolio WABAs (owned and client) with their numbers, quality and throughput', async () => {
    const res = await h.gql(DiscoverDoc, { input: { apiToken: IDS.token.systemUser, businessAccountId: IDS.business.acme } });
    expect(res.errors).toBeUndefined();
    const r = res.data!.discoverWhatsAppBusinessAccounts;
    if (r.__typename !== 'DiscoverWhatsAppBusinessAccountsSuccess') throw new Error(JSON.stringify(r));
    expect(r.data.map((w) => [w.id, w.ownership])).toEqual([
      [IDS.waba.acmeMain, 'OWNED'],
      [IDS.waba.acmeSupport, 'OWNED'],
      [IDS.waba.partnerShared, 'CLIENT'],
    ]);
    const main = r.data[0]!;
    expect(main.name).toBe('Acme Main');
    expect(main.phoneNumbers.map((p) => p.id)).toEqual([IDS.phone.acmeGreen, IDS.phone.acmeYellowHigh, IDS.phone.acmeRedLimited]);
    expect(main.phoneNumbers[0]).toEqual({
      id: IDS.phone.acmeGreen,
      displayPhoneNumber: '+15550100001',
      verifiedName: 'Acme Retail',
      qualityRating: 'GREEN',
      throughputLevel: 'STANDARD',
      messagesPerSecond: 80,
      messagingLimitTier: 'TIER_2K',
      canSendMessage: true,
    });
    expect(main.phoneNumbers[1]).toMatchObject({ qualityRating: 'YELLOW', throughputLevel: 'HIGH', messagesPerSecond: 1000 });
    expect(r.data[2]!.phoneNumbers[0]).toMatchObject({ id: IDS.phone.partnerShared, displayPhoneNumber: '+351210000005' });
  });

  it('creates in PROCESSING and reaches ACTIVE, observed over graphql-ws (PROCESSING first, then ACTIVE) and by query', async () => {
    const sandboxId = await sandboxIdOf(h);
    const ws = connectWs(h.wsUrl, h.adminKey);
    try {
      const sub = ws.subscribe(StatusSubDoc, {});
      await waitUntil(
        () => h.server.deps.pubsub.listenerCount(sandboxId, 'credential:status-changed') > 0,
        5_000,
        'subscription registered',
      );

      const id = await createCredential(h, acmeInput('Acme main sender'));
      const first = await sub.events.until((e) => e.data?.whatsAppApiCredentialStatusChanged.credential.id === id);
      expect(first.data!.whatsAppApiCredentialStatusChanged).toMatchObject({ previousStatus: null, status: 'PROCESSING' });
      const second = await sub.events.until((e) => e.data?.whatsAppApiCredentialStatusChanged.credential.id === id);
      expect(second.data!.whatsAppApiCredentialStatusChanged).toMatchObject({ previousStatus: 'PROCESSING', status: 'ACTIVE' });
      expect(second.errors).toBeUndefined();

      const c = await waitForStatus(h, id, 'ACTIVE');
      expect(c).toMatchObject({
        name: 'Acme main sender',
        businessAccountId: IDS.business.acme,
        statusMessage: null,
        apiTokenLast4: IDS.token.systemUser.slice(-4),
        apiTokenType: 'SYSTEM_USER',
        apiTokenExpiresAt: null,
        warnings: [],
        whatsAppBusinessAccount: { metaId: IDS.waba.acmeMain, name: 'Acme Main', ownership: 'OWNED' },
        phoneNumber: {
          metaId: IDS.phone.acmeGreen,
          displayPhoneNumber: '+15550100001',
          verifiedName: 'Acme Retail',
          qualityRating: 'GREEN',
          throughputLevel: 'STANDARD',
          messagesPerSecond: 80,
          messagingLimitTier: 'TIER_2K',
          status: 'CONNECTED',
          canSendMessage: true,
        },
      });
      expect(c.apiTokenScopes).toEqual(expect.arrayContaining(['whatsapp_business_management', 'whatsapp_business_messaging']));
      expect(c.phoneNumberRefreshedAt).not.toBeNull();

      // A subscription to one credential starts with its current state.
      const one = ws.subscribe(StatusSubDoc, { id });
      const current = await one.events.next();
      expect(current.data!.whatsAppApiCredentialStatusChanged).toMatchObject({
        previousStatus: 'PROCESSING',
        status: 'ACTIVE',
        credential: { id },
      });
      await one.events.none(200);
    } finally {
      await ws.dispose();
    }
  });

  it('lists credentials with a status filter and cursor pages', async () => {
    const second = await createCredential(h, acmeInput('Acme yellow sender', { phoneNumberId: IDS.phone.acmeYellowHigh }));
    await waitForStatus(h, second, 'ACTIVE');
    const all = await h.gql(ListDoc, {});
    expect(all.data!.whatsAppApiCredentials.totalCount).toBe(2);
    // Newest first.
    expect(all.data!.whatsAppApiCredentials.edges.map((e) => e.node.name)).toEqual(['Acme yellow sender', 'Acme main sender']);
    const page1 = await h.gql(ListDoc, { first: 1 });
    expect(page1.data!.whatsAppApiCredentials.pageInfo.hasNextPage).toBe(true);
    const page2 = await h.gql(ListDoc, { first: 1, after: page1.data!.whatsAppApiCredentials.pageInfo.endCursor });
    expect(page2.data!.whatsAppApiCredentials.edges.map((e) => e.node.name)).toEqual(['Acme main sender']);
    const active = await h.gql(ListDoc, { status: 'ACTIVE' });
    expect(active.data!.whatsAppApiCredentials.totalCount).toBe(2);
    const failed = await h.gql(ListDoc, { status: 'FAILED' });
    expect(failed.data!.whatsAppApiCredentials).toMatchObject({ totalCount: 0, edges: [] });
  });

  it("records the credential's Meta calls for recentApiCalls, newest first, without the token", async () => {
    const list = await h.gql(ListDoc, { status: 'ACTIVE' });
    const id = list.data!.whatsAppApiCredentials.edges.at(-1)!.node.id;
    await waitUntil(async () => {
      const res = await h.gql(RecentCallsDoc, { id });
      return (res.data?.node && 'recentApiCalls' in res.data.node ? res.data.node.recentApiCalls.length : 0) >= 4;
    });
    const res = await h.gql(RecentCallsDoc, { id, first: 100 });
    const calls = res.data!.node && 'recentApiCalls' in res.data!.node ? res.data!.node.recentApiCalls : [];
    const paths = calls.map((c) => `${c.method} ${c.path.split('?')[0]}`);
    // Verification order: debug_token, owned + client WABAs, phone numbers; newest first.
    expect(paths).toEqual([
      `GET /v25.0/${IDS.waba.acmeMain}/phone_numbers`,
      `GET /v25.0/${IDS.business.acme}/client_whatsapp_business_accounts`,
      `GET /v25.0/${IDS.business.acme}/owned_whatsapp_business_accounts`,
      'GET /v25.0/debug_token',
    ]);
    for (const call of calls) {
      expect(call).toMatchObject({ httpStatus: 200, metaCode: null, outcome: 'ok' });
      expect(call.path).not.toContain('input_token');
      expect(call.path).not.toContain(IDS.token.systemUser);
      expect(call.durationMs).toBeGreaterThanOrEqual(0);
    }
    const one = await h.gql(RecentCallsDoc, { id, first: 1 });
    expect(one.data!.node && 'recentApiCalls' in one.data!.node ? one.data!.node.recentApiCalls : []).toHaveLength(1);
    const tooMany = await h.gql(RecentCallsDoc, { id, first: 101 });
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await readCredential(h, id))!.status).toBe('ACTIVE');
  });
});
