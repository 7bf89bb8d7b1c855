/**
 * Send pacing shared by every instance (research/SCALE-OUT.md §5): a sliding log per key that grants at most
 * `rate` in any `windowMs` and at most `maxBurst` in any maxBurst/rate of the window, on the store's clock.
 * Three stores implement it: in-memory (one process), Redis (a Lua script, Redis's clock) and PostgreSQL (an
 * advisory lock and an UNLOGGED log, the database's clock). The caller owns the FIFO of waiters and the pump;
 * a store only answers "how many of k now, and how long until the next".
 */

export interface PacingTake {
  /** Grants made now, 0…k. */
  granted: number;
  /** Milliseconds until the store could grant again (0: ask again right away). */
  waitMs: number;
  /** The store's clock at the grant (epoch ms): every grant of this call carries it. */
  at: number;
  /** One id per grant, for restamp. */
  grants: string[];
  /**
   * The key has no state (first use, Redis flushed or restarted, PostgreSQL crash-truncated the log): nothing was
   * granted, and the caller must seed() it from the database's recent sends before taking again.
   */
  needsSeed: boolean;
}

export interface PacingStore {
  /** Up to k grants now for key (rate per windowMs, at most maxBurst back to back); fails closed (PacingError UNAVAILABLE). */
  take(key: string, rate: number, windowMs: number, maxBurst: number, k: number): Promise<PacingTake>;
  /**
   * The sends of these grants left now (late): they count from the store's now, never earlier than granted.
   * Returns the grants the log no longer holds (dropped out of the window after a take, or the state was lost):
   * a send on one of those would count nowhere, so it must take a fresh grant before it leaves.
   */
  restamp(key: string, grants: readonly string[]): Promise<string[]>;
  /** Pauses every grant for key until `until` (epoch ms; e.g. after Meta's throughput error); the later end wins. */
  pauseUntil(key: string, until: number): Promise<void>;
  /**
   * Fills an unseeded key with the send times (epoch ms) made before its state was lost, and marks it seeded.
   * Times after the store's now are ignored, those outside the window drop out at the next take. A key already
   * seeded (by another instance) is left as it is: returns false then.
   */
  seed(key: string, timestamps: readonly number[]): Promise<boolean>;
  /** One round trip that changes nothing: whether the store answers now (PACING_UNAVAILABLE when not). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type PacingErrorCode = 'PACING_BAD_INPUT' | 'PACING_UNAVAILABLE';

/**
 * PACING_UNAVAILABLE: the shared store did not answer (retryable: nothing was granted, send nothing and try
 * again later). PACING_BAD_INPUT: a caller's mistake (not retryable). Messages never carry a URL's password.
 */
export class PacingError extends Error {
  readonly retryable: boolean;
  constructor(
    readonly code: PacingErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PacingError';
    this.retryable = code === 'PACING_UNAVAILABLE';
  }
}

const MAX_KEY_LENGTH = 200;

function bad(message: string): PacingError {
  return new PacingError('PACING_BAD_INPUT', message);
}

export function checkKey(key: string): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw bad(`pacing key must be a string of 1–${MAX_KEY_LENGTH} characters`);
  }
  return key;
}

function checkWindow(windowMs: number): number {
  if (!Number.isFinite(windowMs) || windowMs <= 0 || windowMs > 3_600_000) throw bad(`windowMs must be in (0, 3600000] (got ${windowMs})`);
  return windowMs;
}

export interface TakeParams {
  rate: number;
  windowMs: number;
  /** Clamped to 1…rate. */
  burst: number;
  k: number;
}

/** Checks take()'s arguments; a bad one is PACING_BAD_INPUT. */
export function checkTake(key: string, rate: number, windowMs: number, maxBurst: number, k: number): TakeParams {
  checkKey(key);
  if (!Number.isInteger(rate) || rate < 1 || rate > 100_000) throw bad(`rate must be an integer in 1…100000 (got ${rate})`);
  checkWindow(windowMs);
  if (!Number.isFinite(maxBurst) || maxBurst < 1) throw bad(`maxBurst must be at least 1 (got ${maxBurst})`);
  if (!Number.isInteger(k) || k < 1) throw bad(`k must be a positive integer (got ${k})`);
  return { rate, windowMs, burst: Math.min(rate, Math.floor(maxBurst)), k };
}

const MAX_SEED = 100_000;

export function checkTimestamps(timestamps: readonly number[]): number[] {
  if (!Array.isArray(timestamps) || timestamps.length > MAX_SEED)
    throw bad(`timestamps must be an array of at most ${MAX_SEED} epoch milliseconds`);
  for (const t of timestamps) if (!Number.isFinite(t) || t < 0) throw bad(`timestamps must be epoch milliseconds (got ${t})`);
  return [...timestamps];
}

export function checkGrants(grants: readonly string[]): string[] {
  if (!Array.isArray(grants) || grants.some((g) => typeof g !== 'string' || !/^[0-9]{1,18}$/.test(g))) {
    throw bad('grants must be the ids a take() returned');
  }
  return [...grants];
}

export function checkUntil(until: number): number {
  if (!Number.isFinite(until) || until < 0) throw bad(`until must be epoch milliseconds (got ${until})`);
  return until;
}

/**
 * take(), seeding first when the store lost the key's state: loadRecent reads the recent send attempts from
 * the database (epoch ms). No grant is ever made before the key is seeded.
 */
export async function takeSeeded(
  store: PacingStore,
  key: string,
  params: { rate: number; windowMs: number; maxBurst: number; k: number },
  loadRecent: () => Promise<readonly number[]>,
): Promise<PacingTake> {
  const first = await store.take(key, params.rate, params.windowMs, params.maxBurst, params.k);
  if (!first.needsSeed) return first;
  await store.seed(key, await loadRecent());
  return store.take(key, params.rate, params.windowMs, params.maxBurst, params.k);
}
