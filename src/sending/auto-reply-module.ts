import type { DomainModule } from '../core/module.js';
import { autoReplyExhausted, runAutoReply } from './auto-reply.js';
import { AUTO_REPLY_JOB, type AutoReplyPayload } from '../messages/service.js';

export const autoReplyModule: DomainModule = (deps) => {
  deps.jobs.define<AutoReplyPayload>({
    kind: AUTO_REPLY_JOB,
    concurrency: 4,
    maxFailures: 5,
    // Meta outages retry without counting; cap the wait between tries at a minute.
    backoff: { baseMs: 500, capMs: 60_000 },
    run: (payload, ctx) => runAutoReply(deps, payload, ctx),
    onExhausted: (payload, error) => autoReplyExhausted(deps, payload, error),
  });
  return {};
};
