import { setMaxListeners } from 'node:events';
import { getChannelConfiguration, type ChannelConfigurationRecord } from '../channel-configurations/service.js';
import { getCredential, requireWhatsAppEntitlement } from '../credentials/service.js';
import type { AppDeps } from '../core/deps.js';
import { inTransaction } from '../platform/db.js';
import { FieldErrors, InvalidStateError, NotFoundError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import { TransientJobError, type JobContext } from '../platform/jobs/queue.js';
import type { Viewer } from '../platform/tenancy/viewer.js';
import { profileIdProblem } from '../profiles/validation.js';
import { getProfile } from '../profiles/service.js';
import {
  beginSendAttemptIn,
  getMessage,
  OUTCOME_UNKNOWN_REASON,
  publishTrackingEvents,
  recordOutboundMessage,
  recordSendOutcome,
  type WhatsAppMessageRecord,
} from '../messages/service.js';
import {
  checkRecipient,
  compileContent,
  phoneFromInput,
  policyContext,
  renderContent,
  renderValidationError,
  type ContentInput,
  type NewLink,
} from './compose.js';
import { refuseBlockedAccount } from './account-gate.js';
import { checkTemplateSend } from './template-check.js';
import { LIMITER_RETRY_MS } from './shared-pacing.js';
import { store } from './store.js';

/** sendWhatsAppMessage: one message, recorded and queued in one transaction, sent by a durable job. */

export const SEND_JOB = 'messaging.send-message';
export interface SendJobPayload {
  sandboxId: string;
  messageId: string;
}

/** How long the mutation waits for Meta's answer before returning the message as it stands (QUEUED). */
export const SEND_WAIT_MS = 15_000;

const CONFIGURATION = 'Channel configuration';

const NOT_ACTIVE_HINT: Record<string, string> = {
  DRAFT: 'Submit it first.',
  PROCESSING: 'Wait until its readiness checks pass.',
  FAILED: 'Fix the failed checks and submit it again.',
  DEACTIVATED: 'Reactivate it first.',
};

/** The configuration to send through: it must exist in the sandbox and be ACTIVE. */
export async function requireActiveConfiguration(
  deps: AppDeps,
  sandboxId: string,
  id: string,
): Promise<ChannelConfigurationRecord & { credentialId: string }> {
  const config = await getChannelConfiguration(deps, sandboxId, id);
  if (!config) throw new NotFoundError(CONFIGURATION);
  if (config.status !== 'ACTIVE' || !config.credentialId) {
    throw new InvalidStateError(
      `The channel configuration "${config.name}" is ${config.status}; messages are sent only through an ACTIVE configuration. ${NOT_ACTIVE_HINT[config.status] ?? ''}`.trim(),
    );
  }
  return config as ChannelConfigurationRecord & { credentialId: string };
}

export async function insertLinkRows(
  tx: Parameters<typeof store.insertLinks>[0],
  sandboxId: string,
  messageId: string,
  links: NewLink[],
  now: Date,
): Promise<void> {
  await store.insertLinks(
    tx,
    links.map((l) => ({
      id: newId(now.getTime()),
      sandboxId,
      messageId,
      token: l.token,
      url: l.url,
      clicks: 0,
      firstClickedAt: null,
      lastClickedAt: null,
      createdAt: now,
    })),
  );
}

export interface SendMessageInput extends ContentInput {
  /** Raw id (decoded by the GraphQL layer). */
  channelConfigurationId: string;
  profileId?: string | null;
  phoneNumber?: string | null;
}

/**
 * Validates, checks policy (BLOCKED messages are recorded and never reach Meta),
 * personalises, tracks links, records the QUEUED message and its send job in one
 * transaction, then waits up to SEND_WAIT_MS for Meta's answer.
 */
export async function sendWhatsAppMessage(deps: AppDeps, viewer: Viewer, input: SendMessageInput): Promise<WhatsAppMessageRecord> {
  requireWhatsAppEntitlement(viewer);
  const publicUrl = deps.config.publicUrl;
  const errors = new FieldErrors();
  const hasProfile = input.profileId !== undefined && input.profileId !== null;
  const hasPhone = input.phoneNumber !== undefined && input.phoneNumber !== null;
  let phoneE164: string | null = null;
  if (hasProfile === hasPhone) errors.add('profileId', 'give exactly one of profileId or phoneNumber');
  else if (hasPhone) {
    phoneE164 = phoneFromInput(input.phoneNumber!);
    if (!phoneE164) errors.add('phoneNumber', 'must be a phone number with its country code, e.g. +14155550123');
  } else {
    const problem = profileIdProblem(input.profileId!);
    if (problem) errors.add('profileId', problem);
  }
  const compiled = compileContent(errors, input, publicUrl);
  errors.throwIfAny();

  await refuseBlockedAccount(deps, viewer.sandboxId, input.channelConfigurationId, Boolean(input.template));
  // Sending is paused while the shared send-rate limiter does not answer: say so now, record nothing.
  const limiter = await deps.state.sends.limiterProblem(true);
  if (limiter) {
    throw new InvalidStateError(
      `Not sent: the send-rate limiter is unreachable (${limiter}); nothing was recorded. Sending resumes by itself when it answers again: try again shortly.`,
    );
  }
  const config = await requireActiveConfiguration(deps, viewer.sandboxId, input.channelConfigurationId);
  const policy = await policyContext(deps, config);
  const template = compiled!.content.template;
  if (template) await checkTemplateSend(deps, { ...config, marketing: policy.marketing }, template);
  let attributes: unknown = {};
  if (hasProfile) {
    const profile = await getProfile(deps, viewer.sandboxId, input.profileId!);
    if (!profile) throw new NotFoundError(`Profile ${JSON.stringify(input.profileId)}`);
    attributes = profile.attributes;
  }
  // Bad personalization is the caller's input: a ValidationError naming the paths, nothing recorded.
  const rendered = renderContent(compiled!, attributes, publicUrl);
  if (!rendered.ok) throw renderValidationError(rendered);
  const check = await checkRecipient(deps, policy, { attributes, phoneE164 });
  // A blocked message never goes out: store what it would have said, without tracked links.
  const stored = check.ok ? rendered : renderContent({ ...compiled!, trackLinks: false }, attributes, publicUrl);
  if (!stored.ok) throw renderValidationError(stored);

  const now = new Date();
  const recorded = await inTransaction(deps.db, async (tx) => {
    const result = await recordOutboundMessage(
      deps,
      {
        sandboxId: viewer.sandboxId,
        credentialId: config.credentialId,
        channelConfigurationId: config.id,
        toPhoneNumber: check.phoneE164,
        text: stored.text,
        template: stored.template as unknown as Record<string, unknown> | null,
        blockedReason: check.ok ? null : check.reason,
      },
      tx,
    );
    if (check.ok) {
      await insertLinkRows(tx, viewer.sandboxId, result.message.id, stored.links, now);
      await deps.jobs.enqueue<SendJobPayload>(
        tx,
        SEND_JOB,
        { sandboxId: viewer.sandboxId, messageId: result.message.id },
        { sandboxId: viewer.sandboxId, dedupeKey: `${SEND_JOB}:${result.message.id}` },
      );
    }
    return result;
  });
  publishTrackingEvents(deps, viewer.sandboxId, recorded.trackingEventIds);
  if (!check.ok) return recorded.message;
  const settled = deps.state.sends.waitSettled(viewer.sandboxId, recorded.message.id, SEND_WAIT_MS);
  deps.jobs.notify();
  await settled;
  return (await getMessage(deps, viewer.sandboxId, recorded.message.id)) ?? recorded.message;
}

async function fail(deps: AppDeps, payload: SendJobPayload, reason: string): Promise<void> {
  await recordSendOutcome(deps, payload.sandboxId, payload.messageId, { kind: 'failed', metaErrorCode: null, reason });
  deps.state.sends.notifySettled(payload.sandboxId, payload.messageId);
}

/** The send job: one attempt per run; the job queue is the only retry layer. */
export async function runSendJob(deps: AppDeps, payload: SendJobPayload, ctx: JobContext): Promise<void> {
  const { sandboxId, messageId } = payload;
  const message = await getMessage(deps, sandboxId, messageId);
  if (!message || message.direction !== 'OUTBOUND' || message.status !== 'QUEUED' || message.wamid) return;
  if (message.statusReason === OUTCOME_UNKNOWN_REASON) return;
  if (message.channelConfigurationId) {
    const config = await getChannelConfiguration(deps, sandboxId, message.channelConfigurationId);
    if (!config || config.status !== 'ACTIVE') {
      // "Nothing is sent through it": a retry that comes after a deactivation does not go out.
      await fail(deps, payload, `Not sent: the channel configuration is ${config ? config.status : 'deleted'}.`);
      return;
    }
  }
  const credential = await getCredential(deps, sandboxId, message.credentialId);
  if (!credential) {
    await fail(deps, payload, 'Not sent: the WhatsApp API credential no longer exists.');
    return;
  }
  // Concurrent send jobs wait for pacing slots on the queue's one signal.
  setMaxListeners(0, ctx.signal);
  const result = await deps.state.sends.send({
    sandboxId,
    credential,
    recipientKey: message.toNumber ?? message.id,
    ticket: messageId,
    signal: ctx.signal,
    refusals: Math.max(0, ctx.attempt - 1),
    begin: (tx) => beginSendAttemptIn(tx, sandboxId, messageId),
    // The mutation that queued it may wait on another instance (waitSettled).
    settled: (_tx, _message, after) => after(() => deps.state.sends.notifySettled(sandboxId, messageId)),
  });
  if (result.kind === 'retry') throw new TransientJobError(`Meta refused the send for now: ${result.reason}`, result.delayMs);
  if (result.kind === 'deferred') throw new TransientJobError('waiting for the recipient pair-rate slot', result.delayMs);
  if (result.kind === 'stopped') throw new TransientJobError('stopped before the send was written');
  if (result.kind === 'unavailable') throw new TransientJobError(result.reason, LIMITER_RETRY_MS);
}

/** The job failed for good (a bug or the database, not Meta: Meta's refusals are recorded at once). */
export async function sendJobExhausted(deps: AppDeps, payload: SendJobPayload, error: Error): Promise<void> {
  await fail(deps, payload, `The message could not be sent: ${error.message}`.slice(0, 500));
}
