import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../helpers/harness.js';
import type { RunningMetaSimulator } from '../../src/meta-simulator/index.js';
import { activeCredential, cleanup, startWorld } from '../helpers/world.js';
import { sqlRows } from '../helpers/sql.js';
import {
  createWebhook,
  createWebhookRaw,
  deliveries,
  DeleteWebhookDoc,
  DeliveriesDoc,
  IDS,
  localCallback,
  ReplayDoc,
  RotateDoc,
  settledDeliveries,
  TestKeywordDoc,
  UpdateWebhookDoc,
  WebhookNodeDoc,
  WebhooksDoc,
  type WebhookView,
} from './helpers.js';

// Acceptance 8 (access): EntitlementError without cjm_whatsapp, a VIEWER cannot read verify tokens or mutate,
// and sandbox isolation in both directions (node, list, mutations, deliveries, testInboundKeyword).

let sim: RunningMetaSimulator;
let h: Harness;
let keyB: string;
let viewerB: string;
let a: WebhookView;
let b: WebhookView;
let deliveryA: string;
let deliveryB: string;

beforeAll(async () => {
  ({ sim, h } = await startWorld());
  keyB = await h.createKey({ sandbox: 'other', role: 'ADMIN' });
  viewerB = await h.createKey({ sandbox: 'other', role: 'VIEWER' });
  const credA = await activeCredential(h, 'acme');
  const credB = await activeCredential(h, 'acme', IDS.phone.acmeGreen, keyB);
  a = await createWebhook(h, { name: 'same name', apiCredentialId: credA });
  b = await createWebhook(h, { name: 'same name', apiCredentialId: credB }, keyB);
  // One delivery each (the simulator plays Meta for one callback URL at a time).
  for (const [w, key] of [
    [a, h.adminKey],
    [b, keyB],
  ] as const) {
    expect((await sim.sim.configureWebhook({ callbackUrl: localCallback(h, w), verifyToken: w.verifyToken })).verified).toBe(true);
    await sim.sim.sendInboundText({ phoneNumberId: IDS.phone.acmeGreen, from: { waId: '16505551010' }, text: 'hello' });
    const [d] = await settledDeliveries(h, w.id, 1, 10_000, key);
    if (w === a) deliveryA = d!.id;
    else deliveryB = d!.id;
  }
});
afterAll(cleanup);

type AnyResult = { data?: Record<string, unknown> | null; errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> };
const first = (res: AnyResult) => Object.values(res.data ?? {})[0] as { __typename?: string; entitlement?: string } | null;

function everyMutation(webhookId: string, deliveryId: string, credentialId: string, key: string) {
  return [
    ['create', () => createWebhookRaw(h, { name: 'new', apiCredentialId: credentialId, appSecret: IDS.appSecret, keywordRules: [] }, key)],
    ['update', () => h.gql(UpdateWebhookDoc, { input: { id: webhookId, name: 'renamed' } }, key)],
    ['rotate', () => h.gql(RotateDoc, { input: { id: webhookId } }, key)],
    ['replay', () => h.gql(ReplayDoc, { input: { id: deliveryId } }, key)],
    ['delete', () => h.gql(DeleteWebhookDoc, { input: { id: webhookId } }, key)],
  ] as const;
}

async function rowsOf(): Promise<unknown> {
  return {
    webhooks: await sqlRows(h.server, 'SELECT * FROM whatsapp_webhooks ORDER BY id'),
    deliveries: await sqlRows(h.server, 'SELECT id, outcome, attempts FROM webhook_deliveries ORDER BY id'),
  };
}

describe('entitlement and roles', () => {
  it('without cjm_whatsapp every webhook mutation returns EntitlementError and changes nothing', async () => {
    const key = await h.createKey({ organization: 'noent', sandbox: 'prod', role: 'ADMIN', entitlements: [] });
    const before = await rowsOf();
    for (const [name, run] of everyMutation(a.id, deliveryA, a.apiCredential.id, key)) {
      const res = (await run()) as AnyResult;
      expect(res.errors, name).toBeUndefined();
      expect(first(res), name).toMatchObject({ __typename: 'EntitlementError', entitlement: 'cjm_whatsapp' });
    }
    // Even a malformed input reports the entitlement first.
    const bad = (await createWebhookRaw(h, { name: '', apiCredentialId: 'x', appSecret: '', keywordRules: [] }, key)) as AnyResult;
    expect(first(bad)!.__typename).toBe('EntitlementError');
    expect(await rowsOf()).toEqual(before);
  });

  it('a VIEWER reads webhooks with a masked verify token and cannot mutate', async () => {
    const viewed = await h.gql(WebhookNodeDoc, { id: a.id }, h.viewerKey);
    const node = viewed.data!.node;
    if (node?.__typename !== 'WhatsAppWebhook') throw new Error(JSON.stringify(viewed));
    expect(node.verifyToken).toBe(`••••${a.verifyToken.slice(-4)}`);
    expect(node.verifyToken).not.toContain(a.verifyToken.slice(0, 8));
    expect(node.callbackUrl).toBe(a.callbackUrl);
    const list = await h.gql(WebhooksDoc, {}, h.viewerKey);
    expect(list.data!.whatsAppWebhooks.totalCount).toBe(1);
    expect(await deliveries(h, a.id, h.viewerKey)).toHaveLength(1);

    // The ADMIN sees the real token.
    const admin = await h.gql(WebhookNodeDoc, { id: a.id });
    expect(admin.data!.node).toMatchObject({ verifyToken: a.verifyToken });

    const before = await rowsOf();
    for (const [name, run] of everyMutation(a.id, deliveryA, a.apiCredential.id, h.viewerKey)) {
      const res = (await run()) as AnyResult;
      expect(res.errors?.[0]?.extensions?.code, name).toBe('FORBIDDEN');
    }
    expect(await rowsOf()).toEqual(before);
  });
});

describe('sandbox isolation', () => {
  const directions = () =>
    [
      ['prod cannot reach other', h.adminKey, h.viewerKey, b, deliveryB, a],
      ['other cannot reach prod', keyB, viewerB, a, deliveryA, b],
    ] as const;

  it('node, nodes, list, deliveries and testInboundKeyword do not see the other sandbox', async () => {
    for (const [what, admin, viewer, foreign, foreignDelivery, own] of directions()) {
      for (const key of [admin, viewer]) {
        expect((await h.gql(WebhookNodeDoc, { id: foreign.id }, key)).data!.node, what).toBeNull();
        expect((await h.gql(DeliveriesDoc, { id: foreign.id }, key)).data!.node, what).toBeNull();
        const list = await h.gql(WebhooksDoc, {}, key);
        expect(
          list.data!.whatsAppWebhooks.edges.map((e) => e.node.id),
          what,
        ).toEqual([own.id]);
        const test = await h.gql(TestKeywordDoc, { webhookId: foreign.id, text: 'STOP' }, key);
        expect(test.data, what).toBeNull();
        expect(test.errors?.[0]?.extensions?.code, what).toBe('NOT_FOUND');
        const deliveryNode = (
          await h.post(
            { query: 'query($id: ID!) { node(id: $id) { id } }', variables: { id: foreignDelivery } },
            { authorization: `Bearer ${key}` },
          )
        ).body;
        expect(JSON.parse(deliveryNode).data.node, what).toBeNull();
      }
    }
  });

  it('mutations on the other sandbox’s webhook or delivery are NotFoundError and change nothing', async () => {
    for (const [what, admin, , foreign, foreignDelivery] of directions()) {
      const before = await rowsOf();
      for (const [name, run] of everyMutation(foreign.id, foreignDelivery, foreign.apiCredential.id, admin)) {
        const res = (await run()) as AnyResult;
        expect(res.errors, `${what}: ${name}`).toBeUndefined();
        expect(first(res)!.__typename, `${what}: ${name}`).toBe('NotFoundError');
      }
      expect(await rowsOf(), what).toEqual(before);
    }
  });
});
