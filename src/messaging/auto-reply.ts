import { getCredential, openMetaSession } from '../credentials/service.js';
import type { AppDeps } from '../deps.js';
import { isThrottling, MetaApiError, MetaSendOutcomeUnknownError, MetaUnreachableError, textMessage } from '../meta/index.js';
import { TransientJobError, type JobContext } from '../platform/jobs/queue.js';
import { beginSendAttempt, cancelSendAttempt, recordSendOutcome } from './outbound.js';
import { sendRuntime } from './send/sender.js';
import { getMessage, type AutoReplyPayload } from './service.js';

/**
 * The auto-reply job: one send attempt per run (the queue retries), through the
 * credential's Meta session. Meta certainly refused (throttled, 5xx, unreachable
 * before writing) -> retry later; a permanent error -> FAILED; no usable answer
 * -> never resent, settled later by a status webhook carrying our opaque data.
 */
export async function runAutoReply(deps: AppDeps, payload: AutoReplyPayload, ctx: JobContext): Promise<void> {
  const { sandboxId, messageId } = payload;
  const queued = getMessage(deps, sandboxId, messageId);
  if (!queued || queued.status !== 'QUEUED' || queued.wamid) return;
  const credential = getCredential(deps, sandboxId, queued.credentialId);
  if (!credential) {
    recordSendOutcome(deps, sandboxId, messageId, {
      kind: 'failed',
      metaErrorCode: null,
      reason: 'The WhatsApp API credential no longer exists.',
    });
    return;
  }
  // Opened before the attempt is marked: a token that cannot be decrypted is a plain job failure, not an unknown send.
  const session = openMetaSession(deps, credential);
  // Meta's throughput counts every message of the number, so replies take a slot from the same bucket as
  // campaign sends; taken before the attempt is marked, so waiting here can never turn into an unknown outcome.
  await sendRuntime(deps).pacerFor(credential).bucket.take(ctx.signal);
  const attempt = beginSendAttempt(deps, sandboxId, messageId);
  if (attempt.kind === 'unknown') {
    deps.logger.warn({ sandboxId, messageId, jobId: ctx.jobId }, 'auto-reply: an earlier run may have sent it; not resending');
    return;
  }
  if (attempt.kind === 'skip') return;
  const { message, recipient } = attempt;
  if (!recipient || !message.text) {
    recordSendOutcome(deps, sandboxId, messageId, {
      kind: 'failed',
      metaErrorCode: null,
      reason: 'The contact has neither a phone number nor a WhatsApp user id to reply to.',
    });
    return;
  }
  try {
    const result = await session.sendMessage(
      credential.phoneNumberId,
      textMessage(recipient, message.text, { bizOpaqueCallbackData: message.id }),
      { retry: false, signal: ctx.signal },
    );
    recordSendOutcome(deps, sandboxId, messageId, { kind: 'accepted', wamid: result.wamid });
  } catch (err) {
    if (err instanceof MetaSendOutcomeUnknownError) {
      recordSendOutcome(deps, sandboxId, messageId, { kind: 'unknown' });
      deps.logger.warn({ sandboxId, messageId, reason: err.reason }, 'auto-reply: send outcome unknown; waiting for a status webhook');
      return;
    }
    if (err instanceof MetaApiError && !isRetryableRefusal(err)) {
      recordSendOutcome(deps, sandboxId, messageId, {
        kind: 'failed',
        metaErrorCode: err.metaCode,
        reason: err.details && err.details !== err.message ? `${err.message}: ${err.details}` : err.message,
      });
      return;
    }
    // Everything else happened before Meta took the message: the next run may send it.
    cancelSendAttempt(deps, sandboxId, messageId);
    if (err instanceof MetaApiError)
      throw new TransientJobError(`Meta refused the auto-reply for now (${err.metaCode ?? err.httpStatus})`, err.retryAfterMs);
    if (err instanceof MetaUnreachableError) throw new TransientJobError(`Meta unreachable (${err.reason})`);
    throw err;
  }
}

/** Meta refused for now (throttling, its own 5xx, a code it calls transient): the same send may succeed later. */
function isRetryableRefusal(err: MetaApiError): boolean {
  const throttled: boolean = isThrottling(err);
  return throttled || err.httpStatus >= 500 || err.retryable;
}

/** The job failed for good (not a Meta refusal: those are recorded at once): say so on the message. */
export function autoReplyExhausted(deps: AppDeps, payload: AutoReplyPayload, error: Error): void {
  recordSendOutcome(deps, payload.sandboxId, payload.messageId, {
    kind: 'failed',
    metaErrorCode: null,
    reason: `The auto-reply could not be sent: ${error.message}`.slice(0, 500),
  });
}
