import { describe, expect, it } from 'vitest';
import { PairPacer, RoundTrips, SenderPacers, senderRate } from '../../src/sending/pacing.js';
import { HIGH_MESSAGES_PER_SECOND, STANDARD_MESSAGES_PER_SECOND } from '../../src/sending/token-bucket.js';
import { FakeClock, prng, worstWindow } from './fake-clock.js';

// Issue 8, pacing: Meta's pair rate limit (one message per user every 6 s, 131056 → 4^X s backoff),
// bounded memory, and one bucket per sender number at its throughput.

const A = '+14155550100';
const B = '+14155550101';

function pacerOn(clock: FakeClock, options: { intervalMs?: number; maxEntries?: number; maxBackoffMs?: number } = {}) {
  return new PairPacer({ now: clock.now, sleep: clock.sleep, ...options });
}

describe('PairPacer', () => {
  it('one send per recipient every 6 s by default; other recipients are not held up', async () => {
    const clock = new FakeClock();
    const pacer = pacerOn(clock);
    const turns: string[] = [];
    const turn = (r: string) => pacer.waitTurn(r).then(() => turns.push(`${r}@${clock.now()}`));
    void turn(A);
    void turn(A);
    void turn(B);
    void turn(A);
    await clock.flush();
    expect(turns).toEqual([`${A}@0`, `${B}@0`]);
    expect(pacer.nextAllowedAt(A)).toBe(18_000);
    expect(pacer.nextAllowedAt(B)).toBe(6_000);
    await clock.advanceTo(5_999);
    expect(turns).toHaveLength(2);
    await clock.advanceTo(12_000);
    expect(turns).toEqual([`${A}@0`, `${B}@0`, `${A}@6000`, `${A}@12000`]);
  });

  it('nextAllowedAt is now for an unknown recipient, and again once the interval has passed', async () => {
    const clock = new FakeClock();
    const pacer = pacerOn(clock, { intervalMs: 1_000 });
    await clock.advanceTo(50);
    expect(pacer.nextAllowedAt(A)).toBe(50);
    await pacer.waitTurn(A);
    expect(pacer.nextAllowedAt(A)).toBe(1_050);
    await clock.advanceTo(2_000);
    await pacer.waitTurn(A); // long idle: immediate
    expect(clock.now()).toBe(2_000);
  });

  it('backoff after 131056 is 4^attempt seconds, capped, and moves the next slot out (never in)', async () => {
    const clock = new FakeClock();
    const pacer = pacerOn(clock, { maxBackoffMs: 60_000 });
    expect([0, 1, 2, 3, 4].map((n) => pacer.backoff(B, n))).toEqual([1_000, 4_000, 16_000, 60_000, 60_000]);
    expect(pacer.backoff(A, 1)).toBe(4_000);
    expect(pacer.nextAllowedAt(A)).toBe(4_000);
    pacer.backoff(A, 0); // 1 s would be earlier than the 4 s already set
    expect(pacer.nextAllowedAt(A)).toBe(4_000);
    let at = -1;
    void pacer.waitTurn(A).then(() => (at = clock.now()));
    await clock.advanceTo(10_000);
    expect(at).toBe(4_000);
    expect(new PairPacer().backoff(A, 10)).toBe(1_024_000); // default cap, 4^5 s
    expect(pacerOn(clock).backoff(A, -3)).toBe(1_000);
  });

  it('forgets recipients once their interval has passed, so memory does not grow with every number ever messaged', async () => {
    const clock = new FakeClock();
    const pacer = pacerOn(clock, { intervalMs: 1_000 });
    for (let i = 0; i < 1_000; i++) await pacer.waitTurn(`+1415555${String(i).padStart(4, '0')}`);
    expect(pacer.size).toBe(1_000);
    await clock.advanceTo(1_000);
    await pacer.waitTurn(A);
    expect(pacer.size).toBe(1);
    pacer.forget(A);
    expect(pacer.size).toBe(0);
  });

  it('caps its entries, dropping the least recently used first', async () => {
    const clock = new FakeClock();
    const pacer = pacerOn(clock, { maxEntries: 100 });
    for (let i = 0; i < 250; i++) await pacer.waitTurn(`r${i}`);
    expect(pacer.size).toBe(100);
    expect(pacer.nextAllowedAt('r249')).toBe(6_000);
    expect(pacer.nextAllowedAt('r0')).toBe(0); // forgotten
  });

  it('an aborted wait rejects and gives its slot back', async () => {
    const clock = new FakeClock();
    const pacer = pacerOn(clock);
    await pacer.waitTurn(A);
    const controller = new AbortController();
    const waiting = pacer.waitTurn(A, controller.signal).catch((e: Error) => e.message);
    await clock.advanceTo(1_000);
    expect(pacer.nextAllowedAt(A)).toBe(12_000);
    controller.abort(new Error('cancelled'));
    expect(await waiting).toBe('cancelled');
    expect(pacer.nextAllowedAt(A)).toBe(6_000);
    await expect(pacer.waitTurn(A, AbortSignal.abort(new Error('early')))).rejects.toThrow('early');
  });
});

describe('senderRate and SenderPacers', () => {
  it('uses the credential messages-per-second, else 1000 for HIGH, else 80', () => {
    expect(senderRate({ messagesPerSecond: 20 })).toBe(20);
    expect(senderRate({ messagesPerSecond: null, throughputLevel: 'HIGH' })).toBe(HIGH_MESSAGES_PER_SECOND);
    expect(senderRate({ throughputLevel: 'STANDARD' })).toBe(STANDARD_MESSAGES_PER_SECOND);
    expect(senderRate({ throughputLevel: 'NOT_APPLICABLE' })).toBe(80);
    expect(senderRate({})).toBe(80);
    expect(senderRate({ messagesPerSecond: 0, throughputLevel: 'HIGH' })).toBe(1000);
    expect(senderRate({ messagesPerSecond: 2.5 })).toBe(80);
  });

  it('one bucket per sender number at its rate, re-rated when the throughput changes', () => {
    const pacers = new SenderPacers();
    const standard = pacers.forSender({ phoneNumberId: '1001', throughputLevel: 'STANDARD' });
    expect(standard.bucket.rate).toBe(80);
    expect(standard.bucket.windowMs).toBe(SenderPacers.DEFAULT_WINDOW_MS);
    expect(pacers.forSender({ phoneNumberId: '1001', throughputLevel: 'STANDARD' })).toBe(standard);
    const high = pacers.forSender({ phoneNumberId: '1002', throughputLevel: 'HIGH' });
    expect(high.bucket.rate).toBe(1000);
    expect(pacers.forSender({ phoneNumberId: '1001', throughputLevel: 'HIGH' }).bucket).toBe(standard.bucket);
    expect(standard.bucket.rate).toBe(1000);
    expect(pacers.size).toBe(2);
    // A 131056 backoff does not reset the sender's rate.
    pacers.backoff('1002', A, 0);
    expect(high.bucket.rate).toBe(1000);
    pacers.delete('1002');
    expect(pacers.get('1002')).toBeUndefined();
  });

  it('acquire waits for the pair slot, then a throughput grant; senders and their penalties are independent', async () => {
    const clock = new FakeClock();
    const pacers = new SenderPacers({ now: clock.now, sleep: clock.sleep, windowMs: 1000 });
    const grants: Record<string, number[]> = { s1: [], s2: [] };
    const send = (sender: 's1' | 's2', to: string) =>
      pacers.acquire({ phoneNumberId: sender, messagesPerSecond: 10 }, to).then(() => grants[sender]!.push(clock.now()));
    pacers.forSender({ phoneNumberId: 's1', messagesPerSecond: 10 });
    pacers.penalize('s1', 2_000);
    pacers.penalize('unknown', 2_000); // no such sender: nothing happens
    for (let i = 0; i < 30; i++) {
      void send('s1', `+1415555${1000 + i}`);
      void send('s2', `+1415555${1000 + i}`);
    }
    void send('s2', '+14155551000'); // same person again: 6 s later
    await clock.advanceTo(10_000);
    expect(grants.s1![0]).toBe(2_000);
    expect(grants.s2!.slice(0, 10)).toEqual(Array(10).fill(0));
    expect(grants.s2!.at(-1)).toBe(6_000);
    expect(grants.s1).toHaveLength(30);
    expect(grants.s2).toHaveLength(31);
    expect(worstWindow(grants.s1!)).toBe(10);
    expect(worstWindow(grants.s2!)).toBe(10);
  });

  it('the gate holds the window on the moments sends leave, however long each begin commit takes, at 78+/s of 80', async () => {
    for (let seed = 1; seed <= 5; seed++) {
      const random = prng(seed);
      const clock = new FakeClock();
      // Timers wake 0-3 ms late, as real ones do.
      const late = (ms: number, signal?: AbortSignal) => clock.sleep(ms + Math.floor(random() * 4), signal);
      const pacers = new SenderPacers({ now: clock.now, sleep: late, maxBurst: (rate) => Math.max(8, Math.ceil(rate / 20)) });
      const { bucket, gate } = pacers.forSender({ phoneNumberId: 's', throughputLevel: 'STANDARD' });
      expect(bucket.windowMs).toBe(SenderPacers.DEFAULT_WINDOW_MS);
      expect(gate.windowMs).toBe(SenderPacers.DEFAULT_GATE_WINDOW_MS);
      const left: number[] = [];
      const send = async () => {
        await bucket.take();
        // The begin commit between grant and request: 1 to 60 ms, different every time.
        await clock.sleep(1 + Math.floor(random() * 60));
        await gate.take();
        left.push(clock.now());
      };
      const all = Promise.all(Array.from({ length: 2_000 }, send));
      await clock.advanceTo(40_000);
      await all;
      expect(worstWindow(left, SenderPacers.DEFAULT_GATE_WINDOW_MS), `seed ${seed}`).toBeLessThanOrEqual(80);
      const rate = (left.length - 1) / ((left.at(-1)! - left[0]!) / 1000);
      expect(rate, `seed ${seed}`).toBeGreaterThanOrEqual(78);
    }
  });

  it('RoundTrips: the first answers count whole, then lateness is measured against the least recent round trip', () => {
    const trips = new RoundTrips();
    // New connections: nothing is usual yet, so a 40 ms first answer may have arrived 40 ms late.
    expect(trips.lateness(40)).toBe(40);
    for (let i = 0; i < 99; i++) trips.lateness(3 + (i % 5));
    // The first block's least was 3 ms: a 3 ms answer is on time, a 53 ms one 50 ms late.
    expect(trips.lateness(3)).toBe(0);
    expect(trips.lateness(53)).toBe(50);
    // The floor is the least of the last two blocks: after two blocks of 20 ms answers, 20 ms is usual.
    for (let i = 0; i < 200; i++) trips.lateness(20);
    expect(trips.lateness(20)).toBe(0);
    expect(trips.lateness(25)).toBe(5);
  });

  it('close rejects every waiting acquire', async () => {
    const clock = new FakeClock();
    const pacers = new SenderPacers({ now: clock.now, sleep: clock.sleep });
    const sender = { phoneNumberId: 's', messagesPerSecond: 1 };
    await pacers.acquire(sender, A);
    const waiting = pacers.acquire(sender, B).catch((e: Error) => e.message);
    await clock.flush();
    pacers.close(new Error('stopping'));
    expect(await waiting).toBe('stopping');
  });
});
