import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, connectedWorld, IDS } from '../helpers/world.js';
import { deliveries, repliesTo, settledDeliveries, TrackingDoc, waitUntil } from './helpers.js';

// The drain applies a turn's deliveries in one transaction, each in its own savepoint. A delivery whose
// changes cannot be written must be rolled back alone: the others of its batch still commit, with their
// replies and tracking events, and the failing one is retried by its own job until it goes through, once.

afterEach(cleanup);

describe('a delivery whose processing fails', () => {
  it('is rolled back alone, retried by its own job, and applied once when the cause is gone', async () => {
    const { sim, h, webhook } = await connectedWorld();
    const sqlite = h.server.sqlite!;
    // A fault in the database itself (not in the code): storing this one user's inbound message fails.
    sqlite.exec(
      `CREATE TEMP TRIGGER poison BEFORE INSERT ON whatsapp_messages
       WHEN NEW.direction = 'INBOUND' AND NEW.from_number = '+16505557002'
       BEGIN SELECT RAISE(ABORT, 'injected write failure'); END`,
    );
    // Sent together so that they are committed, and drained, in the same turn.
    const sent = await Promise.all(
      ['16505557001', '16505557002', '16505557003'].map((waId) =>
        sim.sim.sendInboundText({ phoneNumberId: IDS.phone.acmeGreen, from: { waId }, text: 'STOP' }),
      ),
    );
    expect(sent.map((s) => s.delivery.status)).toEqual([200, 200, 200]);

    // The two good deliveries are applied while the poisoned one waits for its retry.
    await waitUntil(
      async () => (await deliveries(h, webhook.id)).filter((d) => d.outcome === 'PROCESSED').length === 2,
      10_000,
      'the two good deliveries processed',
    );
    const waiting = (await deliveries(h, webhook.id)).find((d) => d.outcome === 'PENDING');
    expect(waiting).toMatchObject({ attempts: 1 });
    expect(waiting!.detail).toContain('injected write failure');
    await waitUntil(() => repliesTo(sim, '16505557001').length === 1 && repliesTo(sim, '16505557003').length === 1, 10_000, 'replies');
    expect(repliesTo(sim, '16505557002')).toEqual([]);
    const poisonRows = sqlite.prepare("SELECT count(*) FROM whatsapp_messages WHERE from_number = '+16505557002'").pluck().get();
    expect(poisonRows).toBe(0);

    sqlite.exec('DROP TRIGGER poison');
    const settled = await settledDeliveries(h, webhook.id, 3, 15_000);
    expect(settled.map((d) => d.outcome)).toEqual(['PROCESSED', 'PROCESSED', 'PROCESSED']);
    await waitUntil(() => repliesTo(sim, '16505557002').length === 1, 10_000, 'the retried reply');
    await h.server.deps.jobs.idle();
    for (const waId of ['16505557001', '16505557002', '16505557003']) expect(repliesTo(sim, waId)).toHaveLength(1);
    const optOuts = (await h.gql(TrackingDoc, { type: 'OPT_OUT' })).data!.trackingEvents;
    expect(optOuts.totalCount).toBe(3);
  });
});
