import { describe, expect, it } from 'vitest';
import { useWorld } from '../helpers/world.js';
import {
  applyStatusUpdate,
  getConsentByPhoneNumber,
  recordInboundMessage,
  recordOutboundMessage,
  recordSendOutcome,
  OUTCOME_UNKNOWN_REASON,
  type WebhookContext,
} from '../../src/messages/service.js';
import { count, inbound, newWamid, rows, setupWorld, status } from './helpers.js';

// Issue 5 (messaging core): statuses move outbound messages forward only, FAILED is final with Meta's code,
// each distinct status is one tracking event however often it repeats, a status may arrive before its message,
// an answer lost on the way back is reconciled by biz_opaque_callback_data, and 131050 opts the user out.

const w = useWorld(setupWorld);

interface MessageView {
  status: string;
  status_reason: string | null;
  meta_error_code: number | null;
  wamid: string | null;
  sent_at: number | null;
  delivered_at: number | null;
  read_at: number | null;
  failed_at: number | null;
}
const message = async (id: string) => (await rows<MessageView>(w.h, 'SELECT * FROM whatsapp_messages WHERE id = ?', id))[0]!;
const eventTypes = async (id: string) =>
  (await rows<{ type: string }>(w.h, 'SELECT type FROM tracking_events WHERE message_id = ? ORDER BY id', id)).map((r) => r.type);

/** An outbound message Meta accepted (wamid + SENT), as the sending code will record it. */
async function acceptedMessage(ctx: WebhookContext, to = '+14155550201'): Promise<{ id: string; wamid: string }> {
  const { message: m } = await recordOutboundMessage(w.h.server.deps, {
    sandboxId: ctx.sandboxId,
    credentialId: ctx.credentialId,
    toPhoneNumber: to,
    text: 'Your order shipped',
  });
  const wamid = newWamid();
  await recordSendOutcome(w.h.server.deps, ctx.sandboxId, m.id, { kind: 'accepted', wamid });
  return { id: m.id, wamid };
}

describe('applyStatusUpdate', () => {
  it('read before delivered, sent after read: ends READ, never downgrades, one event per distinct status', async () => {
    const { h, ctx } = w;
    const m = await acceptedMessage(ctx);
    expect(await message(m.id)).toMatchObject({ status: 'SENT', wamid: m.wamid });
    const t = Date.now();
    const apply = (value: string, at: number) => applyStatusUpdate(h.server.deps, ctx, status(m.wamid, value, { timestamp: new Date(at) }));

    expect(await apply('read', t + 3000)).toBe('applied');
    expect((await message(m.id)).status).toBe('READ');
    expect(await apply('delivered', t + 2000)).toBe('applied'); // a new fact (its event), but no downgrade
    expect(await apply('sent', t + 1000)).toBe('duplicate'); // SENT was recorded when Meta accepted the send
    expect(await apply('delivered', t + 2000)).toBe('duplicate');
    expect(await apply('read', t + 3000)).toBe('duplicate');
    expect(await apply('played', t + 4000)).toBe('duplicate'); // played counts as READ

    expect(await message(m.id)).toMatchObject({ status: 'READ', delivered_at: t + 2000, read_at: t + 3000, status_reason: null });
    expect(await eventTypes(m.id)).toEqual(['SENT', 'READ', 'DELIVERED']);
  });

  it("failed is final and keeps Meta's code and reason; later statuses do not move it", async () => {
    const { h, ctx } = w;
    const m = await acceptedMessage(ctx);
    const failure = {
      code: 131049,
      title: 'This message was not delivered to maintain healthy ecosystem engagement.',
      message: 'This message was not delivered to maintain healthy ecosystem engagement.',
      details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
    };
    expect(await applyStatusUpdate(h.server.deps, ctx, status(m.wamid, 'delivered'))).toBe('applied');
    expect(await applyStatusUpdate(h.server.deps, ctx, status(m.wamid, 'failed', { errors: [failure] }))).toBe('applied');
    expect(await applyStatusUpdate(h.server.deps, ctx, status(m.wamid, 'failed', { errors: [failure] }))).toBe('duplicate');
    expect(await applyStatusUpdate(h.server.deps, ctx, status(m.wamid, 'read'))).toBe('applied');
    expect(await applyStatusUpdate(h.server.deps, ctx, status(m.wamid, 'sent'))).toBe('duplicate');
    const row = await message(m.id);
    expect(row).toMatchObject({ status: 'FAILED', meta_error_code: 131049 });
    expect(row.status_reason).toContain('131049');
    expect(row.status_reason).toContain('healthy ecosystem engagement');
    expect(await eventTypes(m.id)).toEqual(['SENT', 'DELIVERED', 'FAILED', 'READ']);
  });

  it('ignores unknown status words and statuses without a wamid, storing nothing', async () => {
    const { h, ctx } = w;
    const m = await acceptedMessage(ctx);
    const before = await count(h, 'SELECT count(*) AS n FROM pending_statuses');
    expect(await applyStatusUpdate(h.server.deps, ctx, status(m.wamid, 'deleted'))).toBe('ignored');
    expect(await applyStatusUpdate(h.server.deps, ctx, status(newWamid(), 'warning'))).toBe('ignored');
    expect(await applyStatusUpdate(h.server.deps, ctx, status('', 'delivered'))).toBe('ignored');
    expect(await count(h, 'SELECT count(*) AS n FROM pending_statuses')).toBe(before);
    expect((await message(m.id)).status).toBe('SENT');
    expect(await eventTypes(m.id)).toEqual(['SENT']);
  });

  it('keeps a status that arrives before its message and applies it when the message appears', async () => {
    const { h, ctx } = w;
    const wamid = newWamid();
    const t = Date.now();
    expect(await applyStatusUpdate(h.server.deps, ctx, status(wamid, 'delivered', { timestamp: new Date(t + 1000) }))).toBe('pending');
    expect(await applyStatusUpdate(h.server.deps, ctx, status(wamid, 'delivered', { timestamp: new Date(t + 1000) }))).toBe('duplicate');
    expect(await applyStatusUpdate(h.server.deps, ctx, status(wamid, 'read', { timestamp: new Date(t + 2000) }))).toBe('pending');
    expect(await count(h, 'SELECT count(*) AS n FROM pending_statuses WHERE wamid = ?', wamid)).toBe(2);
    // Another sandbox's message with the same wamid would not pick them up (pending rows are per sandbox).
    expect(
      await count(h, 'SELECT count(*) AS n FROM pending_statuses WHERE wamid = ? AND sandbox_id = ?', wamid, w.otherCtx.sandboxId),
    ).toBe(0);

    const { message: m } = await recordOutboundMessage(h.server.deps, {
      sandboxId: ctx.sandboxId,
      credentialId: ctx.credentialId,
      toPhoneNumber: '+14155550202',
      text: 'hi',
    });
    expect((await message(m.id)).status).toBe('QUEUED');
    await recordSendOutcome(h.server.deps, ctx.sandboxId, m.id, { kind: 'accepted', wamid, at: new Date(t) });
    expect(await message(m.id)).toMatchObject({ status: 'READ', wamid, sent_at: t, delivered_at: t + 1000, read_at: t + 2000 });
    expect(await eventTypes(m.id)).toEqual(['SENT', 'DELIVERED', 'READ']);
    expect(await count(h, 'SELECT count(*) AS n FROM pending_statuses WHERE wamid = ?', wamid)).toBe(0);
  });

  it('reconciles a send whose answer was lost by biz_opaque_callback_data, with statuses that waited under its wamid', async () => {
    const { h, ctx } = w;
    const { message: m } = await recordOutboundMessage(h.server.deps, {
      sandboxId: ctx.sandboxId,
      credentialId: ctx.credentialId,
      toPhoneNumber: '+14155550203',
      text: 'hi',
    });
    await recordSendOutcome(h.server.deps, ctx.sandboxId, m.id, { kind: 'unknown' });
    expect(await message(m.id)).toMatchObject({ status: 'QUEUED', status_reason: OUTCOME_UNKNOWN_REASON, wamid: null });

    const wamid = newWamid();
    // Without the opaque data the wamid means nothing yet: kept.
    expect(await applyStatusUpdate(h.server.deps, ctx, status(wamid, 'delivered'))).toBe('pending');
    expect(await applyStatusUpdate(h.server.deps, ctx, status(wamid, 'sent', { bizOpaqueCallbackData: m.id }))).toBe('applied');
    expect(await message(m.id)).toMatchObject({ status: 'DELIVERED', wamid, status_reason: null });
    expect(await eventTypes(m.id)).toEqual(['SENT', 'DELIVERED']);
    expect(await count(h, 'SELECT count(*) AS n FROM pending_statuses WHERE wamid = ?', wamid)).toBe(0);
    // Opaque data naming a message that already has another wamid is not trusted.
    const other = newWamid();
    expect(await applyStatusUpdate(h.server.deps, ctx, status(other, 'read', { bizOpaqueCallbackData: m.id }))).toBe('pending');
    expect((await message(m.id)).status).toBe('DELIVERED');
  });

  it('131050 (the user stopped marketing messages) fails the message and opts the contact out, with a ledger entry', async () => {
    const { h, ctx } = w;
    await recordInboundMessage(
      h.server.deps,
      ctx,
      inbound({
        waId: '14155550204',
        category: 'OPT_IN',
        matchedKeyword: 'start',
        consentChange: 'OPTED_IN',
        timestamp: new Date(Date.now() - 60_000),
      }),
    );
    expect((await getConsentByPhoneNumber(h.server.deps, ctx.sandboxId, '+14155550204')).status).toBe('OPTED_IN');
    const m = await acceptedMessage(ctx, '+14155550204');
    const error = {
      code: 131050,
      title: 'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business',
      message: null,
      details: null,
    };
    expect(await applyStatusUpdate(h.server.deps, ctx, status(m.wamid, 'failed', { recipientId: '14155550204', errors: [error] }))).toBe(
      'applied',
    );
    expect(await applyStatusUpdate(h.server.deps, ctx, status(m.wamid, 'failed', { recipientId: '14155550204', errors: [error] }))).toBe(
      'duplicate',
    );
    expect(await message(m.id)).toMatchObject({ status: 'FAILED', meta_error_code: 131050 });
    expect((await getConsentByPhoneNumber(h.server.deps, ctx.sandboxId, '+14155550204')).status).toBe('OPTED_OUT');
    const ledger = await rows(
      h,
      'SELECT c.status, c.source, c.message_id FROM consent_changes c JOIN whatsapp_contacts k ON k.id = c.contact_id WHERE k.phone_number = ? ORDER BY c.at',
      '+14155550204',
    );
    expect(ledger).toEqual([
      { status: 'OPTED_IN', source: 'KEYWORD', message_id: expect.any(String) },
      { status: 'OPTED_OUT', source: 'META_ERROR_131050', message_id: m.wamid },
    ]);
    expect(await eventTypes(m.id)).toEqual(['SENT', 'FAILED', 'OPT_OUT']);

    // A number we never heard from becomes a contact, opted out.
    const stranger = await acceptedMessage(ctx, '+14155550205');
    await applyStatusUpdate(h.server.deps, ctx, status(stranger.wamid, 'failed', { recipientId: '14155550205', errors: [error] }));
    expect((await getConsentByPhoneNumber(h.server.deps, ctx.sandboxId, '+14155550205')).status).toBe('OPTED_OUT');
    // Other failures change no consent.
    const other = await acceptedMessage(ctx, '+14155550206');
    await applyStatusUpdate(h.server.deps, ctx, status(other.wamid, 'failed', { errors: [{ ...error, code: 131026 }] }));
    expect((await getConsentByPhoneNumber(h.server.deps, ctx.sandboxId, '+14155550206')).status).toBe('UNKNOWN');
  });

  it('a status names a message of its own sandbox only', async () => {
    const { h, ctx, otherCtx } = w;
    const m = await acceptedMessage(ctx);
    // The same wamid reported through the other sandbox's webhook does not touch this message.
    expect(await applyStatusUpdate(h.server.deps, otherCtx, status(m.wamid, 'read', { bizOpaqueCallbackData: m.id }))).toBe('pending');
    expect((await message(m.id)).status).toBe('SENT');
    expect(await eventTypes(m.id)).toEqual(['SENT']);
  });

  it('a BLOCKED message never moves and has its BLOCKED event', async () => {
    const { h, ctx } = w;
    const { message: m } = await recordOutboundMessage(h.server.deps, {
      sandboxId: ctx.sandboxId,
      credentialId: ctx.credentialId,
      toPhoneNumber: '+1 415 555 0207',
      text: 'promo',
      blockedReason: 'The recipient opted out.',
    });
    expect(await message(m.id)).toMatchObject({ status: 'BLOCKED', status_reason: 'The recipient opted out.' });
    expect(await rows(h, 'SELECT to_number FROM whatsapp_messages WHERE id = ?', m.id)).toEqual([{ to_number: '+14155550207' }]);
    await recordSendOutcome(h.server.deps, ctx.sandboxId, m.id, { kind: 'failed', metaErrorCode: 1, reason: 'x' });
    expect((await message(m.id)).status).toBe('BLOCKED');
    expect((await eventTypes(m.id))[0]).toBe('BLOCKED');
  });
});
