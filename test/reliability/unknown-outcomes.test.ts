import { describe, expect, it } from 'vitest';
import { sandboxIdOf, useWorld } from '../helpers/world.js';
import { applyStatusUpdate, recordInboundMessage } from '../../src/messages/service.js';
import { sqlRow } from '../helpers/sql.js';
import { IDS, inbound, setupWorld, status } from '../messaging/helpers.js';
import { insertProfiles, phoneOf, readBatch, report, sendBatch, startSendWorld, waitForBatch, waitUntil } from '../sending-e2e/helpers.js';

// Issue 16 point 2: a send Meta never answered is never resent, and before the fix it stayed QUEUED for good
// while its batch read COMPLETED. Now the batch says how many recipients are of unknown outcome, and after
// SEND_OUTCOME_UNKNOWN_DEADLINE_MS without a status webhook the message is UNKNOWN (counted in the batch and the
// report); a late status webhook still moves it on. Auto-replies too.

const DEADLINE_MS = 2_000;
const env = { SEND_OUTCOME_UNKNOWN_DEADLINE_MS: String(DEADLINE_MS) };
const template = { name: 'hello_world', languageCode: 'en_US' };

describe('a batch recipient whose send Meta never answered', () => {
  const w = useWorld(() => startSendWorld({ openWindow: true, webhook: true, env }));

  it('COMPLETED says so, then the message is UNKNOWN after the deadline, counted; a late webhook still settles it', async () => {
    const sandboxId = await sandboxIdOf(w.h);
    const ids = [0, 1, 2].map((i) => `u${i}`);
    await insertProfiles(
      w.h,
      sandboxId,
      ids.map((id, i) => ({ id, attributes: { mobilePhone: { number: phoneOf(500 + i) } } })),
    );
    // Meta takes the first send and never answers in time (headers timeout 2 s): outcome unknown.
    const { headersMs } = w.h.config.meta.timeouts;
    w.sim.sim.injectFault({ method: 'POST', path: '/v*/*/messages', recordFirst: true, delayMs: headersMs + 2_000, times: 1 });
    const batch = await sendBatch(w.h, { channelConfigurationId: w.configId, profileIds: ids, template });
    const done = await waitForBatch(w.h, batch.id, (b) => b.status === 'COMPLETED', 20_000);
    expect(done).toMatchObject({ total: 3, sent: 2, unknown: 1, queued: 0, failed: 0 });
    expect(done.statusReason).toMatch(/1 recipient of unknown outcome/);

    const settled = await waitForBatch(w.h, batch.id, (b) => b.messages.edges.some((e) => e.node.status === 'UNKNOWN'), 15_000);
    expect(settled).toMatchObject({ status: 'COMPLETED', sent: 2, unknown: 1, queued: 0 });
    const unknown = settled.messages.edges.find((e) => e.node.status === 'UNKNOWN')!.node;
    expect(unknown.statusReason).toMatch(/SEND_OUTCOME_UNKNOWN_DEADLINE_MS/);
    expect((await report(w.h, { channelConfigurationId: w.configId })).unknown).toBe(1);
    // Never resent: Meta holds exactly one send per recipient.
    for (let i = 0; i < 3; i++) expect(w.sim.sim.sentMessages({ to: phoneOf(500 + i) })).toHaveLength(1);

    // Meta's status webhook comes late after all: the message moves on and the counts follow.
    const taken = w.sim.sim.sentMessages({ to: unknown.to! })[0]!;
    await w.sim.sim.emitStatusesFor(taken.wamid, ['delivered']);
    const after = await waitForBatch(w.h, batch.id, (b) => b.unknown === 0, 10_000);
    expect(after).toMatchObject({ sent: 3, unknown: 0 });
    expect((await readBatch(w.h, batch.id)).statusReason).toBeNull();
  }, 60_000);
});

describe('an auto-reply whose send Meta never answered', () => {
  const w = useWorld(() => setupWorld({ ...env, JOB_LEASE_MS: '30000' }));

  it('becomes UNKNOWN after the deadline, is not resent, and a late status webhook still settles it', async () => {
    const phone = '+14155550499';
    w.sim.sim.openServiceWindow(IDS.phone.acmeGreen, phone.slice(1));
    const { headersMs } = w.h.config.meta.timeouts;
    w.sim.sim.injectFault({ method: 'POST', path: /messages$/, recordFirst: true, delayMs: headersMs + 1_500 });
    await recordInboundMessage(
      w.h.server.deps,
      w.ctx,
      inbound({ waId: phone.slice(1), category: 'HELP', matchedKeyword: 'help', replyText: 'We are here to help.' }),
    );
    const reply = () =>
      sqlRow<{ id: string; status: string; status_reason: string | null }>(
        w.h.server,
        "SELECT id, status, status_reason FROM whatsapp_messages WHERE direction = 'OUTBOUND' AND to_number = ?",
        phone,
      );
    // The send is tried, Meta's answer never comes (outcome unknown), and the deadline passes without a webhook.
    await waitUntil(async () => (await reply())?.status === 'UNKNOWN', headersMs + DEADLINE_MS + 10_000, 'UNKNOWN after the deadline');
    expect((await reply())!.status_reason).toMatch(/no status webhook came within/);
    const sent = w.sim.sim.sentMessages({ to: phone });
    expect(sent).toHaveLength(1);
    expect(
      await applyStatusUpdate(w.h.server.deps, w.ctx, status(sent[0]!.wamid, 'read', { bizOpaqueCallbackData: (await reply())!.id })),
    ).toBe('applied');
    expect(await reply()).toMatchObject({ status: 'READ', status_reason: null });
  }, 30_000);
});
