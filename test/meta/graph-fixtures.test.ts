// FACTS.md Graph samples through the client's response types, the
// simulator's raw answers compared with those samples, and Meta's error
// samples served verbatim through the real client.
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MetaApiError,
  templateMessage,
  toPhoneNumber,
  toSendResult,
  toSubscribedApp,
  toTemplate,
  toTokenInfo,
  toWaba,
} from '../../src/meta/index.js';
import { DEFAULT_IDS, type RunningMetaSimulator } from '../../src/meta-simulator/index.js';
import { fixture, fixtureText, keysMissing } from './fixture-utils.js';
import { makeClient, rejection, startSim } from './helpers.js';

const ids = DEFAULT_IDS;
const data = (name: string): unknown[] => (fixture(name) as { data: unknown[] }).data;

describe('FACTS Graph samples through the client types', () => {
  it('owned WABAs list and a WABA', () => {
    expect(
      data('graph-owned-wabas')
        .map(toWaba)
        .map((w) => [w.id, w.name, w.messageTemplateNamespace, w.timezoneId]),
    ).toEqual([
      ['104996122399160', 'Lucky Shrub', '58e6d318_b627_4112_b9c7_2961197553ea', '1'],
      ['102290129340398', 'Test WhatsApp Business Account', 'ba30dd89_2ebd_41e4_b805_f2c05ae04cc9', '1'],
    ]);
    expect(toWaba(fixture('graph-waba'))).toMatchObject({
      id: '1234567890123456',
      accountReviewStatus: 'APPROVED',
      businessVerificationStatus: 'VERIFIED',
      ownershipType: 'SELF_OWNED',
      country: 'US',
      ownerBusiness: null,
    });
  });

  it('phone numbers list, one phone number, messaging limit', () => {
    expect(
      data('graph-phone-numbers')
        .map(toPhoneNumber)
        .map((p) => [p.id, p.displayPhoneNumber, p.qualityRating, p.qualityRatingRaw]),
    ).toEqual([
      ['1906385232743451', '+1 631-555-5555', 'GREEN', 'GREEN'],
      ['1913623884432103', '+1 631-555-5556', 'UNKNOWN', 'NA'],
    ]);
    expect(toPhoneNumber(fixture('graph-phone-number'))).toMatchObject({
      id: '106540352242922',
      verifiedName: 'Lucky Shrub',
      codeVerificationStatus: 'VERIFIED',
      platformType: 'CLOUD_API',
      throughput: { level: 'STANDARD', messagesPerSecond: 80 },
      healthStatus: null,
    });
    expect(toPhoneNumber(fixture('graph-messaging-limit'))).toMatchObject({
      id: '106540352242922',
      messagingLimitTier: 'TIER_250',
      qualityRating: 'UNKNOWN',
    });
  });

  it('debug_token', () => {
    expect(toTokenInfo(fixture('graph-debug-token'))).toMatchObject({
      isValid: true,
      type: 'USER',
      appId: '{app-id}',
      expiresAt: new Date(1570820400_000),
      dataAccessExpiresAt: new Date(1576687825_000),
      scopes: ['pages_show_list', 'public_profile'],
      granularScopes: [{ scope: 'pages_show_list', targetIds: ['{page-1-app-can-access-id}', '{page-2-app-can-access-id}'] }],
      userId: '10215241773831025',
    });
  });

  it('subscribed apps and templates', () => {
    expect(data('graph-subscribed-apps').map(toSubscribedApp)).toMatchObject([
      { appId: '670843887433847', name: 'Lucky Shrub', overrideCallbackUri: 'https://my-waba-alternate-callback.com/webhook' },
    ]);
    const templates = data('graph-message-templates').map(toTemplate);
    expect(templates.map((t) => [t.name, t.language, t.status, t.category, t.bodyPositionalParams])).toEqual([
      ['hello_world', 'en_US', 'APPROVED', 'MARKETING', 0],
      ['2023_april_promo', 'en_US', 'APPROVED', 'MARKETING', 2],
    ]);
  });

  it('send success', () => {
    expect(toSendResult(fixture('graph-send-success'))).toEqual({
      wamid: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBIyQjM2RTlERTY4QjFGNzUwNDgA',
      messageStatus: 'accepted',
      contacts: [{ input: '16505551234', waId: '16505551234', userId: null }],
      raw: fixture('graph-send-success'),
    });
  });

  it('the template builder produces Meta’s documented request byte-for-byte', () => {
    const built = templateMessage('{{Recipient-Phone-Number}}', {
      name: 'template-name',
      languageCode: 'language-and-locale-code',
      headerParameters: [{ type: 'image', image: { link: 'http(s)://the-image-url' } }],
      bodyParameters: ['text-string'],
      quickReplyPayloads: ['aGlzIHRoaXMgaXMgY29v', '9rwnB8RbYmPF5t2Mn09x4h'],
    });
    expect(JSON.stringify(built)).toBe(fixtureText('graph-send-template-request').trim());
  });
});

describe('the simulator against the samples', () => {
  let running: RunningMetaSimulator;
  const token = ids.token.systemUser;

  beforeAll(async () => {
    running = await startSim();
  });
  afterAll(async () => {
    await running.close();
  });

  async function raw(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    bearer: string = token,
  ): Promise<{ status: number; json: unknown }> {
    const res = await request(`${running.url}/v25.0/${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.statusCode, json: await res.body.json() };
  }

  it('answers Graph reads with every key of Meta’s samples', async () => {
    const owned = await raw(
      'GET',
      `${ids.business.acme}/owned_whatsapp_business_accounts?fields=id,name,message_template_namespace,timezone_id`,
    );
    expect(keysMissing(fixture('graph-owned-wabas'), owned.json)).toEqual([]);
    const waba = await raw(
      'GET',
      `${ids.waba.acmeMain}?fields=id,name,timezone_id,message_template_namespace,account_review_status,business_verification_status,country,ownership_type,primary_business_location`,
    );
    expect(keysMissing(fixture('graph-waba'), waba.json)).toEqual([]);
    const numbers = await raw('GET', `${ids.waba.acmeMain}/phone_numbers`);
    expect(keysMissing(fixture('graph-phone-numbers'), numbers.json)).toEqual([]);
    expect(keysMissing(numbers.json, fixture('graph-phone-numbers'))).toEqual(['$.paging: missing']);
    const phone = await raw(
      'GET',
      `${ids.phone.acmeGreen}?fields=verified_name,code_verification_status,display_phone_number,quality_rating,platform_type,throughput,webhook_configuration,id`,
    );
    expect(keysMissing(fixture('graph-phone-number'), phone.json)).toEqual(['$.webhook_configuration: missing']); // only once a webhook is configured
    const limit = await raw('GET', `${ids.phone.acmeGreen}?fields=whatsapp_business_manager_messaging_limit`);
    expect(keysMissing(fixture('graph-messaging-limit'), limit.json)).toEqual([]);
    const debug = await raw('GET', `debug_token?input_token=${ids.token.temporaryUser}`);
    expect(keysMissing(fixture('graph-debug-token'), debug.json)).toEqual([]);
    await raw('POST', `${ids.waba.acmeMain}/subscribed_apps`, { override_callback_uri: 'https://example.test/hook', verify_token: 'v' });
    const apps = await raw('GET', `${ids.waba.acmeMain}/subscribed_apps`);
    expect(keysMissing(fixture('graph-subscribed-apps'), apps.json)).toEqual([]);
    const templates = (await raw('GET', `${ids.waba.acmeMain}/message_templates?name=order_update`)).json as { data: unknown[] };
    expect(keysMissing((fixture('graph-message-templates') as { data: unknown[] }).data[1], templates.data[0])).toEqual([]);
  });

  it('answers a template send with Meta’s success shape', async () => {
    const sent = await raw(
      'POST',
      `${ids.phone.acmeGreen}/messages`,
      templateMessage('16505551234', { name: 'hello_world', languageCode: 'en_US' }),
    );
    expect(sent.status).toBe(200);
    expect(keysMissing(fixture('graph-send-success'), sent.json)).toEqual([]);
    expect(keysMissing(sent.json, fixture('graph-send-success'))).toEqual([]);
  });

  it('its own 130429 and 190 errors carry every key of Meta’s samples', async () => {
    running.sim.setPhoneNumber(ids.phone.acmeGreen, { mpsOverride: 1 });
    const body = templateMessage('16505551234', { name: 'hello_world', languageCode: 'en_US' });
    await raw('POST', `${ids.phone.acmeGreen}/messages`, body);
    const throttled = await raw('POST', `${ids.phone.acmeGreen}/messages`, body);
    expect(throttled.status).toBe(429);
    expect(keysMissing(fixture('graph-error-130429'), throttled.json)).toEqual([]);
    expect(keysMissing(throttled.json, fixture('graph-error-130429'))).toEqual([]);
    const expired = await raw('GET', ids.waba.acmeMain, undefined, ids.token.expired);
    expect(keysMissing(fixture('graph-error-190'), expired.json)).toEqual([]);
    expect(keysMissing(expired.json, fixture('graph-error-190'))).toEqual([]);
  });

  it('Meta’s 130429 and 190 samples, served verbatim, become MetaApiErrors', async () => {
    const { client } = makeClient(running.baseUrl, { instantSleep: true });
    try {
      running.sim.injectFault({ path: `/*/${ids.waba.acmeMain}`, status: 429, rawBody: fixtureText('graph-error-130429') });
      running.sim.injectFault({ path: `/*/${ids.waba.acmeSupport}`, status: 401, rawBody: fixtureText('graph-error-190') });
      const e1 = await rejection(client.session(token).getWaba(ids.waba.acmeMain, { retry: false }));
      expect(e1).toBeInstanceOf(MetaApiError);
      expect(e1).toMatchObject({
        metaCode: 130429,
        metaSubcode: 2494055,
        type: 'OAuthException',
        fbtraceId: 'Az8or2yhqkZfEZ-_4Qn_Bam',
        message: '(#130429) Rate limit hit',
        details: 'Message failed to send because there were too many messages sent from this phone number in a short period of time',
        retryable: true,
      });
      const e2 = await rejection(client.session(token).getWaba(ids.waba.acmeSupport));
      expect(e2).toMatchObject({
        metaCode: 190,
        metaSubcode: 463,
        fbtraceId: 'AXsgnV2Cm3ZMGF3dF_cfYIn',
        message: 'Error validating access token: Session has expired',
        retryable: false,
      });
    } finally {
      await client.close();
    }
  });
});
