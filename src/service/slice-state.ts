import type { AppDeps, SliceState } from '../core/deps.js';
import { BatchRunners } from '../sending/batch-state.js';
import { SendRuntime } from '../sending/sender.js';
import { TemplateCatalog } from '../templates/catalog.js';
import { RouteCache } from '../webhooks/route-cache.js';

/**
 * The deps of one running service with its slices' state (core/deps.ts, SliceState): every cache and runtime a
 * slice keeps is created here, once per service, and reached through deps.state — never through a registry keyed
 * by the deps. The slices' objects are built with the deps that carry them (they use them later, not now).
 */
export function withSliceState(base: Omit<AppDeps, 'state'>): AppDeps {
  const state = {} as SliceState;
  const deps: AppDeps = { ...base, state };
  Object.assign(state, {
    templates: new TemplateCatalog(deps),
    webhookRoutes: new RouteCache(),
    sends: new SendRuntime(deps),
    batchRunners: new BatchRunners(deps),
  } satisfies SliceState);
  return deps;
}
