import type { AppDeps } from '../core/deps.js';
import { errorReason } from '../platform/db-errors.js';
import { inTransaction, type Tx } from '../platform/db.js';
import type { JobContext } from '../platform/jobs/queue.js';
import { TurnBudget } from '../platform/turns.js';
import { applyPrepared } from './apply-slices.js';
import { SharedDrainClaims } from './drain-claims.pg.js';
import { claimFreshPending, lockInboxForDrainEnd } from './inbox-locks.pg.js';
import { DRAIN_JOB, drainKey, type DrainPayload, type InboxWriter } from './ingest.js';
import { prepareDelivery, ProcessingCache, SLICE_MS, type PreparedDelivery } from './processor.js';
import { store } from './store.js';

/**
 * The drain job's work: fresh PENDING deliveries, oldest first, prepared and applied a turn at a time, for a bounded
 * time. On SQLite one process runs everything and its writer gate orders every transaction; InboxWriter.drain keeps
 * the per-process bookkeeping that lets ingest skip enqueueing drains. On PostgreSQL any instance may run a drain
 * while others take POSTs and run drains of their own (inbox-locks.pg.ts): a drain holds each delivery it applies
 * (drain-claims.pg.ts) from its first step to the commit of its outcome, and a drain's end gives its dedupe key up
 * under the inbox lock (endSharedDrain).
 */

export const RETRY_JOB = 'webhooks.process-delivery';
export interface RetryPayload {
  deliveryId: string;
}

const DRAIN_BATCH = 200;
const DRAIN_SLICE_MS = 1_000;
const DELIVERIES_PER_COMMIT = 50;
const TURN_MS = 2;
const LINGER_MS = 100;

const handOverDetail = (reason: string): string => `Processing failed, retrying: ${reason}`.slice(0, 2000);

/** Records a delivery whose processing threw as handed to its own retry job, in the caller's transaction. */
async function handOverIn(deps: AppDeps, tx: Tx, deliveryId: string, reason: string): Promise<void> {
  await store.markHandedOver(tx, deliveryId, handOverDetail(reason));
  await deps.jobs.enqueue<RetryPayload>(tx, RETRY_JOB, { deliveryId }, { delayMs: 1_000, dedupeKey: `${RETRY_JOB}:${deliveryId}` });
}

/**
 * A delivery whose preparation threw: handed to its own retry job. On PostgreSQL only while this drain holds it and
 * it is still fresh and PENDING (another drain may hold, have applied or have handed it over already).
 */
async function handOver(deps: AppDeps, deliveryId: string, err: unknown, claims: SharedDrainClaims | undefined): Promise<void> {
  const reason = errorReason(err);
  deps.logger.warn({ deliveryId, error: reason }, 'webhook delivery processing failed; will retry');
  let handed = false;
  const handOverNow = async () => {
    handed = await inTransaction(deps.db, async (tx) => {
      if (tx.backend === 'pg' && !(await claimFreshPending(tx, [deliveryId])).size) return false;
      await handOverIn(deps, tx, deliveryId, reason);
      return true;
    });
  };
  if (claims) await claims.whileHeld(deliveryId, handOverNow);
  else await handOverNow();
  if (handed) deps.jobs.notify();
}

export async function drain(deps: AppDeps, inbox: InboxWriter, payload: DrainPayload, ctx: JobContext): Promise<void> {
  if (deps.db.backend === 'sqlite') return drainWith(deps, inbox, payload, ctx, undefined);
  const claims = await SharedDrainClaims.open(deps.db);
  try {
    await drainWith(deps, inbox, payload, ctx, claims);
  } finally {
    await claims.close();
  }
}

async function drainWith(
  deps: AppDeps,
  inbox: InboxWriter,
  payload: DrainPayload,
  ctx: JobContext,
  claims: SharedDrainClaims | undefined,
): Promise<void> {
  const started = Date.now();
  let idleSince: number | null = null;
  // A turn's deliveries are applied with their outcomes in one transaction whose disk sync runs off the event
  // loop (InboxWriter.commitInBackground); their live events go out once it is on disk. A lost commit only means
  // the deliveries are processed again, which is idempotent. A big delivery takes several transactions of
  // SLICE_MS each, with the event loop free in between (other requests, acks of new deliveries).
  const budget = new TurnBudget(SLICE_MS);
  const commit = async (queue: PreparedDelivery[]) => {
    // Stopped (shutdown): what is not applied yet stays PENDING and is applied again after the restart.
    while (queue.length && !ctx.signal.aborted) {
      let failed: Array<{ deliveryId: string; error: unknown }> = [];
      await inbox.commitInBackground(
        async (tx) => {
          if (claims && tx.backend === 'pg') await claims.claimTurn(tx, queue);
          const batch = await applyPrepared(tx, queue, budget.deadline);
          failed = batch.failed;
          // Handed over while still held: no other drain can take the row between its failure and the hand-over.
          if (claims) for (const f of failed) await handOverIn(deps, tx, f.deliveryId, errorReason(f.error));
          return batch.publish;
        },
        (publish) => publish(),
      );
      if (claims) {
        await claims.committed(queue);
        for (const f of failed)
          deps.logger.warn({ deliveryId: f.deliveryId, error: errorReason(f.error) }, 'webhook delivery processing failed; will retry');
        if (failed.length) deps.jobs.notify();
      } else for (const f of failed) await handOver(deps, f.deliveryId, f.error, undefined);
      if (queue.length) await budget.yield();
    }
  };
  for (;;) {
    // SQLite: a row committed after this read while `draining` is still up enqueued no drain: InboxWriter.drain looks
    // once more after it drops (requeueIfPending). PostgreSQL: endSharedDrain looks once more under the inbox lock.
    const ids = await store.listFreshPendingIds(deps.db, DRAIN_BATCH);
    if (!ids.length) {
      // Under steady traffic a drain that ended would be re-created for every group commit (a job
      // lifecycle, with a lease query per job kind, each time): linger briefly for the next commit.
      idleSince ??= Date.now();
      const left = LINGER_MS - (Date.now() - idleSince);
      if (left <= 0 || ctx.signal.aborted || Date.now() - started > DRAIN_SLICE_MS) return;
      await inbox.nextCommit(left);
      continue;
    }
    idleSince = null;
    const cache = new ProcessingCache();
    let turn: PreparedDelivery[] = [];
    let turnStarted = Date.now();
    for (const id of ids) {
      if (ctx.signal.aborted) break;
      try {
        const prepared = await prepareDelivery(deps, id, {}, cache, budget);
        if (prepared) turn.push(prepared);
      } catch (err) {
        await handOver(deps, id, err, claims);
      }
      // A turn's deliveries share one commit; then ingest gets the event loop back.
      if (turn.length >= DELIVERIES_PER_COMMIT || Date.now() - turnStarted >= TURN_MS) {
        await commit(turn);
        turn = [];
        await budget.yield();
        turnStarted = Date.now();
      }
    }
    await commit(turn);
    if (ctx.signal.aborted) return;
    if (Date.now() - started > DRAIN_SLICE_MS) {
      // PostgreSQL hands over in endSharedDrain, after giving up this job's key.
      if (claims) return;
      const next = payload.slot === 0 ? 1 : 0;
      await inTransaction(deps.db, (tx) => deps.jobs.enqueue<DrainPayload>(tx, DRAIN_JOB, { slot: next }, { dedupeKey: drainKey(next) }));
      deps.jobs.notify();
      return;
    }
  }
}

/**
 * SQLite, after the last drain ended: rows committed while it was still counted as running enqueued no drain of
 * their own, so if any is pending, a drain is queued in the other slot (this one's job is still running and holds its
 * dedupe key).
 */
export async function requeueIfPending(deps: AppDeps, payload: DrainPayload): Promise<void> {
  if (!(await store.listFreshPendingIds(deps.db, 1)).length) return;
  const next = payload.slot === 0 ? 1 : 0;
  await inTransaction(deps.db, (tx) => deps.jobs.enqueue<DrainPayload>(tx, DRAIN_JOB, { slot: next }, { dedupeKey: drainKey(next) }));
  deps.jobs.notify();
}

/**
 * PostgreSQL, when a drain stops (idle, its time slice used, or shutdown). Its job still holds its dedupe key until
 * the run returns, and a group commit in that window would be absorbed by it and never looked at. So, under the
 * inbox lock (which waits for the group commits in flight and holds new ones back): give the key up, and if any fresh
 * delivery is pending, enqueue a drain. A group commit before this sees the new drain or is seen by it; one after
 * it finds the key free and enqueues its own.
 */
export async function endSharedDrain(deps: AppDeps, ctx: JobContext): Promise<void> {
  const enqueued = await inTransaction(deps.db, async (tx) => {
    if (tx.backend !== 'pg') return false;
    await lockInboxForDrainEnd(tx);
    await deps.jobs.releaseDedupeKey(tx, ctx.jobId);
    if (!(await store.listFreshPendingIds(tx, 1)).length) return false;
    return (await deps.jobs.enqueue<DrainPayload>(tx, DRAIN_JOB, { slot: 0 }, { dedupeKey: drainKey(0) })) !== null;
  });
  if (enqueued) deps.jobs.notify();
}
