import { setTimeout as sleep } from 'node:timers/promises';
import type { AppDeps } from '../core/deps.js';
import { customLive, type LiveMode, type LiveTag } from '../graphql/live.js';
import { getBatch, isTerminal, type BatchView } from './batches.js';

/**
 * messageBatchProgress: the batch now, then at most one update per
 * THROTTLE_MS while it runs (a progress bar needs no more), and always its
 * final state; the stream ends once the batch is COMPLETED or CANCELLED.
 * The listener is registered before the current state is read, so nothing in
 * between is lost; an update identical to the last one sent is skipped.
 */

export const THROTTLE_MS = 500;

function fingerprint(b: BatchView): string {
  return JSON.stringify([b.status, b.statusReason, b.queued, b.sent, b.blocked, b.failed, b.unknown]);
}

export function batchProgress(deps: AppDeps, sandboxId: string, batchId: string): AsyncGenerator<BatchView> {
  const events = deps.pubsub.subscribe(sandboxId, 'message-batch:updated');
  return customLive(events, (mode, tag) => progressGenerator(deps, sandboxId, batchId, events, mode, tag));
}

async function* progressGenerator(
  deps: AppDeps,
  sandboxId: string,
  batchId: string,
  events: AsyncIterableIterator<{ batchId: string }>,
  mode: LiveMode | undefined,
  tag: (tag: LiveTag) => void,
): AsyncGenerator<BatchView> {
  try {
    let current = await getBatch(deps, sandboxId, batchId);
    if (!current) return;
    let last = fingerprint(current);
    // The shared stream (mode 'events') starts from the state each subscriber was sent on its own.
    if (mode !== 'events') {
      tag({ key: batchId, version: last });
      yield current;
    }
    let lastAt = Date.now();
    if (isTerminal(current.status) || mode === 'initial') return;
    for (;;) {
      const event = await events.next();
      if (event.done) return;
      if (event.value.batchId !== batchId) continue;
      const wait = lastAt + THROTTLE_MS - Date.now();
      // Events arriving meanwhile stay buffered; the state read after the wait covers them all.
      if (wait > 0) await sleep(wait);
      current = await getBatch(deps, sandboxId, batchId);
      if (!current) return;
      const print = fingerprint(current);
      if (print === last) continue;
      tag({ key: batchId, version: print });
      yield current;
      last = print;
      lastAt = Date.now();
      if (isTerminal(current.status)) return;
    }
  } finally {
    await events.return?.();
  }
}
