import { setTimeout as sleep } from 'node:timers/promises';
import { requireWhatsAppEntitlement } from '../credentials/service.js';
import type { AppDeps } from '../core/deps.js';
import { inTransaction, type Tx } from '../platform/db.js';
import { FieldErrors, InvalidStateError, NotFoundError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import { toPage, type Page, type PageWindow } from '../platform/pagination.js';
import type { Viewer } from '../platform/tenancy/viewer.js';
import { profileIdProblem } from '../profiles/validation.js';
import { OUTCOME_UNKNOWN_REASON } from '../messages/service.js';
import { compileContent, policyContext, type ContentInput } from './compose.js';
import { refuseBlockedAccount } from './account-gate.js';
import { requireActiveConfiguration } from './single.js';
import { checkTemplateSend } from './template-check.js';
import { store } from './store.js';
import type { BatchFilter, BatchPatch, BatchRow } from './store.js';
import type { BatchStatus } from './tables.js';

declare module '../platform/pubsub.js' {
  interface PubSubEvents {
    /** A batch's status or counters changed (ids only; subscribers re-read it). */
    'message-batch:updated': { batchId: string };
    /** The batch was cancelled: every instance's runner of it stops waiting for pacing slots at once (ids only). */
    'message-batch:halted': { batchId: string };
  }
}

/**
 * Batches: many recipients, one durable work row each, sent by a slice job
 * (batch-runner.ts) paced to the sender. This file holds the lifecycle
 * (create, cancel, pause/resume/complete transitions) and the reads.
 */

export const BATCH_JOB = 'messaging.run-batch';
export interface BatchJobPayload {
  sandboxId: string;
  batchId: string;
  /** Slices alternate two dedupe keys: a running slice holds one while it queues its successor under the other. */
  slot: 0 | 1;
}
export const batchJobKey = (batchId: string, slot: 0 | 1): string => `${BATCH_JOB}:${batchId}#${slot}`;

export const MAX_BATCH_RECIPIENTS = 100_000;
const MAX_REPORTED_ID_ERRORS = 20;
const TERMINAL: ReadonlySet<BatchStatus> = new Set(['COMPLETED', 'CANCELLED']);

export const CANCELLED_REASON = 'Cancelled by an administrator: recipients not sent by then were not sent.';

export type BatchRecord = BatchRow;

/** A batch with its counters (aggregates over its messages). */
export interface BatchView extends BatchRecord {
  queued: number;
  sent: number;
  blocked: number;
  failed: number;
  /** Sends whose outcome is unknown: waiting for a status webhook, or UNKNOWN after the deadline. */
  unknown: number;
}

export function isTerminal(status: BatchStatus): boolean {
  return TERMINAL.has(status);
}

/**
 * statusReason of a COMPLETED batch with sends of unknown outcome. Derived when
 * read, so it follows the counts as status webhooks or the deadline settle them.
 */
export function unsettledReason(deps: AppDeps, unknown: number): string {
  const minutes = Math.round((deps.config.meta.outcomeUnknownDeadlineMs / 60_000) * 100) / 100;
  const n = `${unknown} recipient${unknown === 1 ? '' : 's'}`;
  return `Completed with ${n} of unknown outcome: Meta never answered the send, so it is not resent. A status webhook settles each one; without one it is UNKNOWN ${minutes} min after its send (SEND_OUTCOME_UNKNOWN_DEADLINE_MS).`;
}

async function withCounts(deps: AppDeps, rows: BatchRecord[]): Promise<BatchView[]> {
  const counts = await store.batchCounts(
    deps.db,
    rows.map((r) => r.id),
    OUTCOME_UNKNOWN_REASON,
  );
  return rows.map((r) => {
    const c = counts.get(r.id) ?? { sent: 0, blocked: 0, failed: 0, unknown: 0 };
    const statusReason = r.status === 'COMPLETED' && c.unknown > 0 ? unsettledReason(deps, c.unknown) : r.statusReason;
    return { ...r, ...c, statusReason, queued: Math.max(0, r.total - c.sent - c.blocked - c.failed - c.unknown) };
  });
}

export async function getBatch(deps: AppDeps, sandboxId: string, id: string): Promise<BatchView | undefined> {
  const row = await store.findBatch(deps.db, sandboxId, id);
  return row ? (await withCounts(deps, [row]))[0] : undefined;
}

export async function findBatches(deps: AppDeps, sandboxId: string, ids: string[]): Promise<BatchView[]> {
  return withCounts(deps, await store.findBatches(deps.db, sandboxId, ids));
}

export async function listBatches(deps: AppDeps, sandboxId: string, window: PageWindow, filter: BatchFilter): Promise<Page<BatchView>> {
  const rows = await withCounts(deps, await store.listBatches(deps.db, sandboxId, window, filter));
  return toPage(rows, window, await store.countBatches(deps.db, sandboxId, filter));
}

/** The batch's status as committed, or undefined when it does not exist. */
export async function batchStatus(deps: AppDeps, sandboxId: string, id: string): Promise<BatchStatus | undefined> {
  return (await store.findBatch(deps.db, sandboxId, id))?.status;
}

/** Inside the transaction that changed the batch, it is delivered at its commit (PostgreSQL: with its NOTIFY). */
export function publishBatch(deps: AppDeps, sandboxId: string, batchId: string): void {
  deps.pubsub.publish(sandboxId, 'message-batch:updated', { batchId });
}

/** Moves the batch (read in tx) to status; returns the updated row, or null when it already was there or is terminal. */
export async function transitionBatch(
  tx: Tx,
  sandboxId: string,
  batchId: string,
  status: BatchStatus,
  reason: string | null,
  now = new Date(),
): Promise<BatchRecord | null> {
  const current = await store.findBatch(tx, sandboxId, batchId);
  if (!current || isTerminal(current.status)) return null;
  if (current.status === status && current.statusReason === reason) return null;
  const patch: BatchPatch = { status, statusReason: reason, statusVersion: current.statusVersion + 1, updatedAt: now };
  if (status === 'RUNNING' && !current.startedAt) patch.startedAt = now;
  if (isTerminal(status)) patch.finishedAt = now;
  await store.updateBatch(tx, batchId, patch);
  return { ...current, ...patch };
}

// ---- create ------------------------------------------------------------------------

export interface SendBatchInput extends ContentInput {
  /** Raw id (decoded by the GraphQL layer). */
  channelConfigurationId: string;
  profileIds: readonly string[];
}

/**
 * Creates the batch QUEUED with one work row per distinct profile id (in the
 * order given) and its first slice job, in one transaction.
 */
export async function sendWhatsAppMessages(deps: AppDeps, viewer: Viewer, input: SendBatchInput): Promise<BatchView> {
  requireWhatsAppEntitlement(viewer);
  const errors = new FieldErrors();
  const ids = input.profileIds;
  if (ids.length < 1 || ids.length > MAX_BATCH_RECIPIENTS) {
    errors.add('profileIds', `must list 1 to ${MAX_BATCH_RECIPIENTS.toLocaleString('en-US')} profile ids (got ${ids.length})`);
  } else {
    let reported = 0;
    for (let i = 0; i < ids.length && reported < MAX_REPORTED_ID_ERRORS; i++) {
      const problem = profileIdProblem(ids[i]!);
      if (problem) {
        errors.add(['profileIds', String(i)], problem);
        reported++;
      }
    }
  }
  const compiled = compileContent(errors, input, deps.config.publicUrl);
  errors.throwIfAny();
  await refuseBlockedAccount(deps, viewer.sandboxId, input.channelConfigurationId, Boolean(input.template));
  const config = await requireActiveConfiguration(deps, viewer.sandboxId, input.channelConfigurationId);
  const marketing = (await policyContext(deps, config)).marketing;
  // Checked once for the whole batch: a template Meta would refuse would otherwise fail once per recipient.
  if (compiled!.content.template) await checkTemplateSend(deps, { ...config, marketing }, compiled!.content.template);
  const profileIds = [...new Set(ids)];
  const now = new Date();
  const batch: BatchRecord = {
    id: newId(now.getTime()),
    sandboxId: viewer.sandboxId,
    channelConfigurationId: config.id,
    content: compiled!.content,
    trackLinks: compiled!.trackLinks,
    marketing,
    status: 'QUEUED',
    statusReason: null,
    statusVersion: 1,
    total: profileIds.length,
    createdAt: now,
    startedAt: null,
    finishedAt: null,
    updatedAt: now,
  };
  await inTransaction(deps.db, async (tx) => {
    await store.insertBatch(tx, batch);
    await store.insertRecipients(
      tx,
      profileIds.map((profileId, position) => ({
        batchId: batch.id,
        position,
        profileId,
        messageId: null,
        done: false,
        notBefore: null,
        refusals: 0,
      })),
    );
    await deps.jobs.enqueue<BatchJobPayload>(
      tx,
      BATCH_JOB,
      { sandboxId: batch.sandboxId, batchId: batch.id, slot: 0 },
      { sandboxId: batch.sandboxId, dedupeKey: batchJobKey(batch.id, 0) },
    );
    publishBatch(deps, batch.sandboxId, batch.id);
  });
  deps.jobs.notify();
  return { ...batch, queued: batch.total, sent: 0, blocked: 0, failed: 0, unknown: 0 };
}

// ---- cancel ------------------------------------------------------------------------

/** Stops a batch's sends in this process and resolves once this process's sends already handed to Meta have finished. */
export type BatchStopper = (batchId: string) => Promise<void>;

/**
 * CANCELLED: no send starts after this commits (each send re-reads the batch in
 * the transaction that marks it attempted). Messages waiting after a refusal
 * never left the service and are deleted; the call returns once sends already
 * on their way to Meta have finished, on every instance, so nothing arrives at Meta afterwards.
 */
export async function cancelMessageBatch(deps: AppDeps, viewer: Viewer, id: string, stop: BatchStopper): Promise<BatchView> {
  requireWhatsAppEntitlement(viewer);
  await inTransaction(deps.db, async (tx) => {
    const current = await store.findBatch(tx, viewer.sandboxId, id);
    if (!current) throw new NotFoundError('Message batch');
    if (current.status === 'COMPLETED') throw new InvalidStateError('This batch has already COMPLETED; there is nothing left to cancel.');
    if (current.status === 'CANCELLED') return null;
    const updated = await transitionBatch(tx, viewer.sandboxId, id, 'CANCELLED', CANCELLED_REASON);
    await store.deleteUnsentBatchMessages(tx, viewer.sandboxId, id, OUTCOME_UNKNOWN_REASON);
    if (updated) publishBatch(deps, viewer.sandboxId, id);
    // In the transaction: on PostgreSQL every instance hears it at this COMMIT (BatchRunners halts its runner).
    deps.pubsub.publish(viewer.sandboxId, 'message-batch:halted', { batchId: id });
    return updated;
  });
  await stop(id);
  await sendsSettled(deps, viewer.sandboxId, id);
  return (await getBatch(deps, viewer.sandboxId, id))!;
}

/** How often a cancel looks again for sends still on their way to Meta (on any instance). */
const IN_FLIGHT_POLL_MS = 50;
/** Clock skew between instances and the outcome's commit, on top of the longest Meta call. */
const IN_FLIGHT_MARGIN_MS = 2_000;

/**
 * Resolves when no send of the batch is on its way to Meta, whichever instance made it: the database knows them
 * (an attempt marked, no outcome yet), not this process. A mark older than the longest Meta call cannot be in
 * flight any more (its instance died mid-call), so the wait ends at the latest one such call after the cancel.
 * Cancels are rare and a poll is one indexed count: cheaper than announcing every settled send on the bus.
 */
async function sendsSettled(deps: AppDeps, sandboxId: string, batchId: string): Promise<void> {
  const windowMs = deps.config.meta.timeouts.callMs + IN_FLIGHT_MARGIN_MS;
  for (;;) {
    const since = new Date(Date.now() - windowMs);
    if ((await store.countSendsInFlight(deps.db, sandboxId, batchId, since, OUTCOME_UNKNOWN_REASON)) === 0) return;
    await sleep(IN_FLIGHT_POLL_MS);
  }
}
