import { describe, expect, it } from 'vitest';
import { PairPacer } from '../../src/sending/pacing.js';
import { MIN_COMEBACK_MS } from '../../src/sending/pair-order.js';
import { FakeClock, prng } from './fake-clock.js';

// Messages to one WhatsApp user go out in arrival order under Meta's pair rate: a message deferred because the
// recipient's slot is far away keeps its place, and a later one arriving when the slot is near defers behind it.

const A = '+14155550100';
const B = '+14155550101';
/** The sender's limit on waiting in place for a pair slot (sender.ts PAIR_WAIT_MAX_MS). */
const MAX_WAIT = 1_000;

/**
 * One message's job as the send path runs it: admitted -> waits for the slot and is sent (its ticket released);
 * deferred -> the job queue runs it again after the delay (here on the fake clock, `late` ms late).
 */
function job(clock: FakeClock, pacer: PairPacer, sent: string[], to: string, key: string, late = () => 0): Promise<void> {
  const run = async (): Promise<void> => {
    const delay = pacer.admit(to, key, MAX_WAIT);
    if (delay > 0) {
      await clock.sleep(delay + late());
      return run();
    }
    await pacer.waitTurn(to);
    sent.push(`${key}@${clock.now()}`);
    pacer.order.release(to, key);
  };
  return run();
}

describe('PairOrder: one recipient is served in arrival order', () => {
  it('the example: msg1 sent at 0, msg2 deferred at 1 s, msg3 arriving at 5.2 s waits behind msg2 (not 1, 3, 2)', async () => {
    const clock = new FakeClock();
    const pacer = new PairPacer({ now: clock.now, sleep: clock.sleep, intervalMs: 6_000 });
    const sent: string[] = [];
    void job(clock, pacer, sent, A, 'msg1');
    await clock.advanceTo(1_000);
    expect(pacer.admit(A, 'msg2', MAX_WAIT)).toBe(5_000); // its slot is 5 s away: deferred, with a ticket
    await clock.advanceTo(5_200);
    // Today's rule would let msg3 wait 0.8 s in place and take the 6 s slot; it comes back after msg2's turn.
    expect(pacer.admit(A, 'msg3', MAX_WAIT)).toBe(12_000 - 5_200);
    void job(clock, pacer, sent, A, 'msg2'); // msg2's job runs again at its slot
    await clock.advanceTo(5_999);
    expect(sent).toEqual(['msg1@0']);
    await clock.advanceTo(6_000);
    void job(clock, pacer, sent, A, 'msg3');
    await clock.advanceTo(12_000);
    expect(sent).toEqual(['msg1@0', 'msg2@6000', 'msg3@12000']);
    expect(pacer.order.size).toBe(0);
  });

  it('delays grow with the place in line; other recipients are not held up', async () => {
    const clock = new FakeClock();
    const pacer = new PairPacer({ now: clock.now, sleep: clock.sleep, intervalMs: 6_000 });
    expect(pacer.admit(A, 'a0', MAX_WAIT)).toBe(0);
    await pacer.waitTurn(A);
    // a0 is being sent (serving): the next ones come back at its following slots, in order.
    expect([1, 2, 3].map((i) => pacer.admit(A, `a${i}`, MAX_WAIT))).toEqual([6_000, 12_000, 18_000]);
    expect(pacer.admit(B, 'b0', MAX_WAIT)).toBe(0);
    // Coming back early changes nothing: same place, same slot.
    await clock.advanceTo(3_000);
    expect(pacer.admit(A, 'a2', MAX_WAIT)).toBe(9_000);
    pacer.order.release(A, 'a0');
    expect(pacer.admit(A, 'a2', MAX_WAIT)).toBe(9_000); // a1 still ahead
    await clock.advanceTo(5_500);
    expect(pacer.admit(A, 'a1', MAX_WAIT)).toBe(0); // first in line, slot 0.5 s away: waits in place
    // Behind a message being sent, a tiny interval still does not make a busy retry.
    const fast = new PairPacer({ now: clock.now, sleep: clock.sleep, intervalMs: 1 });
    expect(fast.admit(A, 'x', MAX_WAIT)).toBe(0);
    expect(fast.admit(A, 'y', MAX_WAIT)).toBe(MIN_COMEBACK_MS);
  });

  it('a message Meta refused for now keeps its place: a later one defers behind it until it is sent', async () => {
    const clock = new FakeClock();
    const pacer = new PairPacer({ now: clock.now, sleep: clock.sleep, intervalMs: 1_500 });
    expect(pacer.admit(A, 'm1', MAX_WAIT)).toBe(0);
    const booking = await pacer.waitTurn(A);
    // Throttled (130429): the booking is given back and the job retries in 4 s.
    pacer.release(booking);
    pacer.order.later(A, 'm1', 4_000);
    expect(pacer.admit(A, 'm2', MAX_WAIT)).toBe(4_000 + 1_500);
    await clock.advanceTo(4_000);
    expect(pacer.admit(A, 'm1', MAX_WAIT)).toBe(0);
    await pacer.waitTurn(A);
    pacer.order.release(A, 'm1');
    await clock.advanceTo(5_500);
    expect(pacer.admit(A, 'm2', MAX_WAIT)).toBe(0);
  });

  it('a ticket whose message never comes back (cancelled) stops holding the line; tickets stay bounded', async () => {
    const clock = new FakeClock();
    const pacer = new PairPacer({ now: clock.now, sleep: clock.sleep, intervalMs: 6_000, maxEntries: 50 });
    await pacer.waitTurn(A);
    expect(pacer.admit(A, 'gone', MAX_WAIT)).toBe(6_000);
    expect(pacer.admit(A, 'next', MAX_WAIT)).toBe(12_000);
    await clock.advanceTo(12_000);
    expect(pacer.admit(A, 'next', MAX_WAIT)).toBe(6_000); // 'gone' is 6 s late: maybe only late, still ahead
    await clock.advanceTo(6_000 + 15_001);
    expect(pacer.admit(A, 'next', MAX_WAIT)).toBe(0); // 15 s past its slot: abandoned
    // Many recipients with a deferred message each: never more than maxEntries tickets.
    for (let i = 0; i < 500; i++) {
      const to = `+1415555${String(i).padStart(4, '0')}`;
      await pacer.waitTurn(to);
      expect(pacer.admit(to, `late-${i}`, MAX_WAIT)).toBeGreaterThan(MAX_WAIT);
    }
    expect(pacer.order.size).toBeLessThanOrEqual(50);
    pacer.order.release('+14155559999', 'unknown'); // unknown ticket: nothing happens
  });

  it('random arrivals and late job runs: every recipient gets its messages in arrival order, a slot apart', async () => {
    for (let seed = 1; seed <= 5; seed++) {
      const random = prng(seed);
      const clock = new FakeClock();
      const pacer = new PairPacer({ now: clock.now, sleep: clock.sleep, intervalMs: 1_500 });
      const sent: string[] = [];
      const jobs: Array<Promise<void>> = [];
      const arrived: Record<string, string[]> = { [A]: [], [B]: [] };
      for (let i = 0; i < 40; i++) {
        await clock.advance(Math.floor(random() * 900));
        const to = random() < 0.7 ? A : B;
        arrived[to]!.push(`${to}#${i}`);
        // The job queue runs a deferred job up to 500 ms late.
        jobs.push(job(clock, pacer, sent, to, `${to}#${i}`, () => Math.floor(random() * 500)));
      }
      await clock.advanceTo(600_000);
      await Promise.all(jobs);
      for (const to of [A, B]) {
        const mine = sent.filter((s) => s.startsWith(to));
        expect(
          mine.map((s) => s.split('@')[0]),
          `seed ${seed}`,
        ).toEqual(arrived[to]);
        const at = mine.map((s) => Number(s.split('@')[1]));
        for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(1_500);
      }
      expect(pacer.order.size).toBe(0);
    }
  });
});
