import type { DomainModule } from '../core/module.js';
import { credentialsModule } from '../credentials/module.js';
import { webhooksModule } from '../webhooks/module.js';
import { autoReplyModule } from '../sending/auto-reply-module.js';
import { channelConfigurationsModule } from '../channel-configurations/module.js';
import { sendingModule } from '../sending/module.js';

export type { DomainModule, DomainRuntime } from '../core/module.js';

/** Registered in dependency order. Each domain folder exports its module. */
export const DOMAIN_MODULES: DomainModule[] = [
  credentialsModule,
  webhooksModule,
  autoReplyModule,
  channelConfigurationsModule,
  sendingModule,
];
