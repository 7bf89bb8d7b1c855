import type Sqlite from 'better-sqlite3';
import type { Metrics } from '../metrics.js';

/**
 * Queue depth and the age of the oldest due job, per kind, read from the jobs
 * table when Prometheus scrapes (the table is the queue: no counter can drift
 * from it, and every instance reports the same figures).
 */
export function registerJobMetrics(metrics: Metrics, sqlite: Sqlite.Database, prefix = 'wcs_'): void {
  const byKind = sqlite.prepare<[number, number]>(
    `SELECT kind,
            sum(status = 'queued') AS queued,
            sum(status = 'queued' AND run_at <= ?) AS due,
            sum(status = 'running') AS running,
            min(CASE WHEN status = 'queued' AND run_at <= ? THEN run_at END) AS oldest_due
       FROM jobs WHERE status IN ('queued', 'running') GROUP BY kind`,
  );
  type Row = { kind: string; queued: number; due: number; running: number; oldest_due: number | null };
  let cached: { at: number; rows: Row[] } | undefined;
  // One query per scrape, shared by the gauges below.
  const rows = (): Row[] => {
    const now = Date.now();
    if (!cached || now - cached.at > 1_000) cached = { at: now, rows: byKind.all(now, now) as Row[] };
    return cached.rows;
  };
  metrics.gauge(`${prefix}jobs_queued`, 'Jobs waiting in the queue (due now or scheduled later), by kind.', ['kind'], function () {
    this.reset();
    for (const r of rows()) this.set({ kind: r.kind }, r.queued);
  });
  metrics.gauge(
    `${prefix}jobs_due`,
    'Jobs due now and not yet running, by kind: the backlog the workers have not caught up with.',
    ['kind'],
    function () {
      this.reset();
      for (const r of rows()) this.set({ kind: r.kind }, r.due);
    },
  );
  metrics.gauge(`${prefix}jobs_running`, 'Jobs running now, by kind.', ['kind'], function () {
    this.reset();
    for (const r of rows()) this.set({ kind: r.kind }, r.running);
  });
  metrics.gauge(
    `${prefix}jobs_oldest_due_age_seconds`,
    'How long the oldest due job of each kind has been waiting past its run time (0 when none is due).',
    ['kind'],
    function () {
      this.reset();
      const now = Date.now();
      for (const r of rows()) this.set({ kind: r.kind }, r.oldest_due === null ? 0 : Math.max(0, (now - r.oldest_due) / 1000));
    },
  );
}
