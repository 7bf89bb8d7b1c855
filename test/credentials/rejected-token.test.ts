import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../helpers/harness.js';
import { sqlValue } from '../helpers/sql.js';
import { cleanup, rawId, startWorld } from '../helpers/world.js';
import { defaultScenarioInput, type RunningMetaSimulator } from '../../src/meta-simulator/index.js';
import { getCredential, openMetaSession } from '../../src/credentials/service.js';
import { acmeInput, createCredential, IDS, RecentCallsDoc, RefreshDoc, scenarioWithTokens, TestDoc, waitForStatus } from './helpers.js';

// "A Meta 190 on any later call moves the credential to FAILED with a re-authorisation message", whoever made
// the call; and the per-credential call log keeps only the newest calls.

const REVOKED_BY_REFRESH = 'SIMrevokedLaterToken00000000000000000101';
const REVOKED_FOR_OTHERS = 'SIMrevokedLaterToken00000000000000000102';
const REVOKED_BY_TEST = 'SIMrevokedLaterToken00000000000000000103';
const REAUTH = /^Meta rejected the access token \(code 190\): .* Generate a new system-user token and update the credential\.$/;

let sim: RunningMetaSimulator;
let h: Harness;

beforeAll(async () => {
  ({ sim, h } = await startWorld({ scenario: scenarioWithTokens(REVOKED_BY_REFRESH, REVOKED_FOR_OTHERS, REVOKED_BY_TEST) }));
});
afterAll(cleanup);

/** Revokes tokens at "Meta": the simulator's world is replaced with those tokens marked invalid. */
function revoke(...values: string[]): void {
  const base = scenarioWithTokens(REVOKED_BY_REFRESH, REVOKED_FOR_OTHERS, REVOKED_BY_TEST);
  sim.sim.replaceScenario({ ...base, tokens: base.tokens!.map((t) => (values.includes(t.value) ? { ...t, isValid: false } : t)) });
}

async function sandboxOf(id: string): Promise<string> {
  return sqlValue<string>(h.server, 'SELECT sandbox_id FROM whatsapp_api_credentials WHERE id = ?', rawId(id));
}

describe('a token rejected after verification', () => {
  let byRefresh = '';
  let forOthers = '';
  let byTest = '';

  beforeAll(async () => {
    byRefresh = await createCredential(h, acmeInput('refresh 190', { apiToken: REVOKED_BY_REFRESH }));
    forOthers = await createCredential(h, acmeInput('other slice 190', { apiToken: REVOKED_FOR_OTHERS }));
    byTest = await createCredential(h, acmeInput('test 190', { apiToken: REVOKED_BY_TEST }));
    for (const id of [byRefresh, forOthers, byTest]) await waitForStatus(h, id, 'ACTIVE');
    revoke(REVOKED_BY_REFRESH, REVOKED_FOR_OTHERS, REVOKED_BY_TEST);
  });

  it('refreshWhatsAppPhoneNumber returns MetaApiError 190 and the credential is FAILED with the re-authorisation message', async () => {
    const res = await h.gql(RefreshDoc, { input: { credentialId: byRefresh } });
    const r = res.data!.refreshWhatsAppPhoneNumber;
    if (r.__typename !== 'MetaApiError') throw new Error(JSON.stringify(r));
    expect(r.metaCode).toBe(190);
    expect(r.remedy).toMatch(/Generate a new access token/);
    const c = await waitForStatus(h, byRefresh, 'FAILED');
    expect(c.statusMessage).toMatch(REAUTH);
  });

  it('a 190 on a call another slice makes through openMetaSession fails the credential too', async () => {
    const credential = (await getCredential(h.server.deps, await sandboxOf(forOthers), rawId(forOthers)))!;
    const session = openMetaSession(h.server.deps, credential);
    await expect(session.getPhoneNumber(IDS.phone.acmeGreen, { retry: false })).rejects.toMatchObject({ metaCode: 190 });
    const c = await waitForStatus(h, forOthers, 'FAILED');
    expect(c.statusMessage).toMatch(REAUTH);
    const calls = await h.gql(RecentCallsDoc, { id: forOthers, first: 1 });
    const last = calls.data!.node && 'recentApiCalls' in calls.data!.node ? calls.data!.node.recentApiCalls[0] : null;
    expect(last).toMatchObject({ method: 'GET', httpStatus: 401, metaCode: 190, outcome: 'meta_error' });
    expect(last!.fbtraceId).toBeTruthy();
  });

  it('testWhatsAppApiCredential reports the rejected token step by step and fails the credential', async () => {
    const res = await h.gql(TestDoc, { input: { id: byTest } });
    const r = res.data!.testWhatsAppApiCredential;
    if (r.__typename !== 'TestWhatsAppApiCredentialSuccess') throw new Error(JSON.stringify(r));
    expect(r.data.passed).toBe(false);
    expect(r.data.steps.map((s) => [s.step, s.passed])).toEqual([
      ['TOKEN', false],
      ['PERMISSIONS', false],
      ['BUSINESS_ACCOUNT', false],
      ['PHONE_NUMBER', false],
      ['SENDING', false],
    ]);
    expect(r.data.steps[0]!.remedy).toMatch(/Generate a new access token/);
    expect(r.data.steps[1]!.detail).toMatch(/Not run/);
    expect(r.data.credential.status).toBe('FAILED');
    expect(r.data.credential.statusMessage).toMatch(REAUTH);
  });
});

describe('the call log', () => {
  it('keeps only the newest 200 calls per credential', async () => {
    sim.sim.replaceScenario(defaultScenarioInput());
    const id = await createCredential(h, acmeInput('busy sender'));
    await waitForStatus(h, id, 'ACTIVE');
    const credential = (await getCredential(h.server.deps, await sandboxOf(id), rawId(id)))!;
    const session = openMetaSession(h.server.deps, credential);
    for (let i = 0; i < 230; i++) await session.getPhoneNumber(IDS.phone.acmeGreen, { retry: false });
    const count = () => sqlValue<number>(h.server, 'SELECT count(*) AS n FROM meta_api_calls WHERE credential_id = ?', rawId(id));
    await new Promise((r) => setImmediate(r));
    expect(await count()).toBe(200);
    const res = await h.gql(RecentCallsDoc, { id, first: 100 });
    const calls = res.data!.node && 'recentApiCalls' in res.data!.node ? res.data!.node.recentApiCalls : [];
    expect(calls).toHaveLength(100);
    expect(calls.every((c) => c.path.startsWith(`/v25.0/${IDS.phone.acmeGreen}?`))).toBe(true);
    const times = calls.map((c) => new Date(c.at).getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });
});
