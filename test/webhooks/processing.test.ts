import { afterEach, describe, expect, it } from 'vitest';
import { signWebhookBody } from '../../src/meta/index.js';
import {
  batchPayload,
  inboundTextPayload,
  qualityUpdatePayload,
  statusPayload,
  userPreferencesPayload,
  type WebhookPayloadJson,
} from '../../src/meta-simulator/index.js';
import { QualitySubDoc } from '../credentials/helpers.js';
import { connectWs } from '../helpers/live.js';
import { sqlValue } from '../helpers/sql.js';
import { cleanup, connectedWorld, onCleanup } from '../helpers/world.js';
import { ConsentDoc, DeliveriesDoc, IDS, MessagesDoc, postRaw, repliesTo, settledDeliveries, TrackingDoc, waitUntil } from './helpers.js';
import type { Harness } from '../helpers/harness.js';

// Acceptance 6: one POST with several entries and changes is processed whole; unknown fields and values are
// ignored. Also: quarantine (foreign phone_number_id, unreadable bodies), quality updates reaching
// whatsAppPhoneNumberQualityChanged subscribers, Meta's marketing stop/resume.

afterEach(cleanup);

async function consentStatus(h: Harness, waId: string): Promise<string> {
  return (await h.gql(ConsentDoc, { phoneNumber: `+${waId}` })).data!.consent.status;
}

describe('webhook processing', () => {
  it('processes every entry and change of one POST and ignores what it does not know', async () => {
    const { sim, h, webhook } = await connectedWorld();
    const green = sim.sim.numberRef(IDS.phone.acmeGreen);
    const helpFrom = inboundTextPayload(green, { waId: '16505558001', name: 'Ana' }, 'help');
    const stopFrom = inboundTextPayload(green, { waId: '16505558002' }, ' STOP ');
    const hello = inboundTextPayload(green, { waId: '16505558003', userId: 'US.13491208655302741918' }, 'hello there');
    // Unknown fields at every level, and an unknown status value: kept in the body, ignored.
    const msg = (hello.entry[0]!.changes[0]!.value.messages as Array<Record<string, unknown>>)[0]!;
    msg.some_future_field = { nested: [1, 2, 3] };
    hello.entry[0]!.changes[0]!.value.another_new_thing = true;
    const oddStatus = statusPayload(green, [{ wamid: 'wamid.unknown-status-value', status: 'deleted_by_user' }]);
    const prefs = userPreferencesPayload(green, { waId: '16505558004' }, [{ value: 'stop' }]);
    const futureField: WebhookPayloadJson = {
      object: 'whatsapp_business_account',
      entry: [{ id: IDS.waba.acmeMain, time: 1_750_000_000, changes: [{ field: 'some_future_field', value: { event: 'NEW_THING' } }] }],
    };
    const templateUpdate: WebhookPayloadJson = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: IDS.waba.acmeMain,
          time: 1_751_247_548,
          changes: [
            {
              field: 'message_template_status_update',
              value: {
                event: 'APPROVED',
                message_template_id: 1689556908129832,
                message_template_name: 'order_confirmation',
                message_template_language: 'en-US',
                reason: 'NONE',
              },
            },
          ],
        },
      ],
    };
    const payload = batchPayload(helpFrom, stopFrom, hello, oddStatus, prefs, futureField, templateUpdate);
    (payload as unknown as Record<string, unknown>).top_level_extra = 'ignored';
    expect(payload.entry.length).toBeGreaterThanOrEqual(2);

    // Users who write open Meta's 24 h customer-service window (sendInboundText does this; a raw batch does not).
    for (const waId of ['16505558001', '16505558002', '16505558003']) sim.sim.openServiceWindow(IDS.phone.acmeGreen, waId);
    const r = await sim.sim.emitPayload(payload);
    expect(r.status).toBe(200);
    const [delivery] = await settledDeliveries(h, webhook.id, 1);
    expect(delivery).toMatchObject({ outcome: 'PROCESSED', changes: 7 });
    expect(delivery!.detail).toContain('3 inbound message(s) recorded');
    expect(delivery!.detail).toContain('1 status(es) ignored');
    expect(delivery!.detail).toContain('1 marketing preference(s) applied');
    expect(delivery!.detail).toContain('some_future_field');

    await waitUntil(() => repliesTo(sim, '16505558003').length === 1, 10_000, 'replies');
    expect(repliesTo(sim, '16505558001')).toEqual(['Reply STOP to unsubscribe, START to subscribe.']);
    expect(repliesTo(sim, '16505558002')).toEqual(['You are unsubscribed. Reply START to come back.']);
    expect(repliesTo(sim, '16505558003')).toEqual(['Thanks for your message; we will get back to you.']);
    expect(await consentStatus(h, '16505558002')).toBe('OPTED_OUT');
    const marketingStop = (await h.gql(ConsentDoc, { phoneNumber: '+16505558004' })).data!.consent;
    expect(marketingStop.status).toBe('OPTED_OUT');
    expect(marketingStop.history[0]!.source).toBe('USER_PREFERENCES');
    expect((await h.gql(TrackingDoc, { type: 'INBOUND' })).data!.trackingEvents.totalCount).toBe(3);

    const node = await h.gql(DeliveriesDoc, { id: webhook.id, first: 1 });
    expect(node.data!.node && 'lastEventAt' in node.data!.node && node.data!.node.lastEventAt).toBeTruthy();
  });

  it('quarantines changes about a number that is not the webhook credential’s, and applies the rest', async () => {
    const { sim, h, webhook } = await connectedWorld();
    const foreignRef = sim.sim.numberRef(IDS.phone.acmeYellowHigh); // same WABA and app, another number
    const foreign = inboundTextPayload(foreignRef, { waId: '16505559001' }, 'STOP');
    const own = inboundTextPayload(sim.sim.numberRef(IDS.phone.acmeGreen), { waId: '16505559002' }, 'hello');

    expect((await sim.sim.emitPayload(foreign)).status).toBe(200);
    expect((await sim.sim.emitPayload(batchPayload(foreign, own))).status).toBe(200);
    expect((await sim.sim.emitQualityUpdate(IDS.phone.acmeYellowHigh, { event: 'FLAGGED' })).status).toBe(200);
    const [alone, mixed, quality] = await settledDeliveries(h, webhook.id, 3);
    expect(alone!.outcome).toBe('QUARANTINED');
    expect(alone!.detail).toContain(`phone number ${IDS.phone.acmeYellowHigh}, which no credential of this sandbox owns`);
    expect(mixed!.outcome).toBe('QUARANTINED');
    expect(mixed!.detail).toContain('1 inbound message(s) recorded');
    expect(quality!.outcome).toBe('QUARANTINED');

    const messages = (await h.gql(MessagesDoc, { first: 20 })).data!.whatsAppMessages.edges.map((e) => e.node);
    expect(messages.filter((m) => m.direction === 'INBOUND').map((m) => m.text)).toEqual(['hello']);
    expect(await consentStatus(h, '16505559001')).toBe('UNKNOWN');
  });

  it('a body with a valid signature that is not valid JSON (or not a WABA notification) is acknowledged and quarantined', async () => {
    const { h, webhook, url } = await connectedWorld();
    for (const body of ['{"object": "whatsapp_business_account", "entry": [', '[1,2,3]', '{"object":"page","entry":[]}', '']) {
      const bytes = Buffer.from(body);
      const res = await postRaw(url, bytes, { 'x-hub-signature-256': signWebhookBody(bytes, IDS.appSecret) });
      expect(res.status, body).toBe(200);
    }
    const all = await settledDeliveries(h, webhook.id, 4);
    expect(all.map((d) => d.outcome)).toEqual(['QUARANTINED', 'QUARANTINED', 'QUARANTINED', 'QUARANTINED']);
    expect(all[0]!.detail).toContain('not valid JSON');
    expect(all[2]!.detail).toContain('not a WhatsApp Business Account notification');
  });

  it('a phone_number_quality_update re-reads the number and reaches whatsAppPhoneNumberQualityChanged subscribers', async () => {
    const { sim, h, webhook, credentialId } = await connectedWorld();
    const ws = connectWs(h.wsUrl, h.adminKey);
    onCleanup(() => ws.dispose());
    const sub = ws.subscribe(QualitySubDoc, { credentialId });
    const sandboxId = await sqlValue<string>(h.server, 'SELECT sandbox_id FROM whatsapp_webhooks');
    await waitUntil(() => h.server.deps.pubsub.listenerCount(sandboxId, 'credential:quality-changed') > 0, 5_000, 'subscribed');

    sim.sim.setPhoneNumber(IDS.phone.acmeGreen, { qualityRating: 'RED', messagingLimitTier: 'TIER_250' });
    const ref = sim.sim.numberRef(IDS.phone.acmeGreen);
    const r = await sim.sim.emitPayload(
      qualityUpdatePayload(ref.wabaId, { displayPhoneNumber: ref.displayPhoneNumber, event: 'DOWNGRADE', currentLimit: 'TIER_250' }),
    );
    expect(r.status).toBe(200);
    const event = (await sub.events.next()).data!.whatsAppPhoneNumberQualityChanged;
    expect(event).toMatchObject({
      previousQualityRating: 'GREEN',
      qualityRating: 'RED',
      source: 'webhook',
      credential: { id: credentialId },
    });
    const [delivery] = await settledDeliveries(h, webhook.id, 1);
    expect(delivery).toMatchObject({ outcome: 'PROCESSED' });
    expect(delivery!.detail).toContain('phone number update(s) (DOWNGRADE)');

    // The same notification again: a duplicate, no second event.
    await sim.sim.emitPayload(
      qualityUpdatePayload(ref.wabaId, {
        displayPhoneNumber: ref.displayPhoneNumber,
        event: 'DOWNGRADE',
        currentLimit: 'TIER_250',
        time: new Date(Number(JSON.parse(r.rawBody.toString()).entry[0].time) * 1000),
      }),
    );
    await settledDeliveries(h, webhook.id, 2);
    await sub.events.none(200);
  });

  it('user_preferences stop and resume change consent (Meta’s marketing opt-out), once each', async () => {
    const { sim, h, webhook } = await connectedWorld();
    const waId = '16505559501';
    expect((await sim.sim.emitUserPreference(IDS.phone.acmeGreen, { waId }, 'stop')).status).toBe(200);
    await settledDeliveries(h, webhook.id, 1);
    expect(await consentStatus(h, waId)).toBe('OPTED_OUT');
    await new Promise((r) => setTimeout(r, 1_100)); // Meta's timestamps have one-second resolution
    expect((await sim.sim.emitUserPreference(IDS.phone.acmeGreen, { waId }, 'resume')).status).toBe(200);
    const [, second] = await settledDeliveries(h, webhook.id, 2);
    expect(second!.detail).toContain('1 marketing preference(s) applied');
    expect(await consentStatus(h, waId)).toBe('OPTED_IN');
    expect(repliesTo(sim, waId)).toEqual([]);
  });
});
