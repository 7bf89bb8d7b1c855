import type { DomainModule } from '../core/module.js';
import { expireRestriction, RESTRICTION_EXPIRED_JOB, type RestrictionExpiredPayload } from './account/service.js';
import { MetaCallLog } from './call-log.js';
import { VERIFY_JOB, type VerifyPayload } from './service.js';
import { refreshAllPhoneNumbers, runVerification, verificationExhausted } from './verification.js';

export const REFRESH_JOB = 'credentials.refresh-phone-numbers';

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

  deps.jobs.define<RestrictionExpiredPayload>({
    kind: RESTRICTION_EXPIRED_JOB,
    concurrency: 1,
    run: (payload) => Promise.resolve(expireRestriction(deps, payload)),
  });

  deps.jobs.define<Record<string, never>>({
    kind: REFRESH_JOB,
    concurrency: 1,
    // Recurring: the queue keeps exactly one refresh queued or running.
    every: () => deps.config.phoneNumberRefreshIntervalMs,
    run: (_payload, ctx) => refreshAllPhoneNumbers(deps, ctx.signal),
  });

  return {
    onMetaCall: (record) => callLog.record(record),
  };
};
