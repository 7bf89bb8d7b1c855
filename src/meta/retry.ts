// The one retry layer for calls to Meta (RELIABILITY.md §4): capped
// exponential backoff with full jitter, Retry-After as a floor, and a policy
// that never repeats a send Meta may already have taken.
import { MetaApiError, MetaUnreachableError, type MetaError } from './errors.js';
import type { MetaRetryOptions } from './types.js';

export const DEFAULT_RETRY: MetaRetryOptions = {
  maxAttempts: 4,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 10_000,
};

/**
 * `read`: GETs. `idempotent`: POSTs whose repetition is harmless (subscribe,
 * mark as read). `send`: POST /messages, where a repeat means a duplicate
 * message on the customer's phone.
 */
export type CallKind = 'read' | 'idempotent' | 'send';

/** Full jitter: uniform in [0, min(cap, base·2^retryIndex)]; retryIndex 0 is the first retry. */
export function computeBackoffDelay(
  retryIndex: number,
  opts: Pick<MetaRetryOptions, 'baseDelayMs' | 'maxDelayMs'>,
  random: () => number,
): number {
  const exp = opts.baseDelayMs * 2 ** Math.max(0, retryIndex);
  const ceiling = Math.min(opts.maxDelayMs, exp);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * ceiling);
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date. Undefined when absent or unparseable. */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined) return undefined;
  const trimmed = raw.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

// Codes that say "try again" for reads (FACTS §7.2; 17/32/613 are Graph's
// generic user/page/app rate limits).
const TRANSIENT_READ_CODES = new Set([1, 2, 4, 17, 32, 613, 80007, 130429, 131000, 131016, 131057]);
// Throttling answers to a send: Meta refused it, so repeating cannot duplicate.
const SEND_THROTTLE_CODES = new Set([4, 80007, 130429]);
// 429s that must not be retried in-process: 131056 needs seconds-to-minutes
// per recipient (a job queue's business), 131048 means "pause the campaign".
const SEND_NO_RETRY_429 = new Set([131056, 131048]);

export function shouldRetry(kind: CallKind, err: MetaError): boolean {
  if (err instanceof MetaUnreachableError) {
    return kind === 'send' ? !err.requestSent : true;
  }
  if (!(err instanceof MetaApiError)) return false;
  if (kind === 'send') {
    if (err.metaCode !== null && SEND_THROTTLE_CODES.has(err.metaCode)) return true;
    return err.httpStatus === 429 && !(err.metaCode !== null && SEND_NO_RETRY_429.has(err.metaCode));
  }
  if (err.isTransient === true) return true;
  if (err.metaCode !== null && TRANSIENT_READ_CODES.has(err.metaCode)) return true;
  if (err.catalog) return false;
  return err.httpStatus >= 500 || err.httpStatus === 429;
}

export function resolveRetryOptions(base: MetaRetryOptions, perCall: false | Partial<MetaRetryOptions> | undefined): MetaRetryOptions {
  if (perCall === false) return { ...base, maxAttempts: 1 };
  return { ...base, ...(perCall ?? {}) };
}
