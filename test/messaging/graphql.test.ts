import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWorld } from '../helpers/world.js';
import { graphql } from '../generated/index.js';
import { connectWs } from '../helpers/live.js';
import {
  applyStatusUpdate,
  recordInboundMessage,
  recordOutboundMessage,
  recordSendOutcome,
  type WebhookContext,
} from '../../src/messages/service.js';
import { count, inbound, newWamid, setupWorld, status, waitUntil } from './helpers.js';

// Issue 5 (messaging core): whatsAppMessages, trackingEvents and consent as in the contract (filters, pagination,
// validation), node(id) for messages and events, trackingEventAdded over graphql-ws with its filters, every one
// of them scoped to the caller's sandbox in both directions, and open to VIEWER keys.

const MessagesDoc = graphql(`
  query MessagingMessages($first: Int, $after: String, $last: Int, $before: String, $channelConfigurationId: ID, $status: MessageStatus) {
    whatsAppMessages(
      first: $first
      after: $after
      last: $last
      before: $before
      channelConfigurationId: $channelConfigurationId
      status: $status
    ) {
      totalCount
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      edges {
        cursor
        node {
          id
          wamid
          direction
          messageType
          to
          from
          text
          status
          statusReason
          metaErrorCode
          sentAt
          deliveredAt
          readAt
          failedAt
          createdAt
          updatedAt
        }
      }
    }
  }
`);

const EventsDoc = graphql(`
  query MessagingEvents(
    $first: Int
    $after: String
    $type: TrackingEventType
    $channelConfigurationId: ID
    $since: DateTime
    $until: DateTime
  ) {
    trackingEvents(
      first: $first
      after: $after
      type: $type
      channelConfigurationId: $channelConfigurationId
      since: $since
      until: $until
    ) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          type
          at
          phoneNumber
          detail
          message {
            id
            wamid
            direction
            status
          }
        }
      }
    }
  }
`);

const ConsentDoc = graphql(`
  query MessagingConsent($phoneNumber: String!, $first: Int) {
    consent(phoneNumber: $phoneNumber) {
      phoneNumber
      status
      changedAt
      history(first: $first) {
        status
        previousStatus
        source
        keyword
        messageId
        detail
        at
      }
    }
  }
`);

const NodeDoc = graphql(`
  query MessagingNode($id: ID!) {
    node(id: $id) {
      __typename
      id
      ... on WhatsAppMessage {
        wamid
        status
      }
      ... on TrackingEvent {
        type
      }
    }
  }
`);

const AddedDoc = graphql(`
  subscription MessagingTrackingAdded($type: TrackingEventType, $channelConfigurationId: ID) {
    trackingEventAdded(type: $type, channelConfigurationId: $channelConfigurationId) {
      id
      type
      at
      phoneNumber
      detail
      message {
        id
        direction
        text
      }
    }
  }
`);

const w = useWorld(setupWorld);
const listMessages = (vars: { first: number; after: string | null }) => w.h.gql(MessagesDoc, vars);
const CHANNEL = 'CHANNELCONFIG0001';
const channelId = encodeGlobalID('ChannelConfiguration', CHANNEL);
const T0 = Date.UTC(2026, 0, 10, 12, 0, 0);

async function accepted(ctx: WebhookContext, to: string, channelConfigurationId: string | null): Promise<{ id: string; wamid: string }> {
  const { message } = await recordOutboundMessage(w.h.server.deps, {
    sandboxId: ctx.sandboxId,
    credentialId: ctx.credentialId,
    channelConfigurationId,
    toPhoneNumber: to,
    text: 'Your order shipped',
  });
  const wamid = newWamid();
  await recordSendOutcome(w.h.server.deps, ctx.sandboxId, message.id, { kind: 'accepted', wamid, at: new Date(T0 + 5 * 60_000) });
  return { id: message.id, wamid };
}

beforeAll(async () => {
  const deps = w.h.server.deps;
  // prod: 4 inbound (one opt-out at T0 + 1 min), 2 outbound through the channel configuration (one read, one
  // failed), 1 outbound without one.
  for (let i = 0; i < 3; i++)
    await recordInboundMessage(deps, w.ctx, inbound({ waId: `1415555060${i}`, text: `hello ${i}`, timestamp: new Date(T0 + i * 1000) }));
  await recordInboundMessage(
    deps,
    w.ctx,
    inbound({
      waId: '14155550610',
      text: 'STOP',
      category: 'OPT_OUT',
      matchedKeyword: 'stop',
      consentChange: 'OPTED_OUT',
      timestamp: new Date(T0 + 60_000),
    }),
  );
  const read = await accepted(w.ctx, '+14155550600', CHANNEL);
  await applyStatusUpdate(deps, w.ctx, status(read.wamid, 'read', { timestamp: new Date(T0 + 10 * 60_000) }));
  const failed = await accepted(w.ctx, '+14155550601', CHANNEL);
  await applyStatusUpdate(
    deps,
    w.ctx,
    status(failed.wamid, 'failed', {
      timestamp: new Date(T0 + 11 * 60_000),
      errors: [{ code: 131026, title: 'Message undeliverable', message: null, details: null }],
    }),
  );
  await accepted(w.ctx, '+14155550602', null);
  // other: 1 inbound of the same number.
  await recordInboundMessage(deps, w.otherCtx, inbound({ waId: '14155550610', text: 'other sandbox', timestamp: new Date(T0) }));
});

describe('whatsAppMessages', () => {
  it("lists the sandbox's messages newest first, page by page, with totalCount", async () => {
    const total = await count(w.h, 'SELECT count(*) AS n FROM whatsapp_messages WHERE sandbox_id = ?', w.ctx.sandboxId);
    expect(total).toBe(7);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const res: Awaited<ReturnType<typeof listMessages>> = await listMessages({ first: 3, after });
      expect(res.errors).toBeUndefined();
      const c = res.data!.whatsAppMessages;
      expect(c.totalCount).toBe(7);
      seen.push(...c.edges.map((e) => e.node.id));
      if (!c.pageInfo.hasNextPage) break;
      after = c.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(7);
    const raw = seen.map((id) => decodeGlobalID(id).id);
    expect([...raw].sort().reverse()).toEqual(raw);

    const first = (await w.h.gql(MessagesDoc, { first: 7 })).data!.whatsAppMessages.edges.map((e) => e.node);
    expect(first.find((m) => m.text === 'STOP')).toMatchObject({
      direction: 'INBOUND',
      status: 'DELIVERED',
      from: '+14155550610',
      messageType: 'text',
    });
    expect(first.find((m) => m.to === '+14155550600')).toMatchObject({ direction: 'OUTBOUND', status: 'READ', statusReason: null });
    expect(first.find((m) => m.to === '+14155550601')).toMatchObject({
      status: 'FAILED',
      metaErrorCode: 131026,
      statusReason: '131026: Message undeliverable',
    });

    const last = await w.h.gql(MessagesDoc, { last: 2 });
    expect(last.data!.whatsAppMessages.edges.map((e) => e.node.id)).toEqual(seen.slice(-2));
    const bad = await w.h.gql(MessagesDoc, { first: 101 });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('filters by status and by channel configuration; a malformed or wrong-type id is BAD_USER_INPUT, an unknown one matches nothing', async () => {
    const failed = (await w.h.gql(MessagesDoc, { status: 'FAILED' })).data!.whatsAppMessages;
    expect(failed.totalCount).toBe(1);
    expect(failed.edges[0]!.node.to).toBe('+14155550601');

    const viaChannel = (await w.h.gql(MessagesDoc, { channelConfigurationId: channelId })).data!.whatsAppMessages;
    expect(viaChannel.edges.map((e) => e.node.to).sort()).toEqual(['+14155550600', '+14155550601']);
    expect(viaChannel.totalCount).toBe(2);
    const both = (await w.h.gql(MessagesDoc, { channelConfigurationId: channelId, status: 'READ' })).data!.whatsAppMessages;
    expect(both.edges.map((e) => e.node.to)).toEqual(['+14155550600']);

    for (const wrong of [encodeGlobalID('WhatsAppMessage', CHANNEL), 'not-a-global-id']) {
      const res = await w.h.gql(MessagesDoc, { channelConfigurationId: wrong });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'channelConfigurationId' });
      expect(res.data ?? null).toBeNull();
    }
    const unknown = await w.h.gql(MessagesDoc, { channelConfigurationId: encodeGlobalID('ChannelConfiguration', 'nope') });
    expect(unknown.errors).toBeUndefined();
    expect(unknown.data!.whatsAppMessages).toMatchObject({ totalCount: 0, edges: [] });
  });
});

describe('trackingEvents', () => {
  it('lists events with type, channel and time filters, each linked to its message', async () => {
    const all = (await w.h.gql(EventsDoc, { first: 100 })).data!.trackingEvents;
    // 4 INBOUND + 1 OPT_OUT + 3 SENT + READ + FAILED
    expect(all.totalCount).toBe(10);
    const types = all.edges.map((e) => e.node.type).sort();
    expect(types).toEqual(['FAILED', 'INBOUND', 'INBOUND', 'INBOUND', 'INBOUND', 'OPT_OUT', 'READ', 'SENT', 'SENT', 'SENT']);

    const optOut = (await w.h.gql(EventsDoc, { type: 'OPT_OUT' })).data!.trackingEvents;
    expect(optOut.edges).toHaveLength(1);
    expect(optOut.edges[0]!.node).toMatchObject({
      type: 'OPT_OUT',
      phoneNumber: '+14155550610',
      at: new Date(T0 + 60_000).toISOString(),
      detail: { keyword: 'stop', source: 'KEYWORD', consentChanged: true },
      message: { direction: 'INBOUND', status: 'DELIVERED' },
    });

    const channel = (await w.h.gql(EventsDoc, { channelConfigurationId: channelId })).data!.trackingEvents;
    expect(channel.edges.map((e) => e.node.type).sort()).toEqual(['FAILED', 'READ', 'SENT', 'SENT']);
    const failed = channel.edges.find((e) => e.node.type === 'FAILED')!.node;
    expect(failed.detail).toMatchObject({ metaStatus: 'failed', errorCode: 131026 });
    expect(failed.message).toMatchObject({ direction: 'OUTBOUND', status: 'FAILED' });

    const window = (
      await w.h.gql(EventsDoc, { since: new Date(T0 + 30_000).toISOString(), until: new Date(T0 + 10 * 60_000).toISOString() })
    ).data!.trackingEvents;
    expect(window.edges.map((e) => e.node.type).sort()).toEqual(['INBOUND', 'OPT_OUT', 'READ', 'SENT', 'SENT', 'SENT']);

    const page = (await w.h.gql(EventsDoc, { first: 4 })).data!.trackingEvents;
    const next = (await w.h.gql(EventsDoc, { first: 100, after: page.pageInfo.endCursor })).data!.trackingEvents;
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect([...page.edges, ...next.edges].map((e) => e.node.id)).toEqual(all.edges.map((e) => e.node.id));
    const garbage = await w.h.gql(EventsDoc, { channelConfigurationId: 'garbage' });
    expect(garbage.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'channelConfigurationId' });
  });
});

describe('consent', () => {
  it('returns status and the ledger newest first, UNKNOWN for strangers, BAD_USER_INPUT for non-numbers', async () => {
    await recordInboundMessage(
      w.h.server.deps,
      w.ctx,
      inbound({
        waId: '14155550610',
        text: 'START',
        category: 'OPT_IN',
        matchedKeyword: 'start',
        consentChange: 'OPTED_IN',
        timestamp: new Date(T0 + 120_000),
      }),
    );
    const res = await w.h.gql(ConsentDoc, { phoneNumber: '1 415-555-0610' });
    expect(res.errors).toBeUndefined();
    expect(res.data!.consent).toMatchObject({
      phoneNumber: '+14155550610',
      status: 'OPTED_IN',
      changedAt: new Date(T0 + 120_000).toISOString(),
    });
    expect(res.data!.consent.history.map((c) => [c.status, c.previousStatus, c.source, c.keyword])).toEqual([
      ['OPTED_IN', 'OPTED_OUT', 'KEYWORD', 'start'],
      ['OPTED_OUT', 'UNKNOWN', 'KEYWORD', 'stop'],
    ]);
    expect(res.data!.consent.history[0]!.messageId).toMatch(/^wamid\./);
    const one = await w.h.gql(ConsentDoc, { phoneNumber: '+14155550610', first: 1 });
    expect(one.data!.consent.history).toHaveLength(1);

    const stranger = await w.h.gql(ConsentDoc, { phoneNumber: '+44 20 7946 0958' });
    expect(stranger.data!.consent).toEqual({ phoneNumber: '+442079460958', status: 'UNKNOWN', changedAt: null, history: [] });

    for (const bad of ['hello', '+1', '']) {
      const r = await w.h.gql(ConsentDoc, { phoneNumber: bad });
      expect(r.data).toBeNull();
      expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    const tooMany = await w.h.gql(ConsentDoc, { phoneNumber: '+14155550610', first: 101 });
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('isolation and roles', () => {
  it('each sandbox sees only its own messages, events, consent and nodes (both directions); VIEWER keys can read', async () => {
    const mine = (await w.h.gql(MessagesDoc, { first: 100 })).data!.whatsAppMessages;
    const theirs = (await w.h.gql(MessagesDoc, { first: 100 }, w.otherKey)).data!.whatsAppMessages;
    expect(theirs.totalCount).toBe(1);
    expect(theirs.edges[0]!.node.text).toBe('other sandbox');
    expect(mine.edges.some((e) => e.node.text === 'other sandbox')).toBe(false);
    const theirEvents = (await w.h.gql(EventsDoc, { first: 100 }, w.otherKey)).data!.trackingEvents;
    expect(theirEvents.edges.map((e) => e.node.type)).toEqual(['INBOUND']);
    expect((await w.h.gql(ConsentDoc, { phoneNumber: '+14155550610' }, w.otherKey)).data!.consent).toMatchObject({
      status: 'UNKNOWN',
      history: [],
    });

    const myMessage = mine.edges[0]!.node.id;
    const theirMessage = theirs.edges[0]!.node.id;
    const theirEvent = theirEvents.edges[0]!.node.id;
    expect((await w.h.gql(NodeDoc, { id: myMessage })).data!.node).toMatchObject({ __typename: 'WhatsAppMessage', id: myMessage });
    expect((await w.h.gql(NodeDoc, { id: theirEvent }, w.otherKey)).data!.node).toMatchObject({
      __typename: 'TrackingEvent',
      type: 'INBOUND',
    });
    expect((await w.h.gql(NodeDoc, { id: theirMessage })).data?.node ?? null).toBeNull();
    expect((await w.h.gql(NodeDoc, { id: theirEvent })).data?.node ?? null).toBeNull();
    expect((await w.h.gql(NodeDoc, { id: myMessage }, w.otherKey)).data?.node ?? null).toBeNull();

    const viewerMessages = await w.h.gql(MessagesDoc, { first: 100 }, w.h.viewerKey);
    expect(viewerMessages.errors).toBeUndefined();
    expect(viewerMessages.data!.whatsAppMessages.totalCount).toBe(mine.totalCount);
    const viewerEvents = await w.h.gql(EventsDoc, { type: 'OPT_OUT' }, w.h.viewerKey);
    expect(viewerEvents.data!.trackingEvents.totalCount).toBe(1);
    const viewerConsent = await w.h.gql(ConsentDoc, { phoneNumber: '+14155550610' }, w.h.viewerKey);
    expect(viewerConsent.data!.consent.status).toBe('OPTED_IN');
  });
});

describe('trackingEventAdded', () => {
  it('streams new events over graphql-ws with type and channel filters, to its own sandbox only, VIEWERs included', async () => {
    const { h } = w;
    const admin = connectWs(h.wsUrl, h.adminKey);
    const viewer = connectWs(h.wsUrl, h.viewerKey);
    const other = connectWs(h.wsUrl, w.otherViewerKey);
    try {
      const inboundOnly = admin.subscribe(AddedDoc, { type: 'INBOUND' });
      const viaChannel = admin.subscribe(AddedDoc, { channelConfigurationId: channelId });
      const everything = viewer.subscribe(AddedDoc, {});
      const otherSandbox = other.subscribe(AddedDoc, {});
      await waitUntil(() => h.server.deps.pubsub.listenerCount(w.ctx.sandboxId, 'tracking:event-added') === 3, 5_000, 'prod subscribers');
      await waitUntil(
        () => h.server.deps.pubsub.listenerCount(w.otherCtx.sandboxId, 'tracking:event-added') === 1,
        5_000,
        'other subscriber',
      );

      await recordInboundMessage(
        h.server.deps,
        w.ctx,
        inbound({ waId: '14155550620', text: 'HELP', category: 'HELP', matchedKeyword: 'help' }),
      );
      const a = await everything.events.next();
      const b = await everything.events.next();
      expect([a.data!.trackingEventAdded.type, b.data!.trackingEventAdded.type]).toEqual(['INBOUND', 'HELP']);
      expect(a.data!.trackingEventAdded).toMatchObject({ phoneNumber: '+14155550620', message: { direction: 'INBOUND', text: 'HELP' } });
      const onlyInbound = await inboundOnly.events.next();
      expect(onlyInbound.data!.trackingEventAdded.id).toBe(a.data!.trackingEventAdded.id);

      const m = await accepted(w.ctx, '+14155550621', CHANNEL);
      const sent = await viaChannel.events.next();
      expect(sent.data!.trackingEventAdded).toMatchObject({ type: 'SENT', message: { id: expect.any(String), direction: 'OUTBOUND' } });
      expect(await applyStatusUpdate(h.server.deps, w.ctx, status(m.wamid, 'delivered'))).toBe('applied');
      expect((await viaChannel.events.next()).data!.trackingEventAdded.type).toBe('DELIVERED');
      expect((await everything.events.until((e) => e.data?.trackingEventAdded.type === 'DELIVERED')).errors).toBeUndefined();

      // Nothing of prod reached the other sandbox; now the other way round.
      await otherSandbox.events.none(200);
      await recordInboundMessage(h.server.deps, w.otherCtx, inbound({ waId: '14155550622', text: 'from other' }));
      expect((await otherSandbox.events.next()).data!.trackingEventAdded).toMatchObject({
        type: 'INBOUND',
        message: { text: 'from other' },
      });
      await everything.events.none(200);
      expect(inboundOnly.events.all).toHaveLength(1);
      expect(viaChannel.events.all).toHaveLength(2);
    } finally {
      await Promise.all([admin.dispose(), viewer.dispose(), other.dispose()]);
    }
  });
});
