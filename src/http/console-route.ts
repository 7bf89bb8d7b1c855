import fs from 'node:fs/promises';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendText, type HttpRoute } from './respond.js';

/**
 * The admin console (console/, built by Vite into console/dist) served at /console: index.html for every page
 * of the app (its router reads the path), hashed assets under /console/assets cached for good. The strict CSP
 * works because the build has no inline script or style and loads nothing from another origin.
 */

export const CONSOLE_DIST_DIR = path.resolve(import.meta.dirname, '../../console/dist');

/** connect-src 'self' also covers ws:/wss: to the same host and port (CSP level 3), which graphql-ws needs. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
};

const NOT_BUILT = 'The console is not built. Run `npm run console:build` (npm install and npm start do it when Vite is installed).';

export interface ConsoleRouteOptions {
  /** `/` sends browsers to /console (outside production unless turned off). */
  rootRedirect: boolean;
  distDir?: string;
}

export function consoleRoutes({ rootRedirect, distDir = CONSOLE_DIST_DIR }: ConsoleRouteOptions): HttpRoute[] {
  const routes: HttpRoute[] = [
    {
      name: 'console',
      match: (p) => (p === '/console' || p.startsWith('/console/') ? { rest: p.slice('/console'.length) } : null),
      handle: (req, res, params) => serveConsole(req, res, distDir, params.rest ?? ''),
    },
  ];
  if (rootRedirect) {
    routes.push({
      name: 'console-redirect',
      match: (p) => (p === '/' ? {} : null),
      handle: (_req, res) => {
        res.writeHead(302, { location: '/console/', 'content-length': 0 });
        res.end();
      },
    });
  }
  return routes;
}

async function serveConsole(req: IncomingMessage, res: ServerResponse, distDir: string, rest: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Method not allowed.', { allow: 'GET, HEAD' });
  const asset = /^\/assets\/([\w.-]+)$/.exec(rest)?.[1];
  if (asset) {
    const type = TYPES[path.extname(asset)];
    const body = type ? await readOrNull(path.join(distDir, 'assets', asset)) : null;
    if (!body) return sendText(res, 404, 'Not found.', SECURITY_HEADERS);
    // Vite names assets by content hash: a changed file is a new URL.
    return send(req, res, 200, body, { 'content-type': type!, 'cache-control': 'public, max-age=31536000, immutable' });
  }
  // Anything else that looks like a file is not the app's.
  if (path.extname(rest)) return sendText(res, 404, 'Not found.', SECURITY_HEADERS);
  const index = await readOrNull(path.join(distDir, 'index.html'));
  if (!index) return sendText(res, 503, NOT_BUILT, SECURITY_HEADERS);
  send(req, res, 200, index, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
}

function send(req: IncomingMessage, res: ServerResponse, status: number, body: Buffer, headers: Record<string, string>): void {
  res.writeHead(status, { ...SECURITY_HEADERS, ...headers, 'content-length': body.length });
  res.end(req.method === 'HEAD' ? undefined : body);
}

async function readOrNull(file: string): Promise<Buffer | null> {
  try {
    return await fs.readFile(file);
  } catch {
    return null;
  }
}
