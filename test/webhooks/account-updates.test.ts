import { afterEach, describe, expect, it } from 'vitest';
import { graphql } from '../generated/index.js';
import type { Harness } from '../helpers/harness.js';
import { connectWs } from '../helpers/live.js';
import { cleanup, onCleanup } from '../helpers/world.js';
import { sqlRow, sqlValue } from '../helpers/sql.js';
import { readConfig, waitForConfigStatus } from '../channel-configurations/helpers.js';
import { UpdateDoc, waitForStatus } from '../credentials/helpers.js';
import type { SendWhatsAppMessageInput } from '../generated/graphql.js';
import { IDS, startSendWorld, waitUntil } from '../sending-e2e/helpers.js';
import { STANDARD_RULES, UpdateWebhookDoc, WebhooksDoc } from './helpers.js';

// Issue 15 point 2: Meta's account_update events move the credential (FAILED, or a restriction with its end
// time), its configurations follow the readiness rules, sends are refused with a typed error naming the event,
// subscribers hear it, and it lifts when Meta says so or the restriction expires.

afterEach(cleanup);

const AccountDoc = graphql(`
  query AccountBlockOf($id: ID!) {
    node(id: $id) {
      ... on WhatsAppApiCredential {
        status
        statusMessage
        warnings {
          code
        }
        accountBlock {
          kind
          event
          detail
          restrictionTypes
          until
        }
      }
    }
  }
`);

const SendDoc = graphql(`
  mutation AccountGateSend($input: SendWhatsAppMessageInput!) {
    sendWhatsAppMessage(input: $input) {
      __typename
      ... on SendWhatsAppMessageSuccess {
        data {
          id
          status
        }
      }
      ... on Error {
        message
        code
      }
      ... on WhatsAppAccountBlockedError {
        event
        restrictionTypes
        restrictedUntil
      }
    }
  }
`);

async function send(h: Harness, input: SendWhatsAppMessageInput) {
  const res = await h.gql(SendDoc, { input });
  expect(res.errors).toBeUndefined();
  const r = res.data!.sendWhatsAppMessage;
  return { ...r, message: 'message' in r ? r.message : '' };
}

async function account(h: Harness, id: string) {
  const res = await h.gql(AccountDoc, { id });
  expect(res.errors).toBeUndefined();
  const node = res.data!.node;
  if (!node || !('status' in node)) throw new Error('no credential');
  return node;
}

/** Every webhook delivery processed (the simulator waits for our 200; processing follows). */
async function settled(h: Harness): Promise<void> {
  await waitUntil(
    async () => (await sqlValue<number>(h.server, "SELECT count(*) FROM webhook_deliveries WHERE outcome = 'PENDING'")) === 0,
    10_000,
    'deliveries processed',
  );
}

function lastDetail(h: Harness): Promise<string> {
  return sqlValue<string>(h.server, 'SELECT detail FROM webhook_deliveries ORDER BY id DESC LIMIT 1');
}

const text = (configId: string) => ({ channelConfigurationId: configId, phoneNumber: '+16505550123', text: 'Hello' });
const template = (configId: string) => ({
  channelConfigurationId: configId,
  phoneNumber: '+16505550123',
  template: { name: 'hello_world', languageCode: 'en_US' },
});

describe('account_update', () => {
  it('DISABLED_UPDATE (ban): credential and configuration FAILED, sends refused naming the event; REINSTATE lifts both', async () => {
    const { sim, h, credentialId, configId } = await startSendWorld({ webhook: true, openWindow: true });
    const ban = await sim.sim.shapes.accountUpdate(IDS.waba.acmeMain, { event: 'DISABLED_UPDATE', banState: 'DISABLE' });
    expect(ban.status).toBe(200);
    await settled(h);
    await waitForStatus(h, credentialId, 'FAILED', 10_000);
    const failed = await account(h, credentialId);
    expect(failed.statusMessage).toContain('DISABLED_UPDATE');
    expect(failed.accountBlock).toMatchObject({ kind: 'FAILED', event: 'DISABLED_UPDATE', until: null });
    await waitForConfigStatus(h, configId, 'FAILED', 10_000);
    const config = await readConfig(h, configId);
    expect(config!.checks.find((c) => c.name === 'CREDENTIAL_ACTIVE')).toMatchObject({ status: 'FAILED' });

    const refused = await send(h, text(configId));
    expect(refused).toMatchObject({ __typename: 'WhatsAppAccountBlockedError', code: 'ACCOUNT_BLOCKED' });
    expect(refused.message).toContain('DISABLED_UPDATE');
    expect(sim.sim.sentMessages()).toHaveLength(0);

    // An inbound message meanwhile is recorded, and its auto-reply FAILS naming the event instead of reaching Meta.
    const hooks = await h.gql(WebhooksDoc, { first: 5 });
    const hookId = hooks.data!.whatsAppWebhooks.edges[0]!.node.id;
    const updated = await h.gql(UpdateWebhookDoc, { input: { id: hookId, keywordRules: STANDARD_RULES } });
    expect(updated.data!.updateWhatsAppWebhook.__typename).toBe('UpdateWhatsAppWebhookSuccess');
    await sim.sim.sendInboundText({ phoneNumberId: IDS.phone.acmeGreen, from: { waId: '16505550777' }, text: 'hi' });
    await settled(h);
    await h.server.deps.jobs.idle();
    const reply = await sqlRow<{ status: string; status_reason: string }>(
      h.server,
      "SELECT status, status_reason FROM whatsapp_messages WHERE direction = 'OUTBOUND' AND to_number = '+16505550777'",
    );
    expect(reply).toMatchObject({ status: 'FAILED', status_reason: expect.stringContaining('DISABLED_UPDATE') });
    expect(sim.sim.sentMessages()).toHaveLength(0);

    // A restriction does not outweigh a ban.
    await sim.sim.shapes.accountUpdate(IDS.waba.acmeMain, {
      event: 'ACCOUNT_RESTRICTION',
      restrictions: [{ type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiration: new Date(Date.now() + 3_600_000) }],
    });
    await settled(h);
    expect((await account(h, credentialId)).accountBlock).toMatchObject({ kind: 'FAILED', event: 'DISABLED_UPDATE' });

    await sim.sim.shapes.accountUpdate(IDS.waba.acmeMain, { event: 'DISABLED_UPDATE', banState: 'REINSTATE' });
    await settled(h);
    await waitForStatus(h, credentialId, 'ACTIVE', 10_000);
    expect((await account(h, credentialId)).accountBlock).toBeNull();
    await waitForConfigStatus(h, configId, 'ACTIVE', 15_000);
    const ok = await send(h, text(configId));
    expect(ok.__typename).toBe('SendWhatsAppMessageSuccess');
  });

  it.each([
    ['ACCOUNT_DELETED', {}],
    ['ACCOUNT_OFFBOARDED', {}],
    ['PARTNER_APP_UNINSTALLED', { wabaInfo: { wabaId: IDS.waba.acmeMain, partnerAppId: IDS.appId }, entryId: '2000000000000002' }],
  ] as const)('%s fails the credential and stays failed through a re-verification', async (event, extra) => {
    const { sim, h, credentialId, configId } = await startSendWorld({ webhook: true, openWindow: true });
    await sim.sim.shapes.accountUpdate(IDS.waba.acmeMain, { event, ...extra });
    await settled(h);
    await waitForStatus(h, credentialId, 'FAILED', 10_000);
    expect((await account(h, credentialId)).accountBlock).toMatchObject({ kind: 'FAILED', event });
    const refused = await send(h, template(configId));
    expect(refused).toMatchObject({ __typename: 'WhatsAppAccountBlockedError', event });
    // The same event again changes nothing more.
    await sim.sim.shapes.accountUpdate(IDS.waba.acmeMain, { event, ...extra });
    await settled(h);
    expect((await account(h, credentialId)).status).toBe('FAILED');
    // A new (working) token is verified with Meta again, and the credential still stays FAILED naming the event.
    const updated = await h.gql(UpdateDoc, { input: { id: credentialId, apiToken: IDS.token.systemUser } });
    expect(updated.errors).toBeUndefined();
    await waitUntil(
      async () =>
        (await h.server.deps.jobs.list({ kind: 'credentials.verify' })).every((j) => j.status !== 'queued' && j.status !== 'running'),
      10_000,
      'verification done',
    );
    await waitForStatus(h, credentialId, 'FAILED', 10_000);
    expect((await account(h, credentialId)).statusMessage).toContain(event);
  });

  it('ACCOUNT_RESTRICTION: templates refused until the expiration, then sends go out again by themselves; pushed to subscribers', async () => {
    const { sim, h, credentialId, configId } = await startSendWorld({ webhook: true, openWindow: true });
    const ws = connectWs(h.wsUrl, h.adminKey);
    onCleanup(() => ws.dispose());
    const sub = ws.subscribe(
      graphql(`
        subscription CredentialMoves($id: ID) {
          whatsAppApiCredentialStatusChanged(id: $id) {
            status
            credential {
              accountBlock {
                event
                until
              }
            }
          }
        }
      `),
      { id: credentialId },
    );
    await sub.events.next(); // the current status first
    const until = new Date(Date.now() + 2_500);
    await sim.sim.shapes.accountUpdate(IDS.waba.acmeMain, {
      event: 'ACCOUNT_RESTRICTION',
      restrictions: [
        { type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiration: until },
        { type: 'RESTRICTED_ADD_PHONE_NUMBER_ACTION', expiration: new Date(until.getTime() - 1_000) },
      ],
    });
    await settled(h);
    expect(await lastDetail(h)).toContain('account update ACCOUNT_RESTRICTION: 1 credential(s) restricted');
    const pushed = (await sub.events.next()).data!;
    expect(pushed.whatsAppApiCredentialStatusChanged).toMatchObject({
      status: 'ACTIVE',
      credential: {
        accountBlock: { event: 'ACCOUNT_RESTRICTION', until: new Date(Math.floor(until.getTime() / 1000) * 1000).toISOString() },
      },
    });
    const c = await account(h, credentialId);
    expect(c.status).toBe('ACTIVE');
    expect(c.accountBlock!.restrictionTypes).toEqual(['RESTRICTED_ADD_PHONE_NUMBER_ACTION', 'RESTRICTED_BIZ_INITIATED_MESSAGING']);

    const refused = await send(h, template(configId));
    expect(refused).toMatchObject({
      __typename: 'WhatsAppAccountBlockedError',
      event: 'ACCOUNT_RESTRICTION',
      restrictionTypes: ['RESTRICTED_ADD_PHONE_NUMBER_ACTION', 'RESTRICTED_BIZ_INITIATED_MESSAGING'],
    });
    // Replies inside the customer-service window are not business-initiated: they still go out.
    expect((await send(h, text(configId))).__typename).toBe('SendWhatsAppMessageSuccess');

    // The end time passes: the expiry job lifts it and subscribers hear it.
    const lifted = (await sub.events.next()).data!;
    expect(lifted.whatsAppApiCredentialStatusChanged.credential.accountBlock).toBeNull();
    expect((await send(h, template(configId))).__typename).toBe('SendWhatsAppMessageSuccess');
    sub.unsubscribe();
  });

  it('ACCOUNT_VIOLATION warns; an event about a WABA no credential uses is quarantined and changes nothing', async () => {
    const { sim, h, credentialId } = await startSendWorld({ webhook: true, openWindow: true });
    await sim.sim.shapes.accountUpdate(IDS.waba.acmeMain, { event: 'ACCOUNT_VIOLATION', violationType: 'SCAM' });
    await settled(h);
    const warned = await account(h, credentialId);
    expect(warned.status).toBe('ACTIVE');
    expect(warned.warnings.map((w) => w.code)).toContain('ACCOUNT_VIOLATION');

    await sim.sim.shapes.accountUpdate(IDS.waba.other, { event: 'ACCOUNT_DELETED' });
    await settled(h);
    expect(await lastDetail(h)).toContain('quarantined');
    expect((await account(h, credentialId)).status).toBe('ACTIVE');
    const outcome = await sqlValue(h.server, 'SELECT outcome FROM webhook_deliveries ORDER BY id DESC LIMIT 1');
    expect(outcome).toBe('QUARANTINED');
  });
});
