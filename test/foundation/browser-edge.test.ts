import { Readable } from 'node:stream';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { revokeApiKey } from '../../src/platform/tenancy/service.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { waitUntil } from '../helpers/wait.js';

/**
 * The edge as a browser meets it (issue 12 points 1, 2, 3, 6 and the transport part of 14), over real sockets:
 * preflights without a key, the Origin rule for HTTP and WebSocket, the key as CSRF proof, JSON-only POST bodies,
 * chunked bodies, and the key watch on every streamed response.
 */

const APP = 'http://app.example';
const EVIL = 'http://evil.example';
const SETTINGS_QUERY = '{ channelGeneralSettings { whatsAppExecutionField } }';
const touch = (field: string) => `mutation { updateChannelGeneralSettings(input: { whatsAppExecutionField: "${field}" }) { __typename } }`;

let h: Harness;
let plain: Harness; // CORS_ORIGINS unset
beforeAll(async () => {
  h = await startHarness({
    env: { CORS_ORIGINS: `${APP}, http://other.example`, GRAPHQL_MAX_BODY_BYTES: '4096', STREAM_KEY_RECHECK_MS: '150' },
  });
  plain = await startHarness();
});
afterAll(async () => {
  await h?.stop();
  await plain?.stop();
});

const accessControlHeaders = (headers: Record<string, unknown>) => Object.keys(headers).filter((k) => k.startsWith('access-control-'));

async function call(url: string, init: Parameters<typeof request>[1] = {}) {
  const res = await request(`${url}/graphql`, init);
  return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
}

async function executionField(harness: Harness): Promise<string> {
  const res = await harness.post({ query: SETTINGS_QUERY }, { authorization: `Bearer ${harness.adminKey}` });
  return JSON.parse(res.body).data.channelGeneralSettings.whatsAppExecutionField;
}

describe('CORS preflight (point 1)', () => {
  const preflight = (url: string, origin: string) =>
    call(url, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });

  it('answers a listed origin without a key: 204, its origin, the key header, the methods and a max-age', async () => {
    const res = await preflight(h.url, APP);
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(APP);
    expect(String(res.headers['access-control-allow-headers']).split(/,\s*/)).toEqual(
      expect.arrayContaining(['authorization', 'content-type']),
    );
    expect(String(res.headers['access-control-allow-methods']).split(/,\s*/)).toEqual(expect.arrayContaining(['GET', 'POST']));
    expect(Number(res.headers['access-control-max-age'])).toBeGreaterThan(0);
    expect(String(res.headers.vary)).toMatch(/origin/i);
  });

  it('gives an unlisted origin no CORS header at all, with or without CORS_ORIGINS set', async () => {
    for (const url of [h.url, plain.url]) {
      const res = await preflight(url, EVIL);
      expect(accessControlHeaders(res.headers)).toEqual([]);
    }
  });

  it('lets the listed origin read answers, its 401 included, and exposes the request id', async () => {
    const ok = await call(h.url, {
      method: 'POST',
      headers: { origin: APP, authorization: `Bearer ${h.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: SETTINGS_QUERY }),
    });
    expect(ok.status).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe(APP);
    expect(String(ok.headers['access-control-expose-headers'])).toContain('x-request-id');
    const noKey = await call(h.url, { method: 'POST', headers: { origin: APP, 'content-type': 'application/json' }, body: '{}' });
    expect(noKey.status).toBe(401);
    expect(noKey.headers['access-control-allow-origin']).toBe(APP);
  });

  it('refuses a request from an unlisted origin with a message naming CORS_ORIGINS, and runs nothing', async () => {
    const before = await executionField(h);
    const res = await call(h.url, {
      method: 'POST',
      headers: { origin: EVIL, authorization: `Bearer ${h.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: touch('evil.field') }),
    });
    expect(res.status).toBe(403);
    expect(accessControlHeaders(res.headers)).toEqual([]);
    expect(JSON.parse(res.body).errors[0].message).toContain('CORS_ORIGINS');
    expect(await executionField(h)).toBe(before);
  });

  it("serves the service's own pages (same origin) without listing them", async () => {
    const res = await call(plain.url, {
      method: 'POST',
      headers: { origin: plain.url, authorization: `Bearer ${plain.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: SETTINGS_QUERY }),
    });
    expect(res.status).toBe(200);
  });
});

describe('CSRF: the key is the proof (point 3)', () => {
  it('runs a GET query that carries Authorization and no other header (urql, EventSource clients, graphql-sse)', async () => {
    const direct = await request(`${h.url}/graphql?query=${encodeURIComponent(SETTINGS_QUERY)}`, {
      headers: { authorization: `Bearer ${h.adminKey}` },
    });
    expect(direct.statusCode).toBe(200);
    expect(JSON.parse(await direct.body.text()).data.channelGeneralSettings).toBeDefined();
  });

  it('refuses a GET without a key with a message naming the header to send', async () => {
    const res = await request(`${h.url}/graphql?query=${encodeURIComponent(SETTINGS_QUERY)}`);
    expect(res.statusCode).toBe(401);
    expect(JSON.parse(await res.body.text()).errors[0].message).toContain('Authorization: Bearer');
  });

  it('answers a non-JSON POST with a content-type message (415), and runs nothing', async () => {
    const before = await executionField(h);
    for (const [type, body] of [
      ['application/x-www-form-urlencoded', `query=${encodeURIComponent(touch('form.field'))}`],
      ['text/plain', JSON.stringify({ query: touch('text.field') })],
      ['multipart/form-data; boundary=x', '--x--'],
    ] as const) {
      const res = await call(h.url, { method: 'POST', headers: { authorization: `Bearer ${h.adminKey}`, 'content-type': type }, body });
      expect(res.status, type).toBe(415);
      const message = JSON.parse(res.body).errors[0].message as string;
      expect(message).toContain('Content-Type: application/json');
      expect(message).not.toMatch(/csrf/i);
    }
    expect(await executionField(h)).toBe(before);
  });
});

describe('WebSocket upgrades follow the same Origin rule (point 2)', () => {
  /** Resolves to the HTTP status of a refused upgrade, or 101 once the socket opens. */
  const upgrade = (harness: Harness, origin: string | undefined) =>
    new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(harness.wsUrl, 'graphql-transport-ws', origin ? { origin } : {});
      ws.once('open', () => {
        ws.close();
        resolve(101);
      });
      ws.once('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.once('error', (err) => reject(err));
    });

  it('with CORS_ORIGINS unset, refuses any browser origin but its own; non-browser clients (no Origin) connect', async () => {
    expect(await upgrade(plain, EVIL)).toBe(403);
    expect(await upgrade(plain, 'null')).toBe(403);
    expect(await upgrade(plain, plain.url)).toBe(101);
    expect(await upgrade(plain, undefined)).toBe(101);
  });

  it('with CORS_ORIGINS set, accepts the listed origins and refuses the others', async () => {
    expect(await upgrade(h, APP)).toBe(101);
    expect(await upgrade(h, 'http://other.example')).toBe(101);
    expect(await upgrade(h, EVIL)).toBe(403);
  });
});

describe('every streamed response is watched (point 6)', () => {
  /** A subscription over POST with the given Accept (none, "*\/*"); resolves when the server ends the stream. */
  async function openStream(harness: Harness, key: string, accept: string | undefined) {
    const res = await request(`${harness.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...(accept ? { accept } : {}) },
      body: JSON.stringify({ query: 'subscription { auditLogEntryAdded { action } }' }),
    });
    let received = '';
    const ended = (async () => {
      try {
        for await (const chunk of res.body) received += String(chunk);
      } catch {
        // a destroyed connection ends the stream with an error: ended all the same
      }
      return true;
    })();
    return { status: res.statusCode, type: String(res.headers['content-type']), ended, received: () => received };
  }

  it('a revoked key ends a stream opened with no Accept header or with */*', async () => {
    for (const accept of [undefined, '*/*']) {
      const key = await h.createKey({ sandbox: 'prod', role: 'ADMIN' });
      const stream = await openStream(h, key, accept);
      expect(stream.status).toBe(200);
      expect(stream.type).toMatch(/text\/event-stream|multipart\/mixed/);
      let ended = false;
      void stream.ended.then(() => (ended = true));
      // The stream is live: an event published now reaches it.
      await waitUntil(
        async () => {
          await h.post({ query: touch('watch.field') }, { authorization: `Bearer ${key}` });
          return stream.received().includes('updateChannelGeneralSettings');
        },
        10_000,
        'an event on the stream',
      );
      expect(ended).toBe(false);
      await revokeApiKey(h.server.deps.db, key.split('_').slice(0, 2).join('_'));
      await waitUntil(() => ended, 10_000, `the stream (accept ${accept ?? 'none'}) to end after revocation`);
    }
  });
});

describe('request bodies (point 14)', () => {
  const chunked = (text: string) => Readable.from([Buffer.from(text.slice(0, 10)), Buffer.from(text.slice(10))]);

  it('accepts a chunked body (no Content-Length) within the limit', async () => {
    const res = await request(`${h.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${h.adminKey}` },
      body: chunked(JSON.stringify({ query: SETTINGS_QUERY })),
    });
    expect(res.headers['content-length']).toBeDefined();
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(await res.body.text()).data.channelGeneralSettings).toBeDefined();
  });

  it('answers 413 to a chunked body over the limit, and runs nothing', async () => {
    const before = await executionField(h);
    const body = JSON.stringify({ query: touch('big.field'), variables: { pad: 'x'.repeat(h.config.limits.graphqlMaxBodyBytes) } });
    const res = await request(`${h.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${h.adminKey}` },
      body: chunked(body),
    });
    expect(res.statusCode).toBe(413);
    await res.body.text();
    expect(await executionField(h)).toBe(before);
  });

  it('logs client mistakes (invalid variables, 4xx answers) below error', async () => {
    const from = h.logs.lines.length;
    await h.post(
      {
        query: 'mutation ($f: String!) { updateChannelGeneralSettings(input: { whatsAppExecutionField: $f }) { __typename } }',
        variables: { f: 12 },
      },
      { authorization: `Bearer ${h.adminKey}` },
    );
    await h.post({ query: '{ nope }' }, { authorization: `Bearer ${h.adminKey}` });
    await h.post('{not json', { authorization: `Bearer ${h.adminKey}` });
    await h.post({ query: SETTINGS_QUERY }, { authorization: 'Bearer wcs_wrong' });
    const levels = h.logs.lines.slice(from).map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(levels.filter((l) => l.level >= 50)).toEqual([]);
  });
});
