// Typed builders for POST /{phone-number-id}/messages bodies (FACTS §6).
// They produce Meta's JSON exactly; limits Meta enforces with obscure errors
// (button count/title length) are checked here, text length is left to Meta.

/** A phone number (`+16505551234`) or, from 2026, a business-scoped user id. */
export type Recipient = string | { userId: string };

export interface SendCommonOptions {
  /** wamid this message replies to (context.message_id). */
  replyTo?: string;
  /** Echoed in status webhooks; use the outbox id to reconcile unknown outcomes. */
  bizOpaqueCallbackData?: string;
}

interface SendBase {
  messaging_product: 'whatsapp';
  recipient_type: 'individual';
  to?: string;
  recipient?: string;
  context?: { message_id: string };
  biz_opaque_callback_data?: string;
}

export interface TextMessageBody extends SendBase {
  type: 'text';
  text: { body: string; preview_url?: boolean };
}

/** A media object of a template header: an uploaded media id or a public link. */
export type TemplateMedia = { id: string } | { link: string };

/** Named templates (`parameter_format: NAMED`) carry `parameter_name` on every header and body parameter. */
export type TemplateParameter =
  | { type: 'text'; text: string; parameter_name?: string }
  | { type: 'currency'; currency: { fallback_value: string; code: string; amount_1000: number }; parameter_name?: string }
  | { type: 'date_time'; date_time: { fallback_value: string }; parameter_name?: string }
  | { type: 'payload'; payload: string }
  | { type: 'coupon_code'; coupon_code: string }
  | { type: 'image'; image: TemplateMedia }
  | { type: 'document'; document: TemplateMedia & { filename?: string } }
  | { type: 'video'; video: TemplateMedia };

export interface TemplateComponent {
  type: 'header' | 'body' | 'button';
  sub_type?: 'quick_reply' | 'url' | 'copy_code';
  index?: string;
  parameters: TemplateParameter[];
}

export interface TemplateMessageBody extends SendBase {
  type: 'template';
  template: { name: string; language: { code: string }; components?: TemplateComponent[] };
}

export interface ReplyButton {
  id: string;
  title: string;
}

export interface InteractiveButtonsBody extends SendBase {
  type: 'interactive';
  interactive: {
    type: 'button';
    header?: { type: 'text'; text: string };
    body: { text: string };
    footer?: { text: string };
    action: { buttons: { type: 'reply'; reply: ReplyButton }[] };
  };
}

export type SendMessageBody = TextMessageBody | TemplateMessageBody | InteractiveButtonsBody;

function base(to: Recipient, opts: SendCommonOptions | undefined): SendBase {
  const b: SendBase = { messaging_product: 'whatsapp', recipient_type: 'individual' };
  if (typeof to === 'string') b.to = to;
  else b.recipient = to.userId;
  if (opts?.replyTo) b.context = { message_id: opts.replyTo };
  if (opts?.bizOpaqueCallbackData !== undefined) b.biz_opaque_callback_data = opts.bizOpaqueCallbackData;
  return b;
}

export function textMessage(to: Recipient, body: string, opts?: SendCommonOptions & { previewUrl?: boolean }): TextMessageBody {
  const text: TextMessageBody['text'] = { body };
  if (opts?.previewUrl !== undefined) text.preview_url = opts.previewUrl;
  return { ...base(to, opts), type: 'text', text };
}

export interface TemplateSpec {
  name: string;
  languageCode: string;
  /** Positional (`'Jessica'`) or named (`{ name: 'first_name', text: 'Jessica' }`) body parameters. */
  bodyParameters?: (string | { name: string; text: string })[];
  headerParameters?: (string | TemplateParameter)[];
  /** One payload per QUICK_REPLY button, in button order. */
  quickReplyPayloads?: string[];
  /** Ready components (header, body, buttons) instead of the shorthands above. */
  components?: TemplateComponent[];
}

function textParam(p: string | TemplateParameter): TemplateParameter {
  return typeof p === 'string' ? { type: 'text', text: p } : p;
}

export function templateMessage(to: Recipient, spec: TemplateSpec, opts?: SendCommonOptions): TemplateMessageBody {
  const components: TemplateComponent[] = [...(spec.components ?? [])];
  if (spec.headerParameters?.length) {
    components.push({ type: 'header', parameters: spec.headerParameters.map(textParam) });
  }
  if (spec.bodyParameters?.length) {
    components.push({
      type: 'body',
      parameters: spec.bodyParameters.map((p) =>
        typeof p === 'string' ? { type: 'text', text: p } : { type: 'text', parameter_name: p.name, text: p.text },
      ),
    });
  }
  spec.quickReplyPayloads?.forEach((payload, i) => {
    components.push({ type: 'button', sub_type: 'quick_reply', index: String(i), parameters: [{ type: 'payload', payload }] });
  });
  const template: TemplateMessageBody['template'] = { name: spec.name, language: { code: spec.languageCode } };
  if (components.length) template.components = components;
  return { ...base(to, opts), type: 'template', template };
}

export interface ReplyButtonsSpec {
  body: string;
  buttons: ReplyButton[];
  headerText?: string;
  footer?: string;
}

export function replyButtonsMessage(to: Recipient, spec: ReplyButtonsSpec, opts?: SendCommonOptions): InteractiveButtonsBody {
  if (spec.buttons.length < 1 || spec.buttons.length > 3) throw new RangeError('Reply-button messages take 1 to 3 buttons');
  const titles = new Set<string>();
  for (const b of spec.buttons) {
    if (b.title.length < 1 || b.title.length > 20) throw new RangeError(`Button title "${b.title}" must be 1–20 characters`);
    if (b.id.length < 1 || b.id.length > 256) throw new RangeError('Button id must be 1–256 characters');
    if (titles.has(b.title)) throw new RangeError(`Button titles must be unique ("${b.title}" repeats)`);
    titles.add(b.title);
  }
  const interactive: InteractiveButtonsBody['interactive'] = {
    type: 'button',
    body: { text: spec.body },
    action: { buttons: spec.buttons.map((reply) => ({ type: 'reply', reply: { id: reply.id, title: reply.title } })) },
  };
  if (spec.headerText !== undefined) interactive.header = { type: 'text', text: spec.headerText };
  if (spec.footer !== undefined) interactive.footer = { text: spec.footer };
  return { ...base(to, opts), type: 'interactive', interactive };
}
