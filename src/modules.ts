import type { AppDeps } from './deps.js';
import type { MetaApiCallRecord } from './meta/index.js';
import type { HttpRoute } from './http/respond.js';
import { credentialsModule } from './credentials/module.js';
import { webhooksModule } from './webhooks/module.js';
import { messagingModule } from './messaging/module.js';
import { channelConfigurationsModule } from './channel-configurations/module.js';
import { sendingModule } from './messaging/send/module.js';

/**
 * What a domain contributes to the running service besides its GraphQL types:
 * job kinds (defined on deps.jobs), HTTP routes, a sink for Meta call records,
 * and work to do once the server listens.
 */
export interface DomainRuntime {
  routes?: HttpRoute[];
  onMetaCall?: (record: MetaApiCallRecord) => void;
  /** Runs after the server listens and jobs start (e.g. schedule recurring jobs). */
  onStart?: () => void;
}

export type DomainModule = (deps: AppDeps) => DomainRuntime;

/** Registered in dependency order. Each domain folder exports its module. */
export const DOMAIN_MODULES: DomainModule[] = [
  credentialsModule,
  webhooksModule,
  messagingModule,
  channelConfigurationsModule,
  sendingModule,
];
