// A canary token must never appear in a call record, a log line or an error,
// on success paths (pagination links carry access_token, debug_token carries
// input_token) and failure paths (190, an error body echoing the token,
// unreachable, unknown outcome).
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactPath, redactText, templateMessage, textMessage } from '../../src/meta/index.js';
import { DEFAULT_IDS, defaultScenarioInput, type RunningMetaSimulator } from '../../src/meta-simulator/index.js';
import { captureLogger, closedPort, makeClient, rejection, startSim } from './helpers.js';

const CANARY = 'EAACANARYtoken7Qx9Zk2LmP4vR8sT1uW3yB6nD0fH5jK';
const CANARY_EXPIRED = 'EAACANARYexpired3Fh8Jk1Lm6Np9Qr2St5Vw8Yz1Bc4';
const ids = DEFAULT_IDS;

let running: RunningMetaSimulator;
const simLogs: string[] = [];

beforeAll(async () => {
  const scenario = defaultScenarioInput();
  const base = scenario.tokens![0]!;
  scenario.tokens!.push(
    { ...base, value: CANARY, note: 'canary' },
    { ...base, value: CANARY_EXPIRED, isValid: false, expiresInSeconds: -60, note: 'expired canary' },
  );
  scenario.settings = { maxPageSize: 1, defaultPageSize: 1 }; // every list is paginated through access_token links
  running = await startSim({ scenario, logger: captureLogger(simLogs) });
});

afterAll(async () => {
  await running.close();
});

function leaks(values: unknown[]): string[] {
  return values
    .map((v) => (typeof v === 'string' ? v : inspect(v, { depth: 10 }) + JSON.stringify(v)))
    .filter((s) => s.includes(CANARY) || s.includes(CANARY_EXPIRED) || s.includes('EAACANARY'));
}

describe('canary token', () => {
  it('appears in no record, log line or error, on any path', async () => {
    const t = makeClient(running.baseUrl, { timeouts: { headersMs: 200 }, instantSleep: true });
    const errors: unknown[] = [];
    const catchErr = async (p: Promise<unknown>): Promise<void> => {
      errors.push(await rejection(p));
    };
    try {
      const s = t.client.session(CANARY, { tag: { credentialId: 'canary-cred' } });
      await s.debugToken();
      expect((await s.listAllBusinessWabas(ids.business.acme)).length).toBe(3);
      expect((await s.listPhoneNumbers(ids.waba.acmeMain)).length).toBe(3);
      await s.listTemplates(ids.waba.acmeMain);
      await s.sendMessage(ids.phone.acmeGreen, templateMessage('+16505551234', { name: 'hello_world', languageCode: 'en_US' }));
      await catchErr(s.sendMessage(ids.phone.acmeGreen, textMessage('+16505551234', 'outside the window')));
      await catchErr(t.client.session(CANARY_EXPIRED).getWaba(ids.waba.acmeMain));
      await catchErr(t.client.session(CANARY_EXPIRED).debugToken());
      // A misbehaving edge that echoes the Authorization header and the token in a query string.
      running.sim.injectFault({
        path: `/*/${ids.waba.acmeSupport}`,
        status: 500,
        times: 3,
        rawBody: `upstream said: Authorization: Bearer ${CANARY} url=/x?access_token=${CANARY}&y=1`,
      });
      await catchErr(s.getWaba(ids.waba.acmeSupport));
      running.sim.injectFault({
        path: `/*/${ids.waba.acmeSupport}`,
        metaError: { code: 190, message: `Invalid token ${CANARY}`, details: `token ${CANARY} rejected` },
      });
      await catchErr(s.getWaba(ids.waba.acmeSupport));
      running.sim.injectFault({ method: 'POST', path: '**/messages', recordFirst: true, delayMs: 3_000 });
      await catchErr(s.sendMessage(ids.phone.acmeGreen, templateMessage('+16505551234', { name: 'hello_world', languageCode: 'en_US' })));
      await catchErr(s.sendMessage(ids.phone.acmeGreen, textMessage('+16505551234', 'x'), { retry: false }));
      expect(inspect(s)).not.toContain('EAACANARY');
    } finally {
      await t.client.close();
    }

    const port = await closedPort();
    const down = makeClient(`http://127.0.0.1:${port}`, { instantSleep: true });
    try {
      await catchErr(down.client.session(CANARY).debugToken());
    } finally {
      await down.client.close();
    }

    expect(errors.map((e) => (e as Error).name)).toEqual([
      'MetaApiError',
      'MetaApiError',
      'MetaApiError',
      'MetaApiError',
      'MetaApiError',
      'MetaSendOutcomeUnknownError',
      'MetaApiError',
      'MetaUnreachableError',
    ]);
    const echoed = errors[3] as { details: string };
    expect(echoed.details).toContain('Bearer [redacted]');
    expect(echoed.details).toContain('access_token=[redacted]&y=1');
    expect((errors[4] as Error).message).toBe('Invalid token [redacted]');

    expect(leaks([`x${CANARY}`, { nested: [CANARY_EXPIRED] }])).toHaveLength(2); // the detector itself works
    expect(t.records.length).toBeGreaterThan(15);
    expect(t.records.some((r) => r.path.includes('after='))).toBe(true);
    expect(t.logs.length).toBeGreaterThan(15);
    expect(leaks([...t.records, ...t.logs, ...down.records, ...down.logs])).toEqual([]);
    expect(leaks(errors.flatMap((e) => [String(e), (e as Error).stack, e]))).toEqual([]);
    expect(leaks([...simLogs, running.sim.sentMessages(), running.sim.rejectedSends()])).toEqual([]);
    expect(running.sim.sentMessages().every((m) => m.tokenLast4 === CANARY.slice(-4))).toBe(true);
  });

  it('redacts secret query parameters and bearer tokens in free text', () => {
    expect(redactPath('/v25.0/debug_token?input_token=abc&fields=a,b')).toBe('/v25.0/debug_token?fields=a,b');
    expect(redactPath('/v25.0/1/phone_numbers?access_token=abc&limit=2&after=xyz')).toBe('/v25.0/1/phone_numbers?limit=2&after=xyz');
    expect(redactPath('/v25.0/1?access_token=abc')).toBe('/v25.0/1');
    expect(redactText('see https://g/x?access_token=SECRET123&y=1 and Bearer SECRET456', ['SECRET999'])).toBe(
      'see https://g/x?access_token=[redacted]&y=1 and Bearer [redacted]',
    );
    expect(redactText('token abcdefgh12345 here', ['abcdefgh12345'])).toBe('token [redacted] here');
  });
});
