import { afterAll, describe, expect, it } from 'vitest';
import { matchKeyword, normalizeKeyword, standardConsentMessagesEnabled } from '../../src/webhooks/keyword-matcher.js';
import { inboundTextPayload } from '../../src/meta-simulator/index.js';
import type { Harness } from '../helpers/harness.js';
import { cleanup, connectedWorld } from '../helpers/world.js';
import {
  ConsentDoc,
  countRows,
  IDS,
  repliesTo,
  settledDeliveries,
  STANDARD_RULES,
  TestKeywordDoc,
  TrackingDoc,
  waitUntil,
  type RuleInput,
} from './helpers.js';

// Acceptance 3: keyword rules on inbound messages: consent, exactly one auto-reply, DEFAULT, and no consent
// change when the webhook has no OPT_IN/OPT_OUT keywords. Plus the testInboundKeyword dry run.

// Each test has its own simulator and service; they run at once (describe.concurrent below), so two of them
// waiting for Meta's pair rate (6 s per reply to one user) overlap, and every world is stopped after the file.
afterAll(cleanup);

async function consentOf(h: Harness, waId: string) {
  const res = await h.gql(ConsentDoc, { phoneNumber: `+${waId}` });
  expect(res.errors).toBeUndefined();
  return res.data!.consent;
}

/** Waits for the delivery to be processed and every job (the auto-reply send) to finish. */
async function settle(h: Harness, webhookId: string, deliveries: number): Promise<void> {
  await settledDeliveries(h, webhookId, deliveries);
  await h.server.deps.jobs.idle();
}

describe('keyword matching (unit)', () => {
  const rules = STANDARD_RULES;
  it('matches the whole text, trimmed, NFKC-normalised and case-insensitively', () => {
    expect(matchKeyword(rules, ' stop  ')).toMatchObject({ category: 'OPT_OUT', matchedKeyword: 'STOP', consentChange: 'OPTED_OUT' });
    expect(matchKeyword(rules, 'ＳＴＯＰ')).toMatchObject({ category: 'OPT_OUT' }); // full-width
    expect(matchKeyword(rules, '\u3000Stop\n')).toMatchObject({ category: 'OPT_OUT' }); // ideographic space, newline
    expect(matchKeyword(rules, 'stop promotions')).toMatchObject({ category: 'OPT_OUT', matchedKeyword: 'Stop promotions' });
    expect(matchKeyword(rules, 'yes')).toMatchObject({ category: 'OPT_IN', consentChange: 'OPTED_IN' });
    expect(matchKeyword(rules, 'info')).toMatchObject({ category: 'HELP', consentChange: null });
    expect(matchKeyword(rules, 'stop please')).toMatchObject({ category: 'DEFAULT', matchedKeyword: null, consentChange: null });
    expect(matchKeyword(rules, 'st op')).toMatchObject({ category: 'DEFAULT' });
    expect(
      matchKeyword(
        rules.filter((r) => r.category !== 'DEFAULT'),
        'stop please',
      ),
    ).toBeNull();
    expect(normalizeKeyword('STRASSE')).toBe(normalizeKeyword('straße'));
    expect(normalizeKeyword('İ')).toBe(normalizeKeyword('i̇'));
  });

  it('standard consent messages are off without OPT_IN and OPT_OUT keywords', () => {
    expect(standardConsentMessagesEnabled(STANDARD_RULES)).toBe(true);
    const helpOnly = STANDARD_RULES.filter((r) => r.category === 'HELP' || r.category === 'DEFAULT');
    expect(standardConsentMessagesEnabled(helpOnly)).toBe(false);
    expect(matchKeyword(helpOnly, 'help')).toMatchObject({ category: 'HELP', consentChange: null });
  });
});

describe.concurrent('keyword rules on inbound messages', () => {
  it('an opt-out keyword in any case with spaces opts the user out and Meta receives exactly one reply', async () => {
    const { sim, h, webhook } = await connectedWorld();
    const waId = '16505550001';
    const r = await sim.sim.sendInboundText({ phoneNumberId: IDS.phone.acmeGreen, from: { waId, name: 'Sheena' }, text: '  sToP  ' });
    expect(r.delivery.status).toBe(200);
    await settle(h, webhook.id, 1);
    await waitUntil(() => repliesTo(sim, waId).length >= 1, 10_000, 'auto-reply');
    await sim.sim.idle();
    expect(repliesTo(sim, waId)).toEqual(['You are unsubscribed. Reply START to come back.']);
    const sent = sim.sim.sentMessages({ phoneNumberId: IDS.phone.acmeGreen });
    expect(sent).toHaveLength(1);

    const consent = await consentOf(h, waId);
    expect(consent.status).toBe('OPTED_OUT');
    expect(consent.history[0]).toMatchObject({ status: 'OPTED_OUT', source: 'KEYWORD', keyword: 'STOP' });

    const optOuts = await h.gql(TrackingDoc, { type: 'OPT_OUT' });
    expect(optOuts.data!.trackingEvents.totalCount).toBe(1);
    const inbound = await h.gql(TrackingDoc, { type: 'INBOUND' });
    expect(inbound.data!.trackingEvents.totalCount).toBe(1);
  });

  it('"stop please" matches no keyword: the DEFAULT reply goes out and consent stays', async () => {
    const { sim, h, webhook } = await connectedWorld();
    const waId = '16505550002';
    await sim.sim.sendInboundText({ phoneNumberId: IDS.phone.acmeGreen, from: { waId }, text: 'stop please' });
    await settle(h, webhook.id, 1);
    await waitUntil(() => repliesTo(sim, waId).length >= 1, 10_000, 'default reply');
    expect(repliesTo(sim, waId)).toEqual(['Thanks for your message; we will get back to you.']);
    expect((await consentOf(h, waId)).status).toBe('UNKNOWN');
    expect((await h.gql(TrackingDoc, { type: 'OPT_OUT' })).data!.trackingEvents.totalCount).toBe(0);
  });

  it('OPT_IN, HELP, quick-reply buttons and interactive replies do what is configured', async () => {
    const { sim, h, webhook } = await connectedWorld();
    const waId = '16505550003';
    const from = { waId, name: 'Pat' };
    const phoneNumberId = IDS.phone.acmeGreen;

    await sim.sim.sendInboundText({ phoneNumberId, from, text: 'Yes' });
    await settle(h, webhook.id, 1);
    expect((await consentOf(h, waId)).status).toBe('OPTED_IN');

    // Meta's own "Stop promotions" quick-reply button arrives as type "button": its text counts.
    await sim.sim.sendInboundButton({
      phoneNumberId,
      from,
      payload: 'STOP_PROMOTIONS',
      text: 'Stop promotions',
      contextWamid: 'wamid.context1',
    });
    await settle(h, webhook.id, 2);
    expect((await consentOf(h, waId)).status).toBe('OPTED_OUT');

    // An interactive reply's title counts too; HELP never changes consent.
    await sim.sim.sendInboundInteractiveReply({ phoneNumberId, from, id: 'help-btn', title: 'HELP', contextWamid: 'wamid.context2' });
    await settle(h, webhook.id, 3);
    expect((await consentOf(h, waId)).status).toBe('OPTED_OUT');

    // Three replies to one person: Meta's pair rate (one message per 6 s to a user) spaces them, in the order the
    // messages came in (a reply never waits in place ahead of one deferred to the job queue: PairOrder; the
    // overtaking case itself is timed in test/sending-e2e/pair-order.test.ts).
    await waitUntil(() => repliesTo(sim, waId).length >= 3, 40_000, 'three replies');
    await sim.sim.idle();
    expect(repliesTo(sim, waId)).toEqual([
      'Welcome back! You will receive our messages again.',
      'You are unsubscribed. Reply START to come back.',
      'Reply STOP to unsubscribe, START to subscribe.',
    ]);
    const history = (await consentOf(h, waId)).history.map((c) => [c.status, c.keyword]);
    expect(history).toEqual([
      ['OPTED_OUT', 'Stop promotions'],
      ['OPTED_IN', 'Yes'],
    ]);
    expect((await h.gql(TrackingDoc, { type: 'HELP' })).data!.trackingEvents.totalCount).toBe(1);
    expect((await h.gql(TrackingDoc, { type: 'OPT_IN' })).data!.trackingEvents.totalCount).toBe(1);
  }, 90_000);

  it('an image is customer-initiated: recorded as inbound, its caption is no keyword, and it gets the DEFAULT reply', async () => {
    const { sim, h, webhook } = await connectedWorld();
    const waId = '16505550004';
    const payload = inboundTextPayload(sim.sim.numberRef(IDS.phone.acmeGreen), { waId }, 'STOP');
    const message = payload.entry[0]!.changes[0]!.value.messages as Array<Record<string, unknown>>;
    delete message[0]!.text;
    Object.assign(message[0]!, { type: 'image', image: { id: 'media-1', mime_type: 'image/jpeg', caption: 'STOP' } });
    // A user writing opens the customer-service window (emitPayload skips what sendInbound* does for it).
    sim.sim.openServiceWindow(IDS.phone.acmeGreen, waId);
    expect((await sim.sim.emitPayload(payload)).status).toBe(200);
    await settle(h, webhook.id, 1);
    await waitUntil(() => repliesTo(sim, waId).length >= 1, 10_000, 'default reply');
    expect(repliesTo(sim, waId)).toEqual(['Thanks for your message; we will get back to you.']);
    expect((await consentOf(h, waId)).status).toBe('UNKNOWN');
    expect((await h.gql(TrackingDoc, { type: 'INBOUND' })).data!.trackingEvents.totalCount).toBe(1);
  });

  it('with no OPT_IN/OPT_OUT keywords, consent never changes (standard consent messages off)', async () => {
    const rules: RuleInput[] = [
      { category: 'HELP', keywords: ['help'], replyMessage: 'We are here to help.' },
      { category: 'DEFAULT', keywords: [], replyMessage: 'Hello!' },
    ];
    const { sim, h, webhook } = await connectedWorld({ keywordRules: rules });
    expect(webhook.standardConsentMessagesEnabled).toBe(false);
    const waId = '16505550005';
    for (const text of ['STOP', 'start', 'unsubscribe', 'help']) {
      await sim.sim.sendInboundText({ phoneNumberId: IDS.phone.acmeGreen, from: { waId }, text });
    }
    await settle(h, webhook.id, 4);
    // Four replies to one person, spaced by Meta's pair rate (one message per 6 s to a user).
    await waitUntil(() => repliesTo(sim, waId).length >= 4, 50_000, 'four replies');
    expect(repliesTo(sim, waId)).toEqual(['Hello!', 'Hello!', 'Hello!', 'We are here to help.']);
    const consent = await consentOf(h, waId);
    expect(consent.status).toBe('UNKNOWN');
    expect(consent.history).toEqual([]);
  }, 90_000);

  it('testInboundKeyword is a dry run: it reports what would happen and changes nothing', async () => {
    const { h, webhook } = await connectedWorld();
    const before = {
      messages: await countRows(h, 'whatsapp_messages'),
      jobs: await countRows(h, 'jobs'),
      deliveries: await countRows(h, 'webhook_deliveries'),
    };
    const cases: Array<[string, unknown]> = [
      [
        '  stop ',
        { category: 'OPT_OUT', matchedKeyword: 'STOP', replyMessage: STANDARD_RULES[0]!.replyMessage, consentChange: 'OPTED_OUT' },
      ],
      ['YES', { category: 'OPT_IN', matchedKeyword: 'Yes', consentChange: 'OPTED_IN' }],
      ['help', { category: 'HELP', matchedKeyword: 'HELP', consentChange: null }],
      ['stop please', { category: 'DEFAULT', matchedKeyword: null, replyMessage: STANDARD_RULES[3]!.replyMessage, consentChange: null }],
    ];
    for (const [text, expected] of cases) {
      const res = await h.gql(TestKeywordDoc, { webhookId: webhook.id, text });
      expect(res.errors).toBeUndefined();
      expect(res.data!.testInboundKeyword, text).toMatchObject(expected as Record<string, unknown>);
    }
    // A VIEWER may run the dry run too (it is a query).
    const viewer = await h.gql(TestKeywordDoc, { webhookId: webhook.id, text: 'STOP' }, h.viewerKey);
    expect(viewer.data!.testInboundKeyword.category).toBe('OPT_OUT');
    expect({
      messages: await countRows(h, 'whatsapp_messages'),
      jobs: await countRows(h, 'jobs'),
      deliveries: await countRows(h, 'webhook_deliveries'),
    }).toEqual(before);
  });
});
