// node:http request handling: body reading, auth, fault injection, routing
// to the Graph routes or the control API, and writing Meta-shaped answers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { redactPath } from '../meta/redact.js';
import { handleControl } from './control-api.js';
import type { ActiveFault } from './faults.js';
import { routeGraph, type GraphCtx } from './graph-api.js';
import { errors, fbtraceId, graphError, type GraphReply } from './graph-errors.js';
import { routeMessages } from './send-api.js';
import type { MetaSimulator } from './simulator.js';

const MAX_BODY = 4 * 1024 * 1024;

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new BodyTooLarge());
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function writeJson(res: ServerResponse, reply: GraphReply): void {
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify(reply.body);
  const err = (reply.body as { error?: { fbtrace_id?: string } } | null)?.error;
  res.writeHead(reply.status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(body),
    'x-fb-trace-id': err?.fbtrace_id ?? fbtraceId(),
    ...reply.headers,
  });
  res.end(body);
}

function bearer(req: IncomingMessage, query: URLSearchParams): string | null {
  const h = req.headers.authorization;
  const m = typeof h === 'string' ? /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(h.trim()) : null;
  return m?.[1] ?? query.get('access_token');
}

/** Parses a request body the way Graph accepts them: JSON, form-encoded, or empty. */
function parseBody(req: IncomingMessage, raw: Buffer): { body: Record<string, unknown> } | { reply: GraphReply } {
  if (raw.length === 0) return { body: {} };
  const type = String(req.headers['content-type'] ?? '');
  const text = raw.toString('utf8');
  if (type.includes('application/x-www-form-urlencoded')) return { body: Object.fromEntries(new URLSearchParams(text)) };
  try {
    const v: unknown = JSON.parse(text);
    if (v && typeof v === 'object' && !Array.isArray(v)) return { body: v as Record<string, unknown> };
  } catch {
    // fall through to Meta's answer for unparseable input
  }
  return { reply: errors.invalidParameter('The request body is not a JSON object', '(#100) Invalid JSON for postcard') };
}

const wait = (ms: number, res: ServerResponse): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      res.off('close', done);
      resolve();
    }
    // The client gave up (timeout): stop waiting so close() is not held up.
    res.on('close', done);
  });

/** Headers now, then the body one byte per `everyMs` until it is out or the client hung up. */
async function drip(res: ServerResponse, status: number, headers: Record<string, string>, body: string, everyMs: number): Promise<void> {
  const bytes = Buffer.from(body);
  res.writeHead(status, { ...headers, 'content-length': bytes.length });
  res.flushHeaders();
  for (let i = 0; i < bytes.length; i++) {
    await wait(everyMs, res);
    if (res.destroyed || res.writableEnded) return;
    res.write(bytes.subarray(i, i + 1));
  }
  res.end();
}

function faultReply(f: ActiveFault): GraphReply {
  if (f.metaError) {
    return graphError(
      {
        code: f.metaError.code,
        subcode: f.metaError.subcode,
        message: f.metaError.message,
        type: f.metaError.type,
        isTransient: f.metaError.isTransient,
        details: f.metaError.details,
      },
      f.status,
    );
  }
  const status = f.status ?? 500;
  if (status === 429) return graphError({ code: 4, message: '(#4) Application request limit reached', isTransient: true }, 429);
  if (status >= 500)
    return graphError(
      {
        code: status === 503 ? 2 : 1,
        message: status === 503 ? '(#2) Service temporarily unavailable' : 'An unknown error occurred',
        isTransient: true,
      },
      status,
    );
  return graphError({ code: 1, message: 'An unknown error occurred' }, status);
}

export async function handleRequest(sim: MetaSimulator, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://simulator.invalid');
  const method = (req.method ?? 'GET').toUpperCase();
  let raw: Buffer;
  try {
    raw = await readBody(req);
  } catch (err) {
    if (err instanceof BodyTooLarge) writeJson(res, errors.invalidParameter('Request body too large'));
    return;
  }

  if (url.pathname === '/__simulator' || url.pathname.startsWith('/__simulator/')) {
    await handleControl(sim, method, url, raw, res);
    return;
  }

  const compute = (): GraphReply => {
    const m = /^\/(v\d+\.\d+)\/(.+)$/.exec(url.pathname);
    if (!m) return errors.unknownPath();
    const tokenValue = bearer(req, url.searchParams);
    const auth = sim.authenticate(tokenValue);
    if (!('value' in auth)) return auth;
    const parsed = parseBody(req, raw);
    if ('reply' in parsed) return parsed.reply;
    const segments = (m[2] as string).split('/').filter(Boolean).map(decodeURIComponent);
    const ctx: GraphCtx = {
      method,
      pathname: url.pathname,
      segments,
      query: url.searchParams,
      body: parsed.body,
      token: auth,
      tokenValue: auth.value,
      origin: `http://${req.headers.host ?? 'localhost'}`,
    };
    const phone = segments.length === 2 && segments[1] === 'messages' ? sim.findPhone(segments[0] as string) : undefined;
    if (phone && method === 'POST') return routeMessages(sim, ctx, phone);
    return routeGraph(sim, ctx);
  };

  const fault = sim.faults.take(method, url.pathname);
  let reply: GraphReply;
  if (!fault) {
    reply = compute();
  } else {
    sim.logger?.info({ method, path: redactPath(`${url.pathname}${url.search}`), fault: fault.id }, 'simulator fault applied');
    const recorded = fault.recordFirst ? compute() : null;
    if (fault.delayMs) await wait(fault.delayMs, res);
    if (res.destroyed || req.socket.destroyed) return;
    if (fault.dropConnection) {
      req.socket.destroy();
      return;
    }
    if (fault.rawBody !== undefined && !fault.metaError) {
      const headers = {
        'content-type': 'text/html; charset=utf-8',
        ...(fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {}),
        ...fault.headers,
      };
      if (fault.dripMs) return drip(res, fault.status ?? 502, headers, fault.rawBody, fault.dripMs);
      res.writeHead(fault.status ?? 502, headers);
      res.end(fault.rawBody);
      return;
    }
    reply = fault.metaError || fault.status ? faultReply(fault) : (recorded ?? compute());
    if (fault.retryAfter !== undefined) reply = { ...reply, headers: { ...reply.headers, 'retry-after': String(fault.retryAfter) } };
    if (fault.headers) reply = { ...reply, headers: { ...reply.headers, ...fault.headers } };
    if (fault.dripMs) {
      const headers = { 'content-type': 'application/json; charset=UTF-8', ...reply.headers };
      return drip(res, reply.status, headers, JSON.stringify(reply.body), fault.dripMs);
    }
  }
  sim.logger?.debug({ method, path: redactPath(`${url.pathname}${url.search}`), status: reply.status }, 'simulator request');
  writeJson(res, reply);
}
