import { sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import type { Metrics } from '../metrics.js';
import type { PgRootDb } from '../pg/handle.js';
import type { SqliteDb } from '../sqlite.js';

/**
 * Queue depth and the age of the oldest due job, per kind, read from the jobs
 * table when Prometheus scrapes (the table is the queue: no counter can drift
 * from it, and every instance reports the same figures).
 */

interface KindFigures {
  kind: string;
  queued: number;
  due: number;
  running: number;
  /** The run time (ms since epoch) of the oldest due job, or null when none is due. */
  oldestDue: number | null;
}

interface FigureReader {
  /** The figures at once, when the backend can read them synchronously now; otherwise undefined. */
  now(at: number): KindFigures[] | undefined;
  later(at: number): Promise<KindFigures[]>;
}

/** At most one query a second, shared by the four gauges of a scrape. */
const FRESH_MS = 1_000;

export function registerJobMetrics(metrics: Metrics, db: Db, prefix = 'wcs_'): void {
  const rows = figuresOf(db.backend === 'sqlite' ? sqliteReader(db) : pgReader(db));
  metrics.gauge(`${prefix}jobs_queued`, 'Jobs waiting in the queue (due now or scheduled later), by kind.', ['kind'], async function () {
    const figures = await rows();
    this.reset();
    for (const r of figures) this.set({ kind: r.kind }, r.queued);
  });
  metrics.gauge(
    `${prefix}jobs_due`,
    'Jobs due now and not yet running, by kind: the backlog the workers have not caught up with.',
    ['kind'],
    async function () {
      const figures = await rows();
      this.reset();
      for (const r of figures) this.set({ kind: r.kind }, r.due);
    },
  );
  metrics.gauge(`${prefix}jobs_running`, 'Jobs running now, by kind.', ['kind'], async function () {
    const figures = await rows();
    this.reset();
    for (const r of figures) this.set({ kind: r.kind }, r.running);
  });
  metrics.gauge(
    `${prefix}jobs_oldest_due_age_seconds`,
    'How long the oldest due job of each kind has been waiting past its run time (0 when none is due).',
    ['kind'],
    async function () {
      const figures = await rows();
      this.reset();
      const now = Date.now();
      for (const r of figures) this.set({ kind: r.kind }, r.oldestDue === null ? 0 : Math.max(0, (now - r.oldestDue) / 1000));
    },
  );
}

/**
 * One read per scrape shared by the four gauges (prom-client awaits an async collect), at most one a second; a read
 * that fails reports nothing rather than failing the whole scrape.
 */
function figuresOf(reader: FigureReader): () => Promise<KindFigures[]> {
  let cached: { at: number; rows: Promise<KindFigures[]> } | undefined;
  return () => {
    const at = Date.now();
    if (!cached || at - cached.at > FRESH_MS) {
      const now = reader.now(at);
      cached = { at, rows: now ? Promise.resolve(now) : reader.later(at).catch(() => []) };
    }
    return cached.rows;
  };
}

function sqliteReader(db: SqliteDb): FigureReader {
  const statement = () =>
    db.statements.get('jobs.metrics', () =>
      db.statements.connection.prepare<
        [number, number],
        { kind: string; queued: number; due: number; running: number; oldest_due: number | null }
      >(
        `SELECT kind,
                sum(status = 'queued') AS queued,
                sum(status = 'queued' AND run_at <= ?) AS due,
                sum(status = 'running') AS running,
                min(CASE WHEN status = 'queued' AND run_at <= ? THEN run_at END) AS oldest_due
           FROM jobs WHERE status IN ('queued', 'running') GROUP BY kind`,
      ),
    );
  const read = (at: number): KindFigures[] =>
    statement()
      .all(at, at)
      .map((r) => ({ kind: r.kind, queued: r.queued, due: r.due, running: r.running, oldestDue: r.oldest_due }));
  return {
    // Only when no transaction is open: the figures must not count a transaction's uncommitted jobs.
    now: (at) => (db.gate.closedToCaller ? undefined : read(at)),
    later: (at) => db.gate.whenFree(() => read(at)),
  };
}

function pgReader(db: PgRootDb): FigureReader {
  return {
    now: () => undefined,
    later: async (at) => {
      const due = sql`status = 'queued' AND run_at <= ${new Date(at).toISOString()}::timestamptz`;
      // count(*) is bigint (a string from node-postgres); the oldest run time as epoch ms, a float8 (a number).
      const { rows } = await db.execute<{ kind: string; queued: string; due: string; running: string; oldest_due: number | null }>(sql`
        SELECT kind,
               count(*) FILTER (WHERE status = 'queued') AS queued,
               count(*) FILTER (WHERE ${due}) AS due,
               count(*) FILTER (WHERE status = 'running') AS running,
               (extract(epoch FROM min(run_at) FILTER (WHERE ${due})) * 1000)::float8 AS oldest_due
          FROM jobs WHERE status IN ('queued', 'running') GROUP BY kind`);
      return rows.map((r) => ({
        kind: r.kind,
        queued: Number(r.queued),
        due: Number(r.due),
        running: Number(r.running),
        oldestDue: r.oldest_due === null ? null : Number(r.oldest_due),
      }));
    },
  };
}
