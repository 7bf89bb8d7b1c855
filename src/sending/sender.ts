import { openMetaSession, type CredentialRecord } from '../credentials/service.js';
import type { AppDeps } from '../core/deps.js';
import { MetaApiError, MetaSendOutcomeUnknownError, MetaUnreachableError, type MetaSession, type Recipient } from '../meta/index.js';
import type { Tx } from '../platform/db.js';
import {
  cancelSendAttemptIn,
  recordSendOutcomeIn,
  type SendAttempt,
  type SendOutcome,
  type WhatsAppMessageRecord,
} from '../messages/service.js';
import { SenderPacers, type PairBooking, type SenderPacer } from './pacing.js';
import { DEFAULT_THROUGHPUT_PENALTY_MS } from './token-bucket.js';
import { Effects } from '../messages/tracking.js';
import { buildBody } from './compose.js';
import { GroupCommit, type AfterCommit, type TxMemo } from './group-commit.js';
import { store } from './store.js';

/**
 * The one send path (single sends and batches): pace to the sender's
 * throughput and the recipient's pair rate, mark the attempt durably, call Meta
 * once (the job or batch is the only retry layer), and record what Meta said.
 * Meta certainly refused (throttled, pair rate, unreachable before writing) ->
 * the attempt is cancelled and retried later; no usable answer -> never resent.
 */

/** Throttling answers: the sender's whole throughput is exceeded, pause all its sends. */
const THROUGHPUT_CODES = new Set([4, 80007, 130429]);
const PAIR_RATE_CODE = 131056;
const REENGAGEMENT_CODE = 131047;
/** Longer pair-rate waits give the job or recipient back instead of holding a slot. */
const PAIR_WAIT_MAX_MS = 1_000;
/** Throttling and pair-rate refusals are pacing signals, not failures: a high cap on top of the deadline. */
const MAX_THROTTLED = 40;
/**
 * How much later than its stored "attempted" mark a request of a previous process may have reached Meta (the
 * begin commit's sync, the gate, a stall; tens of ms on a loaded machine): a restarted sender counts the
 * previous process's last window from that much later, so its first requests cannot crowd that window.
 */
const SEEDED_SEND_LATE_MS = 250;
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
function retryDelayWithin(
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
  | { kind: 'aborted' };

export type SendResult =
  | { kind: 'accepted' | 'failed' | 'unknown'; message: WhatsAppMessageRecord | undefined }
  /** Meta refused for now (the attempt was cancelled and spec.refused ran): try again after delayMs. */
  | { kind: 'retry'; delayMs: number; throttled: boolean; reason: string }
  /** Not tried: the recipient's pair-rate slot is further away than a job should wait; try again after delayMs. */
  | { kind: 'deferred'; delayMs: number }
  /** The begin step declined (batch paused or cancelled), or the wait was aborted: nothing was sent. */
  | { kind: 'stopped' }
  /** Already settled by an earlier run, or an earlier run may have sent it (never resent). */
  | { kind: 'skipped' | 'earlier-attempt' };

export interface SendSpec {
  sandboxId: string;
  credential: CredentialRecord;
  /** The pair-rate key: the recipient's E.164 number. */
  recipientKey: string;
  /** This message's place in the recipient's line, the same on every try (its message id, a batch's recipient): PairOrder. */
  ticket: string;
  /** Aborts the request to Meta (shutdown): a request already written becomes an unknown outcome. */
  signal?: AbortSignal;
  /** Aborts waiting for a pacing slot (cancel, pause, shutdown); default: signal. */
  waitSignal?: AbortSignal;
  /** Refusals so far for this message (131056 backoff exponent and the give-up cap). */
  refusals: number;
  /** In the begin transaction: guard, create the message if needed, and begin the attempt; null = do not send now. */
  begin(tx: Tx, after: AfterCommit, memo: TxMemo): SendAttempt | null | Promise<SendAttempt | null>;
  /** In the outcome transaction, after the core recorded accepted / failed / unknown (e.g. mark a batch recipient done). */
  settled?(tx: Tx, message: WhatsAppMessageRecord | undefined, after: AfterCommit): void;
  /** In the transaction that cancels a refused attempt (e.g. push a batch recipient's next try). */
  refused?(tx: Tx, delayMs: number): void;
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}

/**
 * Grants allowed back to back: 1/20 of the rate, at least 8 (8 at 80/s, 50 at
 * 1,000/s). A sender's first full-rate burst reaches Meta slowly (new
 * connections) and the next one fast; smaller bursts keep that skew inside the
 * window's margin.
 */
const burstFor = (rate: number): number => Math.max(8, Math.ceil(rate / 20));

export class SendRuntime {
  readonly pacers: SenderPacers;
  readonly commits: GroupCommit;
  private readonly sessions = new Map<string, { enc: string; session: MetaSession }>();

  constructor(private readonly deps: AppDeps) {
    this.pacers = new SenderPacers({ maxBurst: burstFor, pairIntervalMs: deps.config.meta.pairIntervalMs });
    this.commits = new GroupCommit(deps);
  }

  /**
   * The sender's pacers. A sender first used by this process starts from the
   * send attempts of the last window stored in the database, so a restart (or a
   * second credential of the same number) cannot burst past Meta's limit.
   */
  async pacerFor(credential: CredentialRecord): Promise<SenderPacer> {
    const known = this.pacers.get(credential.phoneNumberId);
    const sender = {
      phoneNumberId: credential.phoneNumberId,
      messagesPerSecond: credential.messagesPerSecond,
      throughputLevel: credential.throughputLevel,
    };
    const pacer = this.pacers.forSender(sender);
    if (!known) {
      const windowMs = pacer.bucket.windowMs;
      const wallNow = Date.now();
      const monoNow = performance.now();
      const since = new Date(wallNow - windowMs - SEEDED_SEND_LATE_MS);
      const recent = await store.recentSendAttempts(this.deps.db, credential.phoneNumberId, since);
      // A mark is written before its request leaves: count each as if it left SEEDED_SEND_LATE_MS later.
      const times = recent.map((at) => Math.min(monoNow, monoNow - (wallNow - at.getTime()) + SEEDED_SEND_LATE_MS));
      pacer.bucket.seed(times);
      pacer.gate.seed(times);
    }
    return pacer;
  }

  private session(credential: CredentialRecord): MetaSession {
    const cached = this.sessions.get(credential.id);
    if (cached && cached.enc === credential.apiTokenEnc) return cached.session;
    const session = openMetaSession(this.deps, credential);
    this.sessions.set(credential.id, { enc: credential.apiTokenEnc, session });
    return session;
  }

  /**
   * Resolves when the message settled (accepted, failed, outcome unknown) on any instance, or after timeoutMs.
   * Listens before it returns, so an outcome announced after the call is heard. Only sends somebody waits for are
   * announced (notifySettled), not every batch send.
   */
  waitSettled(sandboxId: string, messageId: string, timeoutMs: number): Promise<void> {
    const stop = new AbortController();
    const events = this.deps.pubsub.subscribe(sandboxId, 'message:settled', stop.signal);
    const timer = setTimeout(() => stop.abort(), timeoutMs);
    timer.unref();
    return (async () => {
      try {
        for await (const event of events) if (event.messageId === messageId) return;
      } finally {
        clearTimeout(timer);
        stop.abort();
      }
    })();
  }

  /** Wakes waitSettled callers on every instance: call after the outcome committed. */
  notifySettled(sandboxId: string, messageId: string): void {
    this.deps.pubsub.publish(sandboxId, 'message:settled', { messageId });
  }

  /**
   * One send, from pacing to the recorded outcome. Messages to one recipient go out in arrival order: a
   * message waits in place for the pair slot only when it is first in the recipient's line, else it is
   * deferred behind the ones ahead and keeps its place (PairOrder) until it was sent or is done here.
   */
  async send(spec: SendSpec): Promise<SendResult> {
    const { recipientKey, ticket } = spec;
    const pacer = await this.pacerFor(spec.credential);
    const delayMs = pacer.pairs.admit(recipientKey, ticket, PAIR_WAIT_MAX_MS);
    if (delayMs > 0) return { kind: 'deferred', delayMs };
    let result: SendResult | undefined;
    try {
      result = await this.sendNow(spec, pacer);
      return result;
    } finally {
      // Refused for now: it comes back after the delay, in its place. Anything else: the next in line may go.
      if (result?.kind === 'retry') pacer.pairs.order.later(recipientKey, ticket, result.delayMs);
      else pacer.pairs.order.release(recipientKey, ticket);
    }
  }

  /** The send whose turn it is: the pair slot, a throughput grant, the begin commit, Meta, the outcome. */
  private async sendNow(spec: SendSpec, pacer: SenderPacer): Promise<SendResult> {
    const { credential, recipientKey, signal } = spec;
    const waitSignal = spec.waitSignal ?? signal;
    let booking: PairBooking;
    try {
      booking = await pacer.pairs.waitTurn(recipientKey, waitSignal);
    } catch (err) {
      if (isAbort(err) || waitSignal?.aborted) return { kind: 'stopped' };
      throw err;
    }
    // Whatever does not reach Meta's pair limit gives the recipient's slot back.
    const release = (): void => pacer.pairs.release(booking);
    try {
      await pacer.bucket.take(waitSignal);
    } catch (err) {
      release();
      if (isAbort(err) || waitSignal?.aborted) return { kind: 'stopped' };
      throw err;
    }
    const attempt = await this.commits
      .run((tx, after, memo) => spec.begin(tx, after, memo))
      .catch((err: unknown) => {
        release();
        throw err;
      });
    if (attempt === null) {
      release();
      return { kind: 'stopped' };
    }
    if (attempt.kind === 'skip' || attempt.kind === 'unknown') {
      release();
      // Settled earlier, or an earlier run may have sent it: either way this recipient is done.
      await this.commits.run((tx, after) => spec.settled?.(tx, undefined, after));
      return { kind: attempt.kind === 'skip' ? 'skipped' : 'earlier-attempt' };
    }
    const { message, recipient } = attempt;
    const delivery: Delivery = !recipient
      ? { kind: 'failed', metaErrorCode: null, reason: 'The message has no recipient number or WhatsApp user id.' }
      : // The request leaves now, after the begin commit: the gate holds the sender's window on these moments.
        await pacer.gate.take(signal).then(
          async (sentAt) => {
            const answer = await this.deliver(credential, message, recipient, recipientKey, spec.refusals, signal);
            // An answer later than usual: its request may have arrived as much later (RoundTrips).
            pacer.gate.restamp(sentAt, sentAt + pacer.roundTrips.lateness(performance.now() - sentAt));
            return answer;
          },
          (): Delivery => ({ kind: 'aborted' }),
        );
    if (delivery.kind === 'aborted' || (delivery.kind === 'refused' && !delivery.pairLimited)) release();
    return this.record(spec, message, delivery);
  }

  private async deliver(
    credential: CredentialRecord,
    message: WhatsAppMessageRecord,
    recipient: Recipient,
    recipientKey: string,
    refusals: number,
    signal?: AbortSignal,
  ): Promise<Delivery> {
    try {
      const body = buildBody(message, recipient, this.deps.config.publicUrl);
      const result = await this.session(credential).sendMessage(credential.phoneNumberId, body, { retry: false, signal });
      return { kind: 'accepted', wamid: result.wamid };
    } catch (err) {
      return this.classify(err, credential, recipientKey, refusals);
    }
  }

  private classify(err: unknown, credential: CredentialRecord, recipientKey: string, refusals: number): Delivery {
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
      this.pacers.penalize(credential.phoneNumberId, penalty);
      return {
        kind: 'refused',
        delayMs: penalty,
        throttled: true,
        retryAfterMs: err.retryAfterMs,
        reason: `Meta throttled the sender (${code ?? err.httpStatus})`,
      };
    }
    if (code === PAIR_RATE_CODE) {
      const delayMs = this.pacers.backoff(credential.phoneNumberId, recipientKey, refusals);
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

  private async record(spec: SendSpec, message: WhatsAppMessageRecord, delivery: Delivery): Promise<SendResult> {
    let outcome: SendOutcome | null = null;
    if (delivery.kind === 'accepted') outcome = { kind: 'accepted', wamid: delivery.wamid };
    else if (delivery.kind === 'failed') outcome = { kind: 'failed', metaErrorCode: delivery.metaErrorCode, reason: delivery.reason };
    else if (delivery.kind === 'unknown') outcome = { kind: 'unknown' };
    else if (delivery.kind === 'refused') {
      const deadlineMs = this.deps.config.meta.sendRetryDeadlineMs;
      const delay = retryDelayWithin(deadlineMs, message.createdAt, delivery.delayMs, delivery.retryAfterMs);
      if (delay === null || (delivery.throttled && spec.refusals + 1 >= MAX_THROTTLED)) {
        const tries = spec.refusals + 1;
        outcome = {
          kind: 'failed',
          metaErrorCode: null,
          reason:
            delay === null
              ? `Not sent: Meta refused it ${tries} time${tries === 1 ? '' : 's'} and kept refusing past the retry deadline of ${Math.round(deadlineMs / 1000)} s (META_SEND_RETRY_DEADLINE_MS); last answer: ${delivery.reason}`.slice(
                  0,
                  1000,
                )
              : `Not sent: Meta refused it ${tries} times in a row (last: ${delivery.reason}).`,
        };
      } else delivery.delayMs = delay;
    }
    if (delivery.kind === 'unknown') {
      this.deps.logger.warn(
        { sandboxId: spec.sandboxId, messageId: message.id, reason: delivery.reason },
        'send outcome unknown: not resent; a status webhook will settle it',
      );
    }
    if (outcome) {
      const recorded = outcome;
      const updated = await this.commits.run(async (tx, after) => {
        const effects = new Effects(spec.sandboxId);
        const row = await recordSendOutcomeIn(this.deps, tx, effects, message.id, recorded);
        spec.settled?.(tx, row, after);
        after(() => effects.publish(this.deps));
        return row;
      });
      return { kind: recorded.kind, message: updated };
    }
    // Refused or aborted: Meta certainly did not take it, so a later try may send it.
    const delayMs = delivery.kind === 'refused' ? delivery.delayMs : 0;
    await this.commits.run(async (tx) => {
      await cancelSendAttemptIn(tx, spec.sandboxId, message.id);
      spec.refused?.(tx, delayMs);
    });
    if (delivery.kind === 'aborted') return { kind: 'stopped' };
    return {
      kind: 'retry',
      delayMs,
      throttled: delivery.kind === 'refused' && delivery.throttled,
      reason: delivery.kind === 'refused' ? delivery.reason : '',
    };
  }

  close(): void {
    this.pacers.close();
  }
}

declare module '../platform/pubsub.js' {
  interface PubSubEvents {
    /** A send somebody waits for (a single send) has its outcome (ids only; the waiter re-reads the message). */
    'message:settled': { messageId: string };
  }
}

declare module '../core/deps.js' {
  interface SliceState {
    /** The service's send runtime: one set of pacers and one group commit for every send of the process. */
    sends: SendRuntime;
  }
}
