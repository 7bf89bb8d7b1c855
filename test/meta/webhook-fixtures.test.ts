// FACTS.md webhook samples (verbatim in test/fixtures/meta) through the
// project's payload parser, and the simulator's own payloads through the same
// parser with the same shapes, raw and parsed.
import { describe, expect, it } from 'vitest';
import { parseWebhookPayload, type WebhookChange, type WebhookParseResult } from '../../src/meta/index.js';
import {
  batchPayload,
  inboundButtonPayload,
  inboundInteractiveReplyPayload,
  inboundTextPayload,
  qualityUpdatePayload,
  statusPayload,
  userPreferencesPayload,
  type NumberRef,
} from '../../src/meta-simulator/index.js';
import { fixture, keysMissing, shapeDiff } from './fixture-utils.js';

function only(r: WebhookParseResult): WebhookChange {
  if (!r.ok) throw new Error(r.reason);
  expect(r.object).toBe('whatsapp_business_account');
  expect(r.entries).toHaveLength(1);
  expect(r.entries[0]?.changes).toHaveLength(1);
  return r.entries[0]?.changes[0] as WebhookChange;
}

function parsed(name: string): { result: WebhookParseResult; change: WebhookChange } {
  const result = parseWebhookPayload(fixture(name));
  return { result, change: only(result) };
}

const ref: NumberRef = { wabaId: '3000000000000001', phoneNumberId: '4000000000000001', displayPhoneNumber: '15550100001' };
const user = { waId: '16505551234', name: 'Sheena Nelson' };

describe('FACTS samples parse', () => {
  it('inbound text', () => {
    const { result, change } = parsed('webhook-text');
    expect(result.ok && result.entries[0]?.id).toBe('102290129340398');
    if (change.kind !== 'messages') throw new Error(change.kind);
    expect(change.metadata).toEqual({ displayPhoneNumber: '15550783881', phoneNumberId: '106540352242922' });
    expect(change.contacts).toEqual([{ waId: '16505551234', userId: null, parentUserId: null, name: 'Sheena Nelson' }]);
    expect(change.messages[0]).toMatchObject({
      type: 'text',
      text: 'Does it come in another color?',
      from: '16505551234',
      fromUserId: null,
      timestamp: new Date(1749416383_000),
    });
    expect(change.statuses).toEqual([]);
  });

  it('interactive button_reply', () => {
    const { change } = parsed('webhook-interactive-button-reply');
    if (change.kind !== 'messages') throw new Error(change.kind);
    expect(change.messages[0]).toMatchObject({
      type: 'interactive',
      text: 'Cancel',
      interactive: { type: 'button_reply', id: 'cancel-button', title: 'Cancel', description: null },
      context: { from: '15550783881', id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MEM2RUJFNkI0RENGQTVDRjUA' },
    });
  });

  it('template quick-reply button with BSUID contact', () => {
    const { change } = parsed('webhook-template-button');
    if (change.kind !== 'messages') throw new Error(change.kind);
    expect(change.contacts[0]).toEqual({
      waId: '972987654321',
      userId: 'US.13491208655302741918',
      parentUserId: 'US.ENT.11815799212886844830',
      name: 'Test Name',
    });
    expect(change.messages[0]).toMatchObject({
      type: 'button',
      text: 'title',
      button: { payload: 'callback_data', text: 'title' },
      context: { id: 'wamid.xyzxyz==' },
    });
  });

  it('statuses: sent, sent-minimal, delivered, read, failed', () => {
    const status = (name: string) => {
      const c = parsed(name).change;
      if (c.kind !== 'messages') throw new Error(c.kind);
      return c.statuses[0];
    };
    expect(status('webhook-status-sent')).toMatchObject({
      status: 'sent',
      recipientId: '16505551234',
      timestamp: new Date(1750030073_000),
      pricing: { billable: true, pricingModel: 'PMP', type: 'regular', category: 'marketing' },
      conversation: { originType: 'marketing' },
    });
    expect(status('webhook-status-sent-minimal')).toMatchObject({
      status: 'sent',
      pricing: null,
      conversation: null,
      errors: [],
      bizOpaqueCallbackData: null,
    });
    expect(status('webhook-status-delivered')).toMatchObject({
      status: 'delivered',
      id: 'wamid.xyzxyz',
      pricing: { pricingModel: 'CBP', type: null },
    });
    expect(status('webhook-status-read')).toMatchObject({ status: 'read', timestamp: new Date(1689380458_000) });
    expect(status('webhook-status-failed')).toMatchObject({
      status: 'failed',
      errors: [
        {
          code: 131049,
          title: 'This message was not delivered to maintain healthy ecosystem engagement.',
          details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
          href: '/documentation/business-messaging/whatsapp/support/error-codes',
        },
      ],
    });
  });

  it('phone_number_quality_update', () => {
    const { result, change } = parsed('webhook-phone-number-quality-update');
    expect(result.ok && result.entries[0]?.time).toEqual(new Date(1748454394_000));
    expect(change).toMatchObject({
      kind: 'phone_number_quality_update',
      displayPhoneNumber: '15550783881',
      event: 'THROUGHPUT_UPGRADE',
      currentLimit: 'TIER_UNLIMITED',
      oldLimit: null,
      qualityRating: null,
    });
  });

  it('account_update ×3', () => {
    expect(parsed('webhook-account-update-restriction').change).toMatchObject({
      kind: 'account_update',
      event: 'ACCOUNT_RESTRICTION',
      restrictions: [
        { type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiration: new Date(1641330498_000) },
        { type: 'RESTRICTED_ADD_PHONE_NUMBER_ACTION', expiration: new Date(1641330498_000) },
      ],
    });
    expect(parsed('webhook-account-update-disabled').change).toMatchObject({
      event: 'DISABLED_UPDATE',
      banInfo: { state: 'REINSTATE', date: 'April 17, 2025' },
    });
    const partner = parsed('webhook-account-update-partner-app-installed');
    expect(partner.result.ok && partner.result.entries[0]?.id).toBe('2949482758682047');
    expect(partner.change).toMatchObject({
      event: 'PARTNER_APP_INSTALLED',
      wabaInfo: {
        wabaId: '1191624265890717',
        ownerBusinessId: '2329417887457253',
        partnerAppId: '5731794616896507',
        solutionPartnerBusinessIds: ['2949482758682047', '520744086200222'],
      },
    });
  });

  it('message_template_status_update ×2 (numeric template id kept as a string)', () => {
    expect(parsed('webhook-template-status-approved').change).toMatchObject({
      kind: 'message_template_status_update',
      event: 'APPROVED',
      templateId: '1689556908129832',
      templateLanguage: 'en-US',
      reason: 'NONE',
      category: 'UTILITY',
    });
    expect(parsed('webhook-template-status-rejected').change).toMatchObject({
      event: 'REJECTED',
      reason: 'INVALID_FORMAT',
      rejectionInfo: { recommendation: expect.stringMatching(/^Separate parameters/) },
    });
  });

  it('user_preferences', () => {
    expect(parsed('webhook-user-preferences').change).toMatchObject({
      kind: 'user_preferences',
      metadata: { phoneNumberId: '106540352242922' },
      preferences: [
        {
          waId: '16505551234',
          category: 'marketing_messages',
          value: 'resume',
          detail: 'User requested to resume marketing messages',
          timestamp: new Date(1731705721_000),
        },
      ],
    });
  });
});

describe('tolerance', () => {
  it('keeps unknown fields, statuses and message types; isolates a malformed change', () => {
    const body = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '1',
          changes: [
            { field: 'security', value: { event: 'PIN_CHANGED' } },
            {
              field: 'messages',
              value: {
                metadata: { display_phone_number: '1', phone_number_id: '2' },
                statuses: [{ id: 'wamid.a', status: 'played', timestamp: '1', brand_new: true }],
              },
            },
            {
              field: 'messages',
              value: {
                metadata: { display_phone_number: '1', phone_number_id: '2' },
                messages: [{ id: 'wamid.b', from: '3', timestamp: '2', type: 'reaction', reaction: { emoji: '👍' } }],
              },
            },
            { field: 'messages', value: { messages: [{ id: 'x' }] } },
            { nonsense: true },
          ],
        },
      ],
    };
    const r = parseWebhookPayload(body);
    if (!r.ok) throw new Error(r.reason);
    const [unknown, played, reaction, invalid, noField] = r.entries[0]?.changes ?? [];
    expect(unknown).toMatchObject({ kind: 'unknown', field: 'security', raw: { event: 'PIN_CHANGED' } });
    expect(played?.kind === 'messages' && played.statuses[0]?.status).toBe('played');
    expect(reaction?.kind === 'messages' && reaction.messages[0]).toMatchObject({ type: 'reaction', text: null });
    expect(invalid).toMatchObject({ kind: 'invalid', field: 'messages' });
    expect((invalid as { issues: string[] }).issues.join(' ')).toMatch(/metadata/);
    expect(noField).toMatchObject({ kind: 'invalid', field: '(missing)' });
  });

  it('refuses envelopes that are not WhatsApp notifications', () => {
    expect(parseWebhookPayload({ object: 'page', entry: [] })).toMatchObject({ ok: false });
    expect(parseWebhookPayload('hello')).toMatchObject({ ok: false });
    expect(parseWebhookPayload(null)).toMatchObject({ ok: false });
  });
});

describe("the simulator's payloads have Meta's shapes", () => {
  // Keys the simulator may add over an older sample: BSUID fields from 2026 (FACTS §3.1).
  const cases: [string, () => unknown, string[]][] = [
    ['webhook-text', () => inboundTextPayload(ref, user, 'Olá 😀'), []],
    [
      'webhook-interactive-button-reply',
      () => inboundInteractiveReplyPayload(ref, user, { id: 'cancel-button', title: 'Cancel', contextWamid: 'wamid.ctx' }),
      [],
    ],
    [
      'webhook-template-button',
      () =>
        inboundButtonPayload(
          ref,
          { waId: '972987654321', userId: 'US.1', parentUserId: 'US.ENT.1', name: 'Test' },
          { payload: 'p', text: 'Stop promotions', contextWamid: 'wamid.ctx' },
        ),
      ['$.entry[0].changes[0].value.messages[0].from_user_id: missing'],
    ],
    [
      'webhook-status-failed',
      () => statusPayload(ref, [{ wamid: 'wamid.x', status: 'failed', recipientId: '16505551234', errors: [{ code: 131049 }] }]),
      [],
    ],
    [
      'webhook-phone-number-quality-update',
      () =>
        qualityUpdatePayload(ref.wabaId, {
          displayPhoneNumber: '15550100001',
          event: 'THROUGHPUT_UPGRADE',
          currentLimit: 'TIER_UNLIMITED',
        }),
      [],
    ],
    ['webhook-user-preferences', () => userPreferencesPayload(ref, { waId: '16505551234' }, [{ value: 'stop' }]), []],
  ];

  it.each(cases)('%s: same raw JSON shape and same parsed shape', (name, build, extra) => {
    const sim = build();
    expect(keysMissing(fixture(name), sim)).toEqual([]);
    expect(keysMissing(sim, fixture(name))).toEqual(extra);
    const a = parseWebhookPayload(fixture(name));
    const b = parseWebhookPayload(sim);
    expect(b.ok).toBe(true);
    expect(shapeDiff(a, b)).toEqual([]);
  });

  it('statuses: our keys all exist in Meta’s samples; the minimal sample’s keys all exist in ours', () => {
    const pricing = { billable: true, pricingModel: 'PMP', type: 'regular', category: 'marketing' };
    const value = (p: unknown) =>
      (p as { entry: { changes: { value: { statuses: unknown[]; contacts?: unknown[] } }[] }[] }).entry[0]?.changes[0]?.value;
    for (const status of ['sent', 'delivered', 'read']) {
      const sim = statusPayload(
        ref,
        [{ wamid: 'wamid.x', status, recipientId: '16505551234', pricing, bizOpaqueCallbackData: 'outbox-1' }],
        { waId: '16505551234', name: 'X' },
      );
      const extraOpaque = ['$.biz_opaque_callback_data: missing']; // echoed only when the send carried it (FACTS §3.5)
      expect(keysMissing(value(sim)?.statuses[0], value(fixture('webhook-status-sent'))?.statuses[0]), status).toEqual(extraOpaque);
      expect(keysMissing(value(sim)?.contacts, value(fixture('webhook-status-delivered'))?.contacts), status).toEqual([]);
      expect(keysMissing(fixture('webhook-status-sent-minimal'), sim), status).toEqual([]);
      expect(shapeDiff(parseWebhookPayload(fixture('webhook-status-sent')), parseWebhookPayload(sim))).toEqual([]);
    }
  });

  it('a batch keeps every entry and change', () => {
    const batch = batchPayload(
      inboundTextPayload(ref, user, 'one'),
      statusPayload(ref, [{ wamid: 'wamid.1', status: 'delivered' }]),
      inboundTextPayload({ ...ref, wabaId: '3000000000000002' }, { userId: 'US.99' }, 'bsuid only'),
      qualityUpdatePayload(ref.wabaId, { displayPhoneNumber: '1', event: 'ONBOARDING', time: new Date(1_000) }),
    );
    const r = parseWebhookPayload(batch);
    if (!r.ok) throw new Error(r.reason);
    expect(r.entries.map((e) => [e.id, e.changes.map((c) => c.kind)])).toEqual([
      ['3000000000000001', ['messages', 'messages']],
      ['3000000000000002', ['messages']],
      ['3000000000000001', ['phone_number_quality_update']],
    ]);
    const bsuid = r.entries[1]?.changes[0];
    expect(bsuid?.kind === 'messages' && bsuid.messages[0]).toMatchObject({ from: null, fromUserId: 'US.99', text: 'bsuid only' });
  });
});
