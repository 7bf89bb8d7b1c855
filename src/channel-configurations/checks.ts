import { toE164 } from '../credentials/checks.js';
import { getCredential, openMetaSession, type CredentialRecord } from '../credentials/service.js';
import type { AppDeps } from '../core/deps.js';
import { isTokenInvalid, MetaApiError, MetaError, MetaUnreachableError, type MetaCallOptions, type MetaSession } from '../meta/index.js';
import { attributePathProblem } from '../settings/attribute-path.js';
import { findMarketingActions } from '../settings/service.js';
import { getWebhook } from '../webhooks/service.js';
import type { ChannelConfigurationRecord } from './service.js';
import { effectiveExecutionField } from './service.js';
import type { CheckName } from './status.js';
import type { CheckStatus } from './tables.js';

/**
 * The readiness checklist. Each check gives PASSED or FAILED with a message (and
 * a remedy when it failed), or PENDING with `retry` when it could not decide now:
 * Meta was down, unreachable or throttling, or the credential is still being
 * verified. A check that needs an ACTIVE credential is not run without one.
 * The checks are independent and run concurrently.
 */

export interface CheckResult {
  name: CheckName;
  status: CheckStatus;
  message: string | null;
  remedy: string | null;
  /** Set when the check must be tried again later; never a verdict. */
  retry?: { reason: string; retryAfterMs?: number };
  /** Meta rejected the credential's token (190): a credential failure, not this check's. */
  tokenRejected?: boolean;
}

const passed = (name: CheckName, message: string): CheckResult => ({ name, status: 'PASSED', message, remedy: null });
const failed = (name: CheckName, message: string, remedy: string): CheckResult => ({ name, status: 'FAILED', message, remedy });

const CREDENTIAL_WAIT_MS = 1_000;

function credentialLabel(credential: CredentialRecord | undefined, id: string | null): string {
  return credential ? `"${credential.name}"` : (id ?? '(none)');
}

function wabaLabel(c: CredentialRecord): string {
  return c.wabaName ? `"${c.wabaName}" (${c.wabaId})` : c.wabaId;
}

function credentialNumber(c: CredentialRecord): string {
  return c.displayPhoneNumber ? toE164(c.displayPhoneNumber)! : `phone number id ${c.phoneNumberId}`;
}

/** Meta trouble that says "try later": never a reason to fail a configuration. */
function transientOf(err: unknown): { reason: string; retryAfterMs?: number } | null {
  if (err instanceof MetaUnreachableError) return { reason: err.message };
  // The job queue is stopping: the run is repeated after the restart.
  if (err instanceof Error && err.name === 'AbortError') return { reason: 'the check was interrupted by a shutdown' };
  if (err instanceof MetaApiError && err.retryable) return { reason: err.message, retryAfterMs: err.retryAfterMs };
  return null;
}

/**
 * A Meta call of a check failed: PENDING (retry) when transient, FAILED with Meta's
 * reason and remedy (plus `hint`) otherwise; anything that is not Meta's is a bug and rethrown.
 */
function metaFailure(name: CheckName, err: unknown, what: string, hint?: string): CheckResult {
  const transient = transientOf(err);
  if (transient) {
    return {
      name,
      status: 'PENDING',
      message: `Waiting for Meta: ${what} did not get an answer (${transient.reason.slice(0, 300)}); the check is retried automatically.`,
      remedy: null,
      retry: transient,
    };
  }
  if (isTokenInvalid(err)) return { ...failed(name, err.message, err.remedy), tokenRejected: true };
  if (err instanceof MetaError) {
    const code = err instanceof MetaApiError && err.metaCode !== null ? ` (code ${err.metaCode})` : '';
    return failed(name, `${what} failed: Meta answered${code}: ${err.message.slice(0, 500)}`, hint ? `${err.remedy} ${hint}` : err.remedy);
  }
  throw err;
}

export function checkCredential(credential: CredentialRecord | undefined, now: number): CheckResult {
  const name = 'CREDENTIAL_ACTIVE';
  if (!credential) {
    return failed(
      name,
      'The WhatsApp API credential of this configuration no longer exists.',
      'Choose another credential and submit again.',
    );
  }
  const label = credentialLabel(credential, null);
  if (credential.status === 'PROCESSING') {
    return {
      name,
      status: 'PENDING',
      message: `Waiting for the WhatsApp API credential ${label} to finish its own check with Meta.`,
      remedy: null,
      retry: { reason: `credential ${credential.id} is still PROCESSING`, retryAfterMs: CREDENTIAL_WAIT_MS },
    };
  }
  if (credential.status === 'FAILED') {
    return failed(
      name,
      `The WhatsApp API credential ${label} is FAILED: ${credential.statusMessage ?? 'see the credential for details.'}`,
      `Fix the credential ${label} (for example give it a new token with updateWhatsAppApiCredential). This configuration is checked again automatically once the credential is ACTIVE.`,
    );
  }
  const expiresAt = credential.apiTokenExpiresAt?.getTime() ?? null;
  if (expiresAt !== null && expiresAt <= now) {
    return failed(
      name,
      `The access token of the WhatsApp API credential ${label} expired at ${new Date(expiresAt).toISOString()}.`,
      `Give the credential ${label} a new token (a system-user token that never expires is recommended), then submit this configuration again.`,
    );
  }
  return passed(
    name,
    `The WhatsApp API credential ${label} is ACTIVE and its token ${expiresAt === null ? 'does not expire' : `is valid until ${new Date(expiresAt).toISOString()}`}.`,
  );
}

/** The sender must be the credential's number, listed in its WABA by Meta, and Meta's health status must let it send. */
async function checkSenderNumber(session: MetaSession, c: CredentialRecord, sender: string, call: MetaCallOptions): Promise<CheckResult> {
  const name = 'SENDER_NUMBER';
  let numbers;
  try {
    numbers = await session.listPhoneNumbers(c.wabaId, call);
  } catch (err) {
    return metaFailure(name, err, `Listing the phone numbers of the WhatsApp Business Account ${wabaLabel(c)}`);
  }
  const match = numbers.find((n) => toE164(n.displayPhoneNumber) === sender);
  if (!match) {
    const listed = numbers.map((n) => toE164(n.displayPhoneNumber)).filter(Boolean);
    return failed(
      name,
      `${sender} is not a phone number of the WhatsApp Business Account ${wabaLabel(c)}${listed.length ? `; its numbers are ${listed.join(', ')}` : ''}.`,
      `Enter the number of the credential "${c.name}" (${credentialNumber(c)}) as the sender, or add and register ${sender} in WhatsApp Manager and use a credential created for it.`,
    );
  }
  if (match.id !== c.phoneNumberId) {
    return failed(
      name,
      `${sender} is in the WhatsApp Business Account ${wabaLabel(c)}, but the credential "${c.name}" sends from ${credentialNumber(c)}.`,
      `Use ${credentialNumber(c)} as the sender number, or choose a credential created for ${sender}.`,
    );
  }
  const health = match.healthStatus?.canSendMessage?.toUpperCase() ?? null;
  const entityErrors = (match.healthStatus?.entities ?? []).flatMap((e) => e.errors);
  const why = entityErrors.map((e) => e.errorDescription?.replace(/\.$/, '')).filter(Boolean);
  const fixes = entityErrors.map((e) => e.possibleSolution).filter(Boolean);
  const detail = why.length ? ` (${why.join(' ')})` : '';
  if (health === 'BLOCKED') {
    return failed(
      name,
      `Meta reports that ${sender} cannot send messages: health_status.can_send_message is BLOCKED${detail}.`,
      fixes.length
        ? `${fixes.join(' ')} Then submit this configuration again.`
        : 'Open WhatsApp Manager → Phone numbers and resolve what Meta lists for this number (registration, display name, payment method or account restrictions), then submit again.',
    );
  }
  if (health === 'LIMITED') {
    return passed(
      name,
      `${sender} is registered in ${wabaLabel(c)} and can send, but Meta reports its sending is LIMITED${detail}; check WhatsApp Manager.`,
    );
  }
  return passed(
    name,
    `${sender} is registered in the WhatsApp Business Account ${wabaLabel(c)} and able to send${health ? ` (${health})` : ''}.`,
  );
}

/** The token's app must receive the WABA's webhooks; when it does not, it is subscribed now (POST subscribed_apps). */
async function checkAppSubscribed(session: MetaSession, c: CredentialRecord, call: MetaCallOptions): Promise<CheckResult> {
  const name = 'APP_SUBSCRIBED';
  const app = c.appId ? `The app ${c.appId}` : "The credential's app";
  let apps;
  try {
    apps = await session.getSubscribedApps(c.wabaId, call);
  } catch (err) {
    return metaFailure(name, err, `Reading the apps subscribed to the WhatsApp Business Account ${wabaLabel(c)}`);
  }
  const subscribed = c.appId ? apps.some((a) => a.appId === c.appId) : apps.length > 0;
  if (subscribed) return passed(name, `${app} is subscribed to the webhooks of the WhatsApp Business Account ${wabaLabel(c)}.`);
  const manual = `Subscribe the app to the WABA yourself (POST /${c.wabaId}/subscribed_apps with a token of a system user that manages the WABA), then submit again.`;
  let ok: boolean;
  try {
    ok = await session.subscribeApp(c.wabaId, undefined, call);
  } catch (err) {
    return metaFailure(name, err, `Subscribing the app to the WhatsApp Business Account ${wabaLabel(c)}`, manual);
  }
  if (!ok) return failed(name, `Meta did not confirm subscribing the app to the WhatsApp Business Account ${wabaLabel(c)}.`, manual);
  return passed(
    name,
    `${app} was not subscribed to the webhooks of the WhatsApp Business Account ${wabaLabel(c)}; it has been subscribed now, so Meta delivers this account's messages and statuses to it.`,
  );
}

async function checkWebhook(
  deps: AppDeps,
  config: ChannelConfigurationRecord,
  credential: CredentialRecord | undefined,
): Promise<CheckResult> {
  const name = 'WEBHOOK';
  if (!config.webhookId) {
    return passed(
      name,
      'No webhook is set: inbound keywords (opt-in, opt-out, help) and delivery reports will not be processed for this configuration.',
    );
  }
  const webhook = await getWebhook(deps, config.sandboxId, config.webhookId);
  const credentialName = credentialLabel(credential, config.credentialId);
  if (!webhook)
    return failed(name, 'The webhook of this configuration no longer exists.', 'Choose another webhook (or none) and submit again.');
  if (webhook.credentialId !== config.credentialId) {
    const owner = await getCredential(deps, config.sandboxId, webhook.credentialId);
    return failed(
      name,
      `The webhook "${webhook.name}" belongs to the WhatsApp API credential ${credentialLabel(owner, webhook.credentialId)}, not to ${credentialName} used by this configuration.`,
      `Choose a webhook created for the credential ${credentialName} (or create one with createWhatsAppWebhook), then submit again.`,
    );
  }
  if (!webhook.verifiedAt) {
    return failed(
      name,
      `Meta has not verified the webhook "${webhook.name}" yet: its callback handshake has not succeeded.`,
      `In the Meta App Dashboard → WhatsApp → Configuration, enter the webhook's callback URL and verify token and click "Verify and save"; then submit this configuration again.`,
    );
  }
  return passed(
    name,
    `The webhook "${webhook.name}" belongs to the credential ${credentialName} and was verified by Meta at ${webhook.verifiedAt.toISOString()}.`,
  );
}

async function checkExecutionField(deps: AppDeps, config: ChannelConfigurationRecord): Promise<CheckResult> {
  const name = 'EXECUTION_FIELD';
  const field = await effectiveExecutionField(deps, config);
  const own = config.executionField !== null;
  const problem = attributePathProblem(field);
  if (problem) {
    return failed(
      name,
      `The execution field "${field}"${own ? '' : ' (the sandbox default)'} ${problem}.`,
      own
        ? "Set this configuration's executionField to a valid profile attribute path such as mobilePhone.number, then submit again."
        : 'Fix the sandbox default with updateChannelGeneralSettings, or set executionField on this configuration, then submit again.',
    );
  }
  return passed(name, `Recipients' numbers are read from the profile attribute "${field}"${own ? '' : ' (the sandbox default)'}.`);
}

async function checkMarketingActions(deps: AppDeps, config: ChannelConfigurationRecord): Promise<CheckResult> {
  const name = 'MARKETING_ACTIONS';
  const ids = config.marketingActionIds;
  if (!ids.length) return passed(name, 'No marketing actions are attached: only opt-outs apply to sends.');
  const found = await findMarketingActions(deps, config.sandboxId, ids);
  const missing = ids.filter((id) => !found.some((a) => a.id === id));
  if (missing.length) {
    return failed(
      name,
      `${missing.length === 1 ? 'A marketing action' : `${missing.length} marketing actions`} of this configuration no longer exist${missing.length === 1 ? 's' : ''} in the sandbox (${missing.join(', ')}).`,
      'Remove them from the configuration or pick existing ones (see marketingActions) with updateChannelConfiguration.',
    );
  }
  return passed(name, `Every marketing action exists: ${ids.map((id) => found.find((a) => a.id === id)!.name).join(', ')}.`);
}

function notRun(name: CheckName, gate: CheckResult): CheckResult {
  return {
    name,
    status: 'PENDING',
    message:
      gate.status === 'PENDING'
        ? 'Not run yet: waiting for the credential check (CREDENTIAL_ACTIVE).'
        : 'Not run: this check needs an ACTIVE credential with a valid token (see CREDENTIAL_ACTIVE).',
    remedy: null,
  };
}

/** Runs every check of the configuration; the results come back in checklist order. */
export async function runReadinessChecks(deps: AppDeps, config: ChannelConfigurationRecord, signal?: AbortSignal): Promise<CheckResult[]> {
  const credential = config.credentialId ? await getCredential(deps, config.sandboxId, config.credentialId) : undefined;
  const gate = checkCredential(credential, Date.now());
  const usable = gate.status === 'PASSED' && credential !== undefined;
  const session = usable ? openMetaSession(deps, credential) : null;
  // Jobs retry on their own schedule: one attempt per call, no waiting inside the client.
  const call: MetaCallOptions = { retry: false, signal };
  const sender = config.senderPhoneNumber ?? '';
  const [senderResult, appResult] = await Promise.all([
    session && credential ? checkSenderNumber(session, credential, sender, call) : notRun('SENDER_NUMBER', gate),
    session && credential ? checkAppSubscribed(session, credential, call) : notRun('APP_SUBSCRIBED', gate),
  ]);
  // A token Meta rejects now is the credential's failure (the credential is failed by the call log as well):
  // reported as CREDENTIAL_ACTIVE, so the configuration is checked again by itself once the credential is fixed.
  const rejected = [senderResult, appResult].find((r) => r.tokenRejected);
  if (rejected && credential) {
    const label = credentialLabel(credential, null);
    const tokenGate = failed(
      'CREDENTIAL_ACTIVE',
      `Meta rejected the access token of the WhatsApp API credential ${label}: ${rejected.message ?? 'error 190'}`.slice(0, 800),
      `Give the credential ${label} a new token with updateWhatsAppApiCredential. This configuration is checked again automatically once the credential is ACTIVE.`,
    );
    return [
      tokenGate,
      notRun('SENDER_NUMBER', tokenGate),
      notRun('APP_SUBSCRIBED', tokenGate),
      ...(await localChecks(deps, config, credential)),
    ];
  }
  return [gate, senderResult, appResult, ...(await localChecks(deps, config, credential))];
}

/** The checks that need no call to Meta. */
async function localChecks(
  deps: AppDeps,
  config: ChannelConfigurationRecord,
  credential: CredentialRecord | undefined,
): Promise<CheckResult[]> {
  return [await checkWebhook(deps, config, credential), await checkExecutionField(deps, config), await checkMarketingActions(deps, config)];
}
