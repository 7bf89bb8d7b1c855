import type { HttpRoute } from '../http/respond.js';
import type { MetaApiCallRecord } from '../meta/index.js';
import type { AppDeps } from './deps.js';

/**
 * What a domain contributes to the running service besides its GraphQL types:
 * job kinds (defined on deps.jobs), HTTP routes, a sink for Meta call records,
 * and work to do once the server listens. The composition (src/service/) runs
 * every slice's module in dependency order.
 */
export interface DomainRuntime {
  routes?: HttpRoute[];
  onMetaCall?: (record: MetaApiCallRecord) => void;
  /** Runs after the server listens and jobs start (e.g. schedule recurring jobs). */
  onStart?: () => void;
  /** Runs when the service stops, after the job workers stopped and before the database closes (e.g. close a connection). */
  onStop?: () => Promise<void>;
}

export type DomainModule = (deps: AppDeps) => DomainRuntime;
