import type { DomainModule } from '../core/module.js';
import { inTransaction } from '../platform/db.js';
import { idFloor } from '../platform/ids.js';
import { yieldToIo } from '../platform/turns.js';
import { drain, endSharedDrain, requeueIfPending, RETRY_JOB, type RetryPayload } from './drain.js';
import { DRAIN_JOB, drainKey, InboxWriter, type DrainPayload } from './ingest.js';
import { markDeliveryFailed, processDelivery } from './processor.js';
import { pruneParkedStatuses } from '../messages/service.js';
import { webhookMetrics } from './metrics.js';
import { watchRouteChanges } from './route-cache.js';
import { watchTemplateChanges } from '../templates/catalog.js';
import { webhookRoute } from './routes.js';
import { store } from './store.js';

/**
 * The inbox is the durable queue: rows stay PENDING until processed, so a
 * restart picks them up. A drain job works through fresh rows for a bounded
 * time and hands over to a successor (drain.ts); a delivery whose processing
 * throws gets its own retry job with backoff and ends FAILED when retries run out.
 */

/** Old processed deliveries (and their bodies) are removed hourly, a chunk per transaction. */
export const PRUNE_JOB = 'webhooks.prune-deliveries';
const PRUNE_EVERY_MS = 3600_000;
const PRUNE_CHUNK = 1_000;

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
    run: async (payload, ctx) => {
      if (deps.db.backend === 'sqlite')
        return inbox.drain(
          () => drain(deps, inbox, payload, ctx),
          () => requeueIfPending(deps, payload),
        );
      await drain(deps, inbox, payload, ctx);
      await endSharedDrain(deps, ctx);
    },
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
