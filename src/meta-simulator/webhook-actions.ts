// "Play Meta" actions: inbound messages from users, statuses for recorded
// sends, quality and preference events, each POSTed to the configured webhook.
import type { MetaSimulator } from './simulator.js';
import type { DeliveryResult } from './webhook-emitter.js';
import {
  inboundButtonPayload,
  inboundInteractiveReplyPayload,
  inboundTextPayload,
  qualityUpdatePayload,
  statusPayload,
  userPreferencesPayload,
  type ContactRef,
  type StatusSpec,
  type WebhookPayloadJson,
} from './webhook-payloads.js';

export interface InboundResult {
  wamid: string;
  payload: WebhookPayloadJson;
  delivery: DeliveryResult;
}

function firstWamid(p: WebhookPayloadJson): string {
  const messages = p.entry[0]?.changes[0]?.value.messages;
  const first = Array.isArray(messages) ? (messages[0] as { id?: unknown } | undefined) : undefined;
  return typeof first?.id === 'string' ? first.id : '';
}

async function deliverInbound(
  sim: MetaSimulator,
  phoneNumberId: string,
  from: ContactRef,
  payload: WebhookPayloadJson,
): Promise<InboundResult> {
  // A user writing opens the customer-service window whether or not our webhook is up.
  sim.openServiceWindow(phoneNumberId, from);
  const delivery = await sim.webhook.deliver(payload);
  return { wamid: firstWamid(payload), payload, delivery };
}

export function sendInboundText(
  sim: MetaSimulator,
  input: { phoneNumberId: string; from: ContactRef; text: string; contextWamid?: string; wamid?: string },
): Promise<InboundResult> {
  const payload = inboundTextPayload(sim.numberRef(input.phoneNumberId), input.from, input.text, {
    contextWamid: input.contextWamid,
    wamid: input.wamid,
    timestamp: new Date(sim.now()),
  });
  return deliverInbound(sim, input.phoneNumberId, input.from, payload);
}

export function sendInboundButton(
  sim: MetaSimulator,
  input: { phoneNumberId: string; from: ContactRef; payload: string; text: string; contextWamid: string; wamid?: string },
): Promise<InboundResult> {
  const payload = inboundButtonPayload(sim.numberRef(input.phoneNumberId), input.from, input, {
    wamid: input.wamid,
    timestamp: new Date(sim.now()),
  });
  return deliverInbound(sim, input.phoneNumberId, input.from, payload);
}

export function sendInboundInteractiveReply(
  sim: MetaSimulator,
  input: {
    phoneNumberId: string;
    from: ContactRef;
    id: string;
    title: string;
    contextWamid: string;
    kind?: 'button_reply' | 'list_reply';
    description?: string;
    wamid?: string;
  },
): Promise<InboundResult> {
  const payload = inboundInteractiveReplyPayload(sim.numberRef(input.phoneNumberId), input.from, input, {
    wamid: input.wamid,
    timestamp: new Date(sim.now()),
  });
  return deliverInbound(sim, input.phoneNumberId, input.from, payload);
}

export interface EmitStatusesOptions {
  /** Deliver in a random order (Meta does not guarantee order). */
  shuffle?: boolean;
  /** Deliver each status this many times (Meta retries produce duplicates). */
  repeat?: number;
  /** Errors for a `failed` status (default 131026). */
  errors?: StatusSpec['errors'];
  random?: () => number;
}

/** One POST per status for a recorded send, echoing its biz_opaque_callback_data. */
export async function emitStatusesFor(
  sim: MetaSimulator,
  wamid: string,
  statuses: string[],
  opts: EmitStatusesOptions = {},
): Promise<DeliveryResult[]> {
  const sent = sim.findSent(wamid);
  if (!sent) throw new Error(`No recorded send with id ${wamid}`);
  const ref = sim.numberRef(sent.phoneNumberId);
  const contact: ContactRef = { waId: sent.to ? sent.to.replace(/[\s()+-]/g, '') : null, userId: sent.recipientUserId };
  const pricing =
    sent.type === 'template'
      ? { billable: true, pricingModel: 'PMP', type: 'regular', category: (sent.templateCategory ?? 'utility').toLowerCase() }
      : { billable: false, pricingModel: 'PMP', type: 'free_customer_service', category: 'service' };
  const order = [...statuses];
  if (opts.shuffle) {
    const random = opts.random ?? Math.random;
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j] as string, order[i] as string];
    }
  }
  const results: DeliveryResult[] = [];
  for (const status of order) {
    const spec: StatusSpec = {
      wamid,
      status,
      timestamp: new Date(sim.now()),
      recipientId: contact.waId ?? null,
      recipientUserId: contact.userId ?? null,
      bizOpaqueCallbackData: sent.bizOpaqueCallbackData,
      pricing: status === 'sent' || status === 'delivered' ? pricing : null,
      errors: status === 'failed' ? (opts.errors ?? [{ code: 131026 }]) : undefined,
    };
    const payload = statusPayload(ref, [spec], status === 'failed' ? undefined : contact);
    for (let n = 0; n < Math.max(1, opts.repeat ?? 1); n++) results.push(await sim.webhook.deliver(payload));
  }
  return results;
}

export function emitQualityUpdate(
  sim: MetaSimulator,
  phoneNumberId: string,
  u: { event: string; currentLimit?: string; oldLimit?: string; maxDailyConversationsPerBusiness?: string },
): Promise<DeliveryResult> {
  const ref = sim.numberRef(phoneNumberId);
  return sim.webhook.deliver(
    qualityUpdatePayload(ref.wabaId, { displayPhoneNumber: ref.displayPhoneNumber, time: new Date(sim.now()), ...u }),
  );
}

export function emitUserPreference(
  sim: MetaSimulator,
  phoneNumberId: string,
  contact: ContactRef,
  value: 'stop' | 'resume' | string,
): Promise<DeliveryResult> {
  return sim.webhook.deliver(userPreferencesPayload(sim.numberRef(phoneNumberId), contact, [{ value, timestamp: new Date(sim.now()) }]));
}
