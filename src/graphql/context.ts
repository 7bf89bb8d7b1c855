import type { AppDeps } from '../core/deps.js';
import type { Viewer } from '../platform/tenancy/viewer.js';

/** What every resolver receives: the caller and the app's dependencies. */
export interface GraphQLContext {
  viewer: Viewer;
  deps: AppDeps;
  requestId: string;
  /**
   * This request's batch loaders by name, made on first use (graphql/loaders.ts, perRequest). A context is built per
   * request (a subscription keeps its own for all its events), so loaders never outlive it or cross requests.
   */
  loaders?: Map<string, unknown>;
}
