import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { graphql } from '../generated/index.js';
import type { Harness } from '../helpers/harness.js';
import { sqlColumn, sqlRow } from '../helpers/sql.js';
import { activeCredential, cleanup, connectedWorld, rawId } from '../helpers/world.js';
import { ConsentDoc, IDS, repliesTo, settledDeliveries, waitUntil } from './helpers.js';

// Issue 15 points 7, 8, 9 and 10: identity changes move the contact and its consent (with provenance),
// user_preferences `signup` is an opt-in, consent is readable by BSUID, and one app's webhook routes a
// delivery to whichever credential of the sandbox owns the number (quarantining, logging and counting the rest).

afterEach(cleanup);

const phoneNumberId = IDS.phone.acmeGreen;

const ByUserIdDoc = graphql(`
  query ConsentByUserId($userId: String!) {
    consentByUserId(userId: $userId) {
      userId
      phoneNumber
      status
      history(first: 10) {
        status
        source
        detail
      }
    }
  }
`);

const QuarantineDoc = graphql(`
  query QuarantineCount($id: ID!) {
    node(id: $id) {
      ... on WhatsAppWebhook {
        quarantinedDeliveries
      }
    }
  }
`);

async function consent(h: Harness, phoneNumber: string) {
  const res = await h.gql(ConsentDoc, { phoneNumber });
  expect(res.errors).toBeUndefined();
  return res.data!.consent;
}

async function settle(h: Harness, webhookId: string, n: number) {
  await settledDeliveries(h, webhookId, n);
  await h.server.deps.jobs.idle();
}

describe('identity changes', () => {
  it('user_changed_number moves the contact and its consent to the new number, with provenance', async () => {
    const { sim, h, webhook } = await connectedWorld();
    await sim.sim.sendInboundText({ phoneNumberId, from: { waId: '16505558001' }, text: 'STOP' });
    await settle(h, webhook.id, 1);
    expect((await consent(h, '+16505558001')).status).toBe('OPTED_OUT');

    await sim.sim.shapes.system(phoneNumberId, {
      from: { waId: '16505558001' },
      systemType: 'user_changed_number',
      newWaId: '16505558002',
      userId: 'US.200000000000000002',
    });
    await settle(h, webhook.id, 2);
    const moved = await consent(h, '+16505558002');
    expect(moved.status).toBe('OPTED_OUT');
    expect(moved.history[0]).toMatchObject({ status: 'OPTED_OUT', source: 'NUMBER_CHANGE' });
    const byId = await h.gql(ByUserIdDoc, { userId: 'US.200000000000000002' });
    expect(byId.data!.consentByUserId).toMatchObject({ status: 'OPTED_OUT', phoneNumber: '+16505558002' });
    const events = await sqlColumn<string>(h.server, "SELECT detail FROM tracking_events WHERE type = 'SYSTEM'");
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!)).toMatchObject({ systemType: 'user_changed_number', previousPhoneNumber: '+16505558001' });
  });

  it('system user_changed_user_id and the user_id_update field move a BSUID-only user, whose consent reads by BSUID', async () => {
    const { sim, h, webhook } = await connectedWorld();
    const first = 'US.300000000000000001';
    await sim.sim.sendInboundText({ phoneNumberId, from: { userId: first }, text: 'STOP' });
    await settle(h, webhook.id, 1);
    expect((await h.gql(ByUserIdDoc, { userId: first })).data!.consentByUserId).toMatchObject({ status: 'OPTED_OUT', phoneNumber: null });

    await sim.sim.shapes.system(phoneNumberId, {
      from: { userId: first },
      systemType: 'user_changed_user_id',
      userId: 'US.300000000000000002',
      previousUserId: first,
    });
    await sim.sim.shapes.userIdUpdate(phoneNumberId, { previousUserId: 'US.300000000000000002', userId: 'US.300000000000000003' });
    await settle(h, webhook.id, 3);
    expect((await h.gql(ByUserIdDoc, { userId: 'US.300000000000000003' })).data!.consentByUserId.status).toBe('OPTED_OUT');
    expect((await h.gql(ByUserIdDoc, { userId: first })).data!.consentByUserId.status).toBe('UNKNOWN');

    const bad = await h.gql(ByUserIdDoc, { userId: '+16505550000' });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('user_preferences signup is an opt-in in the ledger', async () => {
    const { sim, h, webhook } = await connectedWorld();
    await sim.sim.emitUserPreference(phoneNumberId, { waId: '16505558010' }, 'signup');
    await settle(h, webhook.id, 1);
    const c = await consent(h, '+16505558010');
    expect(c.status).toBe('OPTED_IN');
    expect(c.history[0]).toMatchObject({ status: 'OPTED_IN', source: 'USER_PREFERENCES' });
  });
});

describe('one Meta app, several numbers', () => {
  it('routes a delivery to the credential that owns the number; quarantines, logs and counts the rest', async () => {
    const { sim, h, webhook } = await connectedWorld();
    const second = rawId(await activeCredential(h, 'second number', IDS.phone.acmeYellowHigh));
    const waId = '16505558020';
    const r = await sim.sim.sendInboundText({ phoneNumberId: IDS.phone.acmeYellowHigh, from: { waId }, text: 'hello' });
    await settle(h, webhook.id, 1);
    const row = await sqlRow<{ credential_id: string }>(h.server, 'SELECT credential_id FROM whatsapp_messages WHERE wamid = ?', r.wamid);
    expect(row!.credential_id).toBe(second);
    // The DEFAULT reply goes out from the number the user wrote to.
    await waitUntil(() => repliesTo(sim, waId).length === 1, 10_000, 'reply');
    expect(sim.sim.sentMessages({ to: `+${waId}` })[0]!.phoneNumberId).toBe(IDS.phone.acmeYellowHigh);

    await sim.sim.sendInboundText({ phoneNumberId: IDS.phone.other, from: { waId }, text: 'hello' });
    const [, quarantined] = await settledDeliveries(h, webhook.id, 2);
    expect(quarantined).toMatchObject({ outcome: 'QUARANTINED' });
    expect(quarantined!.detail).toContain(IDS.phone.other);
    expect(h.logs.text()).toContain('webhook delivery quarantined');
    const count = await h.gql(QuarantineDoc, { id: webhook.id });
    expect(count.data!.node).toMatchObject({ quarantinedDeliveries: 1 });

    // A quality update about the second number is applied to its credential, not quarantined.
    await sim.sim.emitQualityUpdate(IDS.phone.acmeYellowHigh, {
      event: 'THROUGHPUT_UPGRADE',
      maxDailyConversationsPerBusiness: 'TIER_10K',
    });
    const [, , quality] = await settledDeliveries(h, webhook.id, 3);
    expect(quality).toMatchObject({ outcome: 'PROCESSED' });
    expect(quality!.detail).toContain('phone number update(s) (THROUGHPUT_UPGRADE)');
  });
});

describe('the simulator control API speaks these shapes too', () => {
  it('inbound (any type, groups), system, user-id-update and account-update over HTTP', async () => {
    const { sim, h, webhook } = await connectedWorld();
    const post = async (path: string, body: unknown) => {
      const res = await request(`${sim.baseUrl}/__simulator/webhook/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = (await res.body.json()) as { delivery: { status: number } };
      expect(res.statusCode).toBe(200);
      expect(json.delivery.status).toBe(200);
    };
    await post('inbound', { phoneNumberId, from: { waId: '16505558030' }, type: 'location' });
    await post('inbound', { phoneNumberId, from: { waId: '16505558030' }, type: 'text', body: { text: { body: 'STOP' } }, groupId: 'G.1' });
    await post('system', { phoneNumberId, from: { waId: '16505558030' }, systemType: 'user_changed_number', newWaId: '16505558031' });
    await post('user-id-update', { phoneNumberId, previousUserId: 'US.400000000000000001', userId: 'US.400000000000000002' });
    await post('account-update', { wabaId: IDS.waba.acmeMain, event: 'ACCOUNT_VIOLATION', violationType: 'SPAM' });
    const all = await settledDeliveries(h, webhook.id, 5);
    expect(all.map((d) => d.outcome)).toEqual(['PROCESSED', 'PROCESSED', 'PROCESSED', 'PROCESSED', 'PROCESSED']);
    expect((await consent(h, '+16505558031')).status).toBe('UNKNOWN');
  });
});
