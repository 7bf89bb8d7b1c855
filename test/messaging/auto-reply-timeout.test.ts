import { describe, expect, it } from 'vitest';
import { useWorld } from '../helpers/world.js';
import { applyStatusUpdate, OUTCOME_UNKNOWN_REASON, recordInboundMessage } from '../../src/messages/service.js';
import { IDS, inbound, rows, setupWorld, status, waitUntil } from './helpers.js';

// Issue 5 / RELIABILITY C6: Meta takes the auto-reply but answers after the client's headers timeout. The
// outcome is unknown, so the reply is never resent; a later status carrying its opaque data settles it.

// A lease longer than the client's timeout, so the first run itself meets the timeout (auto-reply.test.ts covers a lost lease).
const w = useWorld(() => setupWorld({ JOB_LEASE_MS: '30000' }));

describe('auto-reply whose answer times out', () => {
  it('stays QUEUED with "outcome unknown", is not resent, and is settled by its status webhook', async () => {
    const phone = '+14155550401';
    w.sim.sim.openServiceWindow(IDS.phone.acmeGreen, phone.slice(1));
    const { headersMs } = w.h.config.meta.timeouts;
    w.sim.sim.injectFault({ method: 'POST', path: /messages$/, recordFirst: true, delayMs: headersMs + 1_500 });
    await recordInboundMessage(
      w.h.server.deps,
      w.ctx,
      inbound({ waId: phone.slice(1), category: 'HELP', matchedKeyword: 'help', replyText: 'We are here to help.' }),
    );

    const reply = () =>
      rows<{ id: string; status: string; status_reason: string | null; wamid: string | null }>(
        w.h,
        "SELECT id, status, status_reason, wamid FROM whatsapp_messages WHERE direction = 'OUTBOUND' AND to_number = ?",
        phone,
      );
    await waitUntil(
      async () => (await reply())[0]?.status_reason === OUTCOME_UNKNOWN_REASON,
      headersMs + 5_000,
      'the outcome to be unknown',
    );
    await w.h.server.deps.jobs.idle();
    const [row] = await reply();
    expect(await reply()).toHaveLength(1);
    expect(row).toMatchObject({ status: 'QUEUED', wamid: null });
    const job = (await w.h.server.deps.jobs.list({ kind: 'messaging.send-auto-reply' })).find(
      (j) => (j.payload as { messageId: string }).messageId === row!.id,
    );
    expect(job).toMatchObject({ status: 'succeeded', attempts: 1 });
    const sent = w.sim.sim.sentMessages({ to: phone });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.bizOpaqueCallbackData).toBe(row!.id);

    expect(await applyStatusUpdate(w.h.server.deps, w.ctx, status(sent[0]!.wamid, 'read', { bizOpaqueCallbackData: row!.id }))).toBe(
      'applied',
    );
    expect((await reply())[0]).toMatchObject({ status: 'READ', wamid: sent[0]!.wamid, status_reason: null });
    expect(await rows(w.h, 'SELECT type FROM tracking_events WHERE message_id = ? ORDER BY id', row!.id)).toEqual([{ type: 'READ' }]);
    expect(w.sim.sim.sentMessages({ to: phone })).toHaveLength(1);
  });
});
