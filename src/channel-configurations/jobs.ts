import { getCredential, type CredentialRecord } from '../credentials/service.js';
import type { AppDeps } from '../core/deps.js';
import type { DomainEventMap } from '../platform/events.js';
import { inTransaction } from '../platform/db.js';
import { TransientJobError } from '../platform/jobs/queue.js';
import { checkCredential, runReadinessChecks, type CheckResult } from './checks.js';
import { beginChecks, publishStatus, transition, type CheckPayload, type StatusEvent } from './status.js';
import { store } from './store.js';

/**
 * Background work of channel configurations: the check job (one run of the
 * checklist, results and the verdict written in one transaction) and the
 * reaction to credential status changes.
 */

const TRANSIENT_REASON_MAX = 300;

function failedReason(failed: CheckResult[]): string {
  return failed.map((r) => `${r.name}: ${r.message ?? 'failed'}`).join(' ');
}

/**
 * The `channel-configurations.check` job. A run that is no longer current (the
 * configuration was edited, resubmitted, deactivated or deleted) does nothing.
 * When Meta could not answer, finished checks are recorded, the others stay
 * PENDING, the configuration stays PROCESSING, and the job is retried.
 */
export async function runCheckJob(deps: AppDeps, payload: CheckPayload, signal?: AbortSignal): Promise<void> {
  const config = await store.findConfigurationById(deps.db, payload.configurationId);
  if (!config || config.status !== 'PROCESSING' || config.checkRun !== payload.run) return;
  const results = await runReadinessChecks(deps, config, signal);
  const waiting = results.filter((r) => r.retry);
  const failed = results.filter((r) => r.status === 'FAILED');
  const now = new Date();
  const outcome = await inTransaction(deps.db, async (tx): Promise<{ current: boolean; event: StatusEvent | null }> => {
    const current = await store.findConfigurationById(tx, config.id);
    if (!current || current.status !== 'PROCESSING' || current.checkRun !== payload.run) return { current: false, event: null };
    for (const r of results) {
      await store.updateCheck(tx, current.id, payload.run, r.name, {
        status: r.status,
        message: r.message,
        remedy: r.remedy,
        checkedAt: r.status === 'PENDING' ? null : now,
      });
    }
    if (waiting.length) {
      await store.updateConfiguration(tx, current.id, {
        statusReason: `Waiting before finishing the checks: ${waiting.map((r) => `${r.name}: ${r.retry!.reason.slice(0, TRANSIENT_REASON_MAX)}`).join('; ')}. They are retried automatically.`,
        updatedAt: now,
      });
      return { current: true, event: null };
    }
    const event = failed.length
      ? await transition(tx, current, 'FAILED', failedReason(failed), {}, now)
      : await transition(tx, current, 'ACTIVE', null, {}, now);
    publishStatus(deps, event);
    return { current: true, event };
  });
  if (outcome.current && waiting.length) {
    const retryAfterMs = Math.max(0, ...waiting.map((r) => r.retry!.retryAfterMs ?? 0)) || undefined;
    throw new TransientJobError(
      `channel configuration ${config.id} run ${payload.run} waits: ${waiting.map((r) => r.name).join(', ')}`,
      retryAfterMs,
    );
  }
}

/** The job failed for good (a bug, not Meta): never leave the configuration PROCESSING forever. */
export async function checkJobExhausted(deps: AppDeps, payload: CheckPayload): Promise<void> {
  await inTransaction(deps.db, async (tx) => {
    const current = await store.findConfigurationById(tx, payload.configurationId);
    if (!current || current.status !== 'PROCESSING' || current.checkRun !== payload.run) return;
    const event = await transition(
      tx,
      current,
      'FAILED',
      'The readiness checks could not complete because of an internal error. Submit the configuration again to retry; contact support if it persists.',
    );
    publishStatus(deps, event);
  });
}

/** The credential failed: its ACTIVE and PROCESSING configurations fail with it, naming the credential. */
async function failConfigurationsOf(deps: AppDeps, credential: CredentialRecord): Promise<void> {
  const now = new Date();
  await inTransaction(deps.db, async (tx) => {
    const out: (StatusEvent | null)[] = [];
    // The same verdict, message and remedy as the CREDENTIAL_ACTIVE check gives a FAILED credential.
    const { message, remedy } = checkCredential(credential, now.getTime());
    for (const config of await store.listConfigurationsByCredential(tx, credential.sandboxId, credential.id, ['ACTIVE', 'PROCESSING'])) {
      const event = await transition(tx, config, 'FAILED', `CREDENTIAL_ACTIVE: ${message}`, {}, now);
      if (!event) continue;
      if (config.checkRun > 0) {
        await store.updateCheck(tx, config.id, config.checkRun, 'CREDENTIAL_ACTIVE', { status: 'FAILED', message, remedy, checkedAt: now });
      }
      out.push(event);
    }
    publishStatus(deps, ...out);
  });
}

/**
 * The credential is ACTIVE (again): configurations that FAILED because of it
 * (their CREDENTIAL_ACTIVE check failed) and those still waiting for it are checked again now.
 */
async function recheckConfigurationsOf(deps: AppDeps, credential: CredentialRecord): Promise<void> {
  const now = new Date();
  await inTransaction(deps.db, async (tx) => {
    const out: (StatusEvent | null)[] = [];
    for (const config of await store.listConfigurationsByCredential(tx, credential.sandboxId, credential.id, ['FAILED', 'PROCESSING'])) {
      const gate = (await store.listChecks(tx, config.id, config.checkRun)).find((c) => c.name === 'CREDENTIAL_ACTIVE');
      const becauseOfCredential = config.status === 'FAILED' ? gate?.status === 'FAILED' : gate?.status === 'PENDING';
      if (!becauseOfCredential) continue;
      out.push((await beginChecks(deps, tx, config, {}, now)).event);
    }
    publishStatus(deps, ...out);
  });
}

/**
 * Listener of the durable 'credential.status-changed' event. It acts on the
 * credential's status as it is now (not as the event says), so late or
 * reordered deliveries converge on the right state; running it twice is harmless.
 */
export async function onCredentialStatusChanged(deps: AppDeps, event: DomainEventMap['credential.status-changed']): Promise<void> {
  const credential = await getCredential(deps, event.sandboxId, event.credentialId);
  if (credential?.status === 'FAILED') await failConfigurationsOf(deps, credential);
  else if (credential?.status === 'ACTIVE') await recheckConfigurationsOf(deps, credential);
  return Promise.resolve();
}
