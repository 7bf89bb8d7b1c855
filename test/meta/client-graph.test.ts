// Every typed client method against the real simulator, including pagination
// across several pages and Meta's permission / validation errors.
import { beforeEach, describe, expect, it } from 'vitest';
import {
  isObjectNotFound,
  isPermissionError,
  isTokenExpired,
  isTokenInvalid,
  MetaApiError,
  replyButtonsMessage,
  templateMessage,
  textMessage,
  type MetaClient,
  type MetaApiCallRecord,
} from '../../src/meta/index.js';
import { DEFAULT_IDS, defaultScenarioInput, type RunningMetaSimulator } from '../../src/meta-simulator/index.js';
import { rejection, useSimClient } from './helpers.js';

const ids = DEFAULT_IDS;
let running: RunningMetaSimulator;
let client: MetaClient;
let records: MetaApiCallRecord[];

const scenario = defaultScenarioInput();
// Small pages so every list spans several of them.
scenario.settings = { maxPageSize: 2, defaultPageSize: 2 };
for (let i = 0; i < 3; i++) {
  scenario.wabas!.push({ id: `31000000000000${i}`, name: `Acme Extra ${i}`, ownerBusinessId: ids.business.acme, phoneNumbers: [] });
}
useSimClient((started) => ({ running, client, records } = started), { sim: { scenario } });
beforeEach(() => running.sim.clearRecords());

const session = (token: string = ids.token.systemUser) => client.session(token, { tag: { credentialId: 'cred-1' } });

describe('debugToken', () => {
  it('reads a never-expiring system-user token', async () => {
    const info = await session().debugToken();
    expect(info).toMatchObject({
      isValid: true,
      type: 'SYSTEM_USER',
      appId: ids.appId,
      expiresAt: null,
      application: 'Channel Service Demo App',
    });
    expect(info.scopes).toContain('whatsapp_business_messaging');
    expect(info.granularScopes.find((g) => g.scope === 'whatsapp_business_management')?.targetIds).toContain(ids.waba.acmeMain);
    expect(records[0]).toMatchObject({
      method: 'GET',
      path: '/v25.0/debug_token',
      httpStatus: 200,
      outcome: 'ok',
      attempt: 1,
      tag: { credentialId: 'cred-1' },
    });
  });

  it('reports the temporary token expiring in about an hour', async () => {
    const info = await session(ids.token.temporaryUser).debugToken();
    expect(info.type).toBe('USER');
    const inMs = (info.expiresAt?.getTime() ?? 0) - Date.now();
    expect(inMs).toBeGreaterThan(50 * 60_000);
    expect(inMs).toBeLessThan(61 * 60_000);
  });

  it('answers 190/463 for the expired token', async () => {
    const err = await rejection(session(ids.token.expired).debugToken());
    expect(err).toBeInstanceOf(MetaApiError);
    expect(err).toMatchObject({ metaCode: 190, metaSubcode: 463, httpStatus: 401, retryable: false });
    expect((err as MetaApiError).message).toMatch(/^Error validating access token: Session has expired/);
    expect((err as MetaApiError).fbtraceId).toMatch(/^\S{10,}$/);
    expect(isTokenInvalid(err) && isTokenExpired(err)).toBe(true);
    expect(records).toHaveLength(1); // 190 is not retried
  });

  it('answers 190 for an unknown token', async () => {
    const err = await rejection(session('not-a-real-token-at-all').getWaba(ids.waba.acmeMain));
    expect(err).toMatchObject({ metaCode: 190, metaSubcode: null });
    expect(isTokenInvalid(err)).toBe(true);
  });
});

describe('business WABAs', () => {
  it('follows every page of owned WABAs', async () => {
    const wabas = await session().listBusinessWabas(ids.business.acme, 'owned');
    expect(wabas.map((w) => w.id)).toEqual([
      ids.waba.acmeMain,
      ids.waba.acmeSupport,
      '310000000000000',
      '310000000000001',
      '310000000000002',
    ]);
    expect(records).toHaveLength(3);
    expect(records.every((r) => r.outcome === 'ok' && !/access_token/.test(r.path))).toBe(true);
    expect(records[1]?.path).toMatch(/after=/);
  });

  it('lists owned + client WABAs tagged with ownership', async () => {
    const all = await session().listAllBusinessWabas(ids.business.acme);
    expect(all.filter((w) => w.ownership === 'client').map((w) => w.id)).toEqual([ids.waba.partnerShared]);
    expect(all.filter((w) => w.ownership === 'owned')).toHaveLength(5);
    expect(all.find((w) => w.id === ids.waba.partnerShared)).toMatchObject({ currency: 'EUR', ownershipType: 'CLIENT_OWNED' });
  });

  it("answers (#200) for another business's edges", async () => {
    const err = await rejection(session(ids.token.otherBusiness).listBusinessWabas(ids.business.acme, 'owned'));
    expect(err).toMatchObject({ metaCode: 200, httpStatus: 403 });
    expect(isPermissionError(err)).toBe(true);
  });

  it('answers (#100) nonexisting field when a WABA id is used as a business id', async () => {
    const err = await rejection(session().listBusinessWabas(ids.waba.acmeMain, 'owned'));
    expect(err).toMatchObject({ metaCode: 100, httpStatus: 400 });
    expect((err as MetaApiError).message).toBe(
      '(#100) Tried accessing nonexisting field (owned_whatsapp_business_accounts) on node type (WhatsAppBusinessAccount)',
    );
    expect(isObjectNotFound(err)).toBe(true);
  });
});

describe('WABA and phone numbers', () => {
  it('reads a WABA with its owner business', async () => {
    const waba = await session().getWaba(ids.waba.partnerShared);
    expect(waba).toMatchObject({
      id: ids.waba.partnerShared,
      name: 'Partner Co (shared with Acme)',
      timezoneId: '71',
      ownerBusiness: { id: ids.business.partner, name: 'Partner Co' },
    });
  });

  it("answers 100/33 for another business's WABA and phone number", async () => {
    for (const call of [
      () => session(ids.token.otherBusiness).getWaba(ids.waba.acmeMain),
      () => session(ids.token.otherBusiness).getPhoneNumber(ids.phone.acmeGreen),
    ]) {
      const err = await rejection(call());
      expect(err).toMatchObject({ metaCode: 100, metaSubcode: 33, type: 'GraphMethodException' });
      expect((err as MetaApiError).message).toMatch(
        /^Unsupported get request\. Object with ID '\d+' does not exist, cannot be loaded due to missing permissions, or does not support this operation/,
      );
      expect(isObjectNotFound(err)).toBe(true);
    }
  });

  it('lists phone numbers over several pages with normalised values', async () => {
    const numbers = await session().listPhoneNumbers(ids.waba.acmeMain);
    expect(numbers.map((n) => n.id)).toEqual([ids.phone.acmeGreen, ids.phone.acmeYellowHigh, ids.phone.acmeRedLimited]);
    expect(records).toHaveLength(2);
    const [green, yellow, red] = numbers;
    expect(green).toMatchObject({
      qualityRating: 'GREEN',
      throughput: { level: 'STANDARD', messagesPerSecond: 80 },
      messagingLimitTier: 'TIER_2K',
      status: 'CONNECTED',
      platformType: 'CLOUD_API',
    });
    expect(yellow).toMatchObject({
      qualityRating: 'YELLOW',
      throughput: { level: 'HIGH', messagesPerSecond: 1000 },
      messagingLimitTier: 'TIER_UNLIMITED',
    });
    expect(red?.healthStatus?.canSendMessage).toBe('LIMITED');
  });

  it('reads one number; NA and unknown enum values become UNKNOWN with the raw value kept', async () => {
    const support = await session().getPhoneNumber(ids.phone.acmeSupport);
    expect(support).toMatchObject({ qualityRating: 'UNKNOWN', qualityRatingRaw: 'NA', nameStatus: 'PENDING_REVIEW' });
    running.sim.setPhoneNumber(ids.phone.acmeSupport, { qualityRating: 'PURPLE', throughputLevel: 'WARP_SPEED' });
    try {
      const odd = await session().getPhoneNumber(ids.phone.acmeSupport);
      expect(odd).toMatchObject({
        qualityRating: 'UNKNOWN',
        qualityRatingRaw: 'PURPLE',
        throughput: { level: 'UNKNOWN', levelRaw: 'WARP_SPEED', messagesPerSecond: null },
      });
    } finally {
      running.sim.setPhoneNumber(ids.phone.acmeSupport, { qualityRating: 'NA', throughputLevel: 'STANDARD' });
    }
  });

  it('reads the health status', async () => {
    expect(await session().getHealthStatus(ids.phone.acmeGreen)).toMatchObject({ canSendMessage: 'AVAILABLE' });
    const red = await session().getHealthStatus(ids.phone.acmeRedLimited);
    expect(red?.canSendMessage).toBe('LIMITED');
    expect(red?.entities.find((e) => e.entityType === 'PHONE_NUMBER')?.errors[0]?.errorCode).toBe(141006);
  });
});

describe('subscribed apps and templates', () => {
  it('subscribes, lists and unsubscribes the app', async () => {
    const s = session();
    expect(await s.getSubscribedApps(ids.waba.acmeSupport)).toEqual([]);
    expect(await s.subscribeApp(ids.waba.acmeSupport)).toBe(true);
    expect(await s.getSubscribedApps(ids.waba.acmeSupport)).toMatchObject([
      { appId: ids.appId, name: 'Channel Service Demo App', overrideCallbackUri: null },
    ]);
    await s.subscribeApp(ids.waba.acmeSupport, { callbackUri: 'https://example.test/hook', verifyToken: 'v' });
    expect((await s.getSubscribedApps(ids.waba.acmeSupport))[0]?.overrideCallbackUri).toBe('https://example.test/hook');
    expect(await s.unsubscribeApp(ids.waba.acmeSupport)).toBe(true);
    expect(await s.getSubscribedApps(ids.waba.acmeSupport)).toEqual([]);
  });

  it('lists every template page with parameter counts', async () => {
    const templates = await session().listTemplates(ids.waba.acmeMain);
    expect(templates.map((t) => t.name)).toEqual([
      'hello_world',
      'order_update',
      'welcome_discount',
      'promo_paused',
      'pending_review',
      'order_confirmation',
      'parcel_photo',
      'invoice_pdf',
      'product_video',
      'abandoned_cart',
    ]);
    expect(records).toHaveLength(5);
    expect(templates[5]).toMatchObject({ parameterFormat: 'NAMED', bodyNamedParams: ['first_name', 'total', 'ship_date'] });
    expect(templates[1]).toMatchObject({ bodyPositionalParams: 2, status: 'APPROVED', category: 'UTILITY' });
    expect(templates[2]?.bodyNamedParams).toEqual(['first_name', 'discount_code', 'discount_amount']);
  });
});

describe('sending', () => {
  const phone = ids.phone.acmeGreen;
  const to = '+16505551234';

  it('sends text inside the service window; the simulator records the exact body', async () => {
    running.sim.openServiceWindow(phone, '16505551234');
    const body = textMessage(to, 'Olá! Does it come in blue? https://example.test', {
      previewUrl: true,
      bizOpaqueCallbackData: 'outbox-1',
    });
    const res = await session().sendMessage(phone, body);
    expect(res.wamid).toMatch(/^wamid\./);
    expect(res.contacts).toEqual([{ input: to, waId: '16505551234', userId: null }]);
    const [sent] = running.sim.sentMessages();
    expect(sent).toMatchObject({
      wamid: res.wamid,
      phoneNumberId: phone,
      type: 'text',
      bizOpaqueCallbackData: 'outbox-1',
      tokenLast4: ids.token.systemUser.slice(-4),
    });
    expect(sent?.body).toEqual(JSON.parse(JSON.stringify(body)));
  });

  it('sends templates (positional, named, quick replies) with message_status accepted', async () => {
    const s = session();
    const a = await s.sendMessage(
      phone,
      templateMessage('16505550000', {
        name: 'order_update',
        languageCode: 'en_US',
        bodyParameters: ['Pablo', 'A-1042'],
        quickReplyPayloads: ['track', 'talk'],
      }),
    );
    expect(a.messageStatus).toBe('accepted');
    const b = await s.sendMessage(
      phone,
      templateMessage('16505550000', {
        name: 'welcome_discount',
        languageCode: 'en_US',
        bodyParameters: [
          { name: 'first_name', text: 'Jessica' },
          { name: 'discount_code', text: 'WELCOME25' },
          { name: 'discount_amount', text: '25%' },
        ],
      }),
    );
    expect(b.wamid).not.toBe(a.wamid);
    expect(running.sim.sentMessages().map((m) => m.templateCategory)).toEqual(['UTILITY', 'MARKETING']);
  });

  it('sends interactive reply buttons and marks a message as read', async () => {
    running.sim.openServiceWindow(phone, '16505551234');
    const msg = replyButtonsMessage(to, {
      body: 'Reschedule?',
      buttons: [
        { id: 'change-button', title: 'Change' },
        { id: 'cancel-button', title: 'Cancel' },
      ],
    });
    await session().sendMessage(phone, msg);
    expect(running.sim.sentMessages()[0]?.type).toBe('interactive');
    expect(await session().markAsRead(phone, 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=')).toBe(true);
    expect(running.sim.readReceipts()).toHaveLength(1);
  });

  it('rejects like Meta: 131047 window, 132001 template, 132000 params, 100 long text, (#10) permission', async () => {
    const s = session();
    const cases: [Promise<unknown>, number][] = [
      [s.sendMessage(phone, textMessage('+351910000000', 'hello')), 131047],
      [s.sendMessage(phone, templateMessage(to, { name: 'no_such_template', languageCode: 'en_US' })), 132001],
      [s.sendMessage(phone, templateMessage(to, { name: 'hello_world', languageCode: 'pt_BR' })), 132001],
      [s.sendMessage(phone, templateMessage(to, { name: 'order_update', languageCode: 'en_US', bodyParameters: ['only one'] })), 132000],
      [s.sendMessage(phone, templateMessage(to, { name: 'promo_paused', languageCode: 'en_US' })), 132015],
      [session(ids.token.noMessaging).sendMessage(phone, templateMessage(to, { name: 'hello_world', languageCode: 'en_US' })), 10],
    ];
    running.sim.openServiceWindow(phone, '16505551234');
    cases.push([s.sendMessage(phone, textMessage(to, 'x'.repeat(4097))), 100]);
    for (const [p, code] of cases) {
      const err = await rejection(p);
      expect(err, `code ${code}`).toBeInstanceOf(MetaApiError);
      expect((err as MetaApiError).metaCode).toBe(code);
      expect((err as MetaApiError).remedy.length).toBeGreaterThan(10);
    }
    expect(running.sim.sentMessages()).toHaveLength(0);
    expect(
      running.sim
        .rejectedSends()
        .map((r) => r.code)
        .sort(),
    ).toEqual([10, 100, 131047, 132000, 132001, 132001, 132015].sort());
    // None of these is retried: each rejected send was one attempt.
    expect(records.filter((r) => r.method === 'POST').every((r) => r.attempt === 1)).toBe(true);
  });
});
