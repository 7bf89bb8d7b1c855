import { describe, expect, it } from 'vitest';
import { useWorld } from '../helpers/world.js';
import {
  applyMarketingPreference,
  getConsentByPhoneNumber,
  recordInboundMessage,
  type WebhookContext,
} from '../../src/messages/service.js';
import { ValidationError } from '../../src/platform/errors.js';
import { count, IDS, inbound, rows, setupWorld, waitUntil } from './helpers.js';

// Issue 5 (messaging core): inbound messages are recorded once per wamid with their contact, consent change,
// tracking events and one auto-reply, which Meta (the simulator) receives exactly once.

const w = useWorld(setupWorld);

const messagesWith = (wamid: string) => count(w.h, 'SELECT count(*) AS n FROM whatsapp_messages WHERE wamid = ?', wamid);
const eventsOf = async (messageId: string) =>
  (await rows<{ type: string }>(w.h, 'SELECT type FROM tracking_events WHERE message_id = ? ORDER BY id', messageId)).map((r) => r.type);

function outboundReplies(ctx: WebhookContext) {
  return rows<{ id: string; status: string; wamid: string | null; to_number: string | null; from_number: string | null; text: string }>(
    w.h,
    "SELECT * FROM whatsapp_messages WHERE direction = 'OUTBOUND' AND sandbox_id = ? ORDER BY id",
    ctx.sandboxId,
  );
}

describe('recordInboundMessage', () => {
  it('records the same wamid once however often (5 in a row, 5 at once): one message, one INBOUND event, one reply sent once', async () => {
    const { h, sim, ctx } = w;
    const waId = '14155550101';
    sim.sim.openServiceWindow(IDS.phone.acmeGreen, waId);
    const input = inbound({ waId, text: 'HELP', category: 'HELP', matchedKeyword: 'help', replyText: 'Reply STOP to opt out.' });
    const repliesBefore = (await outboundReplies(ctx)).length;

    const sequential: Array<Awaited<ReturnType<typeof recordInboundMessage>>> = [];
    for (let i = 0; i < 5; i++) sequential.push(await recordInboundMessage(h.server.deps, ctx, input));
    const concurrent = await Promise.all(
      [1, 2, 3, 4, 5].map(() => Promise.resolve().then(() => recordInboundMessage(h.server.deps, ctx, input))),
    );
    const results = [...sequential, ...concurrent];
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    const messageId = results[0]!.messageId!;
    expect(results.every((r) => r.messageId === messageId)).toBe(true);

    expect(await messagesWith(input.wamid)).toBe(1);
    expect(await eventsOf(messageId)).toEqual(['INBOUND', 'HELP']);
    expect(
      (await h.server.deps.jobs.list({ kind: 'messaging.send-auto-reply' })).filter((j) => j.dedupeKey?.endsWith(input.wamid)),
    ).toHaveLength(1);

    const inboundRow = (await rows<Record<string, unknown>>(h, 'SELECT * FROM whatsapp_messages WHERE wamid = ?', input.wamid))[0]!;
    expect(inboundRow).toMatchObject({
      direction: 'INBOUND',
      status: 'DELIVERED',
      from_number: '+14155550101',
      text: 'HELP',
      type: 'text',
    });

    await waitUntil(async () => (await outboundReplies(ctx)).some((m) => m.status === 'SENT'), 10_000, 'the auto-reply to be SENT');
    const replies = (await outboundReplies(ctx)).slice(repliesBefore);
    expect(replies).toHaveLength(1);
    const reply = replies[0]!;
    expect(reply).toMatchObject({ status: 'SENT', to_number: '+14155550101', text: 'Reply STOP to opt out.' });
    expect(reply.from_number).toMatch(/^\+\d+$/);

    const sent = sim.sim.sentMessages({ to: '+14155550101' });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ wamid: reply.wamid, bizOpaqueCallbackData: reply.id, phoneNumberId: IDS.phone.acmeGreen });
    expect(sent[0]!.body).toMatchObject({ type: 'text', text: { body: 'Reply STOP to opt out.' } });
    // Acceptance recorded a SENT event for the reply.
    expect(await eventsOf(reply.id)).toEqual(['SENT']);

    // Repeats after the reply went out still change nothing.
    expect(await recordInboundMessage(h.server.deps, ctx, input)).toEqual({ duplicate: true, messageId });
    await h.server.deps.jobs.idle();
    expect(sim.sim.sentMessages({ to: '+14155550101' })).toHaveLength(1);
  });

  it('an opt-out keyword changes consent once with a ledger entry; opt-in changes it back', async () => {
    const { h, ctx } = w;
    const waId = '14155550102';
    const t0 = Date.now() - 60_000;
    const stop = inbound({
      waId,
      text: 'STOP',
      category: 'OPT_OUT',
      matchedKeyword: 'stop',
      consentChange: 'OPTED_OUT',
      timestamp: new Date(t0),
    });
    const first = await recordInboundMessage(h.server.deps, ctx, stop);
    expect(await getConsentByPhoneNumber(h.server.deps, ctx.sandboxId, '+14155550102')).toEqual({
      status: 'OPTED_OUT',
      changedAt: new Date(t0),
    });
    expect(await eventsOf(first.messageId!)).toEqual(['INBOUND', 'OPT_OUT']);
    const ledger = () =>
      rows<Record<string, unknown>>(
        h,
        'SELECT c.status, c.source, c.keyword, c.message_id, c.at FROM consent_changes c JOIN whatsapp_contacts k ON k.id = c.contact_id WHERE k.phone_number = ? ORDER BY c.at',
        '+14155550102',
      );
    expect(await ledger()).toEqual([{ status: 'OPTED_OUT', source: 'KEYWORD', keyword: 'stop', message_id: stop.wamid, at: t0 }]);

    // Again (another message, same keyword): already opted out, no second ledger row, but still its tracking events.
    const again = await recordInboundMessage(h.server.deps, ctx, { ...stop, wamid: `${stop.wamid}x`, timestamp: new Date(t0 + 1000) });
    expect(await eventsOf(again.messageId!)).toEqual(['INBOUND', 'OPT_OUT']);
    expect(await ledger()).toHaveLength(1);

    const start = inbound({
      waId,
      text: 'start',
      category: 'OPT_IN',
      matchedKeyword: 'START',
      consentChange: 'OPTED_IN',
      timestamp: new Date(t0 + 2000),
    });
    await recordInboundMessage(h.server.deps, ctx, start);
    expect((await getConsentByPhoneNumber(h.server.deps, ctx.sandboxId, '14155550102')).status).toBe('OPTED_IN');
    expect((await ledger()).map((r) => [r.status, r.keyword])).toEqual([
      ['OPTED_OUT', 'stop'],
      ['OPTED_IN', 'START'],
    ]);

    // A STOP sent before that START but delivered late does not undo it.
    await recordInboundMessage(h.server.deps, ctx, { ...stop, wamid: `${stop.wamid}late`, timestamp: new Date(t0 + 1500) });
    expect((await getConsentByPhoneNumber(h.server.deps, ctx.sandboxId, '+14155550102')).status).toBe('OPTED_IN');
    expect(await ledger()).toHaveLength(2);
  });

  it('changes no consent when consentChange is null (keywords do not change consent), whatever the category', async () => {
    const { h, ctx } = w;
    const waId = '14155550103';
    const help = await recordInboundMessage(h.server.deps, ctx, inbound({ waId, text: 'help', category: 'HELP', matchedKeyword: 'help' }));
    const other = await recordInboundMessage(h.server.deps, ctx, inbound({ waId, text: 'what?', category: 'DEFAULT' }));
    const plain = await recordInboundMessage(h.server.deps, ctx, inbound({ waId, text: 'stop please' }));
    expect(await getConsentByPhoneNumber(h.server.deps, ctx.sandboxId, '+14155550103')).toEqual({ status: 'UNKNOWN', changedAt: null });
    expect(
      await count(h, 'SELECT count(*) AS n FROM consent_changes c JOIN whatsapp_contacts k ON k.id = c.contact_id WHERE k.wa_id = ?', waId),
    ).toBe(0);
    expect(await eventsOf(help.messageId!)).toEqual(['INBOUND', 'HELP']);
    expect(await eventsOf(other.messageId!)).toEqual(['INBOUND']);
    expect(await eventsOf(plain.messageId!)).toEqual(['INBOUND']);
    // No reply asked for, none queued.
    expect(
      await count(h, "SELECT count(*) AS n FROM whatsapp_messages WHERE direction = 'OUTBOUND' AND to_number = ?", '+14155550103'),
    ).toBe(0);
  });

  it('keys contacts by BSUID: a number-only contact gains its user id; a BSUID-only user is replied to by user id', async () => {
    const { h, sim, ctx } = w;
    await recordInboundMessage(h.server.deps, ctx, inbound({ waId: '14155550104', userId: null, profileName: 'Sam' }));
    await recordInboundMessage(h.server.deps, ctx, inbound({ waId: '14155550104', userId: 'US.1000000000000004', profileName: 'Sam B' }));
    expect(
      await rows(
        h,
        'SELECT user_key, bsuid, wa_id, phone_number, profile_name FROM whatsapp_contacts WHERE wa_id = ? AND sandbox_id = ?',
        '14155550104',
        ctx.sandboxId,
      ),
    ).toEqual([
      {
        user_key: 'US.1000000000000004',
        bsuid: 'US.1000000000000004',
        wa_id: '14155550104',
        phone_number: '+14155550104',
        profile_name: 'Sam B',
      },
    ]);

    const userId = 'US.1000000000000005';
    sim.sim.openServiceWindow(IDS.phone.acmeGreen, userId);
    const only = inbound({ waId: null, userId, replyText: 'Thanks!', category: 'DEFAULT' });
    const r = await recordInboundMessage(h.server.deps, ctx, only);
    expect(await rows(h, 'SELECT from_number, contact_id IS NOT NULL AS linked FROM whatsapp_messages WHERE id = ?', r.messageId)).toEqual([
      { from_number: null, linked: 1 },
    ]);
    await waitUntil(() => sim.sim.sentMessages().some((m) => m.recipientUserId === userId), 10_000, 'a reply to the BSUID');
    const sent = sim.sim.sentMessages().filter((m) => m.recipientUserId === userId);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body).toMatchObject({ recipient: userId, text: { body: 'Thanks!' } });
    expect(sent[0]!.body).not.toHaveProperty('to');
  });

  it('user preferences: stop opts out, resume opts in, repeats and stale ones change nothing, unknown values are ignored', async () => {
    const { h, ctx } = w;
    const waId = '14155550105';
    const t0 = Date.now() - 10_000;
    const pref = (value: string, at: number) =>
      applyMarketingPreference(h.server.deps, ctx, {
        waId,
        userId: null,
        value,
        detail: `User requested to ${value} marketing messages`,
        timestamp: new Date(at),
      });
    expect(await pref('stop', t0)).toBe('applied');
    expect(await pref('stop', t0)).toBe('duplicate');
    expect(await getConsentByPhoneNumber(h.server.deps, ctx.sandboxId, '+14155550105')).toEqual({
      status: 'OPTED_OUT',
      changedAt: new Date(t0),
    });
    expect(await pref('resume', t0 + 2000)).toBe('applied');
    expect(await pref('resume', t0 + 2000)).toBe('duplicate');
    expect(await pref('stop', t0 + 1000)).toBe('duplicate'); // older than the resume: superseded
    expect(await pref('interested', t0 + 3000)).toBe('ignored');
    expect(
      await applyMarketingPreference(h.server.deps, ctx, { waId: null, userId: null, value: 'stop', detail: null, timestamp: new Date() }),
    ).toBe('ignored');
    expect((await getConsentByPhoneNumber(h.server.deps, ctx.sandboxId, '+14155550105')).status).toBe('OPTED_IN');
    expect(
      await rows(
        h,
        'SELECT c.status, c.source, c.detail FROM consent_changes c JOIN whatsapp_contacts k ON k.id = c.contact_id WHERE k.wa_id = ? ORDER BY c.at',
        waId,
      ),
    ).toEqual([
      { status: 'OPTED_OUT', source: 'USER_PREFERENCES', detail: 'User requested to stop marketing messages' },
      { status: 'OPTED_IN', source: 'USER_PREFERENCES', detail: 'User requested to resume marketing messages' },
    ]);
    expect(
      (
        await rows<{ type: string }>(
          h,
          'SELECT e.type FROM tracking_events e JOIN whatsapp_contacts k ON k.id = e.contact_id WHERE k.wa_id = ? ORDER BY e.id',
          waId,
        )
      ).map((r) => r.type),
    ).toEqual(['OPT_OUT', 'OPT_IN']);
  });

  it('looks consent up by any spelling of the number, and refuses what is not a number', async () => {
    const { h, ctx } = w;
    await recordInboundMessage(
      h.server.deps,
      ctx,
      inbound({ waId: '14155550106', category: 'OPT_OUT', consentChange: 'OPTED_OUT', matchedKeyword: 'stop' }),
    );
    for (const spelling of ['+14155550106', '14155550106', '+1 415-555-0106', '+1 (415) 555 0106', ' 1.415.555.0106 ']) {
      expect((await getConsentByPhoneNumber(h.server.deps, ctx.sandboxId, spelling)).status).toBe('OPTED_OUT');
    }
    for (const bad of ['', 'abc', '+1', '12345', '+1 415 555 0106 ext 2']) {
      await expect(getConsentByPhoneNumber(h.server.deps, ctx.sandboxId, bad)).rejects.toThrow(ValidationError);
    }
    // Another sandbox never heard of this number.
    expect((await getConsentByPhoneNumber(h.server.deps, w.otherCtx.sandboxId, '+14155550106')).status).toBe('UNKNOWN');
  });

  it('keeps each sandbox to itself: the same wamid and user in another sandbox are separate records', async () => {
    const { h, ctx, otherCtx } = w;
    const input = inbound({ waId: '14155550107', category: 'OPT_OUT', consentChange: 'OPTED_OUT', matchedKeyword: 'stop' });
    const a = await recordInboundMessage(h.server.deps, ctx, input);
    const b = await recordInboundMessage(h.server.deps, otherCtx, { ...input, category: null, consentChange: null });
    expect(a.duplicate).toBe(false);
    expect(b.duplicate).toBe(false);
    expect(a.messageId).not.toBe(b.messageId);
    expect((await getConsentByPhoneNumber(h.server.deps, ctx.sandboxId, '+14155550107')).status).toBe('OPTED_OUT');
    expect((await getConsentByPhoneNumber(h.server.deps, otherCtx.sandboxId, '+14155550107')).status).toBe('UNKNOWN');
  });
});
