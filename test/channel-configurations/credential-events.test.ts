import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useWorld } from '../helpers/world.js';
import { connectWs, type WsConnection } from '../helpers/live.js';
import { UpdateDoc as UpdateCredentialDoc, waitForStatus } from '../credentials/helpers.js';
import {
  activeCredential,
  check,
  configInput,
  createConfig,
  DeactivateConfigDoc,
  IDS,
  NUMBERS,
  readConfig,
  StatusSubDoc,
  waitForConfigStatus,
} from './helpers.js';

/**
 * Acceptance 8 (second half): a credential that becomes FAILED takes its ACTIVE
 * configurations with it, with a reason naming the credential; when the
 * credential is fixed (a new token), the configurations that failed because of
 * it are checked again and become ACTIVE.
 */

const w = useWorld();
let ws: WsConnection;

beforeAll(async () => {
  ws = connectWs(w.h.wsUrl, w.h.adminKey);
});

afterAll(async () => {
  await ws?.dispose();
});

describe('credential status changes', () => {
  it('credential FAILED → configuration FAILED → credential fixed → configuration ACTIVE again', async () => {
    const credentialId = await activeCredential(w.h, 'events cred');
    const config = await createConfig(w.h, configInput('follows-credential', credentialId));
    await waitForConfigStatus(w.h, config.id, 'ACTIVE');
    // Configurations the credential must not move: a draft, a deactivated one, one that failed for its own reason.
    const draft = await createConfig(w.h, { ...configInput('cred-draft', credentialId), saveAsDraft: true });
    const off = await createConfig(w.h, configInput('cred-off', credentialId));
    await waitForConfigStatus(w.h, off.id, 'ACTIVE');
    await w.h.gql(DeactivateConfigDoc, { input: { id: off.id } });
    const ownFailure = await createConfig(
      w.h,
      configInput('cred-own-failure', credentialId, { whatsApp: { apiCredentialId: credentialId, senderPhoneNumber: NUMBERS.other } }),
    );
    const ownFailed = await waitForConfigStatus(w.h, ownFailure.id, 'FAILED');

    const sub = ws.subscribe(StatusSubDoc, { id: config.id });
    expect((await sub.events.next()).data!.channelConfigurationStatusChanged.status).toBe('ACTIVE');

    // The credential fails: Meta rejects its new token.
    const broken = await w.h.gql(UpdateCredentialDoc, { input: { id: credentialId, apiToken: IDS.token.expired } });
    expect(broken.data!.updateWhatsAppApiCredential.__typename).toBe('UpdateWhatsAppApiCredentialSuccess');
    await waitForStatus(w.h, credentialId, 'FAILED');
    const failed = await waitForConfigStatus(w.h, config.id, 'FAILED');
    expect(failed.statusReason).toMatch(/^CREDENTIAL_ACTIVE: The WhatsApp API credential "events cred" is FAILED: /);
    expect(check(failed, 'CREDENTIAL_ACTIVE')).toMatchObject({ status: 'FAILED' });
    expect(check(failed, 'CREDENTIAL_ACTIVE').message).toContain('"events cred" is FAILED');
    expect(check(failed, 'CREDENTIAL_ACTIVE').remedy).toMatch(/checked again automatically/);
    expect((await sub.events.next()).data!.channelConfigurationStatusChanged).toMatchObject({ previousStatus: 'ACTIVE', status: 'FAILED' });

    // Fixed: a valid token. The configuration is checked again on its own.
    await w.h.gql(UpdateCredentialDoc, { input: { id: credentialId, apiToken: IDS.token.systemUser } });
    await waitForStatus(w.h, credentialId, 'ACTIVE');
    expect((await sub.events.next()).data!.channelConfigurationStatusChanged).toMatchObject({
      previousStatus: 'FAILED',
      status: 'PROCESSING',
    });
    expect((await sub.events.next()).data!.channelConfigurationStatusChanged).toMatchObject({
      previousStatus: 'PROCESSING',
      status: 'ACTIVE',
    });
    const active = await waitForConfigStatus(w.h, config.id, 'ACTIVE');
    expect(active.checks.every((c) => c.status === 'PASSED')).toBe(true);
    await sub.events.none(200);
    sub.unsubscribe();

    expect((await readConfig(w.h, draft.id))!.status).toBe('DRAFT');
    expect((await readConfig(w.h, off.id))!.status).toBe('DEACTIVATED');
    // It failed for its sender number, not the credential: not re-run by the recovery.
    const stillFailed = await readConfig(w.h, ownFailure.id);
    expect(stillFailed).toMatchObject({ status: 'FAILED', statusChangedAt: ownFailed.statusChangedAt });
    expect(check(stillFailed!, 'SENDER_NUMBER').status).toBe('FAILED');
  });
});
