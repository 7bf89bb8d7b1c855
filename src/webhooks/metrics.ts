import type pg from 'pg';
import type { Histogram } from 'prom-client';
import type { Db } from '../platform/db.js';
import type { Metrics } from '../platform/metrics.js';

/**
 * The webhook inbox as the people on call see it: how fast Meta gets its
 * answer (Meta's guidance to partners: median ≤ 250 ms, < 1% over 1 s), and
 * how many acknowledged deliveries still wait for processing.
 */
export interface WebhookMetrics {
  /** Time from a POST's arrival to its answer, by HTTP status (200 only after the durable commit). */
  ack: Histogram<'status'>;
}

interface Backlog {
  pending: number;
  /** received_at of the oldest PENDING delivery, epoch ms; null when none is pending. */
  oldest: number | null;
}

const ACK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

// outcome = 'PENDING' as a literal on both backends: the partial index on PENDING rows answers it (a bound parameter
// would not match the index's predicate).
const BACKLOG_SQLITE = "SELECT count(*) AS n, min(received_at) AS oldest FROM webhook_deliveries WHERE outcome = 'PENDING'";
const BACKLOG_PG = "SELECT count(*)::int AS n, min(received_at) AS oldest FROM webhook_deliveries WHERE outcome = 'PENDING'";

/** Reads the backlog from the handle's backend: SQLite synchronously on its connection, PostgreSQL through the pool. */
function backlogReader(db: Db): () => Promise<Backlog> | Backlog {
  if (db.backend === 'sqlite') {
    const statement = db.gate.sqlite.prepare(BACKLOG_SQLITE);
    return () => {
      const row = statement.get() as { n: number; oldest: number | null };
      return { pending: row.n, oldest: row.oldest };
    };
  }
  // drizzle's node-postgres client keeps its pool as $client (its type does not show it); the pool's own parsers
  // read timestamptz as a Date (drizzle's execute would hand back its text).
  const pool = (db as typeof db & { $client: pg.Pool }).$client;
  return async () => {
    const { rows } = await pool.query<{ n: number; oldest: Date | null }>(BACKLOG_PG);
    return { pending: rows[0]?.n ?? 0, oldest: rows[0]?.oldest?.getTime() ?? null };
  };
}

export function webhookMetrics(metrics: Metrics, db: Db): WebhookMetrics {
  const ack = metrics.histogram(
    'wcs_webhook_ack_seconds',
    "Time from a webhook POST's arrival to its answer, by HTTP status (a 200 follows the durable commit to the inbox).",
    ['status'],
    ACK_BUCKETS,
  );
  const query = backlogReader(db);
  // prom-client awaits a collect that returns a promise, and a scrape collects every metric at once: the two gauges
  // share one query per scrape (the one in flight) instead of asking the database twice.
  let inflight: Promise<Backlog> | null = null;
  const read = (): Promise<Backlog> => {
    inflight ??= Promise.resolve()
      .then(query)
      .finally(() => (inflight = null));
    return inflight;
  };
  metrics.gauge('wcs_webhook_inbox_backlog', 'Acknowledged webhook deliveries not processed yet (PENDING).', [], async function () {
    this.set((await read()).pending);
  });
  metrics.gauge(
    'wcs_webhook_inbox_oldest_pending_age_seconds',
    'Age of the oldest acknowledged delivery not processed yet (0 when none is pending).',
    [],
    async function () {
      const { oldest } = await read();
      this.set(oldest === null ? 0 : Math.max(0, (Date.now() - oldest) / 1000));
    },
  );
  return { ack };
}
