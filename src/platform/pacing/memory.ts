import { performance } from 'node:perf_hooks';
import { planGrants, waitAfter } from './plan.js';
import { checkGrants, checkKey, checkTake, checkTimestamps, checkUntil, type PacingStore, type PacingTake } from './store.js';

interface Entry {
  at: number;
  id: number;
}

interface KeyState {
  /** Ascending by at. */
  log: Entry[];
  pausedUntil: number;
  seq: number;
  seeded: boolean;
}

/** Epoch milliseconds that never jump back (the process's monotonic clock, anchored at its start). */
const monotonicEpochNow = (): number => performance.timeOrigin + performance.now();

/**
 * The PacingStore of one process (SQLite mode): the same rule as the shared stores, on this process's
 * monotonic clock; seed times and pause ends (wall-clock epoch ms, as the database holds them) are moved onto
 * it by the current offset between the two. A key is unseeded until seeded in this process, as today's pacing
 * is seeded once per process.
 */
export class MemoryPacingStore implements PacingStore {
  private readonly keys = new Map<string, KeyState>();
  private readonly now: () => number;
  private readonly wallNow: () => number;

  constructor(options: { now?: () => number; wallNow?: () => number } = {}) {
    this.now = options.now ?? monotonicEpochNow;
    this.wallNow = options.wallNow ?? Date.now;
  }

  /** A wall-clock epoch ms on this store's clock. */
  private fromWall(at: number): number {
    return at + (this.now() - this.wallNow());
  }

  async take(key: string, rate: number, windowMs: number, maxBurst: number, k: number): Promise<PacingTake> {
    const p = checkTake(key, rate, windowMs, maxBurst, k);
    const t = this.now();
    const state = this.keys.get(key);
    if (!state?.seeded) return { granted: 0, waitMs: 0, at: t, grants: [], needsSeed: true };
    if (state.pausedUntil > t) {
      return { granted: 0, waitMs: state.pausedUntil - t, at: t, grants: [], needsSeed: false };
    }
    const { log } = state;
    let drop = 0;
    while (drop < log.length && log[drop]!.at <= t - p.windowMs) drop++;
    if (drop) log.splice(0, drop);
    const spanStart = t - (p.burst * p.windowMs) / p.rate;
    let recent = 0;
    for (let i = log.length - 1; i >= 0 && log[i]!.at > spanStart; i--) recent++;
    const plan = planGrants({ n: log.length, recent }, p.rate, p.windowMs, p.burst, p.k);
    const grants: string[] = [];
    for (let i = 0; i < plan.m; i++) {
      state.seq++;
      log.push({ at: t, id: state.seq });
      grants.push(String(state.seq));
    }
    const atIndex = (i: number | null) => (i === null ? null : (log[i]?.at ?? null));
    const waitMs = waitAfter(plan, t, p.windowMs, atIndex(plan.windowIndex), atIndex(plan.spreadIndex), state.pausedUntil);
    return { granted: plan.m, waitMs, at: t, grants, needsSeed: false };
  }

  async restamp(key: string, grants: readonly string[]): Promise<string[]> {
    checkKey(key);
    const asked = checkGrants(grants);
    const ids = new Set(asked.map(Number));
    const state = this.keys.get(key);
    if (!state || !ids.size) return asked;
    const t = this.now();
    const moved: Entry[] = [];
    const held = new Set<number>();
    state.log = state.log.filter((e) => {
      if (!ids.has(e.id)) return true;
      held.add(e.id);
      if (e.at >= t) return true;
      moved.push({ at: t, id: e.id });
      return false;
    });
    // Nothing in the log is later than now: the moved grants go to the end, still in order.
    state.log.push(...moved);
    return asked.filter((g) => !held.has(Number(g)));
  }

  async pauseUntil(key: string, until: number): Promise<void> {
    checkKey(key);
    checkUntil(until);
    const state = this.state(key);
    state.pausedUntil = Math.max(state.pausedUntil, this.fromWall(until));
    return;
  }

  async seed(key: string, timestamps: readonly number[]): Promise<boolean> {
    checkKey(key);
    const times = checkTimestamps(timestamps);
    const state = this.state(key);
    if (state.seeded) return false;
    const t = this.now();
    const seeded = times
      .map((x) => this.fromWall(x))
      .filter((x) => x <= t)
      .sort((a, b) => a - b);
    // Nothing was granted before seeding, so the log is empty here.
    for (const at of seeded) state.log.push({ at, id: ++state.seq });
    state.seeded = true;
    return true;
  }

  /** Always answers: it is this process. */
  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.keys.clear();
    return;
  }

  private state(key: string): KeyState {
    let state = this.keys.get(key);
    if (!state) {
      state = { log: [], pausedUntil: -Infinity, seq: 0, seeded: false };
      this.keys.set(key, state);
    }
    return state;
  }
}
