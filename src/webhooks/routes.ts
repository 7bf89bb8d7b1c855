import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppDeps } from '../core/deps.js';
import { sendText, type HttpRoute } from '../http/respond.js';
import type { InboxWriter, Stored } from './ingest.js';
import type { WebhookMetrics } from './metrics.js';
import type { RouteEntry } from './route-cache.js';
import { decryptAppSecret, getWebhookByPathId, verifyHandshake } from './service.js';
import { VerifiedBodies } from './verified-bodies.js';

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

async function handshake(deps: AppDeps, pathId: string, url: URL, res: ServerResponse): Promise<void> {
  const webhook = await getWebhookByPathId(deps, pathId);
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
    !(await verifyHandshake(deps, webhook, token))
  ) {
    deps.logger.info({ webhookId: webhook.id, sandboxId: webhook.sandboxId, mode }, 'webhook verification refused');
    return refuse(res, 403, 'Forbidden');
  }
  deps.logger.info({ webhookId: webhook.id, sandboxId: webhook.sandboxId }, 'webhook verified by Meta');
  sendText(res, 200, challenge, NO_STORE);
}

/** The route's database read failed (the database is down or restarting): Meta is told to retry, as for a failed commit. */
class RouteLookupFailed extends Error {
  constructor(cause: unknown) {
    super('the webhook could not be looked up', { cause });
    this.name = 'RouteLookupFailed';
  }
}

/** The webhook and its decrypted app secret, from the cache or the database. */
async function resolveRoute(deps: AppDeps, pathId: string): Promise<RouteEntry | undefined> {
  const routes = deps.state.webhookRoutes;
  const cached = routes.find(pathId);
  if (cached) return cached;
  const ticket = routes.ticket();
  let webhook: Awaited<ReturnType<typeof getWebhookByPathId>>;
  try {
    webhook = await getWebhookByPathId(deps, pathId);
  } catch (err) {
    throw new RouteLookupFailed(err);
  }
  if (!webhook) return undefined;
  return routes.remember(
    pathId,
    { webhookId: webhook.id, sandboxId: webhook.sandboxId, appSecret: decryptAppSecret(deps, webhook) },
    ticket,
  );
}

/** What every Meta POST needs, built once with the route. */
interface IngestContext {
  deps: AppDeps;
  inbox: InboxWriter;
  metrics: WebhookMetrics;
  verified: VerifiedBodies;
}

/**
 * One Meta POST on its way to the inbox, in the fixed order (cap, verify,
 * commit, 200). Methods on one object rather than closures per request (this
 * is the hottest path of the service), and the ack time is recorded where the
 * answer is written rather than by a 'finish' listener. Every callback runs
 * outside the edge's error handling: a failure answers 500 (or drops the
 * socket), never crashes.
 */
class MetaPost implements Stored {
  private readonly started = performance.now();
  private route: RouteEntry | undefined;
  private read: 'reading' | 'done' = 'reading';
  private readonly chunks: Buffer[] = [];
  private bytes = 0;

  constructor(
    private readonly ctx: IngestContext,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
  ) {}

  /** Starts reading the request; a failed route lookup answers 503 (never an unhandled rejection). */
  begin(pathId: string): void {
    this.start(pathId).catch((err: unknown) => this.fail(err));
  }

  private async start(pathId: string): Promise<void> {
    const route = await resolveRoute(this.ctx.deps, pathId);
    if (!route) return this.answer(404, 'Not found', { connection: 'close' });
    this.route = route;
    const declared = Number(this.req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > this.ctx.deps.config.limits.webhookMaxBodyBytes) return this.bodyRead('too large');
    // Inline listeners and a state flag (no named closures, no removal): with tsx's keepNames every named
    // closure costs a defineProperty per request, and after 'end' or a refusal nothing more is read.
    this.req.on('data', (chunk: Buffer) => this.onData(chunk));
    this.req.on('end', () => this.bodyRead(null));
    this.req.on('error', (err: Error) => this.bodyRead(err));
  }

  /** Raw bytes, refused beyond the cap (declared or streamed). */
  private onData(chunk: Buffer): void {
    if (this.read !== 'reading') return;
    this.bytes += chunk.length;
    if (this.bytes > this.ctx.deps.config.limits.webhookMaxBodyBytes) return this.bodyRead('too large');
    this.chunks.push(chunk);
  }

  /** Called once per request: at the end of the body, or at the first refusal or stream error. */
  private bodyRead(err: Error | 'too large' | null): void {
    if (this.read !== 'reading') return;
    this.read = 'done';
    const { chunks } = this;
    try {
      if (err) return this.unreadable(err);
      this.verifyAndStore(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.bytes));
    } catch (failure) {
      this.fail(failure);
    }
  }

  private unreadable(err: Error | 'too large'): void {
    const { deps } = this.ctx;
    const route = this.route!;
    if (err === 'too large') {
      deps.logger.warn(
        { webhookId: route.webhookId, limit: deps.config.limits.webhookMaxBodyBytes },
        'webhook body over the limit refused',
      );
      return this.answer(413, 'Payload too large', { connection: 'close' });
    }
    deps.logger.info({ webhookId: route.webhookId, error: err.message }, 'webhook body could not be read');
    this.res.destroy();
  }

  private verifyAndStore(body: Buffer): void {
    const { deps, inbox } = this.ctx;
    const route = this.route!;
    const bodySha256 = this.ctx.verified.verify(route, this.req.headers['x-hub-signature-256'] as string | undefined, body);
    if (bodySha256 === undefined) {
      deps.logger.info({ webhookId: route.webhookId, sandboxId: route.sandboxId, bytes: body.length }, 'webhook signature refused');
      return this.answer(401, 'Invalid signature');
    }
    inbox.add({ webhookId: route.webhookId, sandboxId: route.sandboxId, body, bodySha256 }, this);
  }

  /** The inbox's answer: called once, after the durable commit (or with the error that prevented it). */
  stored(storeErr: unknown): void {
    try {
      if (storeErr) {
        // Not stored: Meta must retry, so no 200.
        const { webhookId, sandboxId } = this.route!;
        this.ctx.deps.logger.error({ err: storeErr, webhookId, sandboxId }, 'webhook delivery could not be stored');
        return this.answer(503, 'Unavailable', { 'retry-after': '5' });
      }
      this.res.writeHead(200, OK_HEADERS);
      this.res.end('OK');
      this.observe(200);
    } catch (failure) {
      this.fail(failure);
    }
  }

  private answer(status: number, text: string, headers: Record<string, string> = {}): void {
    refuse(this.res, status, text, headers);
    this.observe(status);
  }

  private observe(status: number): void {
    this.ctx.metrics.ack.observe({ status }, (performance.now() - this.started) / 1000);
  }

  private fail(err: unknown): void {
    this.ctx.deps.logger.error({ err }, 'webhook request failed');
    if (this.res.headersSent) return void this.res.destroy();
    if (err instanceof RouteLookupFailed) this.answer(503, 'Unavailable', { 'retry-after': '5', connection: 'close' });
    else this.answer(500, 'Internal error');
  }
}

export function webhookRoute(deps: AppDeps, inbox: InboxWriter, metrics: WebhookMetrics): HttpRoute {
  const ctx: IngestContext = { deps, inbox, metrics, verified: new VerifiedBodies() };
  return {
    name: 'whatsapp-webhook',
    match: (pathname) => (pathname.startsWith(PREFIX) ? { pathId: pathname.slice(PREFIX.length) } : null),
    handle: (req, res, params, url) => {
      const pathId = params.pathId ?? '';
      if (!PATH_ID.test(pathId)) return refuse(res, 404, 'Not found');
      if (req.method === 'GET') return handshake(deps, pathId, url, res);
      if (req.method === 'POST') return new MetaPost(ctx, req, res).begin(pathId);
      refuse(res, 405, 'Method not allowed', { allow: 'GET, POST' });
    },
    // Meta's POSTs (thousands a second) skip the generic edge; anything unusual takes the path above.
    fast: {
      prefix: PREFIX,
      handle: (req, res) => {
        if (req.method !== 'POST') return false;
        const pathId = req.url!.slice(PREFIX.length);
        if (!PATH_ID.test(pathId)) return false;
        new MetaPost(ctx, req, res).begin(pathId);
        return true;
      },
    },
  };
}
