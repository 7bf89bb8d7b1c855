import type { AppDeps } from '../core/deps.js';
import { inTransaction } from '../platform/db.js';
import { store as messagesStore } from '../messages/store.js';
import { publishBatch } from './batches.js';

/**
 * "Outcome unknown" must not last forever. A send Meta never answered is not
 * resent (it may have been delivered); it waits for a status webhook carrying
 * our opaque data. When none came within SEND_OUTCOME_UNKNOWN_DEADLINE_MS the
 * message becomes UNKNOWN (counted in its batch and the report; a later
 * webhook still moves it on, since UNKNOWN ranks with QUEUED). A COMPLETED
 * batch's statusReason is derived from its unknown count when read (batches.ts).
 */

export const SETTLE_UNKNOWN_JOB = 'messaging.settle-unknown-outcomes';

/** Sweep often enough that a message is settled within a quarter of the deadline past it (1 s to 1 min). */
export const sweepEveryMs = (deps: AppDeps): number =>
  Math.min(60_000, Math.max(1_000, Math.floor(deps.config.meta.outcomeUnknownDeadlineMs / 4)));

export function unknownReason(deps: AppDeps): string {
  const minutes = Math.round((deps.config.meta.outcomeUnknownDeadlineMs / 60_000) * 100) / 100;
  return `Outcome unknown: Meta never answered the send and no status webhook came within ${minutes} min (SEND_OUTCOME_UNKNOWN_DEADLINE_MS). It may or may not have been delivered; it is not resent.`;
}

/** Settles what is past the deadline; returns how many messages became UNKNOWN. */
export async function settleUnknownOutcomes(deps: AppDeps, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - deps.config.meta.outcomeUnknownDeadlineMs);
  const reason = unknownReason(deps);
  let total = 0;
  for (;;) {
    const batches = new Map<string, string>();
    const settled = await inTransaction(deps.db, async (tx) => {
      const rows = await messagesStore.settleUnknownOutcomes(tx, cutoff, reason, now);
      for (const r of rows) if (r.batchId) batches.set(r.batchId, r.sandboxId);
      return rows.length;
    });
    for (const [batchId, sandboxId] of batches) publishBatch(deps, sandboxId, batchId);
    total += settled;
    if (settled < 500) break;
  }
  if (total) deps.logger.warn({ settled: total, reason }, 'sends of unknown outcome settled as UNKNOWN');
  return total;
}
