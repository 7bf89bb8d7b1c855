import path from 'node:path';
import { spawnProcess, ROOT, type Spawned } from '../helpers/spawn.js';

export interface WorkerReport {
  grants: number[];
  takes: number;
  unavailable: number;
  seeds: number;
}

export interface RunReport {
  workers: WorkerReport[];
  /** Every grant of every worker, ascending (store clock, epoch ms). */
  grants: number[];
  /** The most grants in any 1,000 ms, the tier's own window (the store paces on 1,020 ms). */
  maxInSecond: number;
  /** Mean grants per full second from the first grant, over the tier. */
  utilization: number;
}

/** The most timestamps in any half-open window [t, t + windowMs). */
export function maxInWindow(sorted: readonly number[], windowMs: number): number {
  let best = 0;
  for (let lo = 0, hi = 0; lo < sorted.length; lo++) {
    while (hi < sorted.length && sorted[hi]! < sorted[lo]! + windowMs) hi++;
    best = Math.max(best, hi - lo);
  }
  return best;
}

/** Grants per full 1,000 ms from the first grant, divided by the rate: how much of the tier was used. */
export function utilization(sorted: readonly number[], rate: number): number {
  if (sorted.length < 2) return 0;
  const seconds = Math.floor((sorted.at(-1)! - sorted[0]!) / 1000);
  if (seconds < 1) return 0;
  const end = sorted[0]! + seconds * 1000;
  return sorted.filter((t) => t < end).length / seconds / rate;
}

const WORKER = path.join(ROOT, 'test/cluster/pacing-worker.ts');

/**
 * Starts `count` worker processes (each its own client of the store), waits until all are connected, starts
 * them together and collects their reports. `during` runs while they pump (a Redis flush, a restart).
 */
export async function runWorkers(
  count: number,
  env: Record<string, string>,
  during: (elapsed: () => number) => Promise<void> = async () => {},
): Promise<RunReport> {
  const workers: Spawned[] = [];
  try {
    for (let i = 0; i < count; i++) {
      workers.push(spawnProcess(process.execPath, ['--import', 'tsx', WORKER], env));
    }
    await Promise.all(workers.map((w) => w.waitFor(/^ready$/m, 15_000)));
    for (const w of workers) w.child.kill('SIGUSR2');
    const start = Date.now();
    await during(() => Date.now() - start);
    const codes = await Promise.all(workers.map((w) => w.exited));
    const reports = workers.map((w, i) => {
      if (codes[i] !== 0) throw new Error(`pacing worker ${i} exited with ${codes[i]}: ${w.stderr().slice(-2000)}`);
      return JSON.parse(w.stdout().trim().split('\n').at(-1)!) as WorkerReport;
    });
    const grants = reports.flatMap((r) => r.grants).sort((a, b) => a - b);
    const rate = Number(env.PACING_RATE);
    return { workers: reports, grants, maxInSecond: maxInWindow(grants, 1000), utilization: utilization(grants, rate) };
  } finally {
    for (const w of workers) w.kill('SIGKILL');
  }
}
