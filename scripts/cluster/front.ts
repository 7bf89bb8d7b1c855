import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * The cluster's front door for trying it and for tests: one port, round-robin over the instances, HTTP and
 * WebSocket upgrades. Not a production balancer (docs/cluster.md): no TLS, no limits, no metrics.
 *
 * - An instance whose /readyz failed at the last look (about every healthEveryMs) is skipped; when every
 *   instance looks down, all are tried anyway, so a stale health view never turns the front away by itself.
 * - A connection refused happens before any byte reached the instance. GET, HEAD and OPTIONS (no body) then
 *   go to the next instance. Any other request answers 502: the front keeps no copy of a body, so it never
 *   sends one twice; the client decides whether to retry.
 * - A failure after the instance accepted the connection (it died mid-request) answers 502 or cuts the response:
 *   the request may have been acted on. The one exception is a body-less request on a kept-alive connection the
 *   instance had already closed (ECONNRESET on a reused socket, before any answer): it goes to the next instance.
 */

export interface FrontTarget {
  host: string;
  port: number;
}

export interface FrontOptions {
  port: number;
  host?: string;
  /** The instances, looked up on every request (a restarted instance may come back on another port). */
  targets: () => FrontTarget[];
  healthEveryMs?: number;
}

export interface RunningFront {
  url: string;
  port: number;
  /** Requests forwarded to each target (host:port), for tests. */
  served: Map<string, number>;
  /** Marks health again now (tests call it after killing or restarting an instance). */
  refreshHealth(): Promise<void>;
  close(): Promise<void>;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Hop-by-hop headers (RFC 9110 §7.6.1) are the front's own business, not the instance's. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade'];

const keyOf = (t: FrontTarget): string => `${t.host}:${t.port}`;

export async function startFront(options: FrontOptions): Promise<RunningFront> {
  const down = new Set<string>();
  const served = new Map<string, number>();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  let next = 0;

  /** The targets in the order to try them: the healthy ones from the next round-robin slot, then the rest. */
  const order = (): FrontTarget[] => {
    const all = options.targets();
    if (!all.length) return [];
    const start = next++ % all.length;
    const rotated = [...all.slice(start), ...all.slice(0, start)];
    const up = rotated.filter((t) => !down.has(keyOf(t)));
    return up.length ? up : rotated;
  };

  const probe = (t: FrontTarget): Promise<boolean> =>
    new Promise((resolve) => {
      const req = http.get({ host: t.host, port: t.port, path: '/readyz', timeout: 2_000, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => resolve(false));
    });
  const refreshHealth = async (): Promise<void> => {
    await Promise.all(
      options.targets().map(async (t) => {
        if (await probe(t)) down.delete(keyOf(t));
        else down.add(keyOf(t));
      }),
    );
  };
  let healthTimer: NodeJS.Timeout | undefined;
  const scheduleHealth = () => {
    healthTimer = setTimeout(() => void refreshHealth().finally(scheduleHealth), options.healthEveryMs ?? 1_000);
    healthTimer.unref();
  };

  const server = http.createServer((req, res) => {
    const candidates = order();
    const forwardedHeaders = { ...req.headers };
    for (const h of HOP_BY_HOP) delete forwardedHeaders[h];
    forwardedHeaders['x-forwarded-for'] = req.socket.remoteAddress ?? '';
    const attempt = (i: number): void => {
      const target = candidates[i];
      if (!target) {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end('no instance could take the request\n');
        return;
      }
      let connected = false;
      const upstream = http.request(
        { host: target.host, port: target.port, method: req.method, path: req.url, headers: forwardedHeaders, agent },
        (ures) => {
          const headers = { ...ures.headers };
          for (const h of HOP_BY_HOP) delete headers[h];
          res.writeHead(ures.statusCode ?? 502, headers);
          ures.pipe(res);
          ures.on('error', () => res.destroy());
        },
      );
      upstream.on('socket', (socket) => {
        if (!socket.connecting) connected = true;
        else socket.once('connect', () => (connected = true));
      });
      upstream.on('error', (err: NodeJS.ErrnoException) => {
        if (!connected && err.code === 'ECONNREFUSED') {
          down.add(keyOf(target));
          if (IDEMPOTENT.has(req.method ?? '')) return attempt(i + 1);
        }
        // A kept-alive connection the instance closed (it stopped or died) before answering: a body-less request
        // may go again; one with a body may have been read, so it may not.
        if (upstream.reusedSocket && err.code === 'ECONNRESET' && !res.headersSent && IDEMPOTENT.has(req.method ?? '')) {
          return attempt(i + 1);
        }
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end(`the instance failed: ${err.code ?? err.message}\n`);
        else res.destroy();
      });
      served.set(keyOf(target), (served.get(keyOf(target)) ?? 0) + 1);
      // A client that goes away ends the forwarded request too (long polls, SSE streams).
      res.on('close', () => {
        if (!res.writableFinished) upstream.destroy();
      });
      if (IDEMPOTENT.has(req.method ?? '')) {
        if (i === 0) req.resume();
        upstream.end();
      } else {
        req.pipe(upstream);
      }
    };
    attempt(0);
  });
  // Streams (SSE, long requests) must not be cut by the front's own timers.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 5_000;

  server.on('upgrade', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const candidates = order();
    let current: net.Socket | null = null;
    client.on('error', () => undefined);
    // A client gone before (or after) its instance answered takes the instance's connection with it.
    client.on('close', () => current?.destroy());
    const attempt = (i: number): void => {
      if (client.destroyed) return;
      const target = candidates[i];
      if (!target) {
        client.end('HTTP/1.1 502 Bad Gateway\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
        return;
      }
      const upstream = net.connect(target.port, target.host);
      current = upstream;
      let connected = false;
      upstream.once('connect', () => {
        connected = true;
        served.set(keyOf(target), (served.get(keyOf(target)) ?? 0) + 1);
        const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
        for (let k = 0; k < req.rawHeaders.length; k += 2) lines.push(`${req.rawHeaders[k]}: ${req.rawHeaders[k + 1]}`);
        upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
        if (head.length) upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
        // Wired only once connected: a refused connection closes too, and the client then goes on to the next instance.
        upstream.on('close', () => client.destroy());
      });
      upstream.on('error', (err: NodeJS.ErrnoException) => {
        // An upgrade is a GET: before the connection, trying the next instance sends nothing twice.
        if (!connected && err.code === 'ECONNREFUSED') {
          down.add(keyOf(target));
          return attempt(i + 1);
        }
        client.destroy();
      });
    };
    attempt(0);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  scheduleHealth();
  const openSockets = new Set<net.Socket>();
  server.on('connection', (s) => {
    openSockets.add(s);
    s.on('close', () => openSockets.delete(s));
  });
  const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    served,
    refreshHealth,
    close: async () => {
      clearTimeout(healthTimer);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of openSockets) s.destroy();
      agent.destroy();
      await closed;
    },
  };
}
