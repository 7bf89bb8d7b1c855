import { afterEach, describe, expect, it } from 'vitest';
import { sqlColumn } from '../helpers/sql.js';
import { cleanup } from '../helpers/world.js';
import { readMessage, sendOk, startSendWorld, waitUntil } from '../sending-e2e/helpers.js';

// Issue 15 point 13: a message the user read is not a failed delivery. A `failed` status after `read` leaves
// it READ; the failure is kept on the message and reported as a FAILED event. FAILED itself stays final.

afterEach(cleanup);

const events = (h: Parameters<typeof readMessage>[0], wamid: string): Promise<string[]> =>
  sqlColumn<string>(
    h.server,
    'SELECT t.type FROM tracking_events t JOIN whatsapp_messages m ON m.id = t.message_id WHERE m.wamid = ? ORDER BY t.type',
    wamid,
  );

describe('READ and failed', () => {
  it.each([
    ['read then failed', ['delivered', 'read', 'failed']],
    ['read, failed, then delivered again', ['read', 'failed', 'delivered']],
  ])('%s: the message stays READ and keeps the failure', async (_name, order) => {
    const { sim, h, configId } = await startSendWorld({ webhook: true, openWindow: true });
    const sent = await sendOk(h, { channelConfigurationId: configId, phoneNumber: '+16505558100', text: 'Your order shipped' });
    await sim.sim.emitStatusesFor(sent.wamid!, order, { errors: [{ code: 131026 }] });
    await waitUntil(async () => (await events(h, sent.wamid!)).length >= 4, 10_000, 'status events');
    const message = await readMessage(h, sent.id);
    expect(message).toMatchObject({ status: 'READ', metaErrorCode: 131026 });
    expect(message.statusReason).toContain('Read by the recipient; Meta also reported a failure: 131026');
    expect(await events(h, sent.wamid!)).toEqual(['DELIVERED', 'FAILED', 'READ', 'SENT']);
  });
});
