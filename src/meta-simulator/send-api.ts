// POST /{phone-number-id}/messages: sends and mark-as-read, validated the
// way Meta validates them (FACTS §6, §7.2, §8). Accepted sends are recorded
// with their exact body; rejected ones are recorded separately.
import { graphError, errors, type GraphReply } from './graph-errors.js';
import { hasScope, seesWaba, type GraphCtx } from './graph-api.js';
import type { ScenarioPhoneNumber, ScenarioTemplate, ScenarioWaba } from './scenario.js';
import { templateProblem } from './template-validation.js';
import type { MetaSimulator } from './simulator.js';
import { mpsForLevel } from './throughput.js';

const MEDIA_TYPES = new Set(['image', 'audio', 'video', 'document', 'sticker', 'location', 'contacts', 'reaction']);

const missing = (what: string): GraphReply =>
  graphError({ code: 131008, message: '(#131008) Required parameter is missing', details: `Parameter '${what}' is required.` });
const invalid = (details: string): GraphReply => graphError({ code: 131009, message: '(#131009) Parameter value is not valid', details });

function rec(v: unknown): Record<string, unknown> | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

export function normaliseDigits(to: string): string {
  return to.replace(/[\s()+-]/g, '');
}

function contentProblem(body: Record<string, unknown>, type: string): GraphReply | null {
  if (type === 'text') {
    const text = rec(body.text);
    if (!text || typeof text.body !== 'string' || text.body.length === 0) return missing('text.body');
    if ([...text.body].length > 4096) return errors.invalidParameter("Param text['body'] must be at most 4096 characters long.");
    return null;
  }
  if (type === 'interactive') {
    const i = rec(body.interactive);
    if (!i) return missing('interactive');
    if (i.type === 'button') {
      const text = rec(i.body)?.text;
      if (typeof text !== 'string' || !text) return missing('interactive.body.text');
      if (text.length > 1024) return errors.invalidParameter("Param interactive['body']['text'] must be at most 1024 characters long.");
      const buttons = rec(i.action)?.buttons;
      if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > 3)
        return invalid('interactive.action.buttons must have 1 to 3 buttons');
      const titles = new Set<string>();
      for (const b of buttons) {
        const reply = rec(rec(b)?.reply);
        const title = reply?.title;
        if (typeof title !== 'string' || title.length < 1 || title.length > 20)
          return invalid('Button title length must be between 1 and 20 characters');
        if (typeof reply?.id !== 'string' || reply.id.length < 1 || reply.id.length > 256)
          return invalid('Button id length must be between 1 and 256 characters');
        if (titles.has(title)) return invalid('Button titles must be unique');
        titles.add(title);
      }
    }
    return null;
  }
  if (MEDIA_TYPES.has(type)) return rec(body[type]) ? null : missing(type);
  return errors.invalidParameter(`Unsupported message type ${type}`);
}

export function routeMessages(sim: MetaSimulator, ctx: GraphCtx, found: { phone: ScenarioPhoneNumber; waba: ScenarioWaba }): GraphReply {
  const { phone, waba } = found;
  const body = ctx.body;
  if (body.status === 'read') return markRead(sim, ctx, phone, waba);
  const reply = validateAndAccept(sim, ctx, phone, waba, body);
  if (reply.status !== 200) {
    const err = rec(rec(reply.body)?.error);
    sim.recordRejected({
      phoneNumberId: phone.id,
      at: new Date(sim.now()),
      body,
      tokenLast4: ctx.tokenValue.slice(-4),
      httpStatus: reply.status,
      code: typeof err?.code === 'number' ? err.code : null,
      message: typeof err?.message === 'string' ? err.message : '',
    });
  }
  return reply;
}

function accessProblem(sim: MetaSimulator, ctx: GraphCtx, phone: ScenarioPhoneNumber, waba: ScenarioWaba): GraphReply | null {
  if (!seesWaba(sim, ctx.token, waba)) return errors.objectNotFound(phone.id, ctx.method);
  if (ctx.body.messaging_product !== 'whatsapp')
    return errors.invalidParameter('messaging_product must be "whatsapp"', '(#100) The parameter messaging_product is required.');
  if (!hasScope(ctx.token, 'whatsapp_business_messaging', waba.id)) return errors.messagingPermission();
  return null;
}

function markRead(sim: MetaSimulator, ctx: GraphCtx, phone: ScenarioPhoneNumber, waba: ScenarioWaba): GraphReply {
  const denied = accessProblem(sim, ctx, phone, waba);
  if (denied) return denied;
  const id = ctx.body.message_id;
  if (typeof id !== 'string' || !id.startsWith('wamid.')) return errors.invalidParameter('message_id must be a WhatsApp message id');
  sim.recordRead({ phoneNumberId: phone.id, messageId: id, at: new Date(sim.now()), tokenLast4: ctx.tokenValue.slice(-4) });
  return { status: 200, body: { success: true } };
}

function validateAndAccept(
  sim: MetaSimulator,
  ctx: GraphCtx,
  phone: ScenarioPhoneNumber,
  waba: ScenarioWaba,
  body: Record<string, unknown>,
): GraphReply {
  const denied = accessProblem(sim, ctx, phone, waba);
  if (denied) return denied;
  const now = sim.now();
  if (phone.status.toUpperCase() !== 'CONNECTED')
    return graphError({
      code: 133010,
      message: '(#133010) Account not registered',
      details: 'The phone number is not registered on the WhatsApp Business Platform.',
    });
  if (phone.canSendMessage.toUpperCase() === 'BLOCKED')
    return graphError({ code: 131031, message: '(#131031) Business Account locked', details: 'The business account has been locked.' });

  // Throughput is counted at the door, like Meta: every send that gets this far uses a slot.
  if (!sim.throughput.tryTake(phone.id, mpsForLevel(phone.throughputLevel, phone.mpsOverride), now)) {
    return graphError({
      code: 130429,
      subcode: 2494055,
      message: '(#130429) Rate limit hit',
      details: 'Message failed to send because there were too many messages sent from this phone number in a short period of time',
    });
  }

  const to = typeof body.to === 'string' ? body.to : null;
  const userId = typeof body.recipient === 'string' ? body.recipient : null;
  if (!to && !userId) return missing('to');
  let recipientKey: string;
  if (to) {
    const digits = normaliseDigits(to);
    if (!/^\d{7,15}$/.test(digits)) return invalid(`Invalid WhatsApp phone number "${to}"`);
    if (digits === normaliseDigits(phone.displayPhoneNumber))
      return graphError({
        code: 131021,
        message: '(#131021) Recipient cannot be sender',
        details: 'Sender and recipient phone number is the same.',
      });
    recipientKey = digits;
  } else {
    if (!/^[A-Z]{2}\.\S+$/.test(userId as string)) return invalid(`Invalid business-scoped user id "${userId}"`);
    recipientKey = userId as string;
  }

  const type = typeof body.type === 'string' ? body.type : 'text';
  let template: ScenarioTemplate | undefined;
  if (type === 'template') {
    const t = rec(body.template);
    if (!t) return missing('template');
    const r = templateProblem(waba, t);
    if (r.reply) return r.reply;
    template = r.template;
  } else {
    const problem = contentProblem(body, type);
    if (problem) return problem;
    if (sim.scenario.settings.enforceServiceWindow && !sim.windowOpen(phone.id, recipientKey, now)) {
      return graphError({
        code: 131047,
        message: '(#131047) Re-engagement message',
        details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
      });
    }
  }
  const opaque = body.biz_opaque_callback_data;
  if (opaque !== undefined && (typeof opaque !== 'string' || Buffer.byteLength(opaque) > 512))
    return invalid('biz_opaque_callback_data must be a string of at most 512 bytes');

  const pair = sim.scenario.settings.pairRateLimit;
  if (pair && !sim.pairLimiter.tryTake(`${phone.id}|${recipientKey}`, pair, now)) {
    return graphError({
      code: 131056,
      message: '(#131056) (Business Account, Consumer Account) pair rate limit hit',
      details:
        'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
    });
  }

  const sent = sim.recordSent({
    phoneNumberId: phone.id,
    wabaId: waba.id,
    to,
    recipientUserId: userId,
    type,
    body,
    tokenLast4: ctx.tokenValue.slice(-4),
    bizOpaqueCallbackData: typeof opaque === 'string' ? opaque : null,
    templateCategory: template?.category ?? null,
  });
  const message: Record<string, unknown> = { id: sent.wamid };
  if (type === 'template') message.message_status = 'accepted';
  return {
    status: 200,
    body: {
      messaging_product: 'whatsapp',
      contacts: [to ? { input: to, wa_id: recipientKey } : { input: userId, user_id: userId }],
      messages: [message],
    },
  };
}
