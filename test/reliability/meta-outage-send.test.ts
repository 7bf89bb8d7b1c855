import { beforeAll, describe, expect, it } from 'vitest';
import { sandboxIdOf, useWorld } from '../helpers/world.js';
import { insertProfiles, phoneOf, readBatch, sendBatch, startSendWorld, waitForBatch } from '../sending-e2e/helpers.js';

// Issue 16 point 1: an HTML 500/503 from Meta's edge is an answer (Meta did not take the message): the send is
// retried with backoff honouring Retry-After, up to META_SEND_RETRY_DEADLINE_MS, then FAILED with the reason.
// Before the fix the batch read COMPLETED with sent: 0 and every message stayed QUEUED for good.

const DEADLINE_MS = 6_000;
const w = useWorld(() => startSendWorld({ openWindow: true, env: { META_SEND_RETRY_DEADLINE_MS: String(DEADLINE_MS) } }));
const template = { name: 'hello_world', languageCode: 'en_US' };
const MESSAGES_PATH = '/v*/*/messages';
const HTML_503 = '<html><head><title>503 Service Unavailable</title></head><body><h1>Service Unavailable</h1></body></html>';
let sandboxId: string;

async function profiles(from: number, n: number): Promise<string[]> {
  const list = Array.from({ length: n }, (_, k) => from + k);
  await insertProfiles(
    w.h,
    sandboxId,
    list.map((i) => ({ id: `o${i}`, attributes: { mobilePhone: { number: phoneOf(i) } } })),
  );
  return list.map((i) => `o${i}`);
}

const sendsTo = (from: number, n: number) => Array.from({ length: n }, (_, k) => w.sim.sim.sentMessages({ to: phoneOf(from + k) }).length);

beforeAll(async () => {
  sandboxId = await sandboxIdOf(w.h);
}, 30_000);

describe('Meta edge outage (HTML 5xx) during a batch', () => {
  it('HTML 503 with Retry-After: every recipient is retried after the wait and sent exactly once', async () => {
    const n = 12;
    w.sim.sim.injectFault({ method: 'POST', path: MESSAGES_PATH, status: 503, rawBody: HTML_503, retryAfter: 1, times: n });
    const batch = await sendBatch(w.h, { channelConfigurationId: w.configId, profileIds: await profiles(100, n), template });
    const done = await waitForBatch(w.h, batch.id, (b) => b.status === 'COMPLETED', 30_000);
    expect(done).toMatchObject({ total: n, sent: n, failed: 0, queued: 0 });
    expect(w.sim.sim.faults.list()[0]).toMatchObject({ hits: n, remaining: 0 });
    expect(sendsTo(100, n)).toEqual(Array.from({ length: n }, () => 1));
    w.sim.sim.clearFaults();
  }, 40_000);

  it('HTML 500 without Retry-After that outlasts the deadline: FAILED with the reason, never COMPLETED with sent: 0 silently', async () => {
    const n = 3;
    w.sim.sim.injectFault({
      method: 'POST',
      path: MESSAGES_PATH,
      status: 500,
      rawBody: '<html>Internal Server Error</html>',
      times: Infinity,
    });
    const batch = await sendBatch(w.h, { channelConfigurationId: w.configId, profileIds: await profiles(200, n), template });
    const done = await waitForBatch(w.h, batch.id, (b) => b.status === 'COMPLETED', DEADLINE_MS + 20_000);
    const hits = w.sim.sim.faults.list()[0]!.hits;
    w.sim.sim.clearFaults();
    expect(done).toMatchObject({ total: n, sent: 0, failed: n, queued: 0 });
    // Retried (more than one answer per recipient), never accepted.
    expect(hits).toBeGreaterThan(n);
    expect(sendsTo(200, n)).toEqual([0, 0, 0]);
    const read = await readBatch(w.h, batch.id);
    for (const { node } of read.messages.edges) {
      expect(node.status).toBe('FAILED');
      expect(node.statusReason).toMatch(/HTTP 500/);
      expect(node.statusReason).toMatch(/META_SEND_RETRY_DEADLINE_MS/);
    }
  }, 40_000);
});
