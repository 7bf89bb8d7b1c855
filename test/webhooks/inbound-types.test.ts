import { afterEach, describe, expect, it } from 'vitest';
import { graphql } from '../generated/index.js';
import type { Harness } from '../helpers/harness.js';
import { sqlValue } from '../helpers/sql.js';
import { cleanup, connectedWorld } from '../helpers/world.js';
import { inboundKindOf, INBOUND_KINDS } from '../../src/webhooks/inbound.js';
import { ConsentDoc, IDS, repliesTo, settledDeliveries, waitUntil } from './helpers.js';

// Issue 15 points 4, 5 and 6: one table says which inbound types are customer-initiated (DEFAULT reply
// when no keyword applies); reactions and notices never get a reply; group traffic keeps its group id and
// never gets a private reply nor changes consent; revoke/edit annotate the original and system notices are
// SYSTEM events, none of them an INBOUND message.

afterEach(cleanup);

const DEFAULT_REPLY = 'Thanks for your message; we will get back to you.';
const phoneNumberId = IDS.phone.acmeGreen;

const InboundDoc = graphql(`
  query InboundMessages($first: Int) {
    whatsAppMessages(first: $first) {
      edges {
        node {
          wamid
          direction
          messageType
          text
          groupId
          editedText
          editedAt
          revokedAt
        }
      }
    }
  }
`);

async function inboundMessages(h: Harness) {
  const res = await h.gql(InboundDoc, { first: 100 });
  expect(res.errors).toBeUndefined();
  return res.data!.whatsAppMessages.edges.map((e) => e.node).filter((m) => m.direction === 'INBOUND');
}

const countEvents = (h: Harness, type: string): Promise<number> =>
  sqlValue<number>(h.server, 'SELECT count(*) FROM tracking_events WHERE type = ?', type);

async function settle(h: Harness, webhookId: string, n: number) {
  await settledDeliveries(h, webhookId, n);
  await h.server.deps.jobs.idle();
}

describe('which inbound messages get a reply', () => {
  it('the table: every customer-initiated type is marked, reactions and welcome requests are not', () => {
    const customer = Object.entries(INBOUND_KINDS)
      .filter(([, k]) => k.customerInitiated)
      .map(([t]) => t);
    expect(customer.sort()).toEqual(
      [
        'audio',
        'button',
        'contacts',
        'document',
        'image',
        'interactive.button_reply',
        'interactive.list_reply',
        'interactive.nfm_reply',
        'location',
        'order',
        'sticker',
        'text',
        'unsupported',
        'video',
      ].sort(),
    );
    expect(inboundKindOf({ type: 'reaction', interactive: null })).toEqual({ customerInitiated: false, keywords: false });
    expect(inboundKindOf({ type: 'some_future_type', interactive: null }).customerInitiated).toBe(false);
  });

  it('media, location, contacts, orders, flow completions and unsupported messages get the DEFAULT reply; reactions do not', async () => {
    const { sim, h, webhook } = await connectedWorld();
    const types = ['image', 'audio', 'video', 'document', 'sticker', 'location', 'contacts', 'order', 'nfm_reply', 'unsupported', 'button'];
    for (const [i, type] of types.entries()) {
      const r = await sim.sim.shapes.inbound(phoneNumberId, { waId: `1650555${String(7000 + i)}` }, { type });
      expect(r.delivery.status).toBe(200);
    }
    await sim.sim.shapes.inbound(phoneNumberId, { waId: '16505557900' }, { type: 'reaction' });
    await sim.sim.shapes.inbound(phoneNumberId, { waId: '16505557901' }, { type: 'request_welcome' });
    // A caption is not a keyword: an image captioned STOP is a photo, not an opt-out.
    await sim.sim.shapes.inbound(
      phoneNumberId,
      { waId: '16505557902' },
      { type: 'image', body: { image: { id: '1', mime_type: 'image/jpeg', caption: 'STOP' } } },
    );
    await settle(h, webhook.id, types.length + 3);
    await waitUntil(() => types.every((_t, i) => repliesTo(sim, `1650555${String(7000 + i)}`).length === 1), 15_000, 'replies');
    for (const [i] of types.entries()) expect(repliesTo(sim, `1650555${String(7000 + i)}`)).toEqual([DEFAULT_REPLY]);
    expect(repliesTo(sim, '16505557900')).toEqual([]);
    expect(repliesTo(sim, '16505557901')).toEqual([]);
    expect(repliesTo(sim, '16505557902')).toEqual([DEFAULT_REPLY]);
    expect((await h.gql(ConsentDoc, { phoneNumber: '+16505557902' })).data!.consent.status).toBe('UNKNOWN');
    // All are recorded as what they are.
    expect((await inboundMessages(h)).map((m) => m.messageType).sort()).toEqual(
      [...types.map((t) => (t === 'nfm_reply' ? 'interactive' : t)), 'reaction', 'request_welcome', 'image'].sort(),
    );
  });
});

describe('group messages', () => {
  it('keep the group id, get no private reply and never change consent; the same STOP 1:1 does', async () => {
    const { sim, h, webhook } = await connectedWorld();
    const waId = '16505557910';
    const group = await sim.sim.shapes.inbound(
      phoneNumberId,
      { waId },
      { type: 'text', body: { text: { body: 'STOP' } }, groupId: 'GROUP.123' },
    );
    await sim.sim.shapes.inbound(phoneNumberId, { waId }, { type: 'image', groupId: 'GROUP.123' });
    await settle(h, webhook.id, 2);
    expect(repliesTo(sim, waId)).toEqual([]);
    expect((await h.gql(ConsentDoc, { phoneNumber: `+${waId}` })).data!.consent.status).toBe('UNKNOWN');
    const stored = (await inboundMessages(h)).find((m) => m.wamid === group.wamid)!;
    expect(stored).toMatchObject({ groupId: 'GROUP.123', text: 'STOP' });
    expect(await countEvents(h, 'OPT_OUT')).toBe(0);

    await sim.sim.sendInboundText({ phoneNumberId, from: { waId }, text: 'STOP' });
    await settle(h, webhook.id, 3);
    expect((await h.gql(ConsentDoc, { phoneNumber: `+${waId}` })).data!.consent.status).toBe('OPTED_OUT');
    await waitUntil(() => repliesTo(sim, waId).length === 1, 10_000, 'the 1:1 reply');
  });
});

describe('revoke, edit and system notices', () => {
  it('annotate the original or become SYSTEM events; none is an INBOUND message and none gets a reply', async () => {
    const { sim, h, webhook } = await connectedWorld();
    const waId = '16505557920';
    const original = await sim.sim.sendInboundText({ phoneNumberId, from: { waId }, text: 'Where is my order?' });
    await settle(h, webhook.id, 1);
    await waitUntil(() => repliesTo(sim, waId).length === 1, 10_000, 'the reply to the original');

    await sim.sim.shapes.edit(phoneNumberId, { waId }, original.wamid, 'Where is my order A-1?');
    await sim.sim.shapes.revoke(phoneNumberId, { waId }, original.wamid);
    await sim.sim.shapes.system(phoneNumberId, { from: { waId }, systemType: 'user_changed_user_id', userId: 'US.100000000000000001' });
    await settle(h, webhook.id, 4);

    const inbound = await inboundMessages(h);
    expect(inbound).toHaveLength(1);
    expect(inbound[0]).toMatchObject({ wamid: original.wamid, text: 'Where is my order?', editedText: 'Where is my order A-1?' });
    expect(inbound[0]!.editedAt).not.toBeNull();
    expect(inbound[0]!.revokedAt).not.toBeNull();
    expect(await countEvents(h, 'INBOUND')).toBe(1);
    expect(await countEvents(h, 'SYSTEM')).toBe(1);
    expect(repliesTo(sim, waId)).toHaveLength(1);
  });
});
