/** What a job kind is and how a job run reports its outcome; JobQueue (queue.ts) runs them on either backend. */

export interface JobContext {
  jobId: string;
  attempt: number;
  sandboxId: string | null;
  /** Aborted when the queue stops before the job finished. */
  signal: AbortSignal;
}

export interface JobDefinition<P> {
  kind: string;
  run: (payload: P, ctx: JobContext) => Promise<void>;
  /** Jobs of this kind running at once in this process. */
  concurrency?: number;
  /** Non-transient failures before the job fails for good. */
  maxFailures?: number;
  backoff?: { baseMs: number; capMs: number };
  /**
   * Recurring: one job of this kind is always queued or running; each run (success or final failure) queues
   * the next one this many ms later, and start() queues the first one interval ahead.
   */
  every?: () => number;
  /** Called once when the job fails for good (after its last failure was recorded). */
  onExhausted?: (payload: P, error: Error, ctx: { jobId: string; sandboxId: string | null }) => void | Promise<void>;
}

/** Retry later without counting a failure: the cause is outside us (an upstream API down or throttling). */
export class TransientJobError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'TransientJobError';
  }
}

/** Do not retry: another run cannot succeed. */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentJobError';
  }
}

export interface EnqueueOptions {
  runAt?: Date;
  delayMs?: number;
  dedupeKey?: string;
  sandboxId?: string | null;
  maxFailures?: number;
}

export interface JobQueueOptions {
  leaseMs: number;
  pollIntervalMs: number;
  random?: () => number;
  /** Succeeded and cancelled jobs older than this are pruned. */
  retentionMs?: number;
  /** Release every lease held by another owner at start: true when this is the only instance using the database. */
  reclaimAtStart?: boolean;
  /** How often the owner renews its leases; default a third of leaseMs. */
  heartbeatMs?: number;
  /** The longest sleep of an idle queue (nothing running, nothing due sooner); default max(pollIntervalMs, 5 s). */
  idlePollMaxMs?: number;
}
