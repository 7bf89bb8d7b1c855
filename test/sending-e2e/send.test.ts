import { beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { useWorld } from '../helpers/world.js';
import { graphql } from '../generated/index.js';
import { configInput, createConfig, DeactivateConfigDoc, waitForConfigStatus } from '../channel-configurations/helpers.js';
import { sqlValue } from '../helpers/sql.js';
import {
  CancelBatchDoc,
  NUMBERS,
  rawId,
  readMessage,
  report,
  send,
  SendBatchDoc,
  SendDoc,
  sendOk,
  startSendWorld,
  upsertProfile,
  waitUntil,
} from './helpers.js';

// Issue 8, acceptance 1 (text and template through an ACTIVE configuration, statuses to READ, the report),
// 131047, sends to a bare number, and every input rule (typed error, nothing sent, nothing recorded).

const w = useWorld(() => startSendWorld({ webhook: true }));
beforeAll(async () => {
  await upsertProfile(w.h, 'ana', { firstName: 'Ana', mobilePhone: { number: '+1 650 555 0001' } });
  await upsertProfile(w.h, 'ben', { firstName: 'Ben', mobilePhone: { number: '+16505550002' } });
  await upsertProfile(w.h, 'cid', { firstName: 'Cid', mobilePhone: { number: '+16505550003' } });
}, 30_000);

const messages = () => sqlValue<number>(w.h.server, 'SELECT count(*) AS n FROM whatsapp_messages');

describe('sendWhatsAppMessage through an ACTIVE configuration', () => {
  it('sends text and a template exactly as Meta documents them; statuses move them forward; the report counts them', async () => {
    w.sim.sim.openServiceWindow(w.phoneNumberId, '+16505550001');
    const text = await sendOk(w.h, { channelConfigurationId: w.configId, profileId: 'ana', text: 'Hi {{profile.firstName}}!' });
    expect(text).toMatchObject({ status: 'SENT', direction: 'OUTBOUND', to: '+16505550001', from: NUMBERS.acmeGreen, text: 'Hi Ana!' });
    expect(text.wamid).toMatch(/^wamid\./);
    expect(text.channelConfiguration?.id).toBe(w.configId);
    const sent = w.sim.sim.sentMessages();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.wamid).toBe(text.wamid);
    expect(sent[0]!.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+16505550001',
      type: 'text',
      text: { body: 'Hi Ana!' },
      biz_opaque_callback_data: rawId(text.id),
    });

    const template = await sendOk(w.h, {
      channelConfigurationId: w.configId,
      profileId: 'ben',
      template: { name: 'order_update', languageCode: 'en_US', bodyParameters: ['{{profile.firstName}}', 'A-1042'] },
    });
    expect(template.status).toBe('SENT');
    expect(template.template).toMatchObject({ name: 'order_update', languageCode: 'en_US', bodyParameters: ['Ben', 'A-1042'] });
    expect(w.sim.sim.sentMessages()[1]!.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+16505550002',
      type: 'template',
      template: {
        name: 'order_update',
        language: { code: 'en_US' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Ben' },
              { type: 'text', text: 'A-1042' },
            ],
          },
        ],
      },
      biz_opaque_callback_data: rawId(template.id),
    });

    // Meta's statuses arrive through the verified webhook.
    await w.sim.sim.emitStatusesFor(text.wamid!, ['sent', 'delivered', 'read']);
    await w.sim.sim.emitStatusesFor(template.wamid!, ['sent', 'delivered']);
    await waitUntil(async () => (await readMessage(w.h, text.id)).status === 'READ', 10_000, 'text READ');
    await waitUntil(async () => (await readMessage(w.h, template.id)).status === 'DELIVERED', 10_000, 'template DELIVERED');
    const r = await report(w.h, { channelConfigurationId: w.configId });
    expect(r).toMatchObject({
      sent: 2,
      delivered: 2,
      read: 1,
      failed: 0,
      blocked: 0,
      clicked: 0,
      deliveryRate: 1,
      readRate: 0.5,
      clickRate: 0,
    });
    // A window that ends before the sends counts nothing (and has no rates).
    const before = await report(w.h, { channelConfigurationId: w.configId, until: new Date(Date.parse(text.createdAt) - 1).toISOString() });
    expect(before).toMatchObject({ sent: 0, deliveryRate: null, readRate: null, clickRate: null });
  });

  it('sends to a bare phone number (normalised to E.164)', async () => {
    w.sim.sim.openServiceWindow(w.phoneNumberId, '+16505550009');
    const m = await sendOk(w.h, { channelConfigurationId: w.configId, phoneNumber: '+1 (650) 555-0009', text: 'Your code is ready' });
    expect(m).toMatchObject({ status: 'SENT', to: '+16505550009' });
    expect(w.sim.sim.sentMessages({ to: '+16505550009' })).toHaveLength(1);
  });

  it('free text outside the 24-hour window: Meta answers 131047 and the message FAILED says to use a template', async () => {
    const m = await sendOk(w.h, { channelConfigurationId: w.configId, profileId: 'cid', text: 'Hello again' });
    expect(m.status).toBe('FAILED');
    expect(m.metaErrorCode).toBe(131047);
    expect(m.statusReason).toMatch(/24-hour/);
    expect(m.statusReason).toMatch(/template/);
    expect(w.sim.sim.sentMessages({ to: '+16505550003' })).toHaveLength(0);
    expect(w.sim.sim.rejectedSends().map((r) => r.code)).toContain(131047);
  });
});

describe('input rules: a typed error, nothing sent, nothing recorded', () => {
  const cases: Array<[string, Record<string, unknown>, string[]]> = [
    ['neither profileId nor phoneNumber', { text: 'hi' }, ['profileId']],
    ['both profileId and phoneNumber', { profileId: 'ana', phoneNumber: '+16505550001', text: 'hi' }, ['profileId']],
    ['a phone number that is not one', { phoneNumber: '12ab', text: 'hi' }, ['phoneNumber']],
    ['neither text nor template', { profileId: 'ana' }, ['text']],
    ['both text and template', { profileId: 'ana', text: 'hi', template: { name: 'hello_world', languageCode: 'en_US' } }, ['text']],
    ['blank text', { profileId: 'ana', text: '   ' }, ['text']],
    ['text over 4096 characters', { profileId: 'ana', text: 'x'.repeat(4097) }, ['text']],
    [
      'a template name Meta cannot have',
      { profileId: 'ana', template: { name: 'Order Update', languageCode: 'en_US' } },
      ['template', 'name'],
    ],
    [
      'a language code that is not one',
      { profileId: 'ana', template: { name: 'hello_world', languageCode: 'english' } },
      ['template', 'languageCode'],
    ],
    [
      'an empty body parameter',
      { profileId: 'ana', template: { name: 'order_update', languageCode: 'en_US', bodyParameters: ['', 'x'] } },
      ['template', 'bodyParameters', '0'],
    ],
    [
      'two header parameters',
      { profileId: 'ana', template: { name: 'hello_world', languageCode: 'en_US', headerParameters: ['a', 'b'] } },
      ['template', 'headerParameters'],
    ],
    ['a malformed placeholder', { profileId: 'ana', text: 'Hi {{ firstName }}' }, ['text']],
    ['an unknown filter', { profileId: 'ana', text: 'Hi {{ profile.firstName | upcase }}' }, ['text']],
  ];
  for (const [what, input, path] of cases) {
    it(`${what} -> ValidationError at ${path.join('.')}`, async () => {
      const before = await messages();
      const r = await send(w.h, { channelConfigurationId: w.configId, ...input } as never);
      expect(r.__typename).toBe('ValidationError');
      if (r.__typename !== 'ValidationError') return;
      expect(r.code).toBe('VALIDATION_FAILED');
      expect(r.fieldErrors.map((f) => f.path)).toContainEqual(path);
      expect(await messages()).toBe(before);
    });
  }

  it('a placeholder whose path the profile lacks (no default) -> ValidationError naming the path', async () => {
    const before = await messages();
    const sent = w.sim.sim.sentMessages().length;
    const r = await send(w.h, {
      channelConfigurationId: w.configId,
      profileId: 'ana',
      text: 'Hi {{profile.nickname}}, from {{profile.city | default: "us"}}',
    });
    expect(r.__typename).toBe('ValidationError');
    if (r.__typename !== 'ValidationError') return;
    expect(r.message).toContain('profile.nickname');
    expect(r.message).not.toContain('profile.city');
    expect(r.fieldErrors[0]!.path).toEqual(['text']);
    expect(r.fieldErrors[0]!.message).toContain('nickname');
    const param = await send(w.h, {
      channelConfigurationId: w.configId,
      profileId: 'ana',
      template: { name: 'order_update', languageCode: 'en_US', bodyParameters: ['{{profile.firstName}}', '{{profile.orderId}}'] },
    });
    expect(param.__typename).toBe('ValidationError');
    if (param.__typename === 'ValidationError')
      expect(param.fieldErrors).toEqual([expect.objectContaining({ path: ['template', 'bodyParameters', '1'] })]);
    expect(await messages()).toBe(before);
    expect(w.sim.sim.sentMessages()).toHaveLength(sent);
  });

  it('an unknown profile or configuration -> NotFoundError', async () => {
    const before = await messages();
    const profile = await send(w.h, { channelConfigurationId: w.configId, profileId: 'nobody', text: 'hi' });
    expect(profile).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
    const config = await send(w.h, {
      channelConfigurationId: encodeGlobalID('ChannelConfiguration', 'nope'),
      profileId: 'ana',
      text: 'hi',
    });
    expect(config).toMatchObject({ __typename: 'NotFoundError' });
    // Not a channel configuration id at all: the id rule (docs/api.md) makes it a BAD_USER_INPUT error.
    for (const id of [w.credentialId, 'not-an-id']) {
      const res = await w.h.gql(SendDoc, { input: { channelConfigurationId: id, profileId: 'ana', text: 'hi' } });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.channelConfigurationId' });
    }
    expect(await messages()).toBe(before);
  });
});

describe('only an ACTIVE configuration sends', () => {
  it('DRAFT, FAILED and DEACTIVATED configurations -> InvalidStateError, nothing sent', async () => {
    const sent = w.sim.sim.sentMessages().length;
    const before = await messages();
    const draft = await createConfig(w.h, configInput('draft-config', w.credentialId, { saveAsDraft: true }));
    // The green credential cannot send from the yellow number: the SENDER_NUMBER check fails.
    const failed = await createConfig(
      w.h,
      configInput('failed-config', w.credentialId, {
        whatsApp: { apiCredentialId: w.credentialId, senderPhoneNumber: NUMBERS.acmeYellowHigh },
      }),
    );
    await waitForConfigStatus(w.h, failed.id, 'FAILED', 15_000);
    const deactivated = await createConfig(w.h, configInput('deactivated-config', w.credentialId));
    await waitForConfigStatus(w.h, deactivated.id, 'ACTIVE', 15_000);
    const res = await w.h.gql(DeactivateConfigDoc, { input: { id: deactivated.id } });
    expect(res.data?.deactivateChannelConfiguration.__typename).toBe('DeactivateChannelConfigurationSuccess');
    for (const [config, status] of [
      [draft.id, 'DRAFT'],
      [failed.id, 'FAILED'],
      [deactivated.id, 'DEACTIVATED'],
    ] as const) {
      const r = await send(w.h, { channelConfigurationId: config, profileId: 'ana', text: 'hi' });
      expect(r).toMatchObject({ __typename: 'InvalidStateError', code: 'INVALID_STATE' });
      if (r.__typename === 'InvalidStateError') expect(r.message).toContain(status);
      const b = await w.h.gql(SendBatchDoc, { input: { channelConfigurationId: config, profileIds: ['ana'], text: 'hi' } });
      expect(b.data?.sendWhatsAppMessages).toMatchObject({ __typename: 'InvalidStateError' });
    }
    expect(await messages()).toBe(before);
    expect(w.sim.sim.sentMessages()).toHaveLength(sent);
  }, 30_000);
});

const SandboxDoc = graphql(`
  query SeSandbox {
    viewer {
      role
    }
  }
`);

describe('access', () => {
  it('a VIEWER key cannot send, batch or cancel (top-level FORBIDDEN)', async () => {
    expect((await w.h.gql(SandboxDoc, {}, w.h.viewerKey)).data?.viewer.role).toBe('VIEWER');
    const single = await w.h.gql(SendDoc, { input: { channelConfigurationId: w.configId, profileId: 'ana', text: 'hi' } }, w.h.viewerKey);
    expect(single.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const batch = await w.h.gql(
      SendBatchDoc,
      { input: { channelConfigurationId: w.configId, profileIds: ['ana'], text: 'hi' } },
      w.h.viewerKey,
    );
    expect(batch.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const cancel = await w.h.gql(CancelBatchDoc, { input: { id: w.configId } }, w.h.viewerKey);
    expect(cancel.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('an organization without cjm_whatsapp gets EntitlementError from every send mutation', async () => {
    const key = await w.h.createKey({ organization: 'noent', sandbox: 'prod', role: 'ADMIN', entitlements: [] });
    const single = await w.h.gql(SendDoc, { input: { channelConfigurationId: w.configId, profileId: 'ana', text: 'hi' } }, key);
    expect(single.data?.sendWhatsAppMessage).toMatchObject({ __typename: 'EntitlementError', entitlement: 'cjm_whatsapp' });
    const batch = await w.h.gql(SendBatchDoc, { input: { channelConfigurationId: w.configId, profileIds: ['ana'], text: 'hi' } }, key);
    expect(batch.data?.sendWhatsAppMessages).toMatchObject({ __typename: 'EntitlementError' });
    const cancel = await w.h.gql(CancelBatchDoc, { input: { id: w.configId } }, key);
    expect(cancel.data?.cancelMessageBatch).toMatchObject({ __typename: 'EntitlementError' });
  });
});
