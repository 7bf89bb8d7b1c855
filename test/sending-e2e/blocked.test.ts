import { beforeAll, describe, expect, it } from 'vitest';
import { useWorld } from '../helpers/world.js';
import { configInput, createConfig, waitForConfigStatus } from '../channel-configurations/helpers.js';
import { configureSender, ConsentDoc, EventsDoc, report, sendOk, startSendWorld, upsertProfile, waitUntil } from './helpers.js';

// Issue 8, acceptance 2: opted-out recipients, failing consent policies, a missing execution-field attribute
// and an invalid number are BLOCKED with the reason; nothing reaches Meta.

const w = useWorld(() => startSendWorld({ webhook: true }));
/** A configuration carrying the seeded WhatsApp marketing action (its policy needs consents.marketing.whatsApp.val = "y"). */
let marketingConfigId: string;
const template = { name: 'hello_world', languageCode: 'en_US' };

beforeAll(async () => {
  marketingConfigId = (await configureSender(w.h, w.sim, 'marketing', { marketingKeys: ['whatsapp_marketing'] })).configId;
  await upsertProfile(w.h, 'stopped', { mobilePhone: { number: '+16505550101' } });
  await upsertProfile(w.h, 'no-consent', { mobilePhone: { number: '+16505550102' }, consents: { marketing: { whatsApp: { val: 'n' } } } });
  await upsertProfile(w.h, 'consented', { mobilePhone: { number: '+16505550103' }, consents: { marketing: { whatsApp: { val: 'y' } } } });
  await upsertProfile(w.h, 'no-number', { email: 'x@example.com' });
  await upsertProfile(w.h, 'bad-number', { mobilePhone: { number: 'call me maybe' } });
  await upsertProfile(w.h, 'elsewhere', { contact: { whatsapp: '+16505550104' } });
}, 40_000);

async function expectBlocked(input: Parameters<typeof sendOk>[1], reason: RegExp) {
  const sent = w.sim.sim.sentMessages().length;
  const m = await sendOk(w.h, input);
  expect(m.status).toBe('BLOCKED');
  expect(m.statusReason).toMatch(reason);
  expect(m.wamid).toBeNull();
  expect(w.sim.sim.sentMessages()).toHaveLength(sent);
  return m;
}

describe('checked before anything reaches Meta', () => {
  it('an opted-out recipient (Meta marketing stop through the webhook) is BLOCKED', async () => {
    const delivery = await w.sim.sim.emitUserPreference(w.phoneNumberId, { waId: '16505550101' }, 'stop');
    expect(delivery.status).toBe(200);
    await waitUntil(
      async () => (await w.h.gql(ConsentDoc, { phoneNumber: '+16505550101' })).data?.consent.status === 'OPTED_OUT',
      10_000,
      'opt-out',
    );
    const m = await expectBlocked({ channelConfigurationId: w.configId, profileId: 'stopped', template }, /opted out/);
    expect(m.to).toBe('+16505550101');
    // The same number given directly is blocked too.
    await expectBlocked({ channelConfigurationId: w.configId, phoneNumber: '16505550101', template }, /opted out/);
  });

  it("a marketing action's consent policy the profile fails is BLOCKED naming the policy; a consenting profile is sent", async () => {
    const m = await expectBlocked({ channelConfigurationId: marketingConfigId, profileId: 'no-consent', template }, /WhatsApp marketing/);
    expect(m.statusReason).toContain('consents.marketing.whatsApp.val');
    // A bare number has no profile: a policy that needs an attribute fails.
    await expectBlocked(
      { channelConfigurationId: marketingConfigId, phoneNumber: '+16505550105', template },
      /WhatsApp marketing.*missing/,
    );
    const ok = await sendOk(w.h, { channelConfigurationId: marketingConfigId, profileId: 'consented', template });
    expect(ok.status).toBe('SENT');
    expect(w.sim.sim.sentMessages({ to: '+16505550103' })).toHaveLength(1);
  });

  it('a profile without the execution-field attribute, or with an invalid number, is BLOCKED with that reason', async () => {
    const missing = await expectBlocked({ channelConfigurationId: w.configId, profileId: 'no-number', template }, /no mobilePhone\.number/);
    expect(missing.to).toBeNull();
    const invalid = await expectBlocked(
      { channelConfigurationId: w.configId, profileId: 'bad-number', template },
      /not a valid phone number/,
    );
    expect(invalid.to).toBeNull();
  });

  it("the configuration's own execution field is where the number is read", async () => {
    const config = await createConfig(
      w.h,
      configInput('elsewhere-config', w.credentialId, {
        whatsApp: { apiCredentialId: w.credentialId, senderPhoneNumber: '+15550100001', executionField: 'contact.whatsapp' },
      }),
    );
    await waitForConfigStatus(w.h, config.id, 'ACTIVE', 15_000);
    const m = await sendOk(w.h, { channelConfigurationId: config.id, profileId: 'elsewhere', template });
    expect(m).toMatchObject({ status: 'SENT', to: '+16505550104' });
    await expectBlocked({ channelConfigurationId: config.id, profileId: 'consented', template }, /no contact\.whatsapp/);
  });

  it('each BLOCKED message has one BLOCKED tracking event, and the report counts them', async () => {
    const res = await w.h.gql(EventsDoc, { type: 'BLOCKED' });
    const events = res.data!.trackingEvents;
    expect(events.totalCount).toBe(7);
    expect(new Set(events.edges.map((e) => e.node.message?.id)).size).toBe(7);
    expect((events.edges[0]!.node.detail as { reason: string }).reason).toBeTruthy();
    expect(await report(w.h, { channelConfigurationId: w.configId })).toMatchObject({ blocked: 4, sent: 0 });
    expect(await report(w.h, { channelConfigurationId: marketingConfigId })).toMatchObject({ blocked: 2, sent: 1 });
    expect(await report(w.h)).toMatchObject({ blocked: 7, sent: 2, optOuts: 1 });
  });
});
