// One HTTP attempt on undici's dispatch API. We use a raw dispatch handler
// (not `request`) because only the handler learns whether the request reached
// a connected socket — the difference between "Meta never saw this send"
// (safe to retry) and "outcome unknown" (never resend).
import type { Dispatcher } from 'undici';

export interface HttpAttempt {
  origin: string;
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  headers: Record<string, string>;
  body?: string;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  /** Overall deadline of this attempt (connect to last byte); undici's own timers restart per chunk. */
  totalTimeoutMs?: number;
  maxResponseBytes: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export type TransportReason = 'dns' | 'refused' | 'timeout' | 'reset' | 'aborted';

/** Internal: classified transport failure; the client turns it into a public error. */
export class TransportFailure extends Error {
  constructor(
    readonly reason: TransportReason,
    readonly requestSent: boolean,
    readonly code: string | null,
    /** Status, when headers arrived before the body failed. */
    readonly status: number | null,
    message: string,
  ) {
    super(message);
  }
}

const NOT_SENT: Record<string, TransportReason> = {
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_FAIL: 'dns',
  EAI_NONAME: 'dns',
  ECONNREFUSED: 'refused',
  EHOSTUNREACH: 'refused',
  ENETUNREACH: 'refused',
  EHOSTDOWN: 'refused',
  ENETDOWN: 'refused',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
};

function errorCode(err: unknown): string | null {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') return err.code;
  return null;
}

// Our own misuse (closed client, bad arguments): surface as-is, never retry.
const PROGRAMMING_ERRORS = new Set(['UND_ERR_CLOSED', 'UND_ERR_DESTROYED', 'UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED']);

function classify(err: unknown, connected: boolean, status: number | null): TransportFailure | unknown {
  const code = errorCode(err);
  if (code && PROGRAMMING_ERRORS.has(code)) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'UND_ERR_ABORTED' || (err instanceof Error && err.name === 'AbortError')) {
    return new TransportFailure('aborted', connected, code, status, message);
  }
  if (code && code in NOT_SENT && !connected) {
    return new TransportFailure(NOT_SENT[code] as TransportReason, false, code, status, message);
  }
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'ETIMEDOUT') {
    return new TransportFailure('timeout', connected, code, status, message);
  }
  // Resets and anything unexpected: what matters is whether we had a live
  // socket to write on. onConnect fires right before undici writes.
  return new TransportFailure('reset', connected, code, status, message);
}

function headerMap(raw: Buffer[] | string[] | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!raw) return out;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = String(raw[i]).toLowerCase();
    const value = String(raw[i + 1]);
    out[key] = key in out ? `${out[key]}, ${value}` : value;
  }
  return out;
}

export function performHttp(dispatcher: Dispatcher, attempt: HttpAttempt): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => {
    let connected = false;
    let status: number | null = null;
    let headers: Record<string, string> = {};
    let size = 0;
    let abortFn: ((err?: Error) => void) | null = null;
    // An abort before undici connected: refuse the socket when it comes, so
    // a send we reported as "not sent" can never be written afterwards.
    let pendingAbort: Error | null = null;
    let settled = false;
    const chunks: Buffer[] = [];

    const onAbortSignal = (): void => {
      const err = new Error('The call to Meta was aborted');
      err.name = 'AbortError';
      if (abortFn) abortFn(err);
      else {
        pendingAbort = err;
        fail(err);
      }
    };
    // The overall deadline: aborts the socket like undici's own timeouts do, so
    // it is classified the same way (a send already written -> outcome unknown).
    let deadline: NodeJS.Timeout | undefined;
    if (attempt.totalTimeoutMs !== undefined) {
      deadline = setTimeout(() => {
        const err = Object.assign(new Error(`Meta did not finish answering within ${attempt.totalTimeoutMs} ms`), {
          code: 'ETIMEDOUT',
        });
        if (abortFn) abortFn(err);
        else {
          pendingAbort = err;
          fail(err);
        }
      }, attempt.totalTimeoutMs);
      deadline.unref();
    }
    const cleanup = (): void => {
      if (deadline) clearTimeout(deadline);
      attempt.signal?.removeEventListener('abort', onAbortSignal);
    };
    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      cleanup();
      reject(classify(err, connected, status));
    };

    if (attempt.signal?.aborted) {
      onAbortSignal();
      return;
    }
    attempt.signal?.addEventListener('abort', onAbortSignal, { once: true });

    // Legacy handler hooks: undici 7 passes them straight to the socket writer,
    // and onConnect survives interceptor wrapping (see undici wrap-handler).
    const handler: Dispatcher.DispatchHandler = {
      onConnect(abort) {
        if (pendingAbort) {
          abort(pendingAbort);
          return;
        }
        connected = true;
        abortFn = abort;
      },
      onHeaders(statusCode, rawHeaders) {
        if (statusCode < 200) return true;
        status = statusCode;
        headers = headerMap(rawHeaders);
        return true;
      },
      onData(chunk) {
        size += chunk.length;
        if (size > attempt.maxResponseBytes) {
          abortFn?.(new Error(`Meta response exceeded ${attempt.maxResponseBytes} bytes`));
          return false;
        }
        chunks.push(chunk);
        return true;
      },
      onComplete() {
        if (settled) return;
        settled = true;
        cleanup();
        resolve({ status: status ?? 0, headers, body: Buffer.concat(chunks) });
      },
      onError(err) {
        fail(err);
      },
      onUpgrade() {
        fail(new Error('unexpected upgrade'));
      },
    };

    try {
      dispatcher.dispatch(
        {
          origin: attempt.origin,
          method: attempt.method,
          path: attempt.path,
          headers: attempt.headers,
          body: attempt.body,
          headersTimeout: attempt.headersTimeoutMs,
          bodyTimeout: attempt.bodyTimeoutMs,
        },
        handler,
      );
    } catch (err) {
      fail(err);
    }
  });
}
