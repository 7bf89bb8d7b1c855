import { getChannelConfiguration } from '../channel-configurations/service.js';
import { accountSendRefusal } from '../credentials/account/service.js';
import type { AppDeps } from '../core/deps.js';

/**
 * Refuses a send before anything is recorded when Meta's account_update said
 * the sender's WhatsApp Business Account cannot send it (deleted, banned,
 * offboarded, uninstalled, or a restriction covering this kind of message).
 * Checked before the configuration's own status, so the error names Meta's
 * event even after the configuration FAILED because of it.
 */
export async function refuseBlockedAccount(
  deps: AppDeps,
  sandboxId: string,
  channelConfigurationId: string,
  template: boolean,
): Promise<void> {
  const config = await getChannelConfiguration(deps, sandboxId, channelConfigurationId);
  if (!config?.credentialId) return;
  const refusal = await accountSendRefusal(deps, config.credentialId, { template });
  if (refusal) throw refusal;
}
