// Builders for notification payloads in Meta's exact shapes (FACTS §3):
// inbound text / template quick-reply button / interactive reply, statuses,
// phone_number_quality_update, user_preferences, and batches of them.
import { randomBytes } from 'node:crypto';

export interface WebhookChangeJson {
  field: string;
  value: Record<string, unknown>;
}

export interface WebhookEntryJson {
  id: string;
  time?: number;
  changes: WebhookChangeJson[];
}

export interface WebhookPayloadJson {
  object: 'whatsapp_business_account';
  entry: WebhookEntryJson[];
}

/** The business number a notification is about. */
export interface NumberRef {
  wabaId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
}

/** A WhatsApp user: phone (wa_id) and/or 2026 business-scoped user id. */
export interface ContactRef {
  waId?: string | null;
  userId?: string | null;
  parentUserId?: string | null;
  name?: string | null;
}

/** `wamid.` + base64, like Meta's ids. */
export function newWamid(): string {
  return `wamid.${Buffer.concat([Buffer.from('HBgL'), randomBytes(24)]).toString('base64')}`;
}

const unix = (d: Date = new Date()): string => String(Math.floor(d.getTime() / 1000));

function contactJson(c: ContactRef): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (c.name) out.profile = { name: c.name };
  if (c.waId) out.wa_id = c.waId;
  if (c.userId) out.user_id = c.userId;
  if (c.parentUserId) out.parent_user_id = c.parentUserId;
  return out;
}

function messagesPayload(ref: NumberRef, value: Record<string, unknown>): WebhookPayloadJson {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: ref.wabaId,
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: ref.displayPhoneNumber, phone_number_id: ref.phoneNumberId },
              ...value,
            },
            field: 'messages',
          },
        ],
      },
    ],
  };
}

function inbound(
  ref: NumberRef,
  contact: ContactRef,
  message: Record<string, unknown>,
  wamid: string | undefined,
  at: Date | undefined,
): WebhookPayloadJson {
  if (!contact.waId && !contact.userId) throw new TypeError('An inbound message needs the contact waId or userId');
  const m: Record<string, unknown> = {};
  if (contact.waId) m.from = contact.waId;
  if (contact.userId) m.from_user_id = contact.userId;
  Object.assign(m, { id: wamid ?? newWamid(), timestamp: unix(at) }, message);
  return messagesPayload(ref, { contacts: [contactJson(contact)], messages: [m] });
}

export interface InboundOptions {
  wamid?: string;
  timestamp?: Date;
}

export function inboundTextPayload(
  ref: NumberRef,
  contact: ContactRef,
  text: string,
  opts: InboundOptions & { contextWamid?: string } = {},
): WebhookPayloadJson {
  const msg: Record<string, unknown> = { type: 'text', text: { body: text } };
  if (opts.contextWamid) msg.context = { from: ref.displayPhoneNumber, id: opts.contextWamid };
  return inbound(ref, contact, msg, opts.wamid, opts.timestamp);
}

/** A tap on a template's quick-reply button (`type: "button"`, FACTS §3.4). */
export function inboundButtonPayload(
  ref: NumberRef,
  contact: ContactRef,
  button: { payload: string; text: string; contextWamid: string },
  opts: InboundOptions = {},
): WebhookPayloadJson {
  return inbound(
    ref,
    contact,
    {
      context: { from: ref.displayPhoneNumber, id: button.contextWamid },
      type: 'button',
      button: { payload: button.payload, text: button.text },
    },
    opts.wamid,
    opts.timestamp,
  );
}

/** A tap on an interactive reply button (or list row) the business sent. */
export function inboundInteractiveReplyPayload(
  ref: NumberRef,
  contact: ContactRef,
  reply: { id: string; title: string; contextWamid: string; kind?: 'button_reply' | 'list_reply'; description?: string },
  opts: InboundOptions = {},
): WebhookPayloadJson {
  const kind = reply.kind ?? 'button_reply';
  const body: Record<string, unknown> = { id: reply.id, title: reply.title };
  if (kind === 'list_reply' && reply.description !== undefined) body.description = reply.description;
  return inbound(
    ref,
    contact,
    { context: { from: ref.displayPhoneNumber, id: reply.contextWamid }, type: 'interactive', interactive: { type: kind, [kind]: body } },
    opts.wamid,
    opts.timestamp,
  );
}

/** Titles/details Meta uses for common failed-status codes (FACTS §3.5, §9). */
export const STATUS_ERROR_TEXT: Record<number, { title: string; details: string }> = {
  131026: { title: 'Message undeliverable', details: 'Message Undeliverable.' },
  131049: {
    title: 'This message was not delivered to maintain healthy ecosystem engagement.',
    details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
  },
  131050: {
    title: 'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business',
    details: 'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business',
  },
  131047: {
    title: 'Re-engagement message',
    details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  },
  132015: { title: 'Template is Paused', details: 'Template is paused due to low quality so it cannot be sent in a template message.' },
};

export interface StatusSpec {
  wamid: string;
  /** sent | delivered | read | played | failed (anything else is passed through). */
  status: string;
  timestamp?: Date;
  recipientId?: string | null;
  recipientUserId?: string | null;
  errors?: { code: number; title?: string; message?: string; details?: string }[];
  bizOpaqueCallbackData?: string | null;
  pricing?: { billable: boolean; pricingModel: string; type: string; category: string } | null;
}

export function statusJson(s: StatusSpec): Record<string, unknown> {
  const out: Record<string, unknown> = { id: s.wamid, status: s.status, timestamp: unix(s.timestamp) };
  if (s.recipientId) out.recipient_id = s.recipientId;
  if (s.recipientUserId) out.recipient_user_id = s.recipientUserId;
  if (s.bizOpaqueCallbackData) out.biz_opaque_callback_data = s.bizOpaqueCallbackData;
  if (s.pricing)
    out.pricing = {
      billable: s.pricing.billable,
      pricing_model: s.pricing.pricingModel,
      type: s.pricing.type,
      category: s.pricing.category,
    };
  if (s.errors?.length) {
    out.errors = s.errors.map((e) => {
      const known = STATUS_ERROR_TEXT[e.code];
      const title = e.title ?? known?.title ?? `Error ${e.code}`;
      return {
        code: e.code,
        title,
        message: e.message ?? title,
        error_data: { details: e.details ?? known?.details ?? title },
        href: '/documentation/business-messaging/whatsapp/support/error-codes',
      };
    });
  }
  return out;
}

/** Status notifications; failed statuses carry no contacts, like Meta's. */
export function statusPayload(ref: NumberRef, statuses: StatusSpec[], contact?: ContactRef): WebhookPayloadJson {
  const value: Record<string, unknown> = {};
  if (contact && statuses.every((s) => s.status !== 'failed')) value.contacts = [contactJson(contact)];
  value.statuses = statuses.map(statusJson);
  return messagesPayload(ref, value);
}

export function qualityUpdatePayload(
  wabaId: string,
  u: {
    displayPhoneNumber: string;
    event: string;
    currentLimit?: string;
    oldLimit?: string;
    maxDailyConversationsPerBusiness?: string;
    time?: Date;
  },
): WebhookPayloadJson {
  const value: Record<string, unknown> = { display_phone_number: u.displayPhoneNumber, event: u.event };
  if (u.oldLimit) value.old_limit = u.oldLimit;
  if (u.currentLimit) value.current_limit = u.currentLimit;
  if (u.maxDailyConversationsPerBusiness) value.max_daily_conversations_per_business = u.maxDailyConversationsPerBusiness;
  return {
    entry: [
      { id: wabaId, time: Math.floor((u.time ?? new Date()).getTime() / 1000), changes: [{ value, field: 'phone_number_quality_update' }] },
    ],
    object: 'whatsapp_business_account',
  };
}

export function userPreferencesPayload(
  ref: NumberRef,
  contact: ContactRef,
  prefs: { value: 'stop' | 'resume' | string; category?: string; detail?: string; timestamp?: Date }[],
): WebhookPayloadJson {
  const c: Record<string, unknown> = {};
  if (contact.waId) c.wa_id = contact.waId;
  if (contact.userId) c.user_id = contact.userId;
  const payload = messagesPayload(ref, {
    contacts: [c],
    user_preferences: prefs.map((p) => ({
      ...c,
      detail:
        p.detail ?? (p.value === 'stop' ? 'User requested to stop marketing messages' : 'User requested to resume marketing messages'),
      category: p.category ?? 'marketing_messages',
      value: p.value,
      timestamp: Math.floor((p.timestamp ?? new Date()).getTime() / 1000),
    })),
  });
  for (const e of payload.entry) for (const ch of e.changes) ch.field = 'user_preferences';
  return payload;
}

/** Several notifications in one POST, as Meta batches them: changes of the same WABA share an entry. */
export function batchPayload(...payloads: WebhookPayloadJson[]): WebhookPayloadJson {
  const entries = new Map<string, WebhookEntryJson>();
  for (const p of payloads) {
    for (const e of p.entry) {
      const key = `${e.id}|${e.time ?? ''}`;
      const existing = entries.get(key);
      if (existing) existing.changes.push(...e.changes);
      else entries.set(key, { ...e, changes: [...e.changes] });
    }
  }
  return { object: 'whatsapp_business_account', entry: [...entries.values()] };
}
