import { openMetaSession, type CredentialRecord } from '../credentials/service.js';
import type { AppDeps } from '../core/deps.js';
import type { MetaSession, Recipient } from '../meta/index.js';
import type { Tx } from '../platform/db.js';
import {
  cancelSendAttemptIn,
  recordSendOutcomeIn,
  type SendAttempt,
  type SendOutcome,
  type WhatsAppMessageRecord,
} from '../messages/service.js';
import { SenderPacers, senderRate, type PairBooking, type SenderPacer } from './pacing.js';
import { isLimiterUnavailable, limiterPausedReason, limiterProblemOf, SharedPacing, type SharedGrant } from './shared-pacing.js';
import { classifyFailure, isAbort, retryDelayWithin, type Delivery } from './delivery.js';
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

export type SendResult =
  | { kind: 'accepted' | 'failed' | 'unknown'; message: WhatsAppMessageRecord | undefined }
  /** Meta refused for now (the attempt was cancelled and spec.refused ran): try again after delayMs. */
  | { kind: 'retry'; delayMs: number; throttled: boolean; reason: string }
  /** Not tried: the recipient's pair-rate slot is further away than a job should wait; try again after delayMs. */
  | { kind: 'deferred'; delayMs: number }
  /** The begin step declined (batch paused or cancelled), or the wait was aborted: nothing was sent. */
  | { kind: 'stopped' }
  /** The shared send-rate limiter does not answer: nothing was sent; sending pauses until it answers (reason says so). */
  | { kind: 'unavailable'; reason: string }
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

/**
 * Grants allowed back to back: 1/20 of the rate, at least 8 (8 at 80/s, 50 at
 * 1,000/s). A sender's first full-rate burst reaches Meta slowly (new
 * connections) and the next one fast; smaller bursts keep that skew inside the
 * window's margin.
 */
const burstFor = (rate: number): number => Math.max(8, Math.ceil(rate / 20));

export class SendRuntime {
  readonly pacers: SenderPacers;
  /** PostgreSQL mode: the sender's throughput is shared by every instance (shared-pacing.ts); null on SQLite. */
  readonly shared: SharedPacing | null;
  readonly commits: GroupCommit;
  private readonly sessions = new Map<string, { enc: string; session: MetaSession }>();

  constructor(private readonly deps: AppDeps) {
    this.pacers = new SenderPacers({ maxBurst: burstFor, pairIntervalMs: deps.config.meta.pairIntervalMs });
    this.commits = new GroupCommit(deps);
    // SQLite runs one process: today's in-process pacing. PostgreSQL may run several: pace on a shared store.
    this.shared = deps.config.database.kind === 'postgres' ? new SharedPacing(deps) : null;
    if (!this.shared && deps.config.pacing.redisUrl) {
      deps.logger.warn('REDIS_URL is set but the service runs on SQLite (one process): send pacing stays in process, Redis is not used');
    }
  }

  /**
   * Why sending is paused now (the shared send-rate limiter does not answer), or null. force: ask the limiter even
   * when it is not known to be down (a single send's mutation); else only a known outage costs a round trip.
   */
  async limiterProblem(force = false): Promise<string | null> {
    return this.shared ? this.shared.problem(force) : null;
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
    let grant: SharedGrant | undefined;
    try {
      if (this.shared) {
        const rate = senderRate(credential);
        grant = await this.shared.sender(credential.phoneNumberId).take(rate, burstFor(rate), waitSignal);
      } else await pacer.bucket.take(waitSignal);
    } catch (err) {
      release();
      if (isAbort(err) || waitSignal?.aborted) return { kind: 'stopped' };
      if (isLimiterUnavailable(err)) return { kind: 'unavailable', reason: limiterPausedReason(limiterProblemOf(err)) };
      throw err;
    }
    try {
      return await this.begin(spec, pacer, release, grant);
    } finally {
      // A grant that did not leave (nothing to send, an error) is no longer held.
      if (grant) this.shared?.sender(credential.phoneNumberId).done(grant);
    }
  }

  /** The send with its throughput grant: the begin commit, the request (through the gate), the outcome. */
  private async begin(spec: SendSpec, pacer: SenderPacer, release: () => void, grant: SharedGrant | undefined): Promise<SendResult> {
    const { credential, recipientKey, signal } = spec;
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
      : grant
        ? await this.deliverShared(spec, pacer, message, recipient, grant)
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
    if (delivery.kind === 'aborted' || delivery.kind === 'limiter' || (delivery.kind === 'refused' && !delivery.pairLimited)) release();
    if (delivery.kind === 'limiter') {
      // Not sent: the attempt is given back, and the message goes again once the limiter answers.
      await this.record(spec, message, { kind: 'aborted' });
      return { kind: 'unavailable', reason: limiterPausedReason(delivery.problem) };
    }
    return this.record(spec, message, delivery);
  }

  /** The request leaves on a shared grant: restamped to now first, moved again if the answer comes late. */
  private async deliverShared(
    spec: SendSpec,
    pacer: SenderPacer,
    message: WhatsAppMessageRecord,
    recipient: Recipient,
    grant: SharedGrant,
  ): Promise<Delivery> {
    const { credential, signal } = spec;
    const sender = this.shared!.sender(credential.phoneNumberId);
    let leaving: SharedGrant;
    try {
      leaving = await sender.leave(grant, signal);
    } catch (err) {
      if (isLimiterUnavailable(err)) return { kind: 'limiter', problem: limiterProblemOf(err) };
      if (isAbort(err) || signal?.aborted) return { kind: 'aborted' };
      throw err;
    }
    if (signal?.aborted) return { kind: 'aborted' };
    const sentAt = performance.now();
    const answer = await this.deliver(credential, message, recipient, spec.recipientKey, spec.refusals, signal);
    sender.answeredLate(leaving, pacer.roundTrips.lateness(performance.now() - sentAt));
    return answer;
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
      return classifyFailure(err, refusals, {
        throttled: (penalty) => {
          this.pacers.penalize(credential.phoneNumberId, penalty);
          // Every instance sending for this number pauses too.
          this.shared?.sender(credential.phoneNumberId).pauseUntil(Date.now() + penalty);
        },
        pairLimited: () => this.pacers.backoff(credential.phoneNumberId, recipientKey, refusals),
      });
    }
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

  async close(): Promise<void> {
    this.pacers.close();
    await this.shared?.close();
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
