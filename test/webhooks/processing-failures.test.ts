import { afterEach, describe, expect, it } from 'vitest';
import { TEST_BACKEND } from '../helpers/harness.js';
import { sqlRun, sqlValue } from '../helpers/sql.js';
import { cleanup, connectedWorld, IDS } from '../helpers/world.js';
import { deliveries, repliesTo, settledDeliveries, TrackingDoc, waitUntil } from './helpers.js';

// The drain applies a turn's deliveries in one transaction, each in its own savepoint. A delivery whose
// changes cannot be written must be rolled back alone: the others of its batch still commit, with their
// replies and tracking events, and the failing one is retried by its own job until it goes through, once.

afterEach(cleanup);

describe('a delivery whose processing fails', () => {
  it('is rolled back alone, retried by its own job, and applied once when the cause is gone', async () => {
    const { sim, h, webhook } = await connectedWorld();
    // A fault in the database itself (not in the code): storing this one user's inbound message fails.
    if (TEST_BACKEND === 'sqlite') {
      await sqlRun(
        h.server,
        `CREATE TEMP TRIGGER poison BEFORE INSERT ON whatsapp_messages
         WHEN NEW.direction = 'INBOUND' AND NEW.from_number = '+16505557002'
         BEGIN SELECT RAISE(ABORT, 'injected write failure'); END`,
      );
    } else {
      await sqlRun(
        h.server,
        `CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected write failure'; END $$`,
      );
      await sqlRun(
        h.server,
        `CREATE TRIGGER poison BEFORE INSERT ON whatsapp_messages FOR EACH ROW
         WHEN (NEW.direction = 'INBOUND' AND NEW.from_number = '+16505557002') EXECUTE FUNCTION poison()`,
      );
    }
    // Sent together so that they are committed, and drained, in the same turn.
    const sent = await Promise.all(
      ['16505557001', '16505557002', '16505557003'].map((waId) =>
        sim.sim.sendInboundText({ phoneNumberId: IDS.phone.acmeGreen, from: { waId }, text: 'STOP' }),
      ),
    );
    expect(sent.map((s) => s.delivery.status)).toEqual([200, 200, 200]);

    // The two good deliveries are applied while the poisoned one waits for its retry.
    // The failed one is handed over to its retry job in a transaction of its own, right after the batch commits;
    // on PostgreSQL a query can fall in between (on SQLite both run before the next request is served).
    await waitUntil(
      async () => {
        const all = await deliveries(h, webhook.id);
        return all.filter((d) => d.outcome === 'PROCESSED').length === 2 && all.some((d) => d.outcome === 'PENDING' && d.attempts > 0);
      },
      10_000,
      'the two good deliveries processed, the failed one handed over',
    );
    const waiting = (await deliveries(h, webhook.id)).find((d) => d.outcome === 'PENDING');
    expect(waiting).toMatchObject({ attempts: 1 });
    expect(waiting!.detail).toContain('injected write failure');
    await waitUntil(() => repliesTo(sim, '16505557001').length === 1 && repliesTo(sim, '16505557003').length === 1, 10_000, 'replies');
    expect(repliesTo(sim, '16505557002')).toEqual([]);
    const poisonRows = await sqlValue(h.server, "SELECT count(*) FROM whatsapp_messages WHERE from_number = '+16505557002'");
    expect(poisonRows).toBe(0);

    await sqlRun(h.server, TEST_BACKEND === 'sqlite' ? 'DROP TRIGGER poison' : 'DROP TRIGGER poison ON whatsapp_messages');
    const settled = await settledDeliveries(h, webhook.id, 3, 15_000);
    expect(settled.map((d) => d.outcome)).toEqual(['PROCESSED', 'PROCESSED', 'PROCESSED']);
    await waitUntil(() => repliesTo(sim, '16505557002').length === 1, 10_000, 'the retried reply');
    await h.server.deps.jobs.idle();
    for (const waId of ['16505557001', '16505557002', '16505557003']) expect(repliesTo(sim, waId)).toHaveLength(1);
    const optOuts = (await h.gql(TrackingDoc, { type: 'OPT_OUT' })).data!.trackingEvents;
    expect(optOuts.totalCount).toBe(3);
  });
});
