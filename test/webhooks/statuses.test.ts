import { afterEach, describe, expect, it } from 'vitest';
import { statusPayload, type RunningMetaSimulator } from '../../src/meta-simulator/index.js';
import type { Harness } from '../helpers/harness.js';
import { cleanup, connectedWorld } from '../helpers/world.js';
import { IDS, MessagesDoc, repliesTo, settledDeliveries, TrackingDoc, waitUntil } from './helpers.js';

// Acceptance 5: statuses arrive shuffled (read before delivered, sent after read, failed) and the message ends in
// the right final state without a downgrade; a status that arrives before its message is applied later.
// The outbound messages are real auto-replies the service sent through the simulator.

afterEach(cleanup);

async function outbound(h: Harness) {
  const res = await h.gql(MessagesDoc, { first: 50 });
  expect(res.errors).toBeUndefined();
  return res.data!.whatsAppMessages.edges.map((e) => e.node).filter((m) => m.direction === 'OUTBOUND');
}

/** A user writes HELP; the service auto-replies through Meta; returns the reply's wamid at Meta. */
async function autoReplyTo(sim: RunningMetaSimulator, h: Harness, waId: string): Promise<string> {
  await sim.sim.sendInboundText({ phoneNumberId: IDS.phone.acmeGreen, from: { waId }, text: 'help' });
  await waitUntil(() => repliesTo(sim, waId).length === 1, 10_000, `auto-reply to ${waId}`);
  await h.server.deps.jobs.idle();
  return sim.sim.sentMessages().find((m) => m.to?.replace(/\D/g, '') === waId)!.wamid;
}

describe('status webhooks', () => {
  it('shuffled statuses end in the right final state with no downgrade', async () => {
    const { sim, h, webhook } = await connectedWorld();
    const cases: Array<{ waId: string; order: string[]; final: string; errorCode: number | null }> = [
      { waId: '16505556001', order: ['read', 'delivered', 'sent'], final: 'READ', errorCode: null }, // read first, sent last
      { waId: '16505556002', order: ['delivered', 'read', 'sent', 'delivered'], final: 'READ', errorCode: null },
      { waId: '16505556003', order: ['sent', 'failed', 'delivered', 'read'], final: 'FAILED', errorCode: 131049 }, // failed is final
      { waId: '16505556004', order: ['failed', 'sent', 'read'], final: 'FAILED', errorCode: 131049 }, // nothing moves a failed message
    ];
    let expectedDeliveries = 0;
    const wamids: string[] = [];
    for (const c of cases) {
      wamids.push(await autoReplyTo(sim, h, c.waId));
      expectedDeliveries += 1;
    }
    for (const [i, c] of cases.entries()) {
      const results = await sim.sim.emitStatusesFor(wamids[i]!, c.order, { errors: [{ code: 131049 }] });
      expect(results.every((r) => r.status === 200)).toBe(true);
      expectedDeliveries += c.order.length;
    }
    await settledDeliveries(h, webhook.id, expectedDeliveries);
    const messages = await outbound(h);
    for (const [i, c] of cases.entries()) {
      const m = messages.find((x) => x.wamid === wamids[i]);
      expect(m, c.waId).toBeDefined();
      if (c.final === 'FAILED') expect(m).toMatchObject({ status: 'FAILED', metaErrorCode: c.errorCode });
      else expect(m!.status, `${c.waId}: ${c.order.join(' → ')}`).toBe(c.final);
    }
    // A status repeated within a case (delivered twice) is one event.
    expect((await h.gql(TrackingDoc, { type: 'DELIVERED' })).data!.trackingEvents.totalCount).toBe(3);
  });

  it('a status that arrives before its message is known is applied when the message appears', async () => {
    const { sim, h, webhook } = await connectedWorld();
    const waId = '16505557001';
    // Meta accepts the auto-reply at once but answers slowly: its statuses overtake the answer.
    sim.sim.injectFault({ method: 'POST', path: '/*/messages', recordFirst: true, delayMs: 1_500 });
    await sim.sim.sendInboundText({ phoneNumberId: IDS.phone.acmeGreen, from: { waId }, text: 'help' });
    await waitUntil(() => repliesTo(sim, waId).length === 1, 10_000, 'send recorded at Meta');
    const wamid = sim.sim.sentMessages()[0]!.wamid;
    expect((await outbound(h)).find((m) => m.wamid === wamid)).toBeUndefined();

    // Without biz_opaque_callback_data the status cannot be matched to the message yet: it waits.
    const ref = sim.sim.numberRef(IDS.phone.acmeGreen);
    for (const status of ['read', 'delivered']) {
      const r = await sim.sim.emitPayload(statusPayload(ref, [{ wamid, status, recipientId: waId }], { waId }));
      expect(r.status).toBe(200);
    }
    const early = await settledDeliveries(h, webhook.id, 3);
    expect(early.slice(1).map((d) => [d.outcome, d.detail])).toEqual([
      ['PROCESSED', '1 change. 1 status(es) pending'],
      ['PROCESSED', '1 change. 1 status(es) pending'],
    ]);

    await h.server.deps.jobs.idle(10_000);
    await waitUntil(async () => (await outbound(h)).some((m) => m.wamid === wamid && m.status === 'READ'), 10_000, 'READ after the answer');
    expect((await h.gql(TrackingDoc, { type: 'READ' })).data!.trackingEvents.totalCount).toBe(1);
  });
});
