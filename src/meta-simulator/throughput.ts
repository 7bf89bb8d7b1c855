// Meta's two send limits (FACTS §8): per-number throughput (a 1-second
// sliding window: 80 mps STANDARD, 1000 HIGH → 130429) and the per-recipient
// pair rate (1 per 6 s with a burst of 45, modelled as a token bucket → 131056).

export function mpsForLevel(level: string, override: number | null): number {
  if (override !== null) return override;
  return level.toUpperCase() === 'HIGH' ? 1000 : 80;
}

export class SlidingWindowLimiter {
  private readonly windows = new Map<string, number[]>();

  constructor(private readonly windowMs = 1000) {}

  /** Takes a slot if fewer than `limit` were taken in the last window. */
  tryTake(key: string, limit: number, now: number): boolean {
    let stamps = this.windows.get(key);
    if (!stamps) {
      stamps = [];
      this.windows.set(key, stamps);
    }
    const cutoff = now - this.windowMs;
    let drop = 0;
    while (drop < stamps.length && (stamps[drop] as number) <= cutoff) drop++;
    if (drop) stamps.splice(0, drop);
    if (stamps.length >= limit) return false;
    stamps.push(now);
    return true;
  }

  clear(): void {
    this.windows.clear();
  }
}

export class PairRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  tryTake(key: string, cfg: { intervalMs: number; burst: number }, now: number): boolean {
    const b = this.buckets.get(key) ?? { tokens: cfg.burst, at: now };
    const refilled = Math.min(cfg.burst, b.tokens + (now - b.at) / cfg.intervalMs);
    if (refilled < 1) {
      this.buckets.set(key, { tokens: refilled, at: now });
      return false;
    }
    this.buckets.set(key, { tokens: refilled - 1, at: now });
    return true;
  }

  clear(): void {
    this.buckets.clear();
  }
}
