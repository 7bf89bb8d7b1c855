import { print } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../helpers/harness.js';
import { connectWs } from '../helpers/live.js';
import { sqlRows, sqlValue } from '../helpers/sql.js';
import { cleanup, startWorld } from '../helpers/world.js';
import {
  acmeInput,
  CreateDoc,
  DiscoverDoc,
  IDS,
  NodeDoc,
  RecentCallsDoc,
  RefreshDoc,
  scenarioWithTokens,
  StatusSubDoc,
  TestDoc,
  UpdateDoc,
  waitForStatus,
  waitUntil,
} from './helpers.js';

// Acceptance 4: a canary token appears in no response, log line or recorded call; a new token is verified again.

const CANARY = 'SIMcanaryToken7f3a9c1e5b2d8f4a6c0e9b7d5a3f1c8e';
const BOGUS = 'SIMbogusTokenMetaNeverIssued00000000000042';

let h: Harness;
const bodies: string[] = [];

async function call<TData, TVars>(doc: TypedDocumentNode<TData, TVars>, variables: TVars): Promise<TData> {
  const res = await h.post({ query: print(doc), variables }, { authorization: `Bearer ${h.adminKey}` });
  bodies.push(res.body, JSON.stringify(res.headers));
  const json = JSON.parse(res.body) as { data: TData; errors?: unknown };
  expect(json.errors).toBeUndefined();
  return json.data;
}

beforeAll(async () => ({ h } = await startWorld({ scenario: scenarioWithTokens(CANARY) })));
afterAll(cleanup);

describe('the token is write-only', () => {
  let id = '';

  it('never shows up in responses, subscriptions, logs, recorded calls or stored rows', async () => {
    const ws = connectWs(h.wsUrl, h.adminKey);
    const sub = ws.subscribe(StatusSubDoc, {});
    try {
      const discovered = await call(DiscoverDoc, { input: { apiToken: CANARY, businessAccountId: IDS.business.acme } });
      expect(discovered.discoverWhatsAppBusinessAccounts.__typename).toBe('DiscoverWhatsAppBusinessAccountsSuccess');
      // A token Meta refuses, and a malformed one, must not be echoed either.
      await call(DiscoverDoc, { input: { apiToken: `${CANARY}x`, businessAccountId: IDS.business.acme } });
      await call(DiscoverDoc, { input: { apiToken: `${CANARY} x`, businessAccountId: IDS.business.acme } });

      const created = await call(CreateDoc, { input: acmeInput('canary', { apiToken: CANARY }) });
      if (created.createWhatsAppApiCredential.__typename !== 'CreateWhatsAppApiCredentialSuccess') throw new Error('create failed');
      id = created.createWhatsAppApiCredential.data.id;
      expect(created.createWhatsAppApiCredential.data.apiTokenLast4).toBe(CANARY.slice(-4));
      await waitForStatus(h, id, 'ACTIVE');
      await call(NodeDoc, { id });
      await call(TestDoc, { input: { id } });
      await call(RefreshDoc, { input: { credentialId: id } });
      const calls = await call(RecentCallsDoc, { id, first: 100 });
      expect(calls.node && 'recentApiCalls' in calls.node ? calls.node.recentApiCalls.length : 0).toBeGreaterThanOrEqual(5);
      await sub.events.until((e) => e.data?.whatsAppApiCredentialStatusChanged.status === 'ACTIVE');
    } finally {
      await ws.dispose();
    }
    await waitUntil(async () => (await sqlValue<number>(h.server, 'SELECT count(*) AS n FROM meta_api_calls')) >= 5);
    const allRows = async (table: string) => JSON.stringify(await sqlRows(h.server, `SELECT * FROM ${table}`));

    const haystacks = {
      responses: bodies.join('\n'),
      subscription: JSON.stringify(sub.events.all),
      logs: h.logs.text(),
      metaApiCalls: await allRows('meta_api_calls'),
      credentials: await allRows('whatsapp_api_credentials'),
      jobs: await allRows('jobs'),
      audit: await allRows('audit_log'),
    };
    expect(haystacks.logs).toContain('Meta call');
    for (const [where, text] of Object.entries(haystacks)) {
      expect(text.includes(CANARY), `canary found in ${where}`).toBe(false);
      // Not even the part before the visible last 4.
      expect(text.includes(CANARY.slice(0, -4)), `canary prefix found in ${where}`).toBe(false);
    }
    expect(await sqlValue<string>(h.server, 'SELECT api_token_enc FROM whatsapp_api_credentials')).toMatch(/^v1\./);
  });

  it('a new token re-runs verification: PROCESSING then ACTIVE; a token Meta rejects ends FAILED; a rename alone changes nothing else', async () => {
    const ws = connectWs(h.wsUrl, h.adminKey);
    try {
      const sub = ws.subscribe(StatusSubDoc, { id });
      expect((await sub.events.next()).data!.whatsAppApiCredentialStatusChanged.status).toBe('ACTIVE');

      const renamed = await call(UpdateDoc, { input: { id, name: 'canary renamed' } });
      if (renamed.updateWhatsAppApiCredential.__typename !== 'UpdateWhatsAppApiCredentialSuccess') throw new Error('rename failed');
      expect(renamed.updateWhatsAppApiCredential.data).toMatchObject({
        name: 'canary renamed',
        status: 'ACTIVE',
        apiTokenLast4: CANARY.slice(-4),
      });
      await sub.events.none(150);

      const updated = await call(UpdateDoc, { input: { id, apiToken: IDS.token.temporaryUser } });
      if (updated.updateWhatsAppApiCredential.__typename !== 'UpdateWhatsAppApiCredentialSuccess') throw new Error('update failed');
      expect(updated.updateWhatsAppApiCredential.data).toMatchObject({
        status: 'PROCESSING',
        apiTokenLast4: IDS.token.temporaryUser.slice(-4),
        apiTokenType: null,
      });
      expect((await sub.events.next()).data!.whatsAppApiCredentialStatusChanged).toMatchObject({
        previousStatus: 'ACTIVE',
        status: 'PROCESSING',
      });
      expect((await sub.events.next()).data!.whatsAppApiCredentialStatusChanged).toMatchObject({
        previousStatus: 'PROCESSING',
        status: 'ACTIVE',
      });
      const c = await waitForStatus(h, id, 'ACTIVE');
      expect(c.apiTokenType).toBe('USER');
      expect(c.warnings.map((w) => w.code)).toContain('TEMPORARY_TOKEN');

      await call(UpdateDoc, { input: { id, apiToken: BOGUS } });
      expect((await sub.events.next()).data!.whatsAppApiCredentialStatusChanged.status).toBe('PROCESSING');
      const failed = (await sub.events.next()).data!.whatsAppApiCredentialStatusChanged;
      expect(failed).toMatchObject({ previousStatus: 'PROCESSING', status: 'FAILED' });
      expect(failed.credential.statusMessage).toMatch(/Meta rejected the access token \(code 190\).*Generate a new system-user token/);
      expect(JSON.stringify(sub.events.all)).not.toContain(BOGUS);
      expect(h.logs.text()).not.toContain(BOGUS);
    } finally {
      await ws.dispose();
    }
  });
});

describe('input errors never echo the token', () => {
  it('an input GraphQL rejects (a required field missing, a wrong type) names the field, not the values sent', async () => {
    const headers = { authorization: `Bearer ${h.adminKey}` };
    const { phoneNumberId: _dropped, ...missing } = acmeInput('echo', { apiToken: CANARY });
    const wrongType = { ...acmeInput('echo', { apiToken: CANARY }), name: 42 };
    for (const input of [missing, wrongType]) {
      const res = await h.post({ query: print(CreateDoc), variables: { input } }, headers);
      const json = JSON.parse(res.body) as { errors?: Array<{ message: string }> };
      expect(res.status).toBe(400);
      expect(json.errors![0]!.message).toMatch(/^Variable "\$input" got an invalid value/);
      expect(res.body).not.toContain(CANARY);
    }
    const body = await h.post({ query: print(CreateDoc), variables: { input: missing } }, headers);
    expect(body.body).toContain('phoneNumberId');
    expect(h.logs.text()).not.toContain(CANARY);
  });
});
