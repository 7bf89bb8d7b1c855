import type Sqlite from 'better-sqlite3';
import type { Histogram } from 'prom-client';
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

const ACK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export function webhookMetrics(metrics: Metrics, sqlite: Sqlite.Database): WebhookMetrics {
  const ack = metrics.histogram(
    'wcs_webhook_ack_seconds',
    "Time from a webhook POST's arrival to its answer, by HTTP status (a 200 follows the durable commit to the inbox).",
    ['status'],
    ACK_BUCKETS,
  );
  // outcome = 'PENDING' as a literal: the partial index on PENDING rows answers it.
  const pending = sqlite.prepare("SELECT count(*) AS n, min(received_at) AS oldest FROM webhook_deliveries WHERE outcome = 'PENDING'");
  const read = () => pending.get() as { n: number; oldest: number | null };
  metrics.gauge('wcs_webhook_inbox_backlog', 'Acknowledged webhook deliveries not processed yet (PENDING).', [], function () {
    this.set(read().n);
  });
  metrics.gauge(
    'wcs_webhook_inbox_oldest_pending_age_seconds',
    'Age of the oldest acknowledged delivery not processed yet (0 when none is pending).',
    [],
    function () {
      const { oldest } = read();
      this.set(oldest === null ? 0 : Math.max(0, (Date.now() - oldest) / 1000));
    },
  );
  return { ack };
}
