import { describe, expect, it } from 'vitest';
import { useWorld } from '../helpers/world.js';
import { applyStatusUpdate, OUTCOME_UNKNOWN_REASON, recordInboundMessage } from '../../src/messages/service.js';
import { getCredential } from '../../src/credentials/service.js';
import { TEST_BACKEND } from '../helpers/harness.js';
import { sqlRun } from '../helpers/sql.js';
import { IDS, inbound, rows, setupWorld, status, waitUntil, type World } from './helpers.js';

// Issue 5 (messaging core): auto-replies go out through Meta once. Meta's refusals for now are retried by the
// queue, permanent errors fail the message with Meta's code, and a send whose outcome is unknown is never resent;
// its status webhook settles it.

// A time parameter: epoch ms for SQLite's integer columns, a Date for PostgreSQL's timestamptz.
const at = (ms: number): number | Date => (TEST_BACKEND === 'pg' ? new Date(ms) : ms);

interface ReplyRow {
  id: string;
  status: string;
  status_reason: string | null;
  meta_error_code: number | null;
  wamid: string | null;
}

async function replyTo(w: World, phone: string): Promise<ReplyRow | undefined> {
  return (
    await rows<ReplyRow>(w.h, "SELECT * FROM whatsapp_messages WHERE direction = 'OUTBOUND' AND to_number = ? ORDER BY id", phone)
  )[0];
}

async function sendReply(w: World, waId: string, text = 'Thanks for writing!'): Promise<void> {
  w.sim.sim.openServiceWindow(IDS.phone.acmeGreen, waId);
  await recordInboundMessage(w.h.server.deps, w.ctx, inbound({ waId, category: 'DEFAULT', replyText: text }));
}

async function jobFor(w: World, messageId: string) {
  return (await w.h.server.deps.jobs.list({ kind: 'messaging.send-auto-reply' })).find(
    (j) => (j.payload as { messageId: string }).messageId === messageId,
  );
}

describe('auto-reply pacing', () => {
  const w = useWorld(setupWorld);

  it('takes its slot from the same throughput bucket as campaign sends of the number', async (ctx) => {
    const deps = w.h.server.deps;
    // On PostgreSQL every send (replies, single sends, batch sends) takes its grant from the shared limiter in
    // Sender.sendNow, never from this in-process bucket; test/cluster/send-pacing-*.test.ts judge that limiter with
    // single sends and batches together. Filling this bucket there proves nothing (CI once saw a reply 968 ms after
    // the fill: the job queue's own delays, not a wait for the bucket).
    if (deps.state.sends.shared) ctx.skip();
    const credential = (await getCredential(deps, w.ctx.sandboxId, w.ctx.credentialId))!;
    const bucket = (await deps.state.sends.pacerFor(credential)).bucket;
    // Campaign sends used this second's whole throughput (80 for the STANDARD number).
    const filledAt = performance.now();
    for (let i = 0; i < bucket.rate; i++) await bucket.take();
    await sendReply(w, '14155550309');
    await waitUntil(async () => (await replyTo(w, '+14155550309'))?.status === 'SENT', 10_000, 'the reply to be sent');
    const sentAt = performance.now();
    // The reply waited for a free slot: it left no earlier than one window after the bucket was filled.
    expect(sentAt - filledAt).toBeGreaterThanOrEqual(bucket.windowMs - 50);
    expect(w.sim.sim.sentMessages({ to: '+14155550309' })).toHaveLength(1);
  });
});

describe('auto-reply sending', () => {
  const w = useWorld(setupWorld);

  it("a permanent Meta error fails the reply with Meta's code and reason, once, without retrying", async () => {
    w.sim.sim.injectFault({
      method: 'POST',
      path: /messages$/,
      status: 400,
      metaError: { code: 131026, message: 'Message undeliverable', details: 'The recipient cannot receive this message.' },
    });
    await sendReply(w, '14155550301');
    await waitUntil(async () => (await replyTo(w, '+14155550301'))?.status === 'FAILED', 10_000, 'the reply to fail');
    const reply = (await replyTo(w, '+14155550301'))!;
    expect(reply).toMatchObject({ meta_error_code: 131026, wamid: null });
    expect(reply.status_reason).toContain('131026');
    expect(reply.status_reason).toContain('Message undeliverable');
    expect(await rows(w.h, 'SELECT type FROM tracking_events WHERE message_id = ?', reply.id)).toEqual([{ type: 'FAILED' }]);
    await w.h.server.deps.jobs.idle();
    expect(await jobFor(w, reply.id)).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(w.sim.sim.sentMessages({ to: '+14155550301' })).toHaveLength(0);
  });

  it('throttling and Meta 5xx are retried by the queue until Meta takes the reply, which it records once', async () => {
    w.sim.sim.injectFault({
      method: 'POST',
      path: /messages$/,
      status: 429,
      metaError: { code: 130429, message: '(#130429) Rate limit hit' },
    });
    w.sim.sim.injectFault({
      method: 'POST',
      path: /messages$/,
      status: 503,
      metaError: { code: 2, message: 'Service temporarily unavailable', isTransient: true },
    });
    await sendReply(w, '14155550302');
    await waitUntil(async () => (await replyTo(w, '+14155550302'))?.status === 'SENT', 15_000, 'the reply to be sent');
    const reply = (await replyTo(w, '+14155550302'))!;
    const sent = w.sim.sim.sentMessages({ to: '+14155550302' });
    expect(sent).toHaveLength(1);
    expect(reply.wamid).toBe(sent[0]!.wamid);
    expect(reply.status_reason).toBeNull();
    expect(w.sim.sim.rejectedSends().filter((r) => (r.body as { to?: string }).to === '+14155550302')).toHaveLength(0);
    await w.h.server.deps.jobs.idle();
    // Three runs, none counted as a failure.
    expect(await jobFor(w, reply.id)).toMatchObject({ status: 'succeeded', attempts: 3, failures: 0 });
  });

  it('a dropped connection after Meta took the reply is not resent; the status webhook settles it by its opaque data', async () => {
    w.sim.sim.injectFault({ method: 'POST', path: /messages$/, recordFirst: true, dropConnection: true });
    await sendReply(w, '14155550303');
    await waitUntil(
      async () => (await replyTo(w, '+14155550303'))?.status_reason === OUTCOME_UNKNOWN_REASON,
      10_000,
      'the outcome to be unknown',
    );
    await w.h.server.deps.jobs.idle();
    const reply = (await replyTo(w, '+14155550303'))!;
    expect(reply).toMatchObject({ status: 'QUEUED', wamid: null });
    expect(await jobFor(w, reply.id)).toMatchObject({ status: 'succeeded', attempts: 1 });
    const sent = w.sim.sim.sentMessages({ to: '+14155550303' });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.bizOpaqueCallbackData).toBe(reply.id);

    // Meta's status webhook echoes the opaque data: the message gets its wamid and moves on.
    expect(await applyStatusUpdate(w.h.server.deps, w.ctx, status(sent[0]!.wamid, 'delivered', { bizOpaqueCallbackData: reply.id }))).toBe(
      'applied',
    );
    expect(await replyTo(w, '+14155550303')).toMatchObject({ status: 'DELIVERED', wamid: sent[0]!.wamid, status_reason: null });
    expect(w.sim.sim.sentMessages({ to: '+14155550303' })).toHaveLength(1);
  });
});

describe('auto-reply after a lost lease', () => {
  // Leases beat while their owner lives, so a second run only happens when the owner is gone (dead or frozen):
  // the test hands the running job's lease to an owner that no longer beats and lets it run out, as a crashed
  // instance's would, while the first run still waits for Meta's answer.
  const w = useWorld(() => setupWorld({ JOB_LEASE_MS: '600' }));

  it("a second run of the job does not send again while the first run's send may have reached Meta", async () => {
    // Answered inside the client headers timeout (2 s in tests): the first run records SENT after the takeover.
    w.sim.sim.injectFault({ method: 'POST', path: /messages$/, recordFirst: true, delayMs: 1_500 });
    await sendReply(w, '14155550304');
    await waitUntil(() => w.sim.sim.sentMessages({ to: '+14155550304' }).length === 1, 10_000, 'the first run to reach Meta');
    const first = (await replyTo(w, '+14155550304'))!;
    await sqlRun(
      w.h.server,
      "UPDATE jobs SET lease_owner = 'a-dead-instance', lease_until = ? WHERE id = ? AND status = 'running'",
      at(Date.now() - 1),
      (await jobFor(w, first.id))!.id,
    );
    await waitUntil(async () => ((await jobFor(w, first.id))?.attempts ?? 0) >= 2, 10_000, 'a second run to take the job over');
    await waitUntil(async () => (await replyTo(w, '+14155550304'))?.status === 'SENT', 10_000, 'the first run to record the send');
    await w.h.server.deps.jobs.idle();
    expect(w.sim.sim.sentMessages({ to: '+14155550304' })).toHaveLength(1);
    const reply = (await replyTo(w, '+14155550304'))!;
    expect(reply.wamid).toBe(w.sim.sim.sentMessages({ to: '+14155550304' })[0]!.wamid);
  });
});
