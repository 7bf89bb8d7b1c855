import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppDeps } from '../core/deps.js';
import { sendText, type HttpRoute } from '../http/respond.js';
import { verifyWebhookSignature } from '../meta/index.js';
import type { InboxWriter } from './ingest.js';
import type { WebhookMetrics } from './metrics.js';
import type { RouteEntry } from './route-cache.js';
import { decryptAppSecret, getWebhookByPathId, verifyHandshake } from './service.js';

/**
 * Meta's side of the callback URL, /webhooks/whatsapp/<path id>:
 * GET is the verification handshake, POST a signed notification. The POST
 * order is fixed (RELIABILITY.md §1.3): cap the body, verify the signature over
 * the raw bytes, commit to the inbox, then answer 200. Nothing is parsed here.
 */

const PREFIX = '/webhooks/whatsapp/';
/**
 * Meta's challenge is a number in practice. Anything but 1-256 printable ASCII
 * characters, or with markup characters, is refused rather than echoed (the
 * answer is text/plain with nosniff anyway).
 */
const CHALLENGE = /^[\x21-\x7e]{1,256}$/;
const MARKUP = /[<>&"'`]/;
const NO_STORE = { 'cache-control': 'no-store' };
/** The answer to almost every request this service gets: built once. */
const OK_HEADERS = {
  'content-type': 'text/plain; charset=utf-8',
  'content-length': '2',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};
const PATH_ID = /^[A-Za-z0-9_-]{1,128}$/;

function refuse(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  sendText(res, status, text, { ...NO_STORE, ...headers });
}

function handshake(deps: AppDeps, pathId: string, url: URL, res: ServerResponse): void {
  const webhook = getWebhookByPathId(deps, pathId);
  if (!webhook) return refuse(res, 404, 'Not found');
  const mode = url.searchParams.get('hub.mode');
  const token = url.searchParams.get('hub.verify_token');
  const challenge = url.searchParams.get('hub.challenge');
  if (
    mode !== 'subscribe' ||
    !token ||
    !challenge ||
    !CHALLENGE.test(challenge) ||
    MARKUP.test(challenge) ||
    !verifyHandshake(deps, webhook, token)
  ) {
    deps.logger.info({ webhookId: webhook.id, sandboxId: webhook.sandboxId, mode }, 'webhook verification refused');
    return refuse(res, 403, 'Forbidden');
  }
  deps.logger.info({ webhookId: webhook.id, sandboxId: webhook.sandboxId }, 'webhook verified by Meta');
  sendText(res, 200, challenge, NO_STORE);
}

class BodyTooLarge extends Error {}

/**
 * Reads the raw bytes, refusing more than maxBytes (declared or streamed).
 * Plain listeners and a callback: this is the hottest path of the service, and
 * promise hops per request show up in its CPU profile.
 */
function readBody(req: IncomingMessage, maxBytes: number, done: (err: Error | null, body?: Buffer) => void): void {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) return done(new BodyTooLarge());
  const chunks: Buffer[] = [];
  let total = 0;
  const cleanup = () => {
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('error', onError);
  };
  const onData = (chunk: Buffer) => {
    total += chunk.length;
    if (total > maxBytes) {
      cleanup();
      done(new BodyTooLarge());
      return;
    }
    chunks.push(chunk);
  };
  const onEnd = () => {
    cleanup();
    done(null, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total));
  };
  const onError = (err: Error) => {
    cleanup();
    done(err);
  };
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('error', onError);
}

/** The webhook and its decrypted app secret, from the cache or the database. */
function resolveRoute(deps: AppDeps, pathId: string): RouteEntry | undefined {
  const cached = deps.state.webhookRoutes.find(pathId);
  if (cached) return cached;
  const webhook = getWebhookByPathId(deps, pathId);
  if (!webhook) return undefined;
  return deps.state.webhookRoutes.remember(pathId, {
    webhookId: webhook.id,
    sandboxId: webhook.sandboxId,
    appSecret: decryptAppSecret(deps, webhook),
  });
}

function ingest(
  deps: AppDeps,
  inbox: InboxWriter,
  metrics: WebhookMetrics,
  pathId: string,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const started = performance.now();
  res.once('finish', () => metrics.ack.observe({ status: res.statusCode }, (performance.now() - started) / 1000));
  const route = resolveRoute(deps, pathId);
  if (!route) return refuse(res, 404, 'Not found', { connection: 'close' });
  const limit = deps.config.limits.webhookMaxBodyBytes;
  readBody(req, limit, (err, body) =>
    guarded(deps, res, () => {
      if (err || !body) {
        if (err instanceof BodyTooLarge) {
          deps.logger.warn({ webhookId: route.webhookId, limit }, 'webhook body over the limit refused');
          return refuse(res, 413, 'Payload too large', { connection: 'close' });
        }
        deps.logger.info({ webhookId: route.webhookId, error: err?.message }, 'webhook body could not be read');
        return res.destroy();
      }
      if (!verifyWebhookSignature(body, req.headers['x-hub-signature-256'] as string | undefined, [route.appSecret])) {
        deps.logger.info({ webhookId: route.webhookId, sandboxId: route.sandboxId, bytes: body.length }, 'webhook signature refused');
        return refuse(res, 401, 'Invalid signature');
      }
      inbox.add({ webhookId: route.webhookId, sandboxId: route.sandboxId, body }, (storeErr) =>
        guarded(deps, res, () => {
          if (storeErr) {
            // Not stored: Meta must retry, so no 200.
            deps.logger.error(
              { err: storeErr, webhookId: route.webhookId, sandboxId: route.sandboxId },
              'webhook delivery could not be stored',
            );
            return refuse(res, 503, 'Unavailable', { 'retry-after': '5' });
          }
          res.writeHead(200, OK_HEADERS);
          res.end('OK');
        }),
      );
    }),
  );
}

/** Callbacks run outside the edge's error handling: a failure answers 500 (or drops the socket), never crashes. */
function guarded(deps: AppDeps, res: ServerResponse, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    deps.logger.error({ err }, 'webhook request failed');
    if (!res.headersSent) refuse(res, 500, 'Internal error');
    else res.destroy();
  }
}

export function webhookRoute(deps: AppDeps, inbox: InboxWriter, metrics: WebhookMetrics): HttpRoute {
  return {
    name: 'whatsapp-webhook',
    match: (pathname) => (pathname.startsWith(PREFIX) ? { pathId: pathname.slice(PREFIX.length) } : null),
    handle: (req, res, params, url) => {
      const pathId = params.pathId ?? '';
      if (!PATH_ID.test(pathId)) return refuse(res, 404, 'Not found');
      if (req.method === 'GET') return handshake(deps, pathId, url, res);
      if (req.method === 'POST') return ingest(deps, inbox, metrics, pathId, req, res);
      refuse(res, 405, 'Method not allowed', { allow: 'GET, POST' });
    },
    // Meta's POSTs (thousands a second) skip the generic edge; anything unusual takes the path above.
    fast: {
      prefix: PREFIX,
      handle: (req, res) => {
        if (req.method !== 'POST') return false;
        const pathId = req.url!.slice(PREFIX.length);
        if (!PATH_ID.test(pathId)) return false;
        ingest(deps, inbox, metrics, pathId, req, res);
        return true;
      },
    },
  };
}
