import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from './respond.js';

/**
 * What a browser needs from /graphql before the key is even looked at: CORS (preflights never carry a key, so
 * they are answered here, before authentication), the Origin rule shared by HTTP and WebSocket upgrades, and the
 * content-type rule for POST bodies. Non-browser clients send no Origin and are never affected.
 */

/** Methods the endpoint serves; mutations run over POST only (yoga answers 405 to a mutation over GET). */
const ALLOWED_METHODS = 'GET, POST, OPTIONS';

/**
 * Request headers a page may send: the key, JSON bodies, the Accept values of GraphQL clients (urql, graphql-sse),
 * graphql-sse's single-connection token, and yoga's legacy CSRF header (older clients still send it).
 */
const ALLOWED_HEADERS = 'authorization, content-type, accept, x-graphql-event-stream-token, x-graphql-yoga-csrf';

/** How long a browser may cache a preflight (Chromium caps it at 2 h, Firefox at 24 h). */
const PREFLIGHT_MAX_AGE_SECONDS = '86400';

/** Content types of a POST body yoga parses as a GraphQL request; anything else is refused with 415. */
const JSON_CONTENT_TYPES = new Set(['application/json', 'application/graphql+json']);

export interface OriginPolicy {
  /** CORS_ORIGINS: browser origins of other sites allowed to call the API. */
  corsOrigins: readonly string[];
  /** PUBLIC_URL: pages the service serves itself (GraphiQL, the console) come from its origin. */
  publicUrl: string;
}

export type OriginVerdict = 'none' | 'same-origin' | 'listed' | 'refused';

/**
 * Who is calling, by the browser's Origin header. No Origin: not a browser page (curl, a Node client, a server),
 * allowed. The service's own origin (PUBLIC_URL, or the Host the request was sent to, as when it is reached by
 * another name than PUBLIC_URL in development) is its own GraphiQL or console. Any other origin must be listed.
 */
export function judgeOrigin(req: IncomingMessage, policy: OriginPolicy): OriginVerdict {
  const origin = req.headers.origin;
  if (origin === undefined) return 'none';
  if (policy.corsOrigins.includes(origin)) return 'listed';
  if (isOwnOrigin(origin, req.headers.host, policy.publicUrl)) return 'same-origin';
  return 'refused';
}

function isOwnOrigin(origin: string, host: string | undefined, publicUrl: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false; // "null" (sandboxed frames, file://) or garbage
  }
  if (parsed.origin === new URL(publicUrl).origin) return true;
  // Behind a TLS-terminating proxy the scheme differs from what reached us; the host (with port) still matches.
  return host !== undefined && parsed.host === host.toLowerCase();
}

const refusedOriginBody = (origin: string) => ({
  errors: [
    {
      message: `Origin ${origin} is not allowed to call this API: add it to CORS_ORIGINS (comma-separated) on the service.`,
      extensions: { code: 'FORBIDDEN_ORIGIN' },
    },
  ],
});

/**
 * Applies the browser rules to a /graphql request. Returns true when the request has been answered (a preflight,
 * a plain OPTIONS, or a refused origin); otherwise the CORS headers a listed origin needs are set on `res`, and
 * survive yoga's writeHead (node merges headers set earlier).
 */
export function applyBrowserRules(req: IncomingMessage, res: ServerResponse, policy: OriginPolicy): boolean {
  const verdict = judgeOrigin(req, policy);
  const origin = req.headers.origin ?? '';
  // Caches must not hand one origin's answer to another.
  res.setHeader('vary', 'Origin');
  if (verdict === 'listed') {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-expose-headers', 'x-request-id');
  }
  if (req.method === 'OPTIONS') {
    const preflight = verdict === 'listed' && req.headers['access-control-request-method'] !== undefined;
    res.writeHead(
      204,
      preflight
        ? {
            'access-control-allow-methods': ALLOWED_METHODS,
            'access-control-allow-headers': ALLOWED_HEADERS,
            'access-control-max-age': PREFLIGHT_MAX_AGE_SECONDS,
          }
        : // An unlisted origin's preflight gets no access-control-* header: the browser then refuses the call.
          { allow: ALLOWED_METHODS },
    );
    res.end();
    return true;
  }
  if (verdict === 'refused') {
    sendJson(res, 403, refusedOriginBody(origin));
    return true;
  }
  return false;
}

/** Only JSON bodies are GraphQL requests here; a form post or text/plain (what a cross-site form can send) is not. */
export function postContentTypeProblem(req: IncomingMessage): string | null {
  const raw = req.headers['content-type'];
  const mime = raw?.split(';')[0]?.trim().toLowerCase();
  if (mime && JSON_CONTENT_TYPES.has(mime)) return null;
  return `A GraphQL POST body must be JSON: send "Content-Type: application/json" (got ${raw ? `"${raw}"` : 'no Content-Type'}).`;
}

export function sendUnsupportedContentType(res: ServerResponse, message: string): void {
  sendJson(res, 415, { errors: [{ message, extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' } }] }, { accept: 'application/json' });
}
