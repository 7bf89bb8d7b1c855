// Simulator behaviour beyond what the client tests touch: throughput and
// pair rate limits on a driven clock, the service window, Graph error
// formats, the HTTP control API, scenario files, and webhook emission.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWebhookPayload, templateMessage, textMessage } from '../../src/meta/index.js';
import {
  DEFAULT_IDS,
  defaultScenarioInput,
  loadScenarioFile,
  mpsForLevel,
  ScenarioError,
  type RunningMetaSimulator,
} from '../../src/meta-simulator/index.js';
import { startReceiver, startSim, type Receiver } from './helpers.js';

const ids = DEFAULT_IDS;
const phone = ids.phone.acmeGreen;

async function call(
  base: string,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
  token: string | null = ids.token.systemUser,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await request(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> };
}

const errorOf = (r: { json: Record<string, unknown> }) =>
  r.json.error as { code: number; error_subcode?: number; message: string; fbtrace_id: string };

describe('limits and the service window (driven clock)', () => {
  let running: RunningMetaSimulator;
  let now = Date.parse('2026-03-01T12:00:00Z');

  beforeAll(async () => {
    const scenario = defaultScenarioInput();
    scenario.settings = { pairRateLimit: { intervalMs: 6_000, burst: 3 } };
    running = await startSim({ scenario, now: () => now });
  });
  afterAll(() => running.close());

  const send = (to: string, body: unknown = templateMessage(to, { name: 'hello_world', languageCode: 'en_US' })) =>
    call(running.url, 'POST', `/v25.0/${phone}/messages`, body);

  it('enforces the per-number throughput in a sliding second (130429)', async () => {
    running.sim.reset();
    running.sim.setPhoneNumber(phone, { mpsOverride: 3 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await send(`+1650555000${i}`)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(running.sim.rejectedSends().map((r) => r.code)).toEqual([130429]);
    now += 1_001;
    expect((await send('+16505550009')).status).toBe(200);
    expect(mpsForLevel('STANDARD', null)).toBe(80);
    expect(mpsForLevel('HIGH', null)).toBe(1000);
  });

  it('enforces the pair rate limit per recipient with a burst (131056)', async () => {
    running.sim.reset();
    const codes = [];
    for (let i = 0; i < 4; i++) {
      const r = await send('+16505551234');
      codes.push(r.status === 200 ? 200 : errorOf(r).code);
    }
    expect(codes).toEqual([200, 200, 200, 131056]);
    expect((await send('+16505554321')).status).toBe(200); // other recipients are unaffected
    now += 6_000;
    expect((await send('+16505551234')).status).toBe(200);
    expect(errorOf(await send('+16505551234')).code).toBe(131056);
  });

  it('requires an open 24 h window for free-form messages (131047), unless disabled', async () => {
    running.sim.reset();
    const text = textMessage('+16505551234', 'hello');
    expect(errorOf(await send('+16505551234', text))).toMatchObject({ code: 131047, message: '(#131047) Re-engagement message' });
    running.sim.openServiceWindow(phone, { waId: '16505551234' });
    expect((await send('+16505551234', text)).status).toBe(200);
    now += 24 * 3_600_000;
    expect(errorOf(await send('+16505551234', text)).code).toBe(131047);
    running.sim.replaceScenario({ ...defaultScenarioInput(), settings: { enforceServiceWindow: false } });
    expect((await send('+16505551234', text)).status).toBe(200);
  });

  it('sends to a BSUID and answers with user_id', async () => {
    running.sim.reset();
    running.sim.openServiceWindow(phone, 'US.13491208655302741918');
    const r = await send('', { ...textMessage({ userId: 'US.13491208655302741918' }, 'hi') });
    expect(r.json.contacts).toEqual([{ input: 'US.13491208655302741918', user_id: 'US.13491208655302741918' }]);
    expect(running.sim.sentMessages()[0]).toMatchObject({ to: null, recipientUserId: 'US.13491208655302741918' });
  });
});

describe('Graph error formats and the control API', () => {
  let running: RunningMetaSimulator;
  let receiver: Receiver;

  beforeAll(async () => {
    running = await startSim();
    receiver = await startReceiver('vt');
  });
  afterAll(async () => {
    await running.close();
    await receiver.close();
  });

  it('answers auth and field errors in Meta’s words, each with an fbtrace_id', async () => {
    const none = await call(running.url, 'GET', `/v25.0/${ids.waba.acmeMain}`, undefined, null);
    expect(none.status).toBe(401);
    expect(errorOf(none)).toMatchObject({ code: 190, message: 'An access token is required to request this resource.' });
    const expired = errorOf(await call(running.url, 'GET', `/v25.0/${ids.waba.acmeMain}`, undefined, ids.token.expired));
    expect(expired).toMatchObject({ code: 190, error_subcode: 463 });
    expect(expired.message).toMatch(/^Error validating access token: Session has expired on .+\. The current time is .+\.$/);
    const viaQuery = await call(running.url, 'GET', `/v21.0/${ids.waba.acmeMain}?access_token=${ids.token.systemUser}`, undefined, null);
    expect(viaQuery.json).toEqual({ id: ids.waba.acmeMain, name: 'Acme Main' });
    const field = errorOf(await call(running.url, 'GET', `/v25.0/${phone}?fields=id,favourite_colour`));
    expect(field.message).toBe('(#100) Tried accessing nonexisting field (favourite_colour) on node type (WhatsAppBusinessPhoneNumber)');
    const unknown = errorOf(await call(running.url, 'GET', '/v25.0/999999'));
    expect(unknown).toMatchObject({ code: 100, error_subcode: 33 });
    expect(errorOf(await call(running.url, 'GET', `/${ids.waba.acmeMain}`)).code).toBe(2500);
    for (const e of [expired, field, unknown]) expect(e.fbtrace_id).toMatch(/^[\w-]{20,}$/);
  });

  it('accepts an app access token ({app-id}|{app-secret}) for debug_token only', async () => {
    const appToken = `${ids.appId}|${ids.appSecret}`;
    const debug = await call(running.url, 'GET', `/v25.0/debug_token?input_token=${ids.token.temporaryUser}`, undefined, appToken);
    expect(debug.json.data).toMatchObject({ is_valid: true, type: 'USER', app_id: ids.appId });
    const expired = await call(running.url, 'GET', `/v25.0/debug_token?input_token=${ids.token.expired}`, undefined, appToken);
    expect(expired.json.data).toMatchObject({ is_valid: false, error: { code: 190, subcode: 463 } });
    expect(errorOf(await call(running.url, 'GET', `/v25.0/${ids.waba.acmeMain}`, undefined, appToken))).toMatchObject({
      code: 100,
      error_subcode: 33,
    });
  });

  it('drives faults, numbers, records and reset over HTTP', async () => {
    const ctl = (method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) =>
      call(running.url, method, `/__simulator/${path}`, body, null);
    const state = (await ctl('GET', 'state')).json as { tokens: { value: string; note: string }[]; wabas: unknown[] };
    expect(state.tokens.map((t) => t.value)).toContain(ids.token.noMessaging);
    expect(state.wabas).toHaveLength(4);

    expect(
      (await ctl('POST', 'faults', { pathRegex: `/${ids.waba.acmeMain}$`, times: 'Infinity', metaError: { code: 2 }, status: 503 })).status,
    ).toBe(200);
    expect((await call(running.url, 'GET', `/v25.0/${ids.waba.acmeMain}`)).status).toBe(503);
    expect((await call(running.url, 'GET', `/v25.0/${ids.waba.acmeMain}`)).status).toBe(503);
    await ctl('DELETE', 'faults');
    expect((await call(running.url, 'GET', `/v25.0/${ids.waba.acmeMain}`)).status).toBe(200);

    const patched = await ctl('POST', `phone-numbers/${phone}`, {
      qualityRating: 'RED',
      throughputLevel: 'HIGH',
      messagingLimitTier: 'TIER_10K',
      canSendMessage: 'BLOCKED',
    });
    expect(patched.json.phoneNumber).toMatchObject({ qualityRating: 'RED', throughputLevel: 'HIGH' });
    const read = await call(
      running.url,
      'GET',
      `/v25.0/${phone}?fields=quality_rating,throughput,whatsapp_business_manager_messaging_limit,health_status`,
    );
    expect(read.json).toMatchObject({
      quality_rating: 'RED',
      throughput: { level: 'HIGH' },
      whatsapp_business_manager_messaging_limit: 'TIER_10K',
      health_status: { can_send_message: 'BLOCKED' },
    });
    const blocked = await call(
      running.url,
      'POST',
      `/v25.0/${phone}/messages`,
      templateMessage('+16505551234', { name: 'hello_world', languageCode: 'en_US' }),
    );
    expect(errorOf(blocked).code).toBe(131031);
    const bad = await ctl('POST', `phone-numbers/${phone}`, { qualityRating: 5 });
    expect(bad.status).toBe(400);
    expect((bad.json.error as { message: string }).message).toMatch(/qualityRating/);

    const sent = (await ctl('GET', 'sent-messages')).json as { data: unknown[]; rejected: { code: number }[] };
    expect(sent.data).toHaveLength(0);
    expect(sent.rejected.map((r) => r.code)).toEqual([131031]);
    await ctl('POST', 'reset');
    expect((await ctl('GET', 'sent-messages')).json).toMatchObject({ data: [], rejected: [] });
    expect(running.sim.findPhone(phone)?.phone.qualityRating).toBe('GREEN');
    expect((await ctl('GET', 'nope')).status).toBe(404);
  });

  it('plays inbound messages and statuses over HTTP', async () => {
    const ctl = (path: string, body?: unknown) => call(running.url, 'POST', `/__simulator/${path}`, body, null);
    expect((await ctl('webhook/configure', { callbackUrl: receiver.url, verifyToken: 'vt' })).json).toMatchObject({ verified: true });
    const inbound = await ctl('webhook/inbound-text', { phoneNumberId: phone, from: { waId: '16505551234', name: 'Sheena' }, text: 'Hi!' });
    expect(inbound.json).toMatchObject({ delivery: { delivered: true } });
    // The inbound message opened the window: a free-form reply is accepted.
    const reply = await call(
      running.url,
      'POST',
      `/v25.0/${phone}/messages`,
      textMessage('+16505551234', 'Hello Sheena', { bizOpaqueCallbackData: 'outbox-7' }),
    );
    const wamid = (reply.json.messages as { id: string }[])[0]?.id;
    receiver.requests.length = 0;
    const statuses = await ctl('webhook/statuses', {
      wamid,
      statuses: ['sent', 'delivered', 'read', 'failed'],
      errors: [{ code: 131050 }],
    });
    expect((statuses.json.deliveries as unknown[]).length).toBe(4);
    const parsed = receiver.requests.map((r) => parseWebhookPayload(JSON.parse(r.raw.toString('utf8'))));
    const flat = parsed.flatMap((p) => (p.ok ? p.entries.flatMap((e) => e.changes) : []));
    const got = flat.flatMap((c) => (c.kind === 'messages' ? c.statuses : []));
    expect(got.map((s) => [s.id, s.status, s.bizOpaqueCallbackData])).toEqual([
      [wamid, 'sent', 'outbox-7'],
      [wamid, 'delivered', 'outbox-7'],
      [wamid, 'read', 'outbox-7'],
      [wamid, 'failed', 'outbox-7'],
    ]);
    expect(got[3]?.errors[0]).toMatchObject({ code: 131050, title: expect.stringMatching(/stop receiving marketing messages/) });
  });

  it('emits shuffled and repeated statuses, quality updates, preferences, button and interactive replies', async () => {
    await running.sim.configureWebhook({ callbackUrl: receiver.url, verifyToken: 'vt' });
    const res = await call(
      running.url,
      'POST',
      `/v25.0/${phone}/messages`,
      templateMessage('+16505551234', {
        name: 'order_update',
        languageCode: 'en_US',
        bodyParameters: ['Ana', 'A-1'],
        quickReplyPayloads: ['track', 'talk'],
      }),
    );
    const wamid = (res.json.messages as { id: string }[])[0]?.id as string;
    receiver.requests.length = 0;
    let seed = 3;
    const deliveries = await running.sim.emitStatusesFor(wamid, ['sent', 'delivered', 'read'], {
      shuffle: true,
      repeat: 2,
      random: () => (seed = (seed * 7 + 1) % 11) / 11,
    });
    expect(deliveries).toHaveLength(6);
    await running.sim.sendInboundButton({
      phoneNumberId: phone,
      from: { waId: '16505551234' },
      payload: 'track',
      text: 'Track order',
      contextWamid: wamid,
    });
    await running.sim.sendInboundInteractiveReply({
      phoneNumberId: phone,
      from: { userId: 'US.42' },
      id: 'cancel-button',
      title: 'Cancel',
      contextWamid: wamid,
    });
    await running.sim.emitQualityUpdate(phone, {
      event: 'THROUGHPUT_UPGRADE',
      currentLimit: 'TIER_UNLIMITED',
      maxDailyConversationsPerBusiness: 'TIER_UNLIMITED',
    });
    await running.sim.emitUserPreference(phone, { waId: '16505551234' }, 'stop');
    await running.sim.configureWebhook({ callbackUrl: receiver.url, verifyToken: 'vt', wabaIds: [ids.waba.acmeSupport] });
    const filtered = await running.sim.sendInboundText({
      phoneNumberId: phone,
      from: { waId: '16505551234' },
      text: 'not for this webhook',
    });
    expect(filtered.delivery).toMatchObject({ delivered: false, attempts: 0 });
    const changes = receiver.requests
      .filter((r) => r.method === 'POST')
      .map((r) => parseWebhookPayload(JSON.parse(r.raw.toString('utf8'))))
      .flatMap((p) => (p.ok ? p.entries.flatMap((e) => e.changes) : []));
    const statusList = changes.flatMap((c) => (c.kind === 'messages' ? c.statuses.map((s) => s.status) : []));
    expect([...statusList].sort()).toEqual(['delivered', 'delivered', 'read', 'read', 'sent', 'sent']);
    const messages = changes.flatMap((c) => (c.kind === 'messages' ? c.messages : []));
    expect(messages.map((m) => [m.type, m.text, m.button?.payload ?? m.interactive?.id, m.context?.id])).toEqual([
      ['button', 'Track order', 'track', wamid],
      ['interactive', 'Cancel', 'cancel-button', wamid],
    ]);
    expect(changes.find((c) => c.kind === 'phone_number_quality_update')).toMatchObject({
      event: 'THROUGHPUT_UPGRADE',
      maxDailyConversationsPerBusiness: 'TIER_UNLIMITED',
    });
    expect(changes.find((c) => c.kind === 'user_preferences')).toMatchObject({ preferences: [{ value: 'stop', waId: '16505551234' }] });
  });
});

describe('autoStatuses', () => {
  it('emits sent, delivered and read for every accepted send', async () => {
    const running = await startSim({ autoStatuses: { read: true } });
    const receiver = await startReceiver('vt');
    try {
      await running.sim.configureWebhook({ callbackUrl: receiver.url, verifyToken: 'vt' });
      receiver.requests.length = 0;
      await call(
        running.url,
        'POST',
        `/v25.0/${phone}/messages`,
        templateMessage('+16505551234', { name: 'hello_world', languageCode: 'en_US' }, { bizOpaqueCallbackData: 'ob-1' }),
      );
      await running.sim.idle();
      const statuses = receiver.requests
        .map((r) => parseWebhookPayload(JSON.parse(r.raw.toString('utf8'))))
        .flatMap((p) => (p.ok ? p.entries.flatMap((e) => e.changes) : []))
        .flatMap((c) => (c.kind === 'messages' ? c.statuses : []));
      expect(statuses.map((s) => [s.status, s.bizOpaqueCallbackData, s.pricing?.category ?? null])).toEqual([
        ['sent', 'ob-1', 'utility'],
        ['delivered', 'ob-1', 'utility'],
        ['read', 'ob-1', null],
      ]);
    } finally {
      await running.close();
      await receiver.close();
    }
  });
});

describe('scenario files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wcs-scenario-'));

  it('loads a valid file with defaults filled in', () => {
    const file = join(dir, 'ok.json');
    writeFileSync(
      file,
      JSON.stringify({
        apps: [{ id: 'app1', name: 'A', secret: 'secret-123456' }],
        businesses: [{ id: 'b1', name: 'B' }],
        wabas: [{ id: 'w1', name: 'W', ownerBusinessId: 'b1', phoneNumbers: [{ id: 'p1', displayPhoneNumber: '15550000001' }] }],
      }),
    );
    const s = loadScenarioFile(file);
    expect(s.wabas[0]?.phoneNumbers[0]).toMatchObject({
      status: 'CONNECTED',
      qualityRating: 'GREEN',
      throughputLevel: 'STANDARD',
      mpsOverride: null,
    });
    expect(s.settings).toMatchObject({ enforceServiceWindow: true, pairRateLimit: { intervalMs: 6000, burst: 45 }, maxPageSize: 100 });
  });

  it('names the bad field', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        apps: [{ id: 'app1', name: 'A', secret: 'secret-123456' }],
        businesses: [],
        wabas: [{ id: 'w1', name: 'W', ownerBusinessId: 'nobody', phoneNumbers: [{ id: 'p 1', displayPhoneNumber: '1' }] }],
      }),
    );
    const err = (() => {
      try {
        loadScenarioFile(file);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as Error).message).toContain('wabas.0.phoneNumbers.0.id');
    expect((err as ScenarioError).issues.join('\n')).toContain('wabas.0.ownerBusinessId: unknown business nobody');
    writeFileSync(join(dir, 'broken.json'), '{ nope');
    expect(() => loadScenarioFile(join(dir, 'broken.json'))).toThrow(/not valid JSON/);
    expect(() => loadScenarioFile(join(dir, 'missing.json'))).toThrow(/Cannot read scenario file/);
  });
});
