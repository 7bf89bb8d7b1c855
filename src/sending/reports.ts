import { getChannelConfiguration } from '../channel-configurations/service.js';
import type { AppDeps } from '../core/deps.js';
import { NotFoundError, ValidationError } from '../platform/errors.js';
import { OUTCOME_UNKNOWN_REASON } from '../messages/service.js';
import { store } from './store.js';
import type { ReportCounts } from './store.js';

/**
 * messageReport: counts per status, clicks, opt-outs and inbound traffic for a
 * sandbox, optionally one channel configuration and a time window, computed by
 * SQL aggregates (store.reportCounts).
 */

export interface MessageReport extends ReportCounts {
  /** delivered / sent; null when nothing was sent. */
  deliveryRate: number | null;
  readRate: number | null;
  clickRate: number | null;
}

export interface ReportInput {
  /** Raw id; undefined = the whole sandbox. */
  channelConfigurationId?: string | null;
  since?: Date | null;
  until?: Date | null;
}

const rate = (part: number, sent: number): number | null => (sent > 0 ? part / sent : null);

export async function messageReport(deps: AppDeps, sandboxId: string, input: ReportInput): Promise<MessageReport> {
  if (input.since && input.until && input.since > input.until) throw ValidationError.field('since', 'must not be after until');
  let credentialId: string | null = null;
  if (input.channelConfigurationId) {
    const config = await getChannelConfiguration(deps, sandboxId, input.channelConfigurationId);
    if (!config) throw new NotFoundError('Channel configuration');
    credentialId = config.credentialId;
  }
  const counts = await store.reportCounts(deps.db, {
    sandboxId,
    channelConfigurationId: input.channelConfigurationId ?? null,
    credentialId,
    since: input.since ?? null,
    until: input.until ?? null,
    unknownReason: OUTCOME_UNKNOWN_REASON,
  });
  return {
    ...counts,
    deliveryRate: rate(counts.delivered, counts.sent),
    readRate: rate(counts.read, counts.sent),
    clickRate: rate(counts.clicked, counts.sent),
  };
}
