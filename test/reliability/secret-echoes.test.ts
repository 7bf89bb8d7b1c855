import { describe, expect, it } from 'vitest';
import { request } from 'undici';
import { MetaApiError } from '../../src/meta/index.js';
import { DEFAULT_IDS, type RunningMetaSimulator } from '../../src/meta-simulator/index.js';
import type { MetaClient } from '../../src/meta/index.js';
import { useWorld } from '../helpers/world.js';
import { rejection, useSimClient } from '../meta/helpers.js';

// Issue 16 point 6: nothing a caller sends as a secret comes back in an answer: a token written as an unquoted or
// list literal (validation errors quoted it), a malformed JSON body or variables parameter (the parser's message
// quoted it), and a token shorter than 8 characters that Meta echoes (it was not masked).

const CANARY = 'EAACANARYecho7Qx9Zk2LmP4vR8sT1';
const w = useWorld();

async function post(body: string, key = w.h.adminKey) {
  const res = await request(`${w.h.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body,
  });
  return { status: res.statusCode, text: await res.body.text() };
}

describe('no secret echoed to its sender', () => {
  it('a token as an unquoted, list, object or enum-position literal is not quoted in the validation error', async () => {
    const literals = [CANARY, `[${JSON.stringify(CANARY)}]`, `[${CANARY}]`, `{ t: ${JSON.stringify(CANARY)} }`, `${CANARY}123`];
    for (const literal of literals) {
      const query = `mutation { discoverWhatsAppBusinessAccounts(input: { apiToken: ${literal}, businessAccountId: "1" }) { __typename } }`;
      const res = await post(JSON.stringify({ query }));
      expect(res.text).toMatch(/errors/);
      expect(res.text).not.toContain('CANARY');
    }
    // An enum position gets the same treatment (the value is not quoted back).
    const res = await post(JSON.stringify({ query: `{ whatsAppMessages(first: 1, status: ${CANARY}) { totalCount } }` }));
    expect(res.text).toMatch(/errors/);
    expect(res.text).not.toContain('CANARY');
  });

  it('a malformed JSON body or variables parameter gets a fixed 400 that quotes nothing', async () => {
    const bodies = [
      `{"query":"mutation($t: String!) { x }","variables":{"t":"${CANARY}`,
      `{"query": "{ viewer { role } }", "variables": {"t": ${CANARY}}}`,
      `${CANARY}`,
    ];
    for (const body of bodies) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(res.text).not.toContain('CANARY');
      expect(res.text).toMatch(/not valid JSON/);
    }
    const get = await request(
      `${w.h.url}/graphql?query=${encodeURIComponent('{ viewer { role } }')}&variables=${encodeURIComponent(`{"t": ${CANARY}`)}`,
      { headers: { authorization: `Bearer ${w.h.adminKey}`, accept: 'application/json' } },
    );
    const text = await get.body.text();
    expect(get.statusCode).toBe(400);
    expect(text).not.toContain('CANARY');
  });
});

describe('a short token echoed by Meta', () => {
  let running: RunningMetaSimulator;
  let client: MetaClient;
  useSimClient((started) => ({ running, client } = started));

  it('is masked in the error like a long one', async () => {
    const short = 'Zq7xK2';
    running.sim.injectFault({
      path: `/*/${DEFAULT_IDS.waba.acmeMain}`,
      status: 400,
      metaError: { code: 190, message: `Invalid OAuth access token - Cannot parse access token: ${short}`, details: `token ${short}` },
    });
    const err = await rejection(client.session(short).getWaba(DEFAULT_IDS.waba.acmeMain, { retry: false }));
    expect(err).toBeInstanceOf(MetaApiError);
    const e = err as MetaApiError;
    expect(`${e.message} ${e.details} ${e.userMessage}`).not.toContain(short);
    expect(e.message).toContain('[redacted]');
  });
});
