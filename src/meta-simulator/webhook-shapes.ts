// More of Meta's notification shapes, POSTed to the configured webhook:
// account_update variants, inbound messages of every type (media, location,
// contacts, order, reaction, flow completion, unsupported; 1:1 or in a group),
// system notices (number and user id changes), revoke and edit notices, and
// user_id_update. Shapes follow Meta's webhook reference pages.
import type { MetaSimulator } from './simulator.js';
import type { DeliveryResult } from './webhook-emitter.js';
import { newWamid, type ContactRef, type NumberRef, type WebhookPayloadJson } from './webhook-payloads.js';

const unix = (ms: number): string => String(Math.floor(ms / 1000));

function messagesChange(ref: NumberRef, value: Record<string, unknown>, field = 'messages'): WebhookPayloadJson {
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
            field,
          },
        ],
      },
    ],
  };
}

function contactJson(c: ContactRef): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (c.name) out.profile = { name: c.name };
  if (c.waId) out.wa_id = c.waId;
  if (c.userId) out.user_id = c.userId;
  if (c.parentUserId) out.parent_user_id = c.parentUserId;
  return out;
}

/** What each inbound type carries when the test gives nothing else (Meta's reference examples, shortened). */
export const INBOUND_BODIES: Record<string, Record<string, unknown>> = {
  text: { text: { body: 'Hello' } },
  image: { image: { id: '1479537139650973', mime_type: 'image/jpeg', sha256: 'SGVsbG8=', caption: 'my photo' } },
  audio: { audio: { id: '1003383421387256', mime_type: 'audio/ogg; codecs=opus', sha256: 'SGVsbG8=', voice: true } },
  video: { video: { id: '1200000000000001', mime_type: 'video/mp4', sha256: 'SGVsbG8=' } },
  document: { document: { id: '1200000000000002', mime_type: 'application/pdf', sha256: 'SGVsbG8=', filename: 'invoice.pdf' } },
  sticker: { sticker: { id: '1200000000000003', mime_type: 'image/webp', sha256: 'SGVsbG8=', animated: false } },
  location: { location: { latitude: 37.4847, longitude: -122.1477, name: 'Philz Coffee', address: '101 Forest Ave, Palo Alto' } },
  contacts: { contacts: [{ name: { formatted_name: 'Barbara Johnson', first_name: 'Barbara' }, phones: [{ phone: '+1 650 555 1234' }] }] },
  order: {
    order: {
      catalog_id: '194836987003835',
      product_items: [{ product_retailer_id: 'di9ozbzfi4', quantity: 1, item_price: 30, currency: 'USD' }],
    },
  },
  reaction: { reaction: { message_id: 'wamid.REACTED', emoji: '\u{1F44D}' } },
  button: { button: { payload: 'callback', text: 'Track order' } },
  interactive: { interactive: { type: 'button_reply', button_reply: { id: 'b1', title: 'Yes please' } } },
  nfm_reply: {
    interactive: {
      type: 'nfm_reply',
      nfm_reply: { name: 'flow', body: 'Sent', response_json: '{"flow_token":"unused","email":"pat@example.com"}' },
    },
  },
  unsupported: {
    errors: [
      {
        code: 131051,
        title: 'Message type unknown',
        message: 'Message type unknown',
        error_data: { details: 'Message type is currently not supported.' },
      },
    ],
    unsupported: { type: 'poll' },
  },
  request_welcome: {},
};

export interface InboundShape {
  /** A key of INBOUND_BODIES (nfm_reply arrives as type interactive). */
  type: string;
  /** Replaces the default body of the type. */
  body?: Record<string, unknown>;
  /** Written in this group (Meta's `group_id`). */
  groupId?: string;
  wamid?: string;
  contextWamid?: string;
}

export interface AccountUpdateShape {
  event: string;
  /** DISABLED_UPDATE: DISABLE | REINSTATE | SCHEDULE_FOR_DISABLE. */
  banState?: string;
  banDate?: string;
  restrictions?: { type: string; expiration?: Date }[];
  violationType?: string;
  /** Partner events: the customer's WABA travels here and the entry id is the partner's. */
  wabaInfo?: { wabaId: string; ownerBusinessId?: string; partnerAppId?: string };
  entryId?: string;
}

export class WebhookShapes {
  constructor(private readonly sim: MetaSimulator) {}

  private deliver(payload: WebhookPayloadJson): Promise<DeliveryResult> {
    return this.sim.webhook.deliver(payload);
  }

  accountUpdatePayload(wabaId: string, u: AccountUpdateShape): WebhookPayloadJson {
    const value: Record<string, unknown> = { event: u.event };
    if (u.banState) value.ban_info = { waba_ban_state: u.banState, waba_ban_date: u.banDate ?? 'January 1, 2027' };
    if (u.restrictions)
      value.restriction_info = u.restrictions.map((r) => ({
        restriction_type: r.type,
        ...(r.expiration ? { expiration: Math.floor(r.expiration.getTime() / 1000) } : {}),
      }));
    if (u.violationType) value.violation_info = { violation_type: u.violationType };
    if (u.wabaInfo)
      value.waba_info = {
        waba_id: u.wabaInfo.wabaId,
        owner_business_id: u.wabaInfo.ownerBusinessId ?? '2000000000000001',
        ...(u.wabaInfo.partnerAppId ? { partner_app_id: u.wabaInfo.partnerAppId } : {}),
      };
    return {
      object: 'whatsapp_business_account',
      entry: [{ id: u.entryId ?? wabaId, time: Math.floor(this.sim.now() / 1000), changes: [{ value, field: 'account_update' }] }],
    };
  }

  accountUpdate(wabaId: string, u: AccountUpdateShape): Promise<DeliveryResult> {
    return this.deliver(this.accountUpdatePayload(wabaId, u));
  }

  inboundPayload(phoneNumberId: string, from: ContactRef, shape: InboundShape): { wamid: string; payload: WebhookPayloadJson } {
    const wamid = shape.wamid ?? newWamid();
    const type = shape.type === 'nfm_reply' ? 'interactive' : shape.type;
    const m: Record<string, unknown> = {};
    if (from.waId) m.from = from.waId;
    if (from.userId) m.from_user_id = from.userId;
    if (shape.groupId) m.group_id = shape.groupId;
    Object.assign(m, { id: wamid, timestamp: unix(this.sim.now()), type }, shape.body ?? INBOUND_BODIES[shape.type] ?? {});
    if (shape.contextWamid) m.context = { from: this.sim.numberRef(phoneNumberId).displayPhoneNumber, id: shape.contextWamid };
    return { wamid, payload: messagesChange(this.sim.numberRef(phoneNumberId), { contacts: [contactJson(from)], messages: [m] }) };
  }

  async inbound(phoneNumberId: string, from: ContactRef, shape: InboundShape): Promise<{ wamid: string; delivery: DeliveryResult }> {
    const { wamid, payload } = this.inboundPayload(phoneNumberId, from, shape);
    if (!shape.groupId) this.sim.openServiceWindow(phoneNumberId, from);
    return { wamid, delivery: await this.deliver(payload) };
  }

  /** user_changed_number (new number in system.wa_id) or user_changed_user_id; no contacts array, like Meta's. */
  system(
    phoneNumberId: string,
    s: {
      from: ContactRef;
      systemType: 'user_changed_number' | 'user_changed_user_id';
      newWaId?: string;
      userId?: string;
      previousUserId?: string;
      name?: string;
    },
  ): Promise<DeliveryResult> {
    const system: Record<string, unknown> = { type: s.systemType };
    if (s.systemType === 'user_changed_number') {
      system.body = `User ${s.name ?? 'A'} changed from ${s.from.waId ?? '?'} to ${s.newWaId ?? '?'}`;
      if (s.newWaId) system.wa_id = s.newWaId;
    } else {
      system.body = `User ${s.name ?? 'A'} changed their WhatsApp user id`;
    }
    if (s.userId) system.user_id = s.userId;
    if (s.previousUserId) system.previous_user_id = s.previousUserId;
    const m: Record<string, unknown> = { id: newWamid(), timestamp: unix(this.sim.now()), type: 'system', system };
    if (s.from.waId) m.from = s.from.waId;
    if (s.from.userId) m.from_user_id = s.from.userId;
    return this.deliver(messagesChange(this.sim.numberRef(phoneNumberId), { messages: [m] }));
  }

  revoke(phoneNumberId: string, from: ContactRef, originalWamid: string): Promise<{ wamid: string; delivery: DeliveryResult }> {
    return this.inbound(phoneNumberId, from, { type: 'revoke', body: { revoke: { original_message_id: originalWamid } } });
  }

  edit(phoneNumberId: string, from: ContactRef, originalWamid: string, text: string): Promise<{ wamid: string; delivery: DeliveryResult }> {
    return this.inbound(phoneNumberId, from, {
      type: 'edit',
      body: { edit: { original_message_id: originalWamid, message: { type: 'text', text: { body: text } } } },
    });
  }

  /** The user_id_update field (a BSUID change reported on its own). */
  userIdUpdate(phoneNumberId: string, u: { waId?: string; previousUserId: string; userId: string }): Promise<DeliveryResult> {
    const item: Record<string, unknown> = {
      detail: 'User changed their business-scoped user id',
      user_id: { previous: u.previousUserId, current: u.userId },
      timestamp: Math.floor(this.sim.now() / 1000),
    };
    if (u.waId) item.wa_id = u.waId;
    return this.deliver(messagesChange(this.sim.numberRef(phoneNumberId), { user_id_update: [item] }, 'user_id_update'));
  }
}
