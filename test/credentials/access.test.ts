import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../helpers/harness.js';
import { connectWs } from '../helpers/live.js';
import { cleanup, sandboxIdOf, startWorld } from '../helpers/world.js';
import {
  acmeInput,
  CreateDoc,
  createCredential,
  DeleteDoc,
  DiscoverDoc,
  IDS,
  ListDoc,
  NodeDoc,
  readCredential,
  RefreshDoc,
  StatusSubDoc,
  TestDoc,
  UpdateDoc,
  waitForStatus,
  waitUntil,
} from './helpers.js';

// Acceptance 3: entitlement, roles and sandbox isolation (both directions).

let h: Harness;
let keyB: string;
let idA: string;
let idB: string;

beforeAll(async () => {
  ({ h } = await startWorld());
  keyB = await h.createKey({ sandbox: 'other', role: 'ADMIN' });
  idA = await createCredential(h, acmeInput('shared name'));
  idB = await createCredential(h, acmeInput('shared name'), keyB);
  await waitForStatus(h, idA, 'ACTIVE');
  await waitForStatus(h, idB, 'ACTIVE', undefined, keyB);
});
afterAll(cleanup);

/** Every credential mutation, with inputs that would otherwise be valid for `id`. */
function everyMutation(id: string) {
  return [
    ['discover', () => h.gql(DiscoverDoc, { input: { apiToken: IDS.token.systemUser, businessAccountId: IDS.business.acme } }, currentKey)],
    ['create', () => h.gql(CreateDoc, { input: acmeInput('new one') }, currentKey)],
    ['update', () => h.gql(UpdateDoc, { input: { id, name: 'renamed' } }, currentKey)],
    ['delete', () => h.gql(DeleteDoc, { input: { id } }, currentKey)],
    ['test', () => h.gql(TestDoc, { input: { id } }, currentKey)],
    ['refresh', () => h.gql(RefreshDoc, { input: { credentialId: id } }, currentKey)],
  ] as const;
}
let currentKey = '';

function resultOf(res: { data?: Record<string, unknown> | null }): { __typename?: string; message?: string; entitlement?: string } {
  return Object.values(res.data ?? {})[0] as { __typename?: string };
}

describe('entitlement and roles', () => {
  it('without cjm_whatsapp every credential mutation returns EntitlementError and changes nothing', async () => {
    currentKey = await h.createKey({ organization: 'noent', sandbox: 'prod', role: 'ADMIN', entitlements: [] });
    for (const [name, run] of everyMutation(idA)) {
      const res = await run();
      expect(res.errors, name).toBeUndefined();
      expect(resultOf(res), name).toMatchObject({ __typename: 'EntitlementError', entitlement: 'cjm_whatsapp' });
    }
    // Even malformed input reports the entitlement first.
    const bad = await h.gql(CreateDoc, { input: acmeInput('', { apiToken: '' }) }, currentKey);
    expect(resultOf(bad).__typename).toBe('EntitlementError');
    const list = await h.gql(ListDoc, {}, currentKey);
    expect(list.data!.whatsAppApiCredentials.totalCount).toBe(0);
    expect((await readCredential(h, idA))!.name).toBe('shared name');
  });

  it('a VIEWER gets a top-level FORBIDDEN for every credential mutation but can read', async () => {
    currentKey = h.viewerKey;
    for (const [name, run] of everyMutation(idA)) {
      const res = await run();
      expect(res.errors?.[0]?.extensions?.code, name).toBe('FORBIDDEN');
      expect(res.data ?? null, name).toBeNull();
    }
    expect((await readCredential(h, idA, h.viewerKey))!.status).toBe('ACTIVE');
    const list = await h.gql(ListDoc, {}, h.viewerKey);
    expect(list.data!.whatsAppApiCredentials.totalCount).toBe(1);
  });
});

describe('sandbox isolation', () => {
  for (const [label, ownerKey, otherKey, ownId, foreignId] of [
    ['B cannot reach A', () => h.adminKey, () => keyB, () => idA, () => idB],
    ['A cannot reach B', () => keyB, () => h.adminKey, () => idB, () => idA],
  ] as const) {
    it(`${label}: node, list, test, refresh, update and delete answer not found`, async () => {
      const foreign = ownId();
      const key = otherKey();
      expect((await h.gql(NodeDoc, { id: foreign }, key)).data!.node).toBeNull();
      const list = await h.gql(ListDoc, {}, key);
      expect(list.data!.whatsAppApiCredentials.edges.map((e) => e.node.id)).toEqual([foreignId()]);
      expect(list.data!.whatsAppApiCredentials.totalCount).toBe(1);
      for (const res of [
        await h.gql(TestDoc, { input: { id: foreign } }, key),
        await h.gql(RefreshDoc, { input: { credentialId: foreign } }, key),
        await h.gql(UpdateDoc, { input: { id: foreign, name: 'stolen', apiToken: IDS.token.expired } }, key),
        await h.gql(DeleteDoc, { input: { id: foreign } }, key),
      ]) {
        expect(res.errors).toBeUndefined();
        expect(resultOf(res)).toMatchObject({ __typename: 'NotFoundError', message: 'WhatsApp API credential not found' });
      }
      const still = await readCredential(h, foreign, ownerKey());
      expect(still).toMatchObject({ name: 'shared name', status: 'ACTIVE', apiTokenLast4: IDS.token.systemUser.slice(-4) });
    });
  }

  it('a subscription to another sandbox credential is refused, and sandbox-wide streams never carry the other sandbox', async () => {
    const ws = connectWs(h.wsUrl, keyB);
    try {
      const foreign = ws.subscribe(StatusSubDoc, { id: idA });
      // graphql-ws reports it as an error result (or an error message, depending on where it surfaced).
      const outcome = await foreign.done.then(
        () => JSON.stringify(foreign.events.all),
        (err: unknown) => JSON.stringify(err),
      );
      expect(outcome).toContain('WhatsApp API credential not found');
      expect(outcome).not.toContain('"status"');

      const all = ws.subscribe(StatusSubDoc, {});
      const first = await all.events.next();
      expect(first.data!.whatsAppApiCredentialStatusChanged.credential.id).toBe(idB);
      const sandboxB = await sandboxIdOf(h, keyB);
      await waitUntil(() => h.server.deps.pubsub.listenerCount(sandboxB, 'credential:status-changed') > 0);
      const again = await createCredential(h, acmeInput('only in A'));
      await waitForStatus(h, again, 'ACTIVE');
      await all.events.none(200);
      expect(all.events.all).toHaveLength(1);
    } finally {
      await ws.dispose();
    }
  });

  it('ids of another type or garbage are BAD_USER_INPUT; an unknown credential id is not found', async () => {
    const wrongType = encodeGlobalID('MarketingAction', '01ABC');
    for (const id of [wrongType, 'not-a-global-id']) {
      const res = await h.gql(TestDoc, { input: { id } });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.id' });
    }
    const unknown = await h.gql(TestDoc, { input: { id: encodeGlobalID('WhatsAppApiCredential', '01ABC') } });
    expect(resultOf(unknown)).toMatchObject({ __typename: 'NotFoundError' });
  });
});
