import type { AppDeps } from '../core/deps.js';
import type { DomainModule } from '../core/module.js';
import { errorReason } from '../platform/db-errors.js';
import { inTransaction } from '../platform/db.js';
import { idFloor } from '../platform/ids.js';
import type { JobContext } from '../platform/jobs/queue.js';
import { TurnBudget, yieldToIo } from '../platform/turns.js';
import { DRAIN_JOB, drainKey, InboxWriter, type DrainPayload } from './ingest.js';
import { applyPrepared } from './apply-slices.js';
import { markDeliveryFailed, prepareDelivery, processDelivery, ProcessingCache, SLICE_MS, type PreparedDelivery } from './processor.js';
import { pruneParkedStatuses } from '../messages/service.js';
import { webhookMetrics } from './metrics.js';
import { watchRouteChanges } from './route-cache.js';
import { watchTemplateChanges } from '../templates/catalog.js';
import { webhookRoute } from './routes.js';
import { store } from './store.js';

/**
 * The inbox is the durable queue: rows stay PENDING until processed, so a
 * restart picks them up. A drain job works through fresh rows for a bounded
 * time and hands over to a successor; a delivery whose processing throws gets
 * its own retry job with backoff and ends FAILED when retries run out.
 */

export const RETRY_JOB = 'webhooks.process-delivery';
/** Old processed deliveries (and their bodies) are removed hourly, a chunk per transaction. */
export const PRUNE_JOB = 'webhooks.prune-deliveries';
const PRUNE_EVERY_MS = 3600_000;
const PRUNE_CHUNK = 1_000;
interface RetryPayload {
  deliveryId: string;
}

const DRAIN_BATCH = 200;
const DRAIN_SLICE_MS = 1_000;
const DELIVERIES_PER_COMMIT = 50;
const TURN_MS = 2;
const LINGER_MS = 100;

async function handOver(deps: AppDeps, deliveryId: string, err: unknown): Promise<void> {
  const reason = errorReason(err);
  deps.logger.warn({ deliveryId, error: reason }, 'webhook delivery processing failed; will retry');
  await inTransaction(deps.db, async (tx) => {
    await store.markHandedOver(tx, deliveryId, `Processing failed, retrying: ${reason}`.slice(0, 2000));
    await deps.jobs.enqueue<RetryPayload>(tx, RETRY_JOB, { deliveryId }, { delayMs: 1_000, dedupeKey: `${RETRY_JOB}:${deliveryId}` });
  });
  deps.jobs.notify();
}

async function drain(deps: AppDeps, inbox: InboxWriter, payload: DrainPayload, ctx: JobContext): Promise<void> {
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
          const batch = await applyPrepared(tx, queue, budget.deadline);
          failed = batch.failed;
          return batch.publish;
        },
        (publish) => publish(),
      );
      for (const f of failed) await handOver(deps, f.deliveryId, f.error);
      if (queue.length) await budget.yield();
    }
  };
  for (;;) {
    // A row committed after this read while `draining` is still up enqueued no drain: InboxWriter.drain looks once
    // more after it drops (requeueIfPending).
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
        await handOver(deps, id, err);
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
      const next = payload.slot === 0 ? 1 : 0;
      await inTransaction(deps.db, (tx) => deps.jobs.enqueue<DrainPayload>(tx, DRAIN_JOB, { slot: next }, { dedupeKey: drainKey(next) }));
      deps.jobs.notify();
      return;
    }
  }
}

/**
 * After the last drain ended: rows committed while it was still counted as running enqueued no drain of their own, so
 * if any is pending, a drain is queued in the other slot (this one's job is still running and holds its dedupe key).
 */
async function requeueIfPending(deps: AppDeps, payload: DrainPayload): Promise<void> {
  if (!(await store.listFreshPendingIds(deps.db, 1)).length) return;
  const next = payload.slot === 0 ? 1 : 0;
  await inTransaction(deps.db, (tx) => deps.jobs.enqueue<DrainPayload>(tx, DRAIN_JOB, { slot: next }, { dedupeKey: drainKey(next) }));
  deps.jobs.notify();
}

export const webhooksModule: DomainModule = (deps) => {
  const inbox = new InboxWriter(deps);
  // Before the service serves: a secret changed on any instance is forgotten here at once.
  watchRouteChanges(deps);
  // Template webhooks are processed by whichever instance drains them: the others' catalogs learn of them too.
  watchTemplateChanges(deps);

  deps.jobs.define<DrainPayload>({
    kind: DRAIN_JOB,
    concurrency: 1,
    backoff: { baseMs: 200, capMs: 10_000 },
    run: (payload, ctx) =>
      inbox.drain(
        () => drain(deps, inbox, payload, ctx),
        () => requeueIfPending(deps, payload),
      ),
  });

  deps.jobs.define<RetryPayload>({
    kind: RETRY_JOB,
    concurrency: 2,
    maxFailures: 5,
    backoff: { baseMs: 1_000, capMs: 60_000 },
    run: async (payload) => {
      await processDelivery(deps, payload.deliveryId);
    },
    onExhausted: (payload, error) => markDeliveryFailed(deps, payload.deliveryId, error),
  });

  deps.jobs.define<Record<string, never>>({
    kind: PRUNE_JOB,
    concurrency: 1,
    every: () => PRUNE_EVERY_MS,
    run: async (_payload, ctx) => {
      const beforeId = idFloor(Date.now() - deps.config.webhookDeliveryRetentionMs);
      let deleted = 0;
      for (;;) {
        const n = await store.deleteOldDeliveries(deps.db, beforeId, PRUNE_CHUNK);
        deleted += n;
        if (n < PRUNE_CHUNK || ctx.signal.aborted) break;
        await yieldToIo(); // let webhook POSTs commit between chunks
      }
      if (deleted) deps.logger.info({ deleted }, 'pruned old webhook deliveries');
      // Statuses parked for messages we never sent follow the same retention (issue 15 point 11).
      let parked = 0;
      for (;;) {
        const n = await pruneParkedStatuses(deps, beforeId, PRUNE_CHUNK);
        parked += n;
        if (n < PRUNE_CHUNK || ctx.signal.aborted) break;
        await yieldToIo();
      }
      if (parked) deps.logger.info({ deleted: parked }, 'pruned old parked statuses');
    },
  });

  return {
    routes: [webhookRoute(deps, inbox, webhookMetrics(deps.metrics, deps.db))],
    onStart: async () => {
      // Safety net: rows left PENDING without a queued drain (e.g. a restored database) are picked up.
      if (await store.hasPendingDeliveries(deps.db)) {
        await inTransaction(deps.db, (tx) => deps.jobs.enqueue<DrainPayload>(tx, DRAIN_JOB, { slot: 0 }, { dedupeKey: drainKey(0) }));
        deps.jobs.notify();
      }
    },
  };
};
