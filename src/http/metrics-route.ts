import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { sendJson, sendText, type HttpRoute } from './respond.js';

/** What the edge needs of platform/metrics.ts's Metrics (structural: the edge layer imports no platform module). */
export interface EdgeMetrics {
  observeHttp(route: string, method: string, status: number, seconds: number): void;
  live(kind: 'connections', transport: 'websocket', delta: 1 | -1): void;
  render(): Promise<{ contentType: string; body: string }>;
}

/**
 * GET /metrics for Prometheus, and the HTTP instruments of the edge. The
 * scrape needs `Authorization: Bearer <METRICS_TOKEN>`; without a configured
 * token the route does not exist (404), so a fresh install exposes nothing.
 */

const FIRST_SEGMENT = /^\/([a-z0-9-]{1,32})(\/|$)/;

/** A bounded label for a request path: known routes by name, anything unanswered as "unmatched". */
export function routeLabel(url: string | undefined, status: number): string {
  const path = (url ?? '/').split('?')[0]!;
  if (path === '/graphql' || path === '/healthz' || path === '/readyz' || path === '/metrics') return path.slice(1);
  if (path.startsWith('/webhooks/')) return 'webhooks';
  if (status === 404) return 'unmatched';
  if (path === '/') return 'root';
  return FIRST_SEGMENT.exec(path)?.[1] ?? 'other';
}

/** Times every request from its arrival to the end of its answer (registered after the app's own listener). */
export function instrumentHttp(server: Server, metrics: EdgeMetrics): void {
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    res.once('finish', () => {
      const method = req.method === 'GET' || req.method === 'POST' || req.method === 'OPTIONS' ? req.method : 'other';
      metrics.observeHttp(routeLabel(req.url, res.statusCode), method, res.statusCode, (performance.now() - started) / 1000);
    });
  });
  // graphql-ws sockets: from the upgrade to the close (refused upgrades close at once).
  server.on('upgrade', (_req: IncomingMessage, socket: NodeJS.EventEmitter) => {
    metrics.live('connections', 'websocket', 1);
    socket.once('close', () => metrics.live('connections', 'websocket', -1));
  });
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function metricsRoute(metrics: EdgeMetrics, token: string | undefined): HttpRoute {
  return {
    name: 'metrics',
    match: (pathname) => (pathname === '/metrics' ? {} : null),
    handle: async (req, res) => {
      if (!token) return sendJson(res, 404, { error: 'not found' });
      const auth = req.headers.authorization ?? '';
      const given = auth.startsWith('Bearer ') ? auth.slice('Bearer '.length) : '';
      if (!given || !sameSecret(given, token)) {
        return sendJson(res, 401, { error: 'a metrics token is required' }, { 'www-authenticate': 'Bearer realm="metrics"' });
      }
      if (req.method !== 'GET') return sendJson(res, 405, { error: 'method not allowed' }, { allow: 'GET' });
      const { contentType, body } = await metrics.render();
      sendText(res, 200, body, { 'content-type': contentType, 'cache-control': 'no-store' });
    },
  };
}
