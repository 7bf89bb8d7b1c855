import type { AppDeps } from '../core/deps.js';
import type { Viewer } from '../platform/tenancy/viewer.js';

/** What every resolver receives: the caller and the app's dependencies. */
export interface GraphQLContext {
  viewer: Viewer;
  deps: AppDeps;
  requestId: string;
}
