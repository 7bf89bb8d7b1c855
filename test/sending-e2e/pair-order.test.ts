import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { SHORT_PAIR_INTERVAL_MS, SHORT_PAIRS } from '../helpers/harness.js';
import { cleanup, connectedWorld, IDS } from '../helpers/world.js';
import { repliesTo, waitUntil } from '../webhooks/helpers.js';

// Replies to one WhatsApp user reach Meta in the order their messages came in. Meta's pair rate (one message
// to a user every 6 s; here META_PAIR_INTERVAL_MS = 1.5 s) defers a reply whose slot is more than 1 s away to
// the job queue; a later reply arriving when the slot is near must not wait in place and take that slot first.

afterAll(cleanup);

describe('auto-replies to one user', () => {
  it('three keyword messages timed like the example (2nd deferred, 3rd near the slot): Meta gets the replies in order', async () => {
    const { sim, h } = await connectedWorld({ env: SHORT_PAIRS });
    const waId = '16505550031';
    const from = { waId, name: 'Kim' };
    const phoneNumberId = IDS.phone.acmeGreen;
    const replyTimes = () =>
      sim.sim
        .sentMessages()
        .filter((m) => m.to?.replace(/\D/g, '') === waId)
        .map((m) => m.at.getTime());

    await sim.sim.sendInboundText({ phoneNumberId, from, text: 'hello there' });
    await waitUntil(() => repliesTo(sim, waId).length >= 1, 15_000, 'the first reply');
    const first = replyTimes()[0]!;
    // The example at 6 s scaled to 1.5 s: the 2nd message right after the 1st reply (its slot ~1.5 s away:
    // deferred), the 3rd when the slot is well under 1 s away (today's rule let it wait in place and go first).
    await sim.sim.sendInboundText({ phoneNumberId, from, text: 'HELP' });
    await sleep(Math.max(0, first + 1_000 - Date.now()));
    await sim.sim.sendInboundText({ phoneNumberId, from, text: 'STOP' });

    await waitUntil(() => repliesTo(sim, waId).length >= 3, 20_000, 'three replies');
    await h.server.deps.jobs.idle();
    await sim.sim.idle();
    expect(repliesTo(sim, waId)).toEqual([
      'Thanks for your message; we will get back to you.',
      'Reply STOP to unsubscribe, START to subscribe.',
      'You are unsubscribed. Reply START to come back.',
    ]);
    // Still one message per pair interval, booked a slot apart (a few hundred ms under at the simulator at most:
    // the first request of a sender, on a new connection, can arrive that much after its booking).
    const at = replyTimes();
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(SHORT_PAIR_INTERVAL_MS - 300);
  }, 60_000);
});
