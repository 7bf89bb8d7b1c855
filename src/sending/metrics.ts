import type { AppDeps } from '../core/deps.js';
import type { MetaApiCallRecord } from '../meta/index.js';

/**
 * Sending as the people on call see it: every send attempt to Meta by outcome
 * and Meta error code, and each sender's pacing (its tier's rate, what the
 * last window used of it, who waits for a slot).
 */

const SEND_PATH = /\/(\d+)\/messages$/;

export function sendMetrics(deps: AppDeps): { onMetaCall: (record: MetaApiCallRecord) => void } {
  const { metrics } = deps;
  const sends = metrics.counter(
    'wcs_whatsapp_sends_total',
    'Send attempts to Meta (POST /{phone-number-id}/messages), by outcome (ok, meta_error, unreachable, unknown_outcome) and Meta error code ("none" without one).',
    ['outcome', 'meta_code'],
  );
  const pacers = () => [...deps.state.sends.pacers.entries()];
  // PostgreSQL mode: the grants come from the shared store (this instance's share of them is what it used).
  const used = (sender: string, pacer: ReturnType<typeof pacers>[number][1]): number =>
    deps.state.sends.shared?.usedInWindow(sender) ?? pacer.bucket.usedInWindow();
  const waiting = (sender: string, pacer: ReturnType<typeof pacers>[number][1]): number =>
    deps.state.sends.shared?.sender(sender).waiting ?? pacer.bucket.waiting;
  metrics.gauge(
    'wcs_sender_pacing_rate',
    "Messages per second a sender may send (its throughput tier's rate), by phone number id.",
    ['sender'],
    function () {
      this.reset();
      for (const [sender, pacer] of pacers()) this.set({ sender }, pacer.bucket.rate);
    },
  );
  metrics.gauge(
    'wcs_sender_pacing_used',
    'Sends granted to a sender in the last pacing window (about 1 s), by phone number id.',
    ['sender'],
    function () {
      this.reset();
      for (const [sender, pacer] of pacers()) this.set({ sender }, used(sender, pacer));
    },
  );
  metrics.gauge(
    'wcs_sender_pacing_utilization',
    "Share of a sender's rate used in the last pacing window (1 = at its tier's limit), by phone number id.",
    ['sender'],
    function () {
      this.reset();
      for (const [sender, pacer] of pacers()) this.set({ sender }, used(sender, pacer) / pacer.bucket.rate);
    },
  );
  metrics.gauge('wcs_sender_pacing_waiting', 'Sends waiting for a pacing slot of a sender, by phone number id.', ['sender'], function () {
    this.reset();
    for (const [sender, pacer] of pacers()) this.set({ sender }, waiting(sender, pacer));
  });
  return {
    onMetaCall: (record) => {
      if (record.method !== 'POST' || !SEND_PATH.test(record.path.split('?')[0]!)) return;
      sends.inc({ outcome: record.outcome, meta_code: record.metaCode === null ? 'none' : String(record.metaCode) });
    },
  };
}
