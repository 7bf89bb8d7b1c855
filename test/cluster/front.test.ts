import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { startFront, type FrontTarget, type RunningFront } from '../../scripts/cluster/front.js';
import { freePort } from '../../scripts/cluster/cluster.js';

// The cluster's round-robin front (scripts/cluster/front.ts) against real sockets: small HTTP servers that stand
// for instances and record what reached them.

interface Backend {
  target: FrontTarget;
  /** Method, path and body of every request that reached it. */
  seen: Array<{ method: string; path: string; body: string }>;
  ready: boolean;
  /** Drop the connection after reading a request's body, without answering (an instance dying mid-request). */
  dieMidRequest: boolean;
  server: http.Server;
  close(): Promise<void>;
}

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function backend(name: string): Promise<Backend> {
  const b = { seen: [], ready: true, dieMidRequest: false } as unknown as Backend;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      if (req.url === '/readyz') return void res.writeHead(b.ready ? 200 : 503).end();
      b.seen.push({ method: req.method!, path: req.url!, body });
      if (b.dieMidRequest) return void req.socket.destroy();
      res.writeHead(200, { 'content-type': 'text/plain' }).end(name);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  b.server = server;
  b.target = { host: '127.0.0.1', port: (server.address() as AddressInfo).port };
  b.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  open.push(b);
  return b;
}

async function front(targets: () => FrontTarget[], healthEveryMs = 60_000): Promise<RunningFront> {
  const f = await startFront({ port: 0, targets, healthEveryMs });
  open.push(f);
  return f;
}

async function call(url: string, method = 'GET', body?: string): Promise<{ status: number; text: string }> {
  const res = await request(url, { method, body });
  return { status: res.statusCode, text: await res.body.text() };
}

describe('the cluster front', () => {
  it('spreads requests round robin over the instances', async () => {
    const bs = await Promise.all(['a', 'b', 'c'].map(backend));
    const f = await front(() => bs.map((b) => b.target));
    const answers: string[] = [];
    for (let i = 0; i < 30; i++) answers.push((await call(`${f.url}/x`)).text);
    expect(['a', 'b', 'c'].map((n) => answers.filter((a) => a === n).length)).toEqual([10, 10, 10]);
  });

  it('skips an instance whose /readyz fails, and takes it back when it is ready again', async () => {
    const [a, b] = await Promise.all(['a', 'b'].map(backend));
    const f = await front(() => [a!.target, b!.target]);
    b!.ready = false;
    await f.refreshHealth();
    for (let i = 0; i < 6; i++) expect((await call(`${f.url}/x`)).text).toBe('a');
    b!.ready = true;
    await f.refreshHealth();
    const answers = new Set<string>();
    for (let i = 0; i < 4; i++) answers.add((await call(`${f.url}/x`)).text);
    expect([...answers].sort()).toEqual(['a', 'b']);
  });

  it('sends a GET on to the next instance when one refuses the connection', async () => {
    const a = await backend('a');
    const deadPort = await freePort();
    // The front still believes the dead one is up (no health check ran): the refusal itself moves it on.
    const f = await front(() => [{ host: '127.0.0.1', port: deadPort }, a.target]);
    const results = await Promise.all(Array.from({ length: 8 }, () => call(`${f.url}/x`)));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(a.seen).toHaveLength(8);
  });

  it('never resends a POST: a refused one answers 502, one whose instance died mid-request answers 502 and reached only it', async () => {
    const [a, b] = await Promise.all(['a', 'b'].map(backend));
    const deadPort = await freePort();
    const f = await front(() => [{ host: '127.0.0.1', port: deadPort }, a!.target]);
    // The first POST goes to the dead port (round robin starts there): the front has no copy of the body to resend.
    const refused = await call(`${f.url}/graphql`, 'POST', '{"n":1}');
    expect(refused.status).toBe(502);
    expect(a!.seen).toHaveLength(0);
    // The refusal marked it down: the next POST goes to the live one.
    expect(await call(`${f.url}/graphql`, 'POST', '{"n":2}')).toEqual({ status: 200, text: 'a' });

    a!.dieMidRequest = true;
    const f2 = await front(() => [a!.target, b!.target]);
    const died = await call(`${f2.url}/graphql`, 'POST', '{"n":3}');
    expect(died.status).toBe(502);
    expect(a!.seen.filter((s) => s.body === '{"n":3}')).toHaveLength(1);
    expect(b!.seen).toHaveLength(0);
  });

  it('carries WebSocket upgrades both ways, and moves an upgrade on past a refused instance', async () => {
    const server = http.createServer();
    const wss = new WebSocketServer({ server });
    wss.on('connection', (socket, req) => socket.on('message', (data) => socket.send(`${req.url} ${String(data)}`)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    open.push({
      close: () =>
        new Promise<void>((resolve) => {
          for (const c of wss.clients) c.terminate();
          wss.close();
          server.close(() => resolve());
        }),
    });
    const live = { host: '127.0.0.1', port: (server.address() as AddressInfo).port };
    const refused = { host: '127.0.0.1', port: await freePort() };
    const f = await front(() => [refused, live]);
    for (let i = 0; i < 2; i++) {
      const ws = new WebSocket(`${f.url.replace(/^http/, 'ws')}/graphql?i=${i}`);
      const echoed = await new Promise<string>((resolve, reject) => {
        ws.once('open', () => ws.send('ping'));
        ws.once('message', (data) => resolve(String(data)));
        ws.once('error', reject);
      });
      expect(echoed).toBe(`/graphql?i=${i} ping`);
      ws.close();
    }
  });
});
