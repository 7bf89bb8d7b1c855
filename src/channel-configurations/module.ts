import type { DomainModule } from '../core/module.js';
import { checkJobExhausted, onCredentialStatusChanged, runCheckJob } from './jobs.js';
import { CHECK_JOB, type CheckPayload } from './status.js';

/** Job kinds and event listeners of channel configurations. */
export const channelConfigurationsModule: DomainModule = (deps) => {
  deps.jobs.define<CheckPayload>({
    kind: CHECK_JOB,
    concurrency: 4,
    maxFailures: 5,
    // Meta outages retry without counting; this caps the wait between tries at 30 s.
    backoff: { baseMs: 500, capMs: 30_000 },
    run: (payload, ctx) => runCheckJob(deps, payload, ctx.signal),
    onExhausted: (payload) => checkJobExhausted(deps, payload),
  });

  // One at a time, so a FAILED and a later ACTIVE of the same credential are applied in order.
  deps.events.on('credential.status-changed', 'channel-configurations', (event) => onCredentialStatusChanged(deps, event), {
    concurrency: 1,
  });

  return {};
};
