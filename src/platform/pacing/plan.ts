/**
 * The sliding-log rule shared by every PacingStore (the Redis script repeats it in Lua). Grants made at one
 * instant t on a log of n grants in the window, `recent` of them in the last burst·windowMs/rate:
 *   window rule: at most rate in any windowMs     → m ≤ rate − n
 *   spread rule: at most burst in any burst·W/rate → m ≤ burst − recent
 * This is today's TokenBucket (src/sending/pacing.ts) granting k at once: its per-grant checks, applied to
 * k grants stamped with the same t, allow exactly these m.
 */

export interface LogCounts {
  /** Grants with at > t − windowMs. */
  n: number;
  /** Grants with at > t − spanMs. */
  recent: number;
}

export interface GrantPlan {
  m: number;
  /** Index (ascending, over the log after adding m grants at t) of the grant whose expiry frees the window; null when the window is not full. */
  windowIndex: number | null;
  /** Same for the spread rule. */
  spreadIndex: number | null;
  spanMs: number;
}

export function planGrants(counts: LogCounts, rate: number, windowMs: number, burst: number, k: number): GrantPlan {
  const spanMs = (burst * windowMs) / rate;
  const m = Math.max(0, Math.min(k, rate - counts.n, burst - counts.recent));
  const total = counts.n + m;
  return {
    m,
    windowIndex: total >= rate ? total - rate : null,
    spreadIndex: counts.recent + m >= burst ? total - burst : null,
    spanMs,
  };
}

/** How long from t until the next grant: the later of the window's and the spread's release, and the pause. */
export function waitAfter(
  plan: GrantPlan,
  t: number,
  windowMs: number,
  windowAt: number | null,
  spreadAt: number | null,
  pausedUntil: number,
): number {
  let wait = Math.max(0, pausedUntil - t);
  if (plan.windowIndex !== null && windowAt !== null) wait = Math.max(wait, windowAt + windowMs - t);
  if (plan.spreadIndex !== null && spreadAt !== null) wait = Math.max(wait, spreadAt + plan.spanMs - t);
  return wait;
}
