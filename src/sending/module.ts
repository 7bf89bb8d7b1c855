import type { DomainModule } from '../core/module.js';
import { inTransaction } from '../platform/db.js';
import { runBatchSlice } from './batch-runner.js';
import { BATCH_JOB, publishBatch, transitionBatch, type BatchJobPayload } from './batches.js';
import { linkRoute } from './link-redirect.js';
import { sendMetrics } from './metrics.js';
import { settleUnknownOutcomes, SETTLE_UNKNOWN_JOB, sweepEveryMs } from './unknown-outcomes.js';
import { runSendJob, SEND_JOB, sendJobExhausted, type SendJobPayload } from './single.js';

/**
 * Sending: the single-send job, the batch slice job, the tracked-link route.
 * Registered after channel configurations (it sends through them).
 */
export const sendingModule: DomainModule = (deps) => {
  deps.jobs.define<SendJobPayload>({
    kind: SEND_JOB,
    // Each run mostly waits (pacing, Meta); the pacers keep the real rate.
    concurrency: 64,
    maxFailures: 5,
    backoff: { baseMs: 500, capMs: 60_000 },
    run: (payload, ctx) => runSendJob(deps, payload, ctx),
    onExhausted: (payload, error) => sendJobExhausted(deps, payload, error),
  });

  deps.jobs.define<BatchJobPayload>({
    kind: BATCH_JOB,
    concurrency: 16,
    maxFailures: 10,
    backoff: { baseMs: 1_000, capMs: 60_000 },
    run: (payload, ctx) => runBatchSlice(deps, payload, ctx),
    onExhausted: async (payload, error) => {
      const moved = await inTransaction(deps.db, (tx) =>
        transitionBatch(
          tx,
          payload.sandboxId,
          payload.batchId,
          'CANCELLED',
          `Cancelled after repeated internal errors: ${error.message}`.slice(0, 500),
        ),
      );
      if (moved) publishBatch(deps, payload.sandboxId, payload.batchId);
    },
  });

  deps.jobs.define<Record<string, never>>({
    kind: SETTLE_UNKNOWN_JOB,
    concurrency: 1,
    every: () => sweepEveryMs(deps),
    run: async () => {
      await settleUnknownOutcomes(deps);
    },
  });

  const metrics = sendMetrics(deps);
  return {
    routes: [linkRoute(deps)],
    onMetaCall: metrics.onMetaCall,
    // The shared pacing store's connection (Redis), once no send runs any more.
    onStop: () => deps.state.sends.close(),
  };
};
