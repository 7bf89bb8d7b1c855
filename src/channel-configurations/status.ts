import type { AppDeps } from '../core/deps.js';
import { currentTransactionHooks, type Tx } from '../platform/db.js';
import { newId } from '../platform/ids.js';
import { store } from './store.js';
import type { ConfigurationPatch, ConfigurationRow } from './store.js';
import type { ConfigurationStatus } from './tables.js';

/**
 * Status transitions and check runs of a channel configuration, in one place.
 * Every transition bumps status_version (live subscriptions send each one once)
 * and returns the pubsub event to publish after the transaction commits. A new
 * check run gets PENDING rows and its job in the same transaction.
 */

declare module '../platform/pubsub.js' {
  interface PubSubEvents {
    'channel-configuration:status-changed': {
      channelConfigurationId: string;
      previousStatus: ConfigurationStatus | null;
      status: ConfigurationStatus;
      /** ISO-8601. */
      at: string;
      statusVersion: number;
    };
  }
}

export const CHECK_JOB = 'channel-configurations.check';
export interface CheckPayload {
  configurationId: string;
  run: number;
}

/** The readiness checklist, in display order. */
export const CHECK_NAMES = [
  'CREDENTIAL_ACTIVE',
  'SENDER_NUMBER',
  'APP_SUBSCRIBED',
  'WEBHOOK',
  'EXECUTION_FIELD',
  'MARKETING_ACTIONS',
] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

export const PROCESSING_REASON = 'Running the readiness checks.';

export interface StatusEvent {
  sandboxId: string;
  channelConfigurationId: string;
  previousStatus: ConfigurationStatus | null;
  status: ConfigurationStatus;
  at: string;
  statusVersion: number;
}

/** The event of a configuration that was just created (it had no status before). */
export function createdEvent(row: ConfigurationRow): StatusEvent {
  return {
    sandboxId: row.sandboxId,
    channelConfigurationId: row.id,
    previousStatus: null,
    status: row.status,
    at: row.statusChangedAt.toISOString(),
    statusVersion: row.statusVersion,
  };
}

/**
 * Moves the configuration to `status` if it is still at `from.statusVersion`.
 * Returns the event to publish after commit, or null when someone else moved it first.
 */
export async function transition(
  tx: Tx,
  from: ConfigurationRow,
  status: ConfigurationStatus,
  statusReason: string | null,
  patch: ConfigurationPatch = {},
  now = new Date(),
): Promise<StatusEvent | null> {
  const statusVersion = from.statusVersion + 1;
  const written = await store.updateConfigurationAtVersion(tx, from.id, from.statusVersion, {
    ...patch,
    status,
    previousStatus: from.status,
    statusReason,
    statusVersion,
    statusChangedAt: now,
    updatedAt: now,
  });
  if (!written) return null;
  return {
    sandboxId: from.sandboxId,
    channelConfigurationId: from.id,
    previousStatus: from.status,
    status,
    at: now.toISOString(),
    statusVersion,
  };
}

/** PENDING rows for every check of `run`, and the job that runs them (enqueued in the caller's transaction). */
export async function insertRun(deps: AppDeps, tx: Tx, configurationId: string, sandboxId: string, run: number): Promise<void> {
  await store.deleteChecksBefore(tx, configurationId, run);
  await store.insertChecks(
    tx,
    CHECK_NAMES.map((name, position) => ({
      id: newId(),
      sandboxId,
      configurationId,
      run,
      name,
      status: 'PENDING' as const,
      message: null,
      remedy: null,
      checkedAt: null,
      position,
    })),
  );
  await deps.jobs.enqueue<CheckPayload>(
    tx,
    CHECK_JOB,
    { configurationId, run },
    { sandboxId, dedupeKey: `${CHECK_JOB}:${configurationId}:${run}` },
  );
}

/**
 * Starts a new check run: a configuration that is not PROCESSING moves there
 * (a transition); one already PROCESSING just gets a new run, so the job of the
 * old run finds itself stale and does nothing.
 */
export async function beginChecks(
  deps: AppDeps,
  tx: Tx,
  current: ConfigurationRow,
  patch: ConfigurationPatch = {},
  now = new Date(),
): Promise<{ event: StatusEvent | null; moved: boolean }> {
  const run = current.checkRun + 1;
  if (current.status === 'PROCESSING') {
    const written = await store.updateConfigurationAtVersion(tx, current.id, current.statusVersion, {
      ...patch,
      checkRun: run,
      statusReason: PROCESSING_REASON,
      updatedAt: now,
    });
    if (written) await insertRun(deps, tx, current.id, current.sandboxId, run);
    return { event: null, moved: written };
  }
  const event = await transition(tx, current, 'PROCESSING', PROCESSING_REASON, { ...patch, checkRun: run }, now);
  if (event) await insertRun(deps, tx, current.id, current.sandboxId, run);
  return { event, moved: event !== null };
}

/**
 * Call last inside the transaction that produced the events: they are delivered once it committed (on PostgreSQL
 * with its NOTIFY, so every instance sees the transitions in commit order), and never if it rolls back.
 */
export function publishStatus(deps: AppDeps, ...events: (StatusEvent | null | undefined)[]): void {
  for (const event of events) {
    if (!event) continue;
    const { sandboxId, ...payload } = event;
    deps.pubsub.publish(sandboxId, 'channel-configuration:status-changed', payload);
  }
  // Wakes the worker for check jobs enqueued in the same transaction (also when no status moved), once committed.
  const hooks = currentTransactionHooks();
  if (hooks) hooks.afterCommit(() => deps.jobs.notify());
  else deps.jobs.notify();
}
