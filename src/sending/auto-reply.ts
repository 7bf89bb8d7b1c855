import { setMaxListeners } from 'node:events';
import { accountSendRefusal } from '../credentials/account/service.js';
import { getCredential } from '../credentials/service.js';
import type { AppDeps } from '../core/deps.js';
import { TransientJobError, type JobContext } from '../platform/jobs/queue.js';
import { LIMITER_RETRY_MS } from './shared-pacing.js';
import { recordSendOutcome } from '../messages/outbound.js';
import { beginSendAttemptIn, getMessage, OUTCOME_UNKNOWN_REASON, type AutoReplyPayload } from '../messages/service.js';

/**
 * The auto-reply job: one attempt per run (the queue retries), through the one
 * send path campaigns use (send/sender.ts). Meta counts a reply against the
 * number's throughput and the recipient's pair rate like any other message, so
 * a reply takes a slot from the sender's bucket, waits its turn behind a
 * campaign send to the same person, slows the whole sender when Meta answers
 * 130429, is marked and recorded in the shared group commit, and is never
 * resent once its outcome is unknown (a status webhook settles it).
 */
export async function runAutoReply(deps: AppDeps, payload: AutoReplyPayload, ctx: JobContext): Promise<void> {
  const { sandboxId, messageId } = payload;
  const queued = await getMessage(deps, sandboxId, messageId);
  if (!queued || queued.status !== 'QUEUED' || queued.wamid) return;
  if (queued.statusReason === OUTCOME_UNKNOWN_REASON) return;
  const credential = await getCredential(deps, sandboxId, queued.credentialId);
  if (!credential) {
    await fail(deps, payload, 'The WhatsApp API credential no longer exists.');
    return;
  }
  // Meta reported (account_update) that this account cannot send replies now: FAILED naming the event, never sent.
  const refusal = await accountSendRefusal(deps, credential.id, { template: false });
  if (refusal) {
    await fail(deps, payload, refusal.message);
    return;
  }
  // Concurrent jobs wait for pacing slots on the queue's one signal.
  setMaxListeners(0, ctx.signal);
  const result = await deps.state.sends.send({
    sandboxId,
    credential,
    // The same pair key a campaign send to this person uses (its E.164 number), so both share one pair pace.
    recipientKey: queued.toNumber ?? queued.contactId ?? queued.id,
    ticket: messageId,
    signal: ctx.signal,
    refusals: Math.max(0, ctx.attempt - 1),
    begin: (tx) => beginSendAttemptIn(tx, sandboxId, messageId),
  });
  if (result.kind === 'earlier-attempt') {
    deps.logger.warn({ sandboxId, messageId, jobId: ctx.jobId }, 'auto-reply: an earlier run may have sent it; not resending');
    return;
  }
  if (result.kind === 'retry') throw new TransientJobError(`Meta refused the auto-reply for now: ${result.reason}`, result.delayMs);
  if (result.kind === 'deferred') throw new TransientJobError('waiting for the recipient pair-rate slot', result.delayMs);
  if (result.kind === 'stopped') throw new TransientJobError('stopped before the auto-reply was written');
  if (result.kind === 'unavailable') throw new TransientJobError(result.reason, LIMITER_RETRY_MS);
}

async function fail(deps: AppDeps, payload: AutoReplyPayload, reason: string): Promise<void> {
  await recordSendOutcome(deps, payload.sandboxId, payload.messageId, { kind: 'failed', metaErrorCode: null, reason });
}

/** The job failed for good (not a Meta refusal: those are recorded at once): say so on the message. */
export async function autoReplyExhausted(deps: AppDeps, payload: AutoReplyPayload, error: Error): Promise<void> {
  await fail(deps, payload, `The auto-reply could not be sent: ${error.message}`.slice(0, 500));
}
