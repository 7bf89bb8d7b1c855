import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleRoutes } from '../../src/http/console-route.js';
import { ensureConsoleBuilt } from '../helpers/console.js';
import { startHarness, type Harness } from '../helpers/harness.js';

/** The service serves the built console at /console under a strict CSP, and sends / there outside production. */

const STRICT = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "frame-ancestors 'none'",
];

let h: Harness;
beforeAll(async () => {
  ensureConsoleBuilt();
  h = await startHarness();
}, 60_000);
afterAll(() => h?.stop());

const get = async (url: string, headers: Record<string, string> = {}) => {
  const res = await request(url, { headers });
  return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
};

describe('GET /console', () => {
  it('answers index.html with the strict Content-Security-Policy on every page of the app', async () => {
    for (const p of ['/console', '/console/', '/console/webhooks', '/console/channel-configurations/abc']) {
      const res = await get(`${h.url}${p}`);
      expect(res.status, p).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      const csp = String(res.headers['content-security-policy']);
      for (const directive of STRICT) expect(csp, p).toContain(directive);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
      expect(res.body).toContain('<div id="root"></div>');
      // Nothing inline and nothing from another origin: every script and stylesheet is a file of the service.
      expect(res.body).not.toMatch(/<style|<script(?![^>]*\ssrc="\/console\/assets\/)/);
      expect(res.body).not.toMatch(/(src|href)="(https?:)?\/\//);
    }
  });

  it('serves the hashed assets it references, cached for good, and nothing outside the build', async () => {
    const index = await get(`${h.url}/console/`);
    const assets = [...index.body.matchAll(/(?:src|href)="(\/console\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
    for (const asset of assets) {
      const res = await get(`${h.url}${asset}`);
      expect(res.status, asset).toBe(200);
      expect(res.headers['cache-control']).toContain('immutable');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
    for (const p of ['/console/assets/nope.js', '/console/assets/..%2f..%2fpackage.json', '/console/favicon.ico']) {
      expect((await get(`${h.url}${p}`)).status, p).toBe(404);
    }
  });

  it('redirects / to /console outside production', async () => {
    const res = await get(`${h.url}/`);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/console/');
  });
});

describe('turned off or not built', () => {
  it('CONSOLE_ROOT_REDIRECT=false leaves / alone', async () => {
    const off = await startHarness({ env: { CONSOLE_ROOT_REDIRECT: 'false' } });
    try {
      expect((await get(`${off.url}/`)).status).toBe(404);
      expect((await get(`${off.url}/console/`)).status).toBe(200);
    } finally {
      await off.stop();
    }
  });

  it('answers 503 with how to build it when the build is missing', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-console-'));
    const [route] = consoleRoutes({ rootRedirect: false, distDir: empty });
    const server = http.createServer(
      (req, res) => void route!.handle(req, res, route!.match(new URL(req.url!, 'http://x').pathname)!, new URL(req.url!, 'http://x')),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as { port: number };
      const res = await get(`http://127.0.0.1:${port}/console/`);
      expect(res.status).toBe(503);
      expect(res.body).toContain('npm run console:build');
    } finally {
      server.close();
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
