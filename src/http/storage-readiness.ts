import fs from 'node:fs';
import path from 'node:path';

/**
 * Readiness includes "can this instance store a webhook?": a SELECT succeeds
 * on a full disk, but the next commit fails and Meta's delivery gets a 503.
 * The check is cheap (one statfs of the database's folder) so /readyz can be
 * polled often; below minFreeBytes the instance reports unavailable and a load
 * balancer stops sending it traffic before commits start failing.
 */
export function storageProblem(databaseFile: string, minFreeBytes: number): string | null {
  if (databaseFile === ':memory:') return null;
  let stats: fs.StatsFs;
  try {
    stats = fs.statfsSync(path.dirname(databaseFile));
  } catch {
    return 'database folder unreadable';
  }
  const free = Number(stats.bavail) * Number(stats.bsize);
  if (free < minFreeBytes)
    return `disk almost full: ${Math.floor(free / 1024)} KiB free, ${Math.floor(minFreeBytes / 1024)} KiB needed (READYZ_MIN_FREE_BYTES)`;
  return null;
}
