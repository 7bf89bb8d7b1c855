import { beforeAll, describe, expect, it } from 'vitest';
import { sandboxIdOf, useWorld } from '../helpers/world.js';
import { configInput, createConfig, DeleteConfigDoc, waitForConfigStatus } from '../channel-configurations/helpers.js';
import { connectWs } from '../helpers/live.js';
import { sqlColumn, sqlValue } from '../helpers/sql.js';
import {
  BatchesDoc,
  BatchNodeDoc,
  CancelBatchDoc,
  insertProfiles,
  phoneOf,
  ProgressSub,
  readBatch,
  readMessage,
  report,
  ReportDoc,
  SendBatchDoc,
  sendBatch,
  startSendWorld,
  waitForBatch,
} from './helpers.js';

// Issue 8, acceptance 5 (cancel stops a batch; progress events arrive in order) and 3 (a missing
// personalization path blocks that recipient only), batch input rules, and sandbox isolation.

const w = useWorld(() => startSendWorld({ openWindow: true }));
let sandboxId: string;
let otherKey: string;
const template = { name: 'hello_world', languageCode: 'en_US' };

/** Profiles r<from>..r<from+n-1>, each with its own number. */
async function profiles(from: number, n: number, attributes: (i: number) => Record<string, unknown> = () => ({})): Promise<string[]> {
  const list = Array.from({ length: n }, (_, k) => from + k);
  await insertProfiles(
    w.h,
    sandboxId,
    list.map((i) => ({ id: `r${i}`, attributes: { mobilePhone: { number: phoneOf(i) }, ...attributes(i) } })),
  );
  return list.map((i) => `r${i}`);
}

const batchSends = async (batchId: string) => {
  // Meta's record as of the call (the look-up of the batch's message ids must not make it later).
  const sent = w.sim.sim.sentMessages();
  const ids = new Set(await sqlColumn<string>(w.h.server, 'SELECT id FROM whatsapp_messages WHERE batch_id = ?', batchId));
  return sent.filter((m) => m.bizOpaqueCallbackData && ids.has(m.bizOpaqueCallbackData));
};
const rawBatchId = (id: string) => Buffer.from(id, 'base64').toString('utf8').split(':')[1]!;

beforeAll(async () => {
  sandboxId = await sandboxIdOf(w.h);
  otherKey = await w.h.createKey({ sandbox: 'other', role: 'ADMIN' });
}, 30_000);

describe('messageBatchProgress', () => {
  it('sends the current state first, then ordered updates at most every 500 ms, and the final state; then ends', async () => {
    const ids = await profiles(1000, 120);
    const batch = await sendBatch(w.h, { channelConfigurationId: w.configId, profileIds: ids, template });
    const ws = connectWs(w.h.wsUrl, w.h.adminKey);
    const sub = ws.subscribe(ProgressSub, { id: batch.id });
    const arrivals: number[] = [];
    const states: Array<{ status: string; total: number; queued: number; sent: number; blocked: number; failed: number }> = [];
    for (;;) {
      const e = await sub.events.next(15_000);
      expect(e.errors).toBeUndefined();
      arrivals.push(Date.now());
      states.push(e.data!.messageBatchProgress);
      if (e.data!.messageBatchProgress.status === 'COMPLETED') break;
    }
    await sub.done;
    await ws.dispose();
    expect(states.length).toBeGreaterThanOrEqual(3);
    expect(['QUEUED', 'RUNNING']).toContain(states[0]!.status);
    const order = ['QUEUED', 'RUNNING', 'COMPLETED'];
    for (let i = 1; i < states.length; i++) {
      const [a, b] = [states[i - 1]!, states[i]!];
      expect(order.indexOf(b.status)).toBeGreaterThanOrEqual(order.indexOf(a.status));
      expect(b.sent + b.blocked + b.failed).toBeGreaterThanOrEqual(a.sent + a.blocked + a.failed);
    }
    // At most one update per 500 ms (arrival times on a busy test process can bunch two, so count, not spacing).
    expect(states.length).toBeLessThanOrEqual(Math.floor((arrivals.at(-1)! - arrivals[0]!) / 500) + 2);
    expect(arrivals.slice(1).filter((t, i) => t - arrivals[i]! < 400).length).toBeLessThanOrEqual(1);
    expect(states.at(-1)).toMatchObject({ status: 'COMPLETED', total: 120, sent: 120, queued: 0 });
    expect(states.every((s) => s.queued + s.sent + s.blocked + s.failed === s.total)).toBe(true);
  }, 20_000);
});

describe('cancelMessageBatch', () => {
  it('stops the batch: nothing reaches Meta after it returns, and the counters say what was sent', async () => {
    const ids = await profiles(2000, 300);
    const batch = await sendBatch(w.h, { channelConfigurationId: w.configId, profileIds: ids, template });
    const id = rawBatchId(batch.id);
    const deadline = Date.now() + 10_000;
    while ((await batchSends(id)).length < 40 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const res = await w.h.gql(CancelBatchDoc, { input: { id: batch.id } });
    const cancelled = res.data!.cancelMessageBatch;
    if (cancelled.__typename !== 'CancelMessageBatchSuccess') throw new Error(JSON.stringify(cancelled));
    const atCancel = (await batchSends(id)).length;
    expect(cancelled.data).toMatchObject({ status: 'CANCELLED', total: 300 });
    expect(cancelled.data.statusReason).toMatch(/[Cc]ancelled/);
    expect(cancelled.data.finishedAt).not.toBeNull();
    await new Promise((r) => setTimeout(r, 1_200));
    expect(await batchSends(id)).toHaveLength(atCancel);
    expect(atCancel).toBeGreaterThanOrEqual(40);
    expect(atCancel).toBeLessThan(300);
    const after = await readBatch(w.h, batch.id);
    expect(after).toMatchObject({ status: 'CANCELLED', sent: atCancel, queued: 300 - atCancel, blocked: 0, failed: 0 });
    // No message of the batch is left waiting to be sent.
    expect(await sqlValue(w.h.server, "SELECT count(*) AS n FROM whatsapp_messages WHERE batch_id = ? AND status = 'QUEUED'", id)).toBe(0);
    // Cancelling again changes nothing.
    const again = await w.h.gql(CancelBatchDoc, { input: { id: batch.id } });
    expect(again.data!.cancelMessageBatch).toMatchObject({
      __typename: 'CancelMessageBatchSuccess',
      data: { status: 'CANCELLED', sent: atCancel },
    });
  }, 20_000);

  it('a COMPLETED batch cannot be cancelled', async () => {
    const batch = await sendBatch(w.h, { channelConfigurationId: w.configId, profileIds: await profiles(3000, 3), template });
    await waitForBatch(w.h, batch.id, (b) => b.status === 'COMPLETED');
    const res = await w.h.gql(CancelBatchDoc, { input: { id: batch.id } });
    expect(res.data!.cancelMessageBatch).toMatchObject({ __typename: 'InvalidStateError', code: 'INVALID_STATE' });
  });
});

describe('recipients a batch cannot send to', () => {
  it('a missing personalization path, an unknown profile or no number blocks that recipient only; repeats are sent once', async () => {
    const named = await profiles(4000, 3, (i) => ({ firstName: `N${i}` }));
    const unnamed = await profiles(4100, 2);
    await insertProfiles(w.h, sandboxId, [{ id: 'numberless', attributes: { firstName: 'Nobody' } }]);
    const batch = await sendBatch(w.h, {
      channelConfigurationId: w.configId,
      profileIds: [...named, ...unnamed, 'ghost', 'numberless', named[0]!],
      text: 'Hi {{profile.firstName}}!',
    });
    expect(batch.total).toBe(7);
    const done = await waitForBatch(w.h, batch.id, (b) => b.status === 'COMPLETED');
    expect(done).toMatchObject({ total: 7, sent: 3, blocked: 4, failed: 0, queued: 0 });
    const blocked = done.messages.edges.map((e) => e.node).filter((m) => m.status === 'BLOCKED');
    const reasons = blocked.map((m) => m.statusReason ?? '');
    expect(reasons.filter((r) => r.includes('profile.firstName'))).toHaveLength(2);
    expect(reasons.some((r) => r.includes('"ghost"'))).toBe(true);
    expect(reasons.some((r) => r.includes('mobilePhone.number'))).toBe(true);
    const texts = (await batchSends(rawBatchId(batch.id))).map((m) => (m.body as { text: { body: string } }).text.body).sort();
    expect(texts).toEqual(['Hi N4000!', 'Hi N4001!', 'Hi N4002!']);
  });
});

describe('batch input rules: a typed error, nothing created', () => {
  const batches = () => sqlValue<number>(w.h.server, 'SELECT count(*) AS n FROM message_batches');
  const cases: Array<[string, () => Record<string, unknown>, string[]]> = [
    ['no profile ids', () => ({ profileIds: [], text: 'hi' }), ['profileIds']],
    [
      'more than 100,000 profile ids',
      () => ({ profileIds: Array.from({ length: 100_001 }, (_, i) => i.toString(36)), text: 'hi' }),
      ['profileIds'],
    ],
    ['a profile id that cannot exist', () => ({ profileIds: ['ok', ' spaced '], text: 'hi' }), ['profileIds', '1']],
    ['neither text nor template', () => ({ profileIds: ['a'] }), ['text']],
    ['a malformed placeholder', () => ({ profileIds: ['a'], text: '{{profile.}}' }), ['text']],
  ];
  for (const [what, input, path] of cases) {
    it(`${what} -> ValidationError at ${path.join('.')}`, async () => {
      const before = await batches();
      const res = await w.h.gql(SendBatchDoc, { input: { channelConfigurationId: w.configId, ...input() } as never });
      const r = res.data!.sendWhatsAppMessages;
      expect(r.__typename).toBe('ValidationError');
      if (r.__typename === 'ValidationError') expect(r.fieldErrors.map((f) => f.path)).toContainEqual(path);
      expect(await batches()).toBe(before);
    });
  }
});

describe('a configuration with batches', () => {
  it('can be deleted: its batches go with it, their messages stay', async () => {
    const config = await createConfig(w.h, configInput('short-lived', w.credentialId));
    await waitForConfigStatus(w.h, config.id, 'ACTIVE', 15_000);
    const batch = await sendBatch(w.h, { channelConfigurationId: config.id, profileIds: await profiles(8000, 2), template });
    const done = await waitForBatch(w.h, batch.id, (b) => b.status === 'COMPLETED');
    const messageId = done.messages.edges[0]!.node.id;
    const res = await w.h.gql(DeleteConfigDoc, { input: { id: config.id } });
    expect(res.data?.deleteChannelConfiguration.__typename).toBe('DeleteChannelConfigurationSuccess');
    expect((await w.h.gql(BatchNodeDoc, { id: batch.id })).data?.node ?? null).toBeNull();
    const list = await w.h.gql(BatchesDoc, {});
    expect(list.errors).toBeUndefined();
    expect(list.data!.messageBatches.edges.map((e) => e.node.id)).not.toContain(batch.id);
    const message = await readMessage(w.h, messageId);
    expect(message).toMatchObject({ status: 'SENT', batch: null, channelConfiguration: null });
  });
});

describe('sandbox isolation', () => {
  it("another sandbox cannot read, list, follow, cancel or report on this sandbox's batches", async () => {
    const batch = await sendBatch(w.h, { channelConfigurationId: w.configId, profileIds: await profiles(5000, 2), template });
    const node = await w.h.gql(BatchNodeDoc, { id: batch.id }, otherKey);
    expect(node.data?.node ?? null).toBeNull();
    expect((await w.h.gql(BatchesDoc, {}, otherKey)).data!.messageBatches.totalCount).toBe(0);
    expect((await w.h.gql(BatchesDoc, {})).data!.messageBatches.totalCount).toBeGreaterThan(0);
    const cancel = await w.h.gql(CancelBatchDoc, { input: { id: batch.id } }, otherKey);
    expect(cancel.data!.cancelMessageBatch).toMatchObject({ __typename: 'NotFoundError' });
    const ws = connectWs(w.h.wsUrl, otherKey);
    const sub = ws.subscribe(ProgressSub, { id: batch.id });
    const e = await sub.events.next(5_000);
    expect(e.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    await ws.dispose();
    const foreign = await w.h.gql(ReportDoc, { channelConfigurationId: w.configId }, otherKey);
    expect(foreign.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await report(w.h, {}, otherKey)).toMatchObject({ sent: 0, blocked: 0, failed: 0 });
    await waitForBatch(w.h, batch.id, (b) => b.status === 'COMPLETED');
    expect((await report(w.h)).sent).toBeGreaterThan(0);
  });
});
