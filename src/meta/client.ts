// The only code that talks to Meta. One undici Agent (one Pool per origin)
// with explicit timeouts, no redirects, one retry layer, a record per HTTP
// attempt, and no token anywhere but the Authorization header.
import { performance } from 'node:perf_hooks';
import { Agent, type Dispatcher } from 'undici';
import { MetaApiError, MetaSendOutcomeUnknownError, MetaUnexpectedResponseError, MetaUnreachableError, type MetaError } from './errors.js';
import { errorDetails, graphErrorSchema, numOrNull } from './graph-responses.js';
import { performHttp, TransportFailure, type HttpResponse } from './http.js';
import { redactPath, redactText } from './redact.js';
import { computeBackoffDelay, DEFAULT_RETRY, parseRetryAfter, resolveRetryOptions, shouldRetry, type CallKind } from './retry.js';
import { MetaSession } from './session.js';
import type {
  MetaApiCallRecord,
  MetaCallOptions,
  MetaCallOutcome,
  MetaCallTag,
  MetaClientOptions,
  MetaLogger,
  MetaRetryOptions,
  MetaSessionOptions,
  MetaTimeouts,
} from './types.js';

export const DEFAULT_TIMEOUTS: MetaTimeouts = { connectMs: 5_000, headersMs: 10_000, bodyMs: 10_000, callMs: 30_000 };

export interface GraphRequest {
  method: 'GET' | 'POST' | 'DELETE';
  /** Relative to `/{version}/`, e.g. `123/phone_numbers`; or, with `absolutePath`, a full path + query from `paging.next`. */
  path: string;
  absolutePath?: boolean;
  query?: Record<string, string>;
  body?: unknown;
  kind: CallKind;
  /** For sends: identifies the message in MetaSendOutcomeUnknownError. */
  send?: { phoneNumberId: string; bizOpaqueCallbackData: string | null };
}

export interface GraphResult {
  status: number;
  json: unknown;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class MetaClient {
  readonly apiVersion: string;
  readonly origin: string;
  private readonly prefix: string;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly timeouts: MetaTimeouts;
  private readonly retry: MetaRetryOptions;
  private readonly onCall: ((r: MetaApiCallRecord) => void) | undefined;
  private readonly logger: MetaLogger | undefined;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxResponseBytes: number;

  constructor(options: MetaClientOptions) {
    const base = new URL(options.baseUrl);
    if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new TypeError('Meta baseUrl must be http(s)');
    if (!/^v\d+\.\d+$/.test(options.apiVersion)) throw new TypeError(`Meta apiVersion must look like v25.0 (got "${options.apiVersion}")`);
    this.origin = base.origin;
    this.prefix = base.pathname.replace(/\/+$/, '');
    this.apiVersion = options.apiVersion;
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.onCall = options.onCall;
    this.logger = options.logger;
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? defaultSleep;
    this.maxResponseBytes = options.maxResponseBytes ?? 8 * 1024 * 1024;
    if (options.dispatcher) {
      this.dispatcher = options.dispatcher;
      this.ownsDispatcher = false;
    } else {
      // Agent keeps one Pool per origin; in practice one origin (Graph or the simulator).
      this.dispatcher = new Agent({
        connections: options.connections ?? 128,
        connect: { timeout: this.timeouts.connectMs },
        headersTimeout: this.timeouts.headersMs,
        bodyTimeout: this.timeouts.bodyMs,
      });
      this.ownsDispatcher = true;
    }
  }

  /** Typed methods bound to one token; `tag` is copied into every call record. */
  session(token: string, opts: MetaSessionOptions = {}): MetaSession {
    if (typeof token !== 'string' || token.length === 0 || /[\r\n\s]/.test(token)) {
      throw new TypeError('Meta access token must be a non-empty string without whitespace');
    }
    return new MetaSession(this, token, Object.freeze({ ...(opts.tag ?? {}) }));
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  /** Full request path (with version and query) for a relative Graph path. */
  buildPath(path: string, query?: Record<string, string>): string {
    // Commas and braces stay readable (`fields=id,name,owner_business_info{id,name}`); Graph accepts both forms.
    const qs =
      query && Object.keys(query).length
        ? `?${Object.entries(query)
            .map(
              ([k, v]) =>
                `${encodeURIComponent(k)}=${encodeURIComponent(v).replace(/%2C/g, ',').replace(/%7B/g, '{').replace(/%7D/g, '}')}`,
            )
            .join('&')}`
        : '';
    return `${this.prefix}/${this.apiVersion}/${path.replace(/^\/+/, '')}${qs}`;
  }

  /**
   * Turns a `paging.next` URL into a same-origin path without the token Meta
   * embeds in it. Returns null for other origins: we never send a token to a
   * host we were not configured with.
   */
  pathFromNextUrl(next: string): string | null {
    let u: URL;
    try {
      u = new URL(next);
    } catch {
      return null;
    }
    if (u.origin !== this.origin) return null;
    return redactPath(`${u.pathname}${u.search}`);
  }

  async request(token: string, tag: MetaCallTag, req: GraphRequest, callOpts: MetaCallOptions = {}): Promise<GraphResult> {
    const retry = resolveRetryOptions(this.retry, callOpts.retry);
    const fullPath = req.absolutePath ? req.path : this.buildPath(req.path, req.query);
    const safePath = redactPath(fullPath);
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    let body: string | undefined;
    if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers['content-type'] = 'application/json';
    }

    for (let attempt = 1; ; attempt++) {
      const startedAt = new Date();
      const started = performance.now();
      // Every attempt leaves exactly one record, whatever way it ends.
      const record = (
        httpStatus: number | null,
        outcome: MetaCallOutcome,
        meta: { metaCode?: number | null; fbtraceId?: string | null } = {},
      ): void =>
        this.record({
          req,
          safePath,
          startedAt,
          attempt,
          durationMs: performance.now() - started,
          tag,
          httpStatus,
          metaCode: meta.metaCode ?? null,
          fbtraceId: meta.fbtraceId ?? null,
          outcome,
        });
      let err: MetaError;
      try {
        const res = await performHttp(this.dispatcher, {
          origin: this.origin,
          method: req.method,
          path: fullPath,
          headers,
          body,
          headersTimeoutMs: this.timeouts.headersMs,
          bodyTimeoutMs: this.timeouts.bodyMs,
          totalTimeoutMs: this.timeouts.callMs,
          maxResponseBytes: this.maxResponseBytes,
          signal: callOpts.signal,
        });
        const outcome = this.interpret(res, req, safePath, token);
        const headerTrace = res.headers['x-fb-trace-id'] ?? null;
        if (!(outcome instanceof Error)) {
          record(res.status, 'ok', { fbtraceId: headerTrace });
          return outcome;
        }
        err = outcome;
        const api = err instanceof MetaApiError ? err : null;
        record(res.status, err instanceof MetaSendOutcomeUnknownError ? 'unknown_outcome' : 'meta_error', {
          metaCode: api?.metaCode,
          fbtraceId: api?.fbtraceId ?? headerTrace,
        });
      } catch (thrown) {
        if (!(thrown instanceof TransportFailure)) throw thrown;
        // A send whose bytes left may have been taken by Meta: its outcome is unknown, never "unreachable".
        const sendMayHaveLanded = req.kind === 'send' && thrown.requestSent;
        record(thrown.status, sendMayHaveLanded ? 'unknown_outcome' : 'unreachable');
        if (thrown.reason === 'aborted') {
          if (sendMayHaveLanded) throw this.unknownOutcome(req, 'reset', thrown.status, 'The send was aborted after it was written');
          const abortErr = new Error('The call to Meta was aborted');
          abortErr.name = 'AbortError';
          throw abortErr;
        }
        if (sendMayHaveLanded) {
          throw this.unknownOutcome(
            req,
            thrown.reason === 'timeout' ? 'timeout' : 'reset',
            thrown.status,
            `Meta did not answer the send (${thrown.reason}, ${thrown.code ?? 'no code'}); it may or may not have been accepted`,
          );
        }
        err = new MetaUnreachableError({
          reason: thrown.reason,
          requestSent: thrown.requestSent,
          code: thrown.code,
          method: req.method,
          path: safePath,
          message: redactText(
            `Meta unreachable (${thrown.reason}, ${thrown.code ?? 'no code'}) on ${req.method} ${safePath}: ${thrown.message}`,
            [token],
          ),
        });
      }

      if (attempt >= retry.maxAttempts || !shouldRetry(req.kind, err)) throw err;
      let delay = computeBackoffDelay(attempt - 1, retry, this.random);
      const retryAfterMs = err instanceof MetaApiError ? err.retryAfterMs : undefined;
      if (retryAfterMs !== undefined) {
        // A long Retry-After is the job queue's to honour: fail now, carry the wait.
        if (retryAfterMs > retry.maxRetryAfterMs) throw err;
        delay = Math.max(delay, retryAfterMs);
      }
      this.logger?.warn(
        {
          method: req.method,
          path: safePath,
          attempt,
          delayMs: delay,
          tag,
          error:
            err instanceof MetaApiError
              ? err.toLogObject()
              : { name: err.name, reason: err instanceof MetaUnreachableError ? err.reason : undefined },
        },
        'retrying Meta call',
      );
      await this.sleep(delay);
    }
  }

  /** A successful result, or the error that response represents. */
  private interpret(res: HttpResponse, req: GraphRequest, safePath: string, token: string): GraphResult | MetaError {
    const text = res.body.toString('utf8');
    let json: unknown = undefined;
    let parsed = false;
    try {
      json = text.length ? JSON.parse(text) : undefined;
      parsed = text.length > 0;
    } catch {
      parsed = false;
    }
    if (res.status >= 200 && res.status < 300) {
      if (parsed) return { status: res.status, json };
      if (req.kind === 'send')
        return this.unknownOutcome(
          req,
          'unparseable_response',
          res.status,
          `Meta answered the send with HTTP ${res.status} but no JSON body`,
        );
      return new MetaUnexpectedResponseError(
        `Meta answered HTTP ${res.status} without a JSON body on ${req.method} ${safePath}`,
        res.status,
        safePath,
      );
    }
    const retryAfterMs = parseRetryAfter(res.headers['retry-after']);
    const envelope = parsed ? graphErrorSchema.safeParse(json) : null;
    if (envelope?.success) {
      const e = envelope.data.error;
      const code = numOrNull(e.code);
      const message = redactText(e.message ?? `Meta error ${code ?? 'without code'}`, [token]);
      const details = errorDetails(e.error_data);
      return new MetaApiError({
        message,
        httpStatus: res.status,
        metaCode: code,
        metaSubcode: numOrNull(e.error_subcode),
        fbtraceId: e.fbtrace_id ?? res.headers['x-fb-trace-id'] ?? null,
        type: e.type ?? null,
        details: details === null ? null : redactText(details, [token]),
        userTitle: e.error_user_title ? redactText(e.error_user_title, [token]) : null,
        userMessage: e.error_user_msg ? redactText(e.error_user_msg, [token]) : null,
        isTransient: e.is_transient ?? null,
        retryAfterMs,
        method: req.method,
        path: safePath,
      });
    }
    // A 5xx without Meta's envelope is Meta's edge answering for an origin that
    // did not take the request (an HTML 500/502/503 during an outage): an answer,
    // so the send is retried. Only a 504 says the edge forwarded the send and
    // got no answer back: that outcome is unknown and is never resent.
    if (req.kind === 'send' && res.status === 504) {
      return this.unknownOutcome(
        req,
        'gateway',
        res.status,
        `Meta's edge answered the send with HTTP ${res.status} and no Graph error; it may or may not have been accepted`,
      );
    }
    const snippet = redactText(text.slice(0, 200), [token]).replace(/\s+/g, ' ').trim();
    return new MetaApiError({
      message:
        req.kind === 'send' && res.status >= 500
          ? `Meta's edge answered HTTP ${res.status} without a Graph error body (Meta did not take the message)`
          : `Meta answered HTTP ${res.status} without a Graph error body`,
      httpStatus: res.status,
      metaCode: null,
      metaSubcode: null,
      fbtraceId: res.headers['x-fb-trace-id'] ?? null,
      type: null,
      details: snippet || null,
      userTitle: null,
      userMessage: null,
      isTransient: null,
      retryAfterMs,
      method: req.method,
      path: safePath,
    });
  }

  private unknownOutcome(
    req: GraphRequest,
    reason: MetaSendOutcomeUnknownError['reason'],
    httpStatus: number | null,
    message: string,
  ): MetaSendOutcomeUnknownError {
    return new MetaSendOutcomeUnknownError({
      reason,
      httpStatus,
      phoneNumberId: req.send?.phoneNumberId ?? '',
      bizOpaqueCallbackData: req.send?.bizOpaqueCallbackData ?? null,
      message,
    });
  }

  private record(r: {
    req: GraphRequest;
    safePath: string;
    startedAt: Date;
    attempt: number;
    durationMs: number;
    tag: MetaCallTag;
    httpStatus: number | null;
    metaCode: number | null;
    fbtraceId: string | null;
    outcome: MetaCallOutcome;
  }): void {
    const rec: MetaApiCallRecord = {
      at: r.startedAt,
      method: r.req.method,
      path: r.safePath,
      httpStatus: r.httpStatus,
      metaCode: r.metaCode,
      fbtraceId: r.fbtraceId,
      durationMs: Math.round(r.durationMs * 10) / 10,
      attempt: r.attempt,
      outcome: r.outcome,
      tag: r.tag,
    };
    this.logger?.debug({ ...rec, at: undefined }, 'Meta call');
    if (!this.onCall) return;
    try {
      this.onCall(rec);
    } catch (err) {
      // A broken recorder must not turn a delivered send into a failure.
      this.logger?.error({ error: err instanceof Error ? err.message : String(err) }, 'Meta onCall hook threw');
    }
  }
}
