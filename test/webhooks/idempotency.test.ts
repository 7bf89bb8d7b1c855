import { afterEach, describe, expect, it } from 'vitest';
import { signWebhookBody } from '../../src/meta/index.js';
import { statusPayload } from '../../src/meta-simulator/index.js';
import { cleanup, connectedWorld } from '../helpers/world.js';
import { deliveries, IDS, postRaw, ReplayDoc, repliesTo, settledDeliveries, TrackingDoc, waitUntil } from './helpers.js';
import { SHORT_PAIRS, type Harness } from '../helpers/harness.js';

// Acceptance 4: the same delivery posted 5 times, sequentially and concurrently, has its effects once.
// Also: replayWhatsAppWebhookDelivery re-processes a stored delivery idempotently.

afterEach(cleanup);

async function trackingCount(h: Harness, type: 'INBOUND' | 'SENT' | 'DELIVERED' | 'READ' | 'HELP'): Promise<number> {
  return (await h.gql(TrackingDoc, { type })).data!.trackingEvents.totalCount;
}

describe('redelivered notifications', () => {
  it('an inbound message posted 5 times (sequentially, then concurrently) gets one reply and one INBOUND event', async () => {
    const { sim, h, webhook, url } = await connectedWorld({ env: SHORT_PAIRS });
    const waId = '16505553333';
    const first = await sim.sim.sendInboundText({ phoneNumberId: IDS.phone.acmeGreen, from: { waId }, text: 'HELP' });
    expect(first.delivery.status).toBe(200);
    const headers = { 'x-hub-signature-256': first.delivery.signature };
    for (let i = 0; i < 4; i++) expect((await postRaw(url, first.delivery.rawBody, headers)).status).toBe(200);

    // Another message, its five copies at once (they land in one group commit, or a few).
    const second = await sim.sim.emitPayload(
      JSON.parse(first.delivery.rawBody.toString('utf8').replace(first.wamid, 'wamid.concurrent-copy-0001')) as Parameters<
        typeof sim.sim.emitPayload
      >[0],
    );
    expect(second.status).toBe(200);
    const copies = await Promise.all(
      Array.from({ length: 4 }, () => postRaw(url, second.rawBody, { 'x-hub-signature-256': second.signature })),
    );
    expect(copies.map((c) => c.status)).toEqual([200, 200, 200, 200]);

    // The same message in different bytes (as Meta's retry to another app could be): deduplicated by wamid.
    const reformatted = Buffer.from(JSON.stringify(JSON.parse(first.delivery.rawBody.toString('utf8')), null, 2));
    expect((await postRaw(url, reformatted, { 'x-hub-signature-256': signWebhookBody(reformatted, IDS.appSecret) })).status).toBe(200);

    const all = await settledDeliveries(h, webhook.id, 11);
    expect(all.map((d) => d.outcome)).toEqual([
      'PROCESSED',
      'DUPLICATE',
      'DUPLICATE',
      'DUPLICATE',
      'DUPLICATE',
      'PROCESSED',
      'DUPLICATE',
      'DUPLICATE',
      'DUPLICATE',
      'DUPLICATE',
      'PROCESSED',
    ]);
    expect(all[10]!.detail).toContain('already recorded');
    // Both replies go to one person: the second waits for Meta's pair rate (shortened, see SHORT_PAIRS).
    await waitUntil(() => repliesTo(sim, waId).length >= 2, 30_000, 'two replies');
    await h.server.deps.jobs.idle();
    await sim.sim.idle();
    expect(repliesTo(sim, waId)).toHaveLength(2);
    expect(await trackingCount(h, 'INBOUND')).toBe(2);
    expect(await trackingCount(h, 'HELP')).toBe(2);

    // Replaying the first delivery changes nothing either, and says so.
    const replay = await h.gql(ReplayDoc, { input: { id: all[0]!.id } });
    const r = replay.data!.replayWhatsAppWebhookDelivery;
    if (r.__typename !== 'ReplayWhatsAppWebhookDeliverySuccess') throw new Error(JSON.stringify(r));
    expect(r.data).toMatchObject({ outcome: 'PROCESSED', attempts: 2, changes: 1 });
    expect(r.data.detail).toContain('already recorded');
    // A duplicate replayed is processed like the original: still no new effect.
    const replayDup = await h.gql(ReplayDoc, { input: { id: all[1]!.id } });
    expect(replayDup.data!.replayWhatsAppWebhookDelivery).toMatchObject({ data: { outcome: 'PROCESSED' } });
    await h.server.deps.jobs.idle();
    expect(repliesTo(sim, waId)).toHaveLength(2);
    expect(await trackingCount(h, 'INBOUND')).toBe(2);
  }, 90_000);

  it('each status posted 5 times, also concurrently, becomes one tracking event', async () => {
    const { sim, h, webhook, url } = await connectedWorld();
    const waId = '16505554444';
    await sim.sim.sendInboundText({ phoneNumberId: IDS.phone.acmeGreen, from: { waId }, text: 'help' });
    await waitUntil(() => repliesTo(sim, waId).length === 1, 10_000, 'auto-reply');
    await h.server.deps.jobs.idle();
    const reply = sim.sim.sentMessages({ phoneNumberId: IDS.phone.acmeGreen })[0]!;

    // Sequential repeats through the simulator (Meta's retries).
    await sim.sim.emitStatusesFor(reply.wamid, ['sent', 'delivered'], { repeat: 5 });
    // Concurrent copies of "read".
    const ref = sim.sim.numberRef(IDS.phone.acmeGreen);
    const body = Buffer.from(
      JSON.stringify(
        statusPayload(
          ref,
          [{ wamid: reply.wamid, status: 'read', recipientId: waId, bizOpaqueCallbackData: reply.bizOpaqueCallbackData }],
          { waId },
        ),
      ),
    );
    const signature = signWebhookBody(body, IDS.appSecret);
    const answers = await Promise.all(Array.from({ length: 5 }, () => postRaw(url, body, { 'x-hub-signature-256': signature })));
    expect(answers.every((a) => a.status === 200)).toBe(true);

    await settledDeliveries(h, webhook.id, 1 + 10 + 5);
    const outcomes = (await deliveries(h, webhook.id)).map((d) => d.outcome);
    expect(outcomes.filter((o) => o === 'DUPLICATE')).toHaveLength(12);
    expect(await trackingCount(h, 'SENT')).toBe(1);
    expect(await trackingCount(h, 'DELIVERED')).toBe(1);
    expect(await trackingCount(h, 'READ')).toBe(1);
  });
});
