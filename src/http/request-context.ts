import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface RequestContext {
  requestId: string;
  /** From the caller's W3C `traceparent` header, when it sent a valid one. */
  traceId?: string;
  /** The caller's span (the parent of everything this request does). */
  parentSpanId?: string;
}

/** The request id (and the caller's trace) travel with the async call chain, so masked errors and logs can name them. */
export const requestContext = new AsyncLocalStorage<RequestContext>();

export function newRequestId(): string {
  return randomUUID();
}

export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}

/** version-traceid-parentid-flags (W3C Trace Context); version ff and all-zero ids are invalid. */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}(-.*)?$/;

export function traceContextOf(header: string | string[] | undefined): Pick<RequestContext, 'traceId' | 'parentSpanId'> {
  const value = Array.isArray(header) ? header[0] : header;
  const m = value && value.length <= 512 ? TRACEPARENT.exec(value.trim()) : null;
  if (!m || m[1] === 'ff' || /^0+$/.test(m[2]!) || /^0+$/.test(m[3]!) || (m[1] === '00' && m[4])) return {};
  return { traceId: m[2], parentSpanId: m[3] };
}

export function requestContextFor(req: IncomingMessage, requestId: string): RequestContext {
  return { requestId, ...traceContextOf(req.headers.traceparent) };
}

/** Fields every log line written on behalf of a request carries (a pino mixin). */
export function requestLogFields(): Record<string, string> {
  const store = requestContext.getStore();
  if (!store) return {};
  return store.traceId
    ? { requestId: store.requestId, traceId: store.traceId, parentSpanId: store.parentSpanId! }
    : { requestId: store.requestId };
}
