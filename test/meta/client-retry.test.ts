// The client's one retry layer: full-jitter backoff, Retry-After as a floor,
// fail-fast on long Retry-After, and sends that are never repeated unless
// Meta certainly refused them. The simulator's send record is the proof.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { computeBackoffDelay, MetaApiError, MetaSendOutcomeUnknownError, parseRetryAfter, templateMessage } from '../../src/meta/index.js';
import { DEFAULT_IDS, type RunningMetaSimulator } from '../../src/meta-simulator/index.js';
import { closedPort, makeClient, rejection, startSim } from './helpers.js';

const ids = DEFAULT_IDS;
const phone = ids.phone.acmeGreen;
const send = templateMessage('+16505551234', { name: 'hello_world', languageCode: 'en_US' }, { bizOpaqueCallbackData: 'outbox-42' });
let running: RunningMetaSimulator;

beforeAll(async () => {
  running = await startSim();
});

afterAll(async () => {
  await running.close();
});

beforeEach(() => running.sim.reset());

async function withClient<T>(opts: Parameters<typeof makeClient>[1], fn: (t: ReturnType<typeof makeClient>) => Promise<T>): Promise<T> {
  const t = makeClient(running.baseUrl, opts);
  try {
    return await fn(t);
  } finally {
    await t.client.close();
  }
}

describe('GET retries', () => {
  it('retries transient 5xx with capped full jitter and succeeds', async () => {
    running.sim.injectFault({ path: `/*/${ids.waba.acmeMain}`, status: 503, times: 2 });
    await withClient(
      { retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 150 }, random: () => 0.75, instantSleep: true },
      async ({ client, records, delays }) => {
        const waba = await client.session(ids.token.systemUser).getWaba(ids.waba.acmeMain);
        expect(waba.id).toBe(ids.waba.acmeMain);
        expect(records.map((r) => [r.attempt, r.outcome, r.httpStatus, r.metaCode])).toEqual([
          [1, 'meta_error', 503, 2],
          [2, 'meta_error', 503, 2],
          [3, 'ok', 200, null],
        ]);
        // 0.75 × min(150, 100·2^n): the second delay is capped.
        expect(delays).toEqual([75, 112]);
        delays.forEach((d, n) => {
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThanOrEqual(Math.min(150, 100 * 2 ** n));
        });
      },
    );
  });

  it('retries is_transient and throttling codes, but not a permanent 100', async () => {
    running.sim.injectFault({ path: '**/phone_numbers', status: 400, metaError: { code: 999, isTransient: true } });
    running.sim.injectFault({ path: '**/phone_numbers', metaError: { code: 80007 } });
    running.sim.injectFault({ path: '**/message_templates', metaError: { code: 100, message: '(#100) Invalid parameter' } });
    await withClient({ instantSleep: true }, async ({ client, records }) => {
      const s = client.session(ids.token.systemUser);
      expect(await s.listPhoneNumbers(ids.waba.acmeMain)).toHaveLength(3);
      expect(records.map((r) => r.metaCode)).toEqual([999, 80007, null]);
      records.length = 0;
      expect(await rejection(s.listTemplates(ids.waba.acmeMain))).toMatchObject({ metaCode: 100 });
      expect(records).toHaveLength(1);
    });
  });

  it('{ retry: false } makes exactly one attempt', async () => {
    running.sim.injectFault({ path: '**', status: 503, times: Infinity });
    await withClient({ instantSleep: true }, async ({ client, records }) => {
      expect(await rejection(client.session(ids.token.systemUser).getWaba(ids.waba.acmeMain, { retry: false }))).toMatchObject({
        httpStatus: 503,
        retryable: true,
      });
      expect(records).toHaveLength(1);
    });
  });

  it('honours Retry-After (seconds) as a minimum wait, for real', async () => {
    running.sim.injectFault({
      path: `/*/${ids.waba.acmeMain}`,
      status: 429,
      metaError: { code: 4, message: '(#4) Application request limit reached' },
      retryAfter: 1,
    });
    await withClient({ random: () => 0 }, async ({ client, records, delays }) => {
      await client.session(ids.token.systemUser).getWaba(ids.waba.acmeMain);
      expect(delays).toEqual([1000]);
      const [first, second] = records;
      const firstEnded = (first?.at.getTime() ?? 0) + (first?.durationMs ?? 0);
      expect((second?.at.getTime() ?? 0) - firstEnded).toBeGreaterThanOrEqual(990);
    });
  });

  it('honours Retry-After as an HTTP date', async () => {
    running.sim.injectFault({
      path: `/*/${ids.waba.acmeMain}`,
      status: 429,
      metaError: { code: 4 },
      retryAfter: new Date(Date.now() + 1_600).toUTCString(),
    });
    await withClient({ random: () => 0, instantSleep: true }, async ({ client, delays }) => {
      await client.session(ids.token.systemUser).getWaba(ids.waba.acmeMain);
      expect(delays).toHaveLength(1);
      expect(delays[0]).toBeGreaterThan(0);
      expect(delays[0]).toBeLessThanOrEqual(1_600);
    });
  });

  it('fails fast with retryAfterMs when Retry-After exceeds maxRetryAfterMs', async () => {
    running.sim.injectFault({ path: `/*/${ids.waba.acmeMain}`, status: 429, metaError: { code: 80007 }, retryAfter: 3600 });
    await withClient({}, async ({ client, records }) => {
      const started = Date.now();
      const err = await rejection(client.session(ids.token.systemUser).getWaba(ids.waba.acmeMain));
      expect(err).toBeInstanceOf(MetaApiError);
      expect(err).toMatchObject({ retryable: true, retryAfterMs: 3_600_000, metaCode: 80007 });
      expect(records).toHaveLength(1);
      expect(Date.now() - started).toBeLessThan(500);
    });
  });

  it('retries idempotent POSTs (mark as read) like GETs', async () => {
    running.sim.injectFault({ path: '**/messages', status: 503 });
    await withClient({ instantSleep: true }, async ({ client, records }) => {
      expect(await client.session(ids.token.systemUser).markAsRead(phone, 'wamid.abc')).toBe(true);
      expect(records.map((r) => r.outcome)).toEqual(['meta_error', 'ok']);
    });
  });
});

describe('send retries', () => {
  it('a send that timed out is never repeated: exactly one recorded', async () => {
    running.sim.injectFault({ method: 'POST', path: '**/messages', recordFirst: true, delayMs: 5_000 });
    await withClient({ timeouts: { headersMs: 200 }, instantSleep: true }, async ({ client, records }) => {
      const err = await rejection(client.session(ids.token.systemUser).sendMessage(phone, send));
      expect(err).toBeInstanceOf(MetaSendOutcomeUnknownError);
      expect(err).toMatchObject({
        reason: 'timeout',
        requestSent: true,
        retryable: false,
        phoneNumberId: phone,
        bizOpaqueCallbackData: 'outbox-42',
      });
      expect(records).toEqual([expect.objectContaining({ attempt: 1, outcome: 'unknown_outcome', httpStatus: null })]);
    });
    expect(running.sim.sentMessages()).toHaveLength(1);
    expect(running.sim.sentMessages()[0]?.bizOpaqueCallbackData).toBe('outbox-42');
  });

  it('a send whose connection was reset after writing is never repeated', async () => {
    running.sim.injectFault({ method: 'POST', path: '**/messages', recordFirst: true, dropConnection: true });
    await withClient({ instantSleep: true }, async ({ client, records }) => {
      const err = await rejection(client.session(ids.token.systemUser).sendMessage(phone, send));
      expect(err).toMatchObject({ name: 'MetaSendOutcomeUnknownError', reason: 'reset' });
      expect(records.map((r) => r.outcome)).toEqual(['unknown_outcome']);
    });
    expect(running.sim.sentMessages()).toHaveLength(1);
  });

  it('a 130429 send is retried and lands exactly once', async () => {
    running.sim.injectFault({
      method: 'POST',
      path: '**/messages',
      metaError: { code: 130429, subcode: 2494055, message: '(#130429) Rate limit hit' },
    });
    await withClient({ instantSleep: true }, async ({ client, records }) => {
      const res = await client.session(ids.token.systemUser).sendMessage(phone, send);
      expect(records.map((r) => [r.attempt, r.outcome, r.metaCode])).toEqual([
        [1, 'meta_error', 130429],
        [2, 'ok', null],
      ]);
      expect(running.sim.sentMessages().map((m) => m.wamid)).toEqual([res.wamid]);
      expect(running.sim.rejectedSends()).toHaveLength(0); // faults answer before the simulator's own checks
    });
  });

  it('other send errors are not retried (131000, 131056, 131047)', async () => {
    running.sim.injectFault({ method: 'POST', path: '**/messages', metaError: { code: 131000, message: 'Something went wrong' } });
    running.sim.injectFault({ method: 'POST', path: '**/messages', metaError: { code: 131056 } });
    await withClient({ instantSleep: true }, async ({ client, records }) => {
      const s = client.session(ids.token.systemUser);
      expect(await rejection(s.sendMessage(phone, send))).toMatchObject({ metaCode: 131000, retryable: true });
      expect(await rejection(s.sendMessage(phone, send))).toMatchObject({ metaCode: 131056, httpStatus: 429 });
      expect(await rejection(s.sendMessage(phone, templateMessage('+16505551234', { name: 'nope', languageCode: 'en_US' })))).toMatchObject(
        { metaCode: 132001 },
      );
      expect(records.map((r) => r.attempt)).toEqual([1, 1, 1]);
    });
    expect(running.sim.sentMessages()).toHaveLength(0);
  });

  it('a send refused before it was written is retried', async () => {
    const port = await closedPort();
    const t = makeClient(`http://127.0.0.1:${port}`, { instantSleep: true });
    try {
      const err = await rejection(t.client.session(ids.token.systemUser).sendMessage(phone, send));
      expect(err).toMatchObject({ name: 'MetaUnreachableError', reason: 'refused', requestSent: false });
      expect(t.records.map((r) => r.attempt)).toEqual([1, 2, 3]);
    } finally {
      await t.client.close();
    }
  });
});

describe('backoff arithmetic', () => {
  it('full jitter stays within [0, min(cap, base·2^n)] and is spread out', () => {
    const opts = { baseDelayMs: 100, maxDelayMs: 3_000 };
    let seed = 42;
    const random = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let n = 0; n < 8; n++) {
      const ceiling = Math.min(3_000, 100 * 2 ** n);
      const samples = Array.from({ length: 2_000 }, () => computeBackoffDelay(n, opts, random));
      expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...samples)).toBeLessThanOrEqual(ceiling);
      const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
      expect(Math.abs(mean - ceiling / 2)).toBeLessThan(ceiling * 0.06);
    }
    expect(computeBackoffDelay(3, opts, () => 1)).toBe(800);
    expect(computeBackoffDelay(30, opts, () => 1)).toBe(3_000);
  });

  it('parses Retry-After seconds, HTTP dates and garbage', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2_000);
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
