import type { AppDeps } from '../core/deps.js';
import { batchStatus, publishBatch } from './batches.js';

/** In-process state of running batches: what is in flight, shared by overlapping slices, and how to stop it (also from another instance). */

const PROGRESS_EVERY_MS = 100;

/** Per batch and process: what is in flight, shared by overlapping slices, and how to stop it. */
export class BatchState {
  readonly inflight = new Set<number>();
  readonly tasks = new Set<Promise<void>>();
  /** Aborts waits for a pacing slot (cancel, pause); requests already on their way to Meta finish. */
  readonly halt = new AbortController();
  /** Ends the subscription to cancels of the batch (when no slice of this process runs it any more). */
  readonly unwatch = new AbortController();
  users = 0;
  recheck = false;
  private progressTimer: NodeJS.Timeout | null = null;
  private doneWaiters: Array<() => void> = [];

  constructor(
    readonly sandboxId: string,
    readonly batchId: string,
    private readonly onProgress: () => void,
  ) {}

  track(position: number, task: Promise<void>): void {
    this.inflight.add(position);
    const wrapped = task.finally(() => {
      this.inflight.delete(position);
      this.tasks.delete(wrapped);
      const waiters = this.doneWaiters;
      this.doneWaiters = [];
      for (const wake of waiters) wake();
    });
    this.tasks.add(wrapped);
  }

  /**
   * Resolves when the next task finishes. Not Promise.race(tasks): that adds a reaction to every
   * task in flight per call (hundreds at 1,000 messages/s, once per recipient), all run when each settles.
   */
  nextDone(): Promise<void> {
    if (!this.tasks.size) return Promise.resolve();
    return new Promise((resolve) => this.doneWaiters.push(resolve));
  }

  async settleAll(): Promise<void> {
    while (this.tasks.size) await Promise.allSettled([...this.tasks]);
  }

  /** Progress pings, at most one per PROGRESS_EVERY_MS (subscribers throttle further). */
  progress(): void {
    if (this.progressTimer) return;
    this.progressTimer = setTimeout(() => {
      this.progressTimer = null;
      this.onProgress();
    }, PROGRESS_EVERY_MS);
    this.progressTimer.unref();
  }

  flushProgress(): void {
    if (this.progressTimer) clearTimeout(this.progressTimer);
    this.progressTimer = null;
    this.onProgress();
  }
}

export class BatchRunners {
  private readonly states = new Map<string, BatchState>();

  constructor(private readonly deps: AppDeps) {
    // Events may have been missed (the bus lost its connection): a cancel among them is found by reading the batches.
    deps.pubsub.onResync(() => void this.recheckAll());
  }

  private async recheckAll(): Promise<void> {
    for (const state of [...this.states.values()]) {
      try {
        const status = await batchStatus(this.deps, state.sandboxId, state.batchId);
        if (status === undefined || status === 'CANCELLED' || status === 'COMPLETED') {
          state.recheck = true;
          state.halt.abort();
        }
      } catch (err) {
        this.deps.logger.warn({ err, batchId: state.batchId }, 'could not re-read a running batch after an event bus resync');
      }
    }
  }

  enter(sandboxId: string, batchId: string): BatchState {
    let state = this.states.get(batchId);
    if (!state) {
      state = new BatchState(sandboxId, batchId, () => publishBatch(this.deps, sandboxId, batchId));
      this.states.set(batchId, state);
      this.watchHalt(sandboxId, state);
    }
    state.users++;
    return state;
  }

  leave(state: BatchState): void {
    state.users--;
    if (state.users <= 0 && this.states.get(state.batchId) === state) {
      this.states.delete(state.batchId);
      state.unwatch.abort();
    }
  }

  /**
   * A cancel committed on any instance (this one included) halts this process's runner of the batch at once: its
   * waits for pacing slots end and it looks at the batch again. The send guard (the batch re-read in each begin
   * transaction) already keeps any send from starting after the cancel; this ends the waiting.
   */
  private watchHalt(sandboxId: string, state: BatchState): void {
    const halts = this.deps.pubsub.subscribe(sandboxId, 'message-batch:halted', state.unwatch.signal);
    void (async () => {
      for await (const { batchId } of halts) {
        if (batchId !== state.batchId) continue;
        state.recheck = true;
        state.halt.abort();
      }
    })();
  }

  /** The batch's state while a slice of this process runs it (tests, operations). */
  running(batchId: string): BatchState | undefined {
    return this.states.get(batchId);
  }

  /** Stops the batch's sends in this process (waits are aborted) and resolves when in-flight sends finished. */
  async stop(batchId: string): Promise<void> {
    const state = this.states.get(batchId);
    if (!state) return;
    state.halt.abort();
    await state.settleAll();
  }
}

declare module '../core/deps.js' {
  interface SliceState {
    /** The batches running in this service (what is in flight, how to stop them). */
    batchRunners: BatchRunners;
  }
}
