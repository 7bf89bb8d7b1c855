// Every error class the client produces, from real simulator answers and
// real sockets: rate limits, 5xx (JSON and not), timeouts, refused, DNS,
// redirects; plus the error catalog.
import { beforeEach, describe, expect, it } from 'vitest';
import {
  isPermissionError,
  isThrottling,
  isTokenInvalid,
  lookupMetaError,
  MetaApiError,
  MetaSendOutcomeUnknownError,
  MetaUnreachableError,
  templateMessage,
  type MetaClient,
  type MetaApiCallRecord,
} from '../../src/meta/index.js';
import { DEFAULT_IDS, type RunningMetaSimulator } from '../../src/meta-simulator/index.js';
import { closedPort, makeClient, rejection, useSimClient } from './helpers.js';

const ids = DEFAULT_IDS;
let running: RunningMetaSimulator;
let client: MetaClient;
let records: MetaApiCallRecord[];

useSimClient((started) => ({ running, client, records } = started), {
  client: { timeouts: { connectMs: 1_000, headersMs: 150, bodyMs: 150 } },
});
beforeEach(() => running.sim.reset());

const s = () => client.session(ids.token.systemUser, { tag: { credentialId: 'c' } });
const once = { retry: false } as const;
const template = templateMessage('+16505551234', { name: 'hello_world', languageCode: 'en_US' });

describe('Meta error answers', () => {
  it.each([
    [4, 429],
    [80007, 429],
    [130429, 429],
  ])('code %i is a retryable throttling MetaApiError', async (code, status) => {
    running.sim.injectFault({ path: `/*/${ids.waba.acmeMain}`, metaError: { code, message: `(#${code}) limit` } });
    const err = await rejection(s().getWaba(ids.waba.acmeMain, once));
    expect(err).toBeInstanceOf(MetaApiError);
    expect(err).toMatchObject({ metaCode: code, httpStatus: status, retryable: true });
    expect(isThrottling(err)).toBe(true);
    expect(records).toEqual([expect.objectContaining({ outcome: 'meta_error', metaCode: code, httpStatus: status, attempt: 1 })]);
  });

  it('the real per-number throughput limit answers 130429 / 2494055 over HTTP 429', async () => {
    running.sim.setPhoneNumber(ids.phone.acmeGreen, { mpsOverride: 1 });
    await s().sendMessage(ids.phone.acmeGreen, template, once);
    const err = await rejection(s().sendMessage(ids.phone.acmeGreen, template, once));
    expect(err).toMatchObject({ metaCode: 130429, metaSubcode: 2494055, httpStatus: 429, message: '(#130429) Rate limit hit' });
    expect((err as MetaApiError).details).toMatch(/too many messages sent from this phone number/);
    expect(running.sim.sentMessages()).toHaveLength(1);
  });

  it('permission (#10) on send and (#200) on business edges', async () => {
    const e10 = await rejection(client.session(ids.token.noMessaging).sendMessage(ids.phone.acmeGreen, template));
    expect(e10).toMatchObject({ metaCode: 10, httpStatus: 403, retryable: false });
    const e200 = await rejection(client.session(ids.token.otherBusiness).listBusinessWabas(ids.business.acme, 'client'));
    expect(e200).toMatchObject({ metaCode: 200, metaSubcode: 1349174 });
    expect(isPermissionError(e10) && isPermissionError(e200) && !isTokenInvalid(e10)).toBe(true);
  });

  it('a JSON 5xx is a retryable MetaApiError', async () => {
    running.sim.injectFault({ path: '**/phone_numbers', status: 500, metaError: { code: 131000, message: 'Something went wrong' } });
    const err = await rejection(s().listPhoneNumbers(ids.waba.acmeMain, once));
    expect(err).toMatchObject({ metaCode: 131000, httpStatus: 500, retryable: true });
  });

  it('a non-JSON 5xx on a GET is a MetaApiError without a code', async () => {
    running.sim.injectFault({ path: '**', method: 'GET', status: 502, rawBody: '<html><body>502 Bad Gateway</body></html>' });
    const err = await rejection(s().getWaba(ids.waba.acmeMain, once));
    expect(err).toMatchObject({ httpStatus: 502, metaCode: null, retryable: true, details: '<html><body>502 Bad Gateway</body></html>' });
    expect((err as MetaApiError).remedy).toMatch(/server error/);
  });

  it('a non-JSON 5xx on a send is an unknown outcome (a gateway may have passed it on)', async () => {
    running.sim.injectFault({ path: '**/messages', status: 504, rawBody: 'Gateway Timeout', recordFirst: true });
    const body = templateMessage('+16505551234', { name: 'hello_world', languageCode: 'en_US' }, { bizOpaqueCallbackData: 'outbox-9' });
    const err = await rejection(s().sendMessage(ids.phone.acmeGreen, body));
    expect(err).toBeInstanceOf(MetaSendOutcomeUnknownError);
    expect(err).toMatchObject({
      reason: 'gateway',
      httpStatus: 504,
      phoneNumberId: ids.phone.acmeGreen,
      bizOpaqueCallbackData: 'outbox-9',
      retryable: false,
    });
    expect(records.map((r) => r.outcome)).toEqual(['unknown_outcome']);
  });

  it('a redirect is never followed', async () => {
    running.sim.injectFault({
      path: `/*/${ids.waba.acmeMain}`,
      status: 302,
      rawBody: '',
      headers: { location: `${running.url}/v25.0/${ids.waba.acmeSupport}` },
    });
    const watch = running.sim.injectFault({ path: `/*/${ids.waba.acmeSupport}`, status: 500 });
    const err = await rejection(s().getWaba(ids.waba.acmeMain));
    expect(err).toMatchObject({ httpStatus: 302, retryable: false });
    expect((err as MetaApiError).remedy).toMatch(/redirect/);
    expect(running.sim.faults.list().find((f) => f.id === watch)?.hits).toBe(0);
  });
});

describe('Meta unreachable', () => {
  it('a headers timeout on a GET is MetaUnreachableError(timeout, requestSent)', async () => {
    // undici's headers timer has ~1 s resolution, so the answer is held well past it.
    running.sim.injectFault({ path: `/*/${ids.waba.acmeMain}`, delayMs: 5_000 });
    const started = Date.now();
    const err = await rejection(s().getWaba(ids.waba.acmeMain, once));
    expect(err).toBeInstanceOf(MetaUnreachableError);
    expect(err).toMatchObject({ reason: 'timeout', requestSent: true, code: 'UND_ERR_HEADERS_TIMEOUT', retryable: true });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(records).toEqual([expect.objectContaining({ outcome: 'unreachable', httpStatus: null })]);
  });

  it('connection refused is MetaUnreachableError(refused, not sent), retried up to maxAttempts', async () => {
    const port = await closedPort();
    const t = makeClient(`http://127.0.0.1:${port}`);
    try {
      const err = await rejection(t.client.session(ids.token.systemUser).getWaba(ids.waba.acmeMain));
      expect(err).toMatchObject({ name: 'MetaUnreachableError', reason: 'refused', requestSent: false, code: 'ECONNREFUSED' });
      expect(t.records.map((r) => [r.attempt, r.outcome])).toEqual([
        [1, 'unreachable'],
        [2, 'unreachable'],
        [3, 'unreachable'],
      ]);
      expect(t.delays).toHaveLength(2);
    } finally {
      await t.client.close();
    }
  });

  it('an aborted call rejects with AbortError; a send aborted before connecting never reaches Meta', async () => {
    const ac = new AbortController();
    ac.abort();
    expect(await rejection(s().sendMessage(ids.phone.acmeGreen, template, { signal: ac.signal }))).toMatchObject({ name: 'AbortError' });
    const slow = new AbortController();
    running.sim.injectFault({ path: `/*/${ids.waba.acmeMain}`, delayMs: 5_000 });
    setTimeout(() => slow.abort(), 50);
    expect(await rejection(s().getWaba(ids.waba.acmeMain, { signal: slow.signal }))).toMatchObject({ name: 'AbortError' });
    expect(running.sim.sentMessages()).toHaveLength(0);
  });

  it('an unresolvable host is MetaUnreachableError(dns)', async () => {
    const t = makeClient('http://graph.meta-simulator.invalid');
    try {
      const err = await rejection(t.client.session(ids.token.systemUser).debugToken({ retry: false }));
      expect(err).toMatchObject({ reason: 'dns', requestSent: false });
      expect((err as MetaUnreachableError).remedy).toMatch(/does not resolve/);
    } finally {
      await t.client.close();
    }
  });
});

describe('error catalog', () => {
  const REQUIRED = [
    0, 1, 2, 3, 4, 10, 100, 190, 200, 250, 299, 368, 80007, 130429, 130472, 131000, 131005, 131008, 131009, 131016, 131021, 131026, 131031,
    131042, 131045, 131047, 131048, 131049, 131050, 131051, 131052, 131053, 131056, 131057, 132000, 132001, 132005, 132007, 132008, 132012,
    132015, 132016, 132068, 132069, 133010, 133016, 135000, 137000, 131030, 131037, 131062, 131063, 131064,
  ];

  it('has meaning, retry guidance and a remedy for every code of FACTS §7.2', () => {
    for (const code of REQUIRED) {
      const e = lookupMetaError(code);
      expect(e, `code ${code}`).not.toBeNull();
      expect(e?.meaning.length).toBeGreaterThan(5);
      expect(e?.remedy.length).toBeGreaterThan(10);
      expect(typeof e?.retryable).toBe('boolean');
    }
    expect(lookupMetaError(300)).toBeNull();
    expect(lookupMetaError(131047)?.retryable).toBe(false);
    expect(lookupMetaError(130429)?.retryable).toBe(true);
  });
});
