import type { AppDeps } from '../deps.js';
import type { DomainModule } from '../modules.js';
import { inTransaction } from '../platform/db.js';
import { MetaCallLog } from './call-log.js';
import { VERIFY_JOB, type VerifyPayload } from './service.js';
import { refreshAllPhoneNumbers, runVerification, verificationExhausted } from './verification.js';

export const REFRESH_JOB = 'credentials.refresh-phone-numbers';

/**
 * The recurring refresh re-enqueues itself, but a job's dedupe key stays taken
 * while it runs, so two keys alternate: the running job holds one, its successor
 * queues under the other. At most one refresh is ever queued.
 */
interface RefreshPayload {
  slot: 0 | 1;
}
const refreshKey = (slot: 0 | 1): string => `${REFRESH_JOB}#${slot}`;

function scheduleRefresh(deps: AppDeps, slot: 0 | 1, delayMs: number): void {
  inTransaction(deps.db, (tx) => {
    deps.jobs.enqueue<RefreshPayload>(tx, REFRESH_JOB, { slot }, { dedupeKey: refreshKey(slot), delayMs });
  });
  deps.jobs.notify();
}

export const credentialsModule: DomainModule = (deps) => {
  const callLog = new MetaCallLog(deps);

  deps.jobs.define<VerifyPayload>({
    kind: VERIFY_JOB,
    concurrency: 4,
    // Meta outages retry without counting; this backoff caps the wait between tries at a minute.
    backoff: { baseMs: 500, capMs: 60_000 },
    run: (payload, ctx) => runVerification(deps, payload, ctx.signal),
    onExhausted: (payload) => verificationExhausted(deps, payload),
  });

  deps.jobs.define<RefreshPayload>({
    kind: REFRESH_JOB,
    concurrency: 1,
    run: async (payload, ctx) => {
      try {
        await refreshAllPhoneNumbers(deps, ctx.signal);
      } finally {
        if (!ctx.signal.aborted) scheduleRefresh(deps, payload.slot === 0 ? 1 : 0, deps.config.phoneNumberRefreshIntervalMs);
      }
    },
  });

  return {
    onMetaCall: (record) => callLog.record(record),
    onStart: () => {
      const pending = [
        ...deps.jobs.list({ kind: REFRESH_JOB, status: 'queued' }),
        ...deps.jobs.list({ kind: REFRESH_JOB, status: 'running' }),
      ];
      if (!pending.length) scheduleRefresh(deps, 0, deps.config.phoneNumberRefreshIntervalMs);
    },
  };
};
