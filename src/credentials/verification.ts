import type { AppDeps } from '../core/deps.js';
import { MetaApiError, type MetaCallOptions } from '../meta/index.js';
import { toMetaFailure } from '../core/errors.js';
import { newId } from '../platform/ids.js';
import { TransientJobError } from '../platform/jobs/queue.js';
import type { Viewer } from '../platform/tenancy/viewer.js';
import { failedBlockMessage } from './account/service.js';
import { runCredentialChecks, tokenWarnings, toPhoneFacts, mergePhoneWarnings, type CheckStep, type TokenFacts } from './checks.js';
import {
  isObjectNotFound,
  isPermissionError,
  isTokenInvalid,
  isTransientMetaError,
  remedyFor,
  retryAfterOf,
  tokenRejectedMessage,
} from './meta-errors.js';
import {
  applyPhoneNumberUpdate,
  failOnRejectedToken,
  getCredentialForViewer,
  markCredentialFailed,
  openMetaSession,
  requireWhatsAppEntitlement,
  type CredentialRecord,
  type VerifyPayload,
} from './service.js';
import { statusTransaction, tokenFingerprint, transition } from './status.js';
import { store } from './store.js';
import type { CredentialPatch } from './store.js';

/**
 * Talking to Meta about a stored credential: the verification job that decides
 * ACTIVE or FAILED, the on-demand test report, and the phone-number refresh
 * (mutation and recurring job).
 */

function tokenPatch(token: TokenFacts): CredentialPatch {
  return { apiTokenType: token.type, apiTokenExpiresAt: token.expiresAt, apiTokenScopes: token.scopes, appId: token.appId };
}

/** The `credentials.verify` job. Stale runs (the credential moved on) do nothing; Meta trouble retries without a verdict. */
export async function runVerification(deps: AppDeps, payload: VerifyPayload, signal?: AbortSignal): Promise<void> {
  const credential = await store.findCredentialById(deps.db, payload.credentialId);
  if (!credential || credential.status !== 'PROCESSING' || credential.statusVersion !== payload.statusVersion) return;
  const session = openMetaSession(deps, credential);
  const run = await runCredentialChecks(
    session,
    { businessAccountId: credential.businessAccountId, wabaId: credential.wabaId, phoneNumberId: credential.phoneNumberId },
    { call: { retry: false, signal } },
  );

  if (run.outcome === 'transient') {
    // Stay PROCESSING and say why the wait is longer than usual.
    await store.updateCredentialAtVersion(deps.db, credential.id, payload.statusVersion, {
      statusMessage: `Waiting for Meta (${run.error.message.slice(0, 300)}); the check retries automatically.`,
      updatedAt: new Date(),
    });
    throw new TransientJobError(
      `Meta unavailable while verifying credential ${credential.id}: ${run.error.message}`,
      retryAfterOf(run.error),
    );
  }

  const now = new Date();
  let qualityChangeId: string | null = null;
  const event = await statusTransaction(deps, async (tx) => {
    const current = await store.findCredentialById(tx, credential.id);
    if (!current || current.status !== 'PROCESSING' || current.statusVersion !== payload.statusVersion) return null;
    if (run.outcome === 'failed') {
      return transition(deps, tx, current, 'FAILED', run.message, run.token ? tokenPatch(run.token) : {}, now);
    }
    // Meta's account_update said the account is gone for this app: a token that still works does not undo that.
    const blocked = await failedBlockMessage(tx, current.id);
    if (blocked) return transition(deps, tx, current, 'FAILED', blocked, tokenPatch(run.token), now);
    const { token, waba, phone } = run;
    const warnings = mergePhoneWarnings(tokenWarnings(token, now.getTime()), {
      qualityRating: phone.qualityRating,
      canSendMessageRaw: phone.canSendMessageRaw,
    });
    // A rating read before (an earlier verification or refresh) that differs now is a real change.
    if (current.phoneNumberRefreshedAt && current.qualityRating !== phone.qualityRating) {
      qualityChangeId = newId(now.getTime());
      await store.insertQualityChange(tx, {
        id: qualityChangeId,
        sandboxId: current.sandboxId,
        credentialId: current.id,
        phoneNumberId: current.phoneNumberId,
        previousQualityRating: current.qualityRating,
        qualityRating: phone.qualityRating,
        at: now,
        source: 'refresh',
      });
    }
    return transition(
      deps,
      tx,
      current,
      'ACTIVE',
      null,
      {
        ...tokenPatch(token),
        wabaName: waba.name,
        wabaOwnership: waba.ownership,
        displayPhoneNumber: phone.displayPhoneNumber,
        verifiedName: phone.verifiedName,
        qualityRating: phone.qualityRating,
        throughputLevel: phone.throughputLevel,
        messagesPerSecond: phone.messagesPerSecond,
        messagingLimitTier: phone.messagingLimitTier,
        phoneStatus: phone.phoneStatus,
        canSendMessage: phone.canSendMessage,
        warnings,
        phoneNumberRefreshedAt: now,
      },
      now,
    );
  });
  // After the status change (an autocommit NOTIFY on PostgreSQL, so it follows it).
  if (event && qualityChangeId)
    deps.pubsub.publish(credential.sandboxId, 'credential:quality-changed', { credentialId: credential.id, qualityChangeId });
}

/** When verification failed for good (a bug, not Meta): never leave the credential PROCESSING forever. */
export async function verificationExhausted(deps: AppDeps, payload: VerifyPayload): Promise<void> {
  const credential = await store.findCredentialById(deps.db, payload.credentialId);
  if (!credential || credential.status !== 'PROCESSING' || credential.statusVersion !== payload.statusVersion) return;
  await statusTransaction(deps, (tx) =>
    transition(
      deps,
      tx,
      credential,
      'FAILED',
      'The check could not complete because of an internal error. Save the credential again to retry; contact support if it persists.',
    ),
  );
}

export interface CredentialTestReport {
  credential: CredentialRecord;
  passed: boolean;
  steps: CheckStep[];
  testedAt: Date;
}

/** "Test credentials": every check now, step by step. Changes nothing unless Meta rejects the token. */
export async function testCredential(deps: AppDeps, viewer: Viewer, id: string): Promise<CredentialTestReport> {
  requireWhatsAppEntitlement(viewer);
  const credential = await getCredentialForViewer(deps, viewer, id);
  const run = await runCredentialChecks(openMetaSession(deps, credential), {
    businessAccountId: credential.businessAccountId,
    wabaId: credential.wabaId,
    phoneNumberId: credential.phoneNumberId,
  });
  if (run.outcome === 'transient') throw toMetaFailure(run.error);
  if (run.outcome === 'failed' && run.tokenRejected)
    await failOnRejectedToken(deps, credential.id, tokenFingerprint(credential.apiTokenEnc), run.message);
  return {
    credential: await getCredentialForViewer(deps, viewer, id),
    passed: run.outcome === 'passed' && run.steps.every((s) => s.passed),
    steps: run.steps,
    testedAt: new Date(),
  };
}

/**
 * Reads the number from Meta and stores it. A rejected token fails the
 * credential (re-authorisation needed); so do a lost permission or a number Meta
 * no longer shows. Meta's error is rethrown for the caller.
 */
async function refreshOne(deps: AppDeps, credential: CredentialRecord, call?: MetaCallOptions): Promise<void> {
  const session = openMetaSession(deps, credential);
  let number;
  try {
    number = await session.getPhoneNumber(credential.phoneNumberId, call);
  } catch (err) {
    if (err instanceof MetaApiError && !isTransientMetaError(err)) {
      if (isTokenInvalid(err)) {
        await failOnRejectedToken(deps, credential.id, tokenFingerprint(credential.apiTokenEnc), tokenRejectedMessage(err.message));
      } else if (isPermissionError(err) || isObjectNotFound(err)) {
        await markCredentialFailed(
          deps,
          credential,
          `Reading phone number ${credential.phoneNumberId} failed: Meta answered (code ${err.metaCode ?? '?'}): ${err.message} ${remedyFor(err)}`,
        );
      }
    }
    throw err;
  }
  const facts = toPhoneFacts(number);
  await applyPhoneNumberUpdate(
    deps,
    credential,
    {
      qualityRating: facts.qualityRating,
      throughputLevel: facts.throughputLevel,
      messagesPerSecond: facts.messagesPerSecond,
      messagingLimitTier: facts.messagingLimitTier,
      displayPhoneNumber: facts.displayPhoneNumber,
      verifiedName: facts.verifiedName,
      phoneStatus: facts.phoneStatus,
      canSendMessage: facts.canSendMessage,
      canSendMessageRaw: facts.canSendMessageRaw,
    },
    'refresh',
  );
}

/** The refresh mutation: re-reads the number now and returns the credential as stored afterwards. */
export async function refreshPhoneNumber(deps: AppDeps, viewer: Viewer, id: string): Promise<CredentialRecord> {
  requireWhatsAppEntitlement(viewer);
  const credential = await getCredentialForViewer(deps, viewer, id);
  try {
    await refreshOne(deps, credential);
  } catch (err) {
    throw toMetaFailure(err);
  }
  return getCredentialForViewer(deps, viewer, id);
}

const REFRESH_CONCURRENCY = 4;

/** The recurring job: refreshes every ACTIVE credential's number; one credential's trouble never stops the others. */
export async function refreshAllPhoneNumbers(deps: AppDeps, signal?: AbortSignal): Promise<void> {
  const targets = await store.listActiveCredentialIds(deps.db);
  for (let i = 0; i < targets.length; i += REFRESH_CONCURRENCY) {
    if (signal?.aborted) return;
    await Promise.all(
      targets.slice(i, i + REFRESH_CONCURRENCY).map(async ({ id }) => {
        const credential = await store.findCredentialById(deps.db, id);
        if (!credential || credential.status !== 'ACTIVE') return;
        try {
          await refreshOne(deps, credential, { retry: false, signal });
        } catch (err) {
          const log = { credentialId: id, sandboxId: credential.sandboxId, error: err instanceof Error ? err.message : String(err) };
          if (isTransientMetaError(err)) deps.logger.info(log, 'phone number refresh skipped: Meta unavailable');
          else deps.logger.warn(log, 'phone number refresh failed');
        }
      }),
    );
  }
}
