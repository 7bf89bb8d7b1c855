/**
 * Cooperative slicing of long work on the one event-loop thread: a task that
 * could run for seconds (a 3 MB webhook delivery, a prune) does a slice, then
 * lets timers and I/O run, so that other requests wait for one slice at most.
 */

/** Lets timers and I/O run before resolving (setImmediate: after the poll phase of the loop). */
export function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A time budget per slice: `pause()` yields once the slice has run for budgetMs, then starts the next slice. */
export class TurnBudget {
  private started = performance.now();

  constructor(private readonly budgetMs: number) {}

  /** performance.now() at which the current slice should end. */
  get deadline(): number {
    return this.started + this.budgetMs;
  }

  async pause(): Promise<void> {
    if (performance.now() < this.deadline) return;
    await yieldToIo();
    this.started = performance.now();
  }

  /** Yields now and starts a new slice. */
  async yield(): Promise<void> {
    await yieldToIo();
    this.started = performance.now();
  }
}
