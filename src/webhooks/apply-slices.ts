/**
 * Applying prepared deliveries in slices of time: one transaction applies the
 * steps of as many deliveries as fit before a deadline, then the caller
 * commits and yields, so that a 3 MB delivery never holds the event loop.
 */
import { inTransaction, type DbOrTx, type Tx } from '../platform/db.js';
import type { Processed, PreparedDelivery, ProcessResult } from './processor.js';
import { store } from './store.js';

/** A batch of applied deliveries: the ones that failed (their changes rolled back) and the events to publish after commit. */
export interface AppliedBatch {
  processed: Processed[];
  failed: Array<{ deliveryId: string; error: unknown }>;
  publish: () => void;
}

/**
 * Applies prepared deliveries from the head of `queue`, and writes the
 * outcomes of those it finishes, in ONE transaction (call it inside the commit
 * wrapper of your choice); finished or failed ones leave the queue. Once
 * performance.now() passes `deadline`, it stops at the next step: a delivery
 * cut there stays at the head and the next call goes on from that step.
 * Its outcome is written by the transaction that applies its last step, so
 * after a crash in between it is still PENDING and is applied again from the
 * start (every step is idempotent), and deliveries behind it wait: order holds.
 * Each delivery's part runs in its own savepoint, so one that throws is rolled
 * back alone (steps committed by earlier transactions stay; its retry applies
 * them again as duplicates) and reported in `failed`; the others still commit.
 */
export async function applyPrepared(db: DbOrTx, queue: PreparedDelivery[], deadline = Infinity): Promise<AppliedBatch> {
  const batch: AppliedBatch = { processed: [], failed: [], publish: () => {} };
  const events: Array<() => void> = [];
  const inSavepoint = (tx: Tx, p: PreparedDelivery): Promise<ProcessResult | null> =>
    inTransaction(tx, async () => {
      const applying = p.applying!;
      for (;;) {
        const step = await applying.steps.next();
        if (step.done) return step.value;
        if (performance.now() >= deadline) return null;
      }
    });
  // Called inside the caller's transaction (a drain's group commit), or in one of its own.
  const inOne = async <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => (db.role === 'tx' ? await fn(db) : await inTransaction(db, fn));
  await inOne(async (tx) => {
    while (queue.length) {
      const p = queue[0]!;
      if (p.decided) {
        batch.processed.push({ delivery: p.delivery, result: p.decided });
        queue.shift();
        continue;
      }
      if (!p.applying) {
        const own: Array<() => void> = [];
        p.applying = { steps: p.apply!((e) => own.push(e)), events: own };
      }
      try {
        const result = await inSavepoint(tx, p);
        events.push(...p.applying.events.splice(0));
        if (!result) break;
        batch.processed.push({ delivery: p.delivery, result });
        queue.shift();
      } catch (error) {
        batch.failed.push({ deliveryId: p.delivery.id, error });
        queue.shift();
      }
      if (performance.now() >= deadline) break;
    }
    await recordOutcomes(tx, batch.processed);
  });
  batch.publish = () => {
    for (const publish of events) publish();
  };
  return batch;
}

/** Writes outcomes; call inside the transaction that applied them. */
async function recordOutcomes(tx: Tx, processed: Processed[]): Promise<void> {
  const processedAt = new Date();
  await store.writeOutcomes(
    tx,
    processed.map(({ delivery, result }) => ({
      id: delivery.id,
      webhookId: delivery.webhookId,
      receivedAt: delivery.receivedAt,
      bodySha256: delivery.bodySha256,
      processedAt,
      ...result,
    })),
  );
}
