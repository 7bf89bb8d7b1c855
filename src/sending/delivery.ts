import { MetaApiError, MetaSendOutcomeUnknownError, MetaUnreachableError } from '../meta/index.js';
import { DEFAULT_THROUGHPUT_PENALTY_MS } from './token-bucket.js';

/** What one request to Meta came to, and how a failure is read (sender.ts records it). */

/** Throttling answers: the sender's whole throughput is exceeded, pause all its sends. */
const THROUGHPUT_CODES = new Set([4, 80007, 130429]);
const PAIR_RATE_CODE = 131056;
const REENGAGEMENT_CODE = 131047;
/** A last try closer to the retry deadline than this is not worth a job run. */
const LAST_TRY_MIN_MS = 250;

/**
 * When to try a refused message again, or null to give up: Meta refused it for
 * now (an edge outage's HTML 5xx, throttling, unreachable before writing), so
 * it is retried with the backoff and Retry-After given, until
 * META_SEND_RETRY_DEADLINE_MS after the message was created. A backoff that
 * would overshoot the deadline is shortened to one last try at it; a
 * Retry-After that overshoots it is honoured, so the message gives up now.
 */
export function retryDelayWithin(
  deadlineMs: number,
  createdAt: Date,
  delayMs: number,
  retryAfterMs: number | undefined,
  now = Date.now(),
): number | null {
  const left = createdAt.getTime() + deadlineMs - now;
  if (delayMs <= left) return delayMs;
  if ((retryAfterMs ?? 0) > left || left < LAST_TRY_MIN_MS) return null;
  return left;
}

const REENGAGEMENT_REASON =
  'Outside the 24-hour customer service window: the recipient has not written to this number in the last 24 hours, so WhatsApp only accepts an approved template. Send a template instead.';

export type Delivery =
  | { kind: 'accepted'; wamid: string }
  | { kind: 'failed'; metaErrorCode: number | null; reason: string }
  | { kind: 'unknown'; reason: string }
  /** Meta certainly did not take it; try again after delayMs. throttled: a pacing signal (higher retry cap). */
  | { kind: 'refused'; delayMs: number; throttled: boolean; reason: string; pairLimited?: boolean; retryAfterMs?: number }
  /** Stopped before the request was written (shutdown, cancel). */
  | { kind: 'aborted' }
  /** The shared rate limiter did not answer as the request was about to leave: it did not leave. */
  | { kind: 'limiter'; problem: string };

export function isAbort(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}

export interface FailureHooks {
  /** Meta throttled the sender: pause all its sends for penaltyMs. */
  throttled(penaltyMs: number): void;
  /** Meta's pair rate for this recipient: push its slot out; returns the delay before trying again. */
  pairLimited(): number;
}

export function classifyFailure(err: unknown, refusals: number, on: FailureHooks): Delivery {
  if (err instanceof MetaSendOutcomeUnknownError) return { kind: 'unknown', reason: err.message };
  if (err instanceof MetaUnreachableError) {
    if (err.requestSent) return { kind: 'unknown', reason: err.message };
    return { kind: 'refused', delayMs: 1_000 * 2 ** Math.min(refusals, 5), throttled: false, reason: `Meta unreachable (${err.reason})` };
  }
  if (isAbort(err)) return { kind: 'aborted' };
  if (!(err instanceof MetaApiError)) throw err;
  const code = err.metaCode;
  if ((code !== null && THROUGHPUT_CODES.has(code)) || (code === null && err.httpStatus === 429)) {
    const penalty = Math.max(err.retryAfterMs ?? 0, DEFAULT_THROUGHPUT_PENALTY_MS);
    on.throttled(penalty);
    return {
      kind: 'refused',
      delayMs: penalty,
      throttled: true,
      retryAfterMs: err.retryAfterMs,
      reason: `Meta throttled the sender (${code ?? err.httpStatus})`,
    };
  }
  if (code === PAIR_RATE_CODE) {
    const delayMs = on.pairLimited();
    return { kind: 'refused', delayMs, throttled: true, pairLimited: true, reason: 'Meta pair rate limit for this recipient (131056)' };
  }
  if (code === REENGAGEMENT_CODE) return { kind: 'failed', metaErrorCode: code, reason: REENGAGEMENT_REASON };
  if (err.httpStatus >= 500 || err.retryable) {
    return {
      kind: 'refused',
      delayMs: Math.max(err.retryAfterMs ?? 0, 1_000 * 2 ** Math.min(refusals, 6)),
      throttled: false,
      retryAfterMs: err.retryAfterMs,
      reason: `Meta refused for now (${code ?? err.httpStatus}): ${err.message}`,
    };
  }
  const details = err.details && err.details !== err.message ? `: ${err.details}` : '';
  return { kind: 'failed', metaErrorCode: code, reason: `${err.message}${details}. What to do: ${err.remedy}`.slice(0, 1000) };
}
