import { describe, expect, it } from 'vitest';
import type { AppDeps } from '../../src/core/deps.js';
import { authenticate } from '../../src/platform/tenancy/service.js';
import type { Viewer } from '../../src/platform/tenancy/viewer.js';
import { BatchRunners } from '../../src/sending/batch-state.js';
import { cancelMessageBatch } from '../../src/sending/batches.js';
import { sqlColumn, sqlValue } from '../helpers/sql.js';
import { sleep, waitUntil } from '../helpers/wait.js';
import { useWorld } from '../helpers/world.js';
import { insertProfiles, phoneOf, readBatch, sendBatch, sendOk, startSendWorld, waitForBatch } from '../sending-e2e/helpers.js';

// Issue 19, "caches and stops invalidated across instances", for sending, on one instance (the default backend): a
// cancel made by another instance (the same deps with their own batch runners: they run nothing here) halts this
// instance's runner through the event, and returns only when this instance's sends in flight have their answers; the
// single-send wait hears an outcome announced by any instance.

const MESSAGES_PATH = '/v*/*/messages';
const template = { name: 'hello_world', languageCode: 'en_US' };
const w = useWorld(() => startSendWorld({ openWindow: true }));

async function viewerOf(deps: AppDeps): Promise<Viewer> {
  const viewer = await authenticate(deps.db, `Bearer ${w.h.adminKey}`);
  if (!viewer) throw new Error('test key does not authenticate');
  return viewer;
}

const rawBatchId = (id: string) => Buffer.from(id, 'base64').toString('utf8').split(':')[1]!;
const rawMessageId = rawBatchId;

async function batchArrivals(batchId: string): Promise<number> {
  const sent = w.sim.sim.sentMessages();
  const ids = new Set(await sqlColumn<string>(w.h.server, 'SELECT id FROM whatsapp_messages WHERE batch_id = ?', batchId));
  return sent.filter((m) => m.bizOpaqueCallbackData && ids.has(m.bizOpaqueCallbackData)).length;
}

const inFlight = (batchId: string) =>
  sqlValue<number>(
    w.h.server,
    "SELECT count(*) AS n FROM whatsapp_messages WHERE batch_id = ? AND status = 'QUEUED' AND wamid IS NULL AND send_attempted_at IS NOT NULL",
    batchId,
  ).then(Number);

describe('cancel from another instance', () => {
  it("halts this instance's runner through the event and returns once its sends in flight were answered", async () => {
    const deps = w.h.server.deps;
    const sandboxId = (await viewerOf(deps)).sandboxId;
    const ids = Array.from({ length: 60 }, (_, i) => `c${i}`);
    await insertProfiles(
      w.h,
      sandboxId,
      ids.map((id, i) => ({ id, attributes: { mobilePhone: { number: phoneOf(5000 + i) } } })),
    );
    // Meta answers each send after 1.5 s and records it only then: a send in flight when the cancel returns would
    // show up at Meta afterwards.
    w.sim.sim.injectFault({ method: 'POST', path: MESSAGES_PATH, delayMs: 1_500, times: Infinity });
    try {
      const batch = await sendBatch(w.h, { channelConfigurationId: w.configId, profileIds: ids, template });
      const id = rawBatchId(batch.id);
      await waitUntil(async () => (await inFlight(id)) >= 3, 10_000, 'sends in flight');
      const state = deps.state.batchRunners.running(id);
      expect(state).toBeDefined();

      // A halt of another batch changes nothing here.
      deps.pubsub.publish(sandboxId, 'message-batch:halted', { batchId: 'another-batch' });
      await sleep(100);
      expect(state!.halt.signal.aborted).toBe(false);

      // The other instance's cancel: its own runners run nothing of this batch, so its local stop does nothing here.
      const other: AppDeps = { ...deps, state: { ...deps.state, batchRunners: new BatchRunners(deps) } };
      const cancelled = await cancelMessageBatch(other, await viewerOf(deps), id, (batchId) => other.state.batchRunners.stop(batchId));
      expect(cancelled.status).toBe('CANCELLED');
      expect(await inFlight(id)).toBe(0);
      await waitUntil(() => state!.halt.signal.aborted, 2_000, 'the runner halted by the event');
      const atReturn = await batchArrivals(id);
      expect(atReturn).toBeGreaterThanOrEqual(3);
      expect(atReturn).toBeLessThan(60);
      // Nothing reaches Meta after the cancel returned, and the runner lets go of the batch.
      await sleep(2_500);
      expect(await batchArrivals(id)).toBe(atReturn);
      await waitUntil(() => deps.state.batchRunners.running(id) === undefined, 5_000, 'the runner let go');
      expect(await readBatch(w.h, batch.id)).toMatchObject({ status: 'CANCELLED', sent: atReturn });
    } finally {
      w.sim.sim.clearFaults();
    }
  }, 40_000);
});

describe('single-send wait across instances', () => {
  it('waitSettled resolves on the outcome announced for its message only, from any instance, or at its timeout', async () => {
    const deps = w.h.server.deps;
    const sandboxId = (await viewerOf(deps)).sandboxId;
    let resolved = false;
    const waiting = deps.state.sends.waitSettled(sandboxId, 'msg-a', 20_000).then(() => (resolved = true));
    // What the instance that ran the send job publishes (on PostgreSQL it reaches every instance).
    deps.state.sends.notifySettled(sandboxId, 'msg-b');
    deps.state.sends.notifySettled('another-sandbox', 'msg-a');
    await sleep(200);
    expect(resolved).toBe(false);
    deps.state.sends.notifySettled(sandboxId, 'msg-a');
    await waiting;
    expect(resolved).toBe(true);
    // Nobody announces: the wait ends at its timeout, and leaves no listener behind.
    const started = Date.now();
    await deps.state.sends.waitSettled(sandboxId, 'msg-c', 300);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(deps.pubsub.listenerCount(sandboxId, 'message:settled')).toBe(0);
  });

  it('the single-send job announces its outcome; batch sends, which nobody waits for, do not', async () => {
    const deps = w.h.server.deps;
    const sandboxId = (await viewerOf(deps)).sandboxId;
    const stop = new AbortController();
    const events = deps.pubsub.subscribe(sandboxId, 'message:settled', stop.signal);
    const seen: string[] = [];
    void (async () => {
      for await (const event of events) seen.push(event.messageId);
    })();
    try {
      const message = await sendOk(w.h, { channelConfigurationId: w.configId, phoneNumber: phoneOf(6001), text: 'hello' });
      expect(message.status).toBe('SENT');
      await waitUntil(() => seen.length === 1, 5_000, 'the outcome announced');
      expect(seen).toEqual([rawMessageId(message.id)]);

      await insertProfiles(w.h, sandboxId, [{ id: 'quiet-1', attributes: { mobilePhone: { number: phoneOf(6002) } } }]);
      const batch = await sendBatch(w.h, { channelConfigurationId: w.configId, profileIds: ['quiet-1'], template });
      await waitForBatch(w.h, batch.id, (b) => b.status === 'COMPLETED' && b.sent === 1);
      await sleep(200);
      expect(seen).toHaveLength(1);
    } finally {
      stop.abort();
    }
  });
});
