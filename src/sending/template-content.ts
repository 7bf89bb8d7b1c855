import type { TemplateComponent, TemplateMedia, TemplateParameter } from '../meta/index.js';
import type { FieldErrors } from '../platform/errors.js';
import type {
  TemplateButtonContent,
  TemplateContent,
  TemplateHeaderContent,
  TemplateMediaContent,
  TemplateParameterContent,
} from './tables.js';

/**
 * Template content: the input's shape rules (checked once per request, before
 * Meta's definition of the template is consulted), the personalizable texts of
 * a template (slots), and the components Meta's send API takes (FACTS §6).
 */

const TEMPLATE_NAME = /^[a-z0-9_]{1,512}$/;
const LANGUAGE_CODE = /^[a-z]{2,3}(_[A-Za-z]{2,4})?$/;
/** Meta's rule for named variables: lower-case letters, digits and underscores. */
export const PARAMETER_NAME = /^[a-z0-9_]{1,60}$/;
const CURRENCY_CODE = /^[A-Z]{3}$/;
const MEDIA_ID = /^[0-9]{1,30}$/;
export const BODY_PARAMETERS_MAX = 100;
// A text header has at most one variable (Meta's template rules), at most 60 characters long.
export const HEADER_PARAMETERS_MAX = 1;
const BUTTONS_MAX = 10;
const LIMITS = { body: 1024, header: 60, payload: 256, urlSuffix: 2000, copyCode: 15, fallback: 1024 };

type Maybe<T> = T | null | undefined;

export interface TemplateMediaInput {
  link?: Maybe<string>;
  id?: Maybe<string>;
  filename?: Maybe<string>;
}
export interface TemplateParameterInput {
  name?: Maybe<string>;
  text?: Maybe<string>;
  currency?: Maybe<{ code: string; amount1000: number; fallbackValue: string }>;
  dateTime?: Maybe<{ fallbackValue: string }>;
}
export interface TemplateHeaderInput {
  name?: Maybe<string>;
  text?: Maybe<string>;
  image?: Maybe<TemplateMediaInput>;
  video?: Maybe<TemplateMediaInput>;
  document?: Maybe<TemplateMediaInput>;
}
export interface TemplateButtonInput {
  index: number;
  quickReplyPayload?: Maybe<string>;
  urlSuffix?: Maybe<string>;
  copyCode?: Maybe<string>;
}
export interface TemplateInput {
  name: string;
  languageCode: string;
  bodyParameters?: Maybe<readonly string[]>;
  headerParameters?: Maybe<readonly string[]>;
  body?: Maybe<readonly TemplateParameterInput[]>;
  header?: Maybe<TemplateHeaderInput>;
  buttons?: Maybe<readonly TemplateButtonInput[]>;
}

const given = <T>(v: Maybe<T>): v is T => v !== null && v !== undefined;
const length = (s: string): number => [...s].length;

/** Exactly one of the keys is set; adds an error at path otherwise. Returns the key set, or null. */
function exactlyOne<K extends string>(errors: FieldErrors, path: string[], obj: Partial<Record<K, unknown>>, keys: K[]): K | null {
  const set = keys.filter((k) => given(obj[k]));
  if (set.length === 1) return set[0]!;
  errors.add(path, `give exactly one of ${keys.join(', ')}`);
  return null;
}

function media(errors: FieldErrors, path: string[], m: TemplateMediaInput, document: boolean): TemplateMediaContent | undefined {
  const which = exactlyOne(errors, path, m, ['link', 'id']);
  if (!which) return undefined;
  const out: TemplateMediaContent = {};
  if (which === 'link') {
    let ok = false;
    try {
      ok = /^https?:$/.test(new URL(m.link!).protocol);
    } catch {
      ok = false;
    }
    if (!ok) errors.add([...path, 'link'], 'must be an http(s) URL Meta can download');
    out.link = m.link!;
  } else {
    if (!MEDIA_ID.test(m.id!)) errors.add([...path, 'id'], 'must be a media id returned by Meta’s media upload (digits)');
    out.id = m.id!;
  }
  if (given(m.filename)) {
    if (!document) errors.add([...path, 'filename'], 'only a document header has a file name');
    else if (!m.filename.trim() || length(m.filename) > 240) errors.add([...path, 'filename'], 'must be 1-240 characters');
    else out.filename = m.filename;
  }
  return out;
}

function parameter(errors: FieldErrors, path: string[], p: TemplateParameterInput): TemplateParameterContent {
  const out: TemplateParameterContent = {};
  if (given(p.name)) {
    if (!PARAMETER_NAME.test(p.name)) errors.add([...path, 'name'], 'must be the variable’s name as in the template: a-z, 0-9 and _');
    out.name = p.name;
  }
  const which = exactlyOne(errors, path, p, ['text', 'currency', 'dateTime']);
  if (which === 'text') out.text = p.text!;
  if (which === 'currency') {
    const c = p.currency!;
    if (!CURRENCY_CODE.test(c.code)) errors.add([...path, 'currency', 'code'], 'must be an ISO 4217 code such as USD');
    if (!Number.isSafeInteger(c.amount1000)) errors.add([...path, 'currency', 'amount1000'], 'must be a whole number (amount × 1000)');
    out.currency = { code: c.code, amount1000: c.amount1000, fallbackValue: c.fallbackValue };
  }
  if (which === 'dateTime') out.dateTime = { fallbackValue: p.dateTime!.fallbackValue };
  return out;
}

/** Checks the template input's shape; the result is stored as given (placeholders unrendered). */
export function compileTemplateInput(errors: FieldErrors, t: TemplateInput): TemplateContent {
  const bodyParameters = [...(t.bodyParameters ?? [])];
  const headerParameters = [...(t.headerParameters ?? [])];
  if (!TEMPLATE_NAME.test(t.name))
    errors.add(['template', 'name'], "must be the template's name as approved by Meta: lower-case letters, digits and _");
  if (!LANGUAGE_CODE.test(t.languageCode))
    errors.add(['template', 'languageCode'], 'must be a Meta template language code such as en, en_US or pt_BR');
  if (bodyParameters.length > BODY_PARAMETERS_MAX)
    errors.add(['template', 'bodyParameters'], `must list at most ${BODY_PARAMETERS_MAX} values`);
  if (headerParameters.length > HEADER_PARAMETERS_MAX)
    errors.add(['template', 'headerParameters'], `must list at most ${HEADER_PARAMETERS_MAX} value (a text header has one variable)`);
  const content: TemplateContent = { name: t.name, languageCode: t.languageCode, bodyParameters, headerParameters };
  if (given(t.body)) {
    if (bodyParameters.length) errors.add(['template', 'body'], 'give either body or bodyParameters, not both');
    if (t.body.length > BODY_PARAMETERS_MAX) errors.add(['template', 'body'], `must list at most ${BODY_PARAMETERS_MAX} parameters`);
    content.body = t.body.map((p, i) => parameter(errors, ['template', 'body', String(i)], p));
    const named = content.body.filter((p) => p.name !== undefined).length;
    if (named > 0 && named < content.body.length)
      errors.add(['template', 'body'], 'name every parameter (a NAMED template) or none (a POSITIONAL template)');
    const names = content.body.flatMap((p) => (p.name ? [p.name] : []));
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice) errors.add(['template', 'body'], `the parameter name ${twice} is given twice`);
  }
  if (given(t.header)) {
    const path = ['template', 'header'];
    if (headerParameters.length) errors.add(path, 'give either header or headerParameters, not both');
    const h = t.header;
    const which = exactlyOne(errors, path, h, ['text', 'image', 'video', 'document']);
    const header: TemplateHeaderContent = {};
    if (given(h.name)) {
      if (which !== 'text') errors.add([...path, 'name'], 'only a text header parameter has a name');
      else if (!PARAMETER_NAME.test(h.name))
        errors.add([...path, 'name'], 'must be the variable’s name as in the template: a-z, 0-9 and _');
      header.name = h.name;
    }
    if (which === 'text') header.text = h.text!;
    if (which === 'image' || which === 'video' || which === 'document') {
      const m = media(errors, [...path, which], h[which]!, which === 'document');
      if (m) header[which] = m;
    }
    content.header = header;
  }
  if (given(t.buttons)) {
    if (t.buttons.length > BUTTONS_MAX) errors.add(['template', 'buttons'], `must list at most ${BUTTONS_MAX} buttons`);
    const seen = new Set<number>();
    content.buttons = t.buttons.map((b, i) => {
      const path = ['template', 'buttons', String(i)];
      if (!Number.isInteger(b.index) || b.index < 0 || b.index >= BUTTONS_MAX)
        errors.add([...path, 'index'], `must be the button's position in the template, 0 to ${BUTTONS_MAX - 1}`);
      else if (seen.has(b.index)) errors.add([...path, 'index'], `button ${b.index} is given twice`);
      seen.add(b.index);
      const out: TemplateButtonContent = { index: b.index };
      const which = exactlyOne(errors, path, b, ['quickReplyPayload', 'urlSuffix', 'copyCode']);
      if (which) out[which] = b[which]!;
      return out;
    });
  }
  return content;
}

/** A personalizable text of a template: where it is in the input, its limit, and where its rendered value goes. */
export interface TemplateSlot {
  path: string[];
  value: string;
  max: number;
  set(target: TemplateContent, value: string): void;
}

/** Every text of the template that personalization fills in and Meta limits, in a stable order. */
export function templateSlots(t: TemplateContent): TemplateSlot[] {
  const slots: TemplateSlot[] = [];
  const slot = (path: string[], value: string, max: number, set: TemplateSlot['set']) => slots.push({ path, value, max, set });
  t.bodyParameters.forEach((v, i) => slot(['template', 'bodyParameters', String(i)], v, LIMITS.body, (c, x) => (c.bodyParameters[i] = x)));
  t.headerParameters.forEach((v, i) =>
    slot(['template', 'headerParameters', String(i)], v, LIMITS.header, (c, x) => (c.headerParameters[i] = x)),
  );
  t.body?.forEach((p, i) => {
    const path = ['template', 'body', String(i)];
    if (p.text !== undefined) slot([...path, 'text'], p.text, LIMITS.body, (c, x) => (c.body![i]!.text = x));
    if (p.currency)
      slot(
        [...path, 'currency', 'fallbackValue'],
        p.currency.fallbackValue,
        LIMITS.fallback,
        (c, x) => (c.body![i]!.currency!.fallbackValue = x),
      );
    if (p.dateTime)
      slot(
        [...path, 'dateTime', 'fallbackValue'],
        p.dateTime.fallbackValue,
        LIMITS.fallback,
        (c, x) => (c.body![i]!.dateTime!.fallbackValue = x),
      );
  });
  if (t.header?.text !== undefined) slot(['template', 'header', 'text'], t.header.text, LIMITS.header, (c, x) => (c.header!.text = x));
  t.buttons?.forEach((b, i) => {
    const path = ['template', 'buttons', String(i)];
    for (const key of ['quickReplyPayload', 'urlSuffix', 'copyCode'] as const) {
      const v = b[key];
      const max = key === 'quickReplyPayload' ? LIMITS.payload : key === 'urlSuffix' ? LIMITS.urlSuffix : LIMITS.copyCode;
      if (v !== undefined) slot([...path, key], v, max, (c, x) => (c.buttons![i]![key] = x));
    }
  });
  return slots;
}

/** The body parameters whichever way they were given (the positional shorthand is text without names). */
export function effectiveBody(t: TemplateContent): TemplateParameterContent[] {
  return t.body ?? t.bodyParameters.map((text) => ({ text }));
}

/** The header parameter whichever way it was given; null when there is none. */
export function effectiveHeader(t: TemplateContent): TemplateHeaderContent | null {
  if (t.header) return t.header;
  return t.headerParameters.length ? { text: t.headerParameters[0]! } : null;
}

function metaMedia(m: TemplateMediaContent): TemplateMedia {
  return m.id !== undefined ? { id: m.id } : { link: m.link ?? '' };
}

function metaParameter(p: TemplateParameterContent): TemplateParameter {
  const named = p.name !== undefined ? { parameter_name: p.name } : {};
  if (p.currency)
    return {
      type: 'currency',
      ...named,
      currency: { fallback_value: p.currency.fallbackValue, code: p.currency.code, amount_1000: p.currency.amount1000 },
    };
  if (p.dateTime) return { type: 'date_time', ...named, date_time: { fallback_value: p.dateTime.fallbackValue } };
  return { type: 'text', ...named, text: p.text ?? '' };
}

/** The components of Meta's send body, in Meta's order: header, body, then buttons by index. */
export function templateComponents(t: TemplateContent): TemplateComponent[] {
  const components: TemplateComponent[] = [];
  const header = effectiveHeader(t);
  if (header) {
    let parameter: TemplateParameter;
    if (header.image) parameter = { type: 'image', image: metaMedia(header.image) };
    else if (header.video) parameter = { type: 'video', video: metaMedia(header.video) };
    else if (header.document) {
      const doc: TemplateMedia & { filename?: string } = metaMedia(header.document);
      if (header.document.filename !== undefined) doc.filename = header.document.filename;
      parameter = { type: 'document', document: doc };
    } else parameter = metaParameter({ name: header.name, text: header.text });
    components.push({ type: 'header', parameters: [parameter] });
  }
  const body = effectiveBody(t);
  if (body.length) components.push({ type: 'body', parameters: body.map(metaParameter) });
  for (const b of [...(t.buttons ?? [])].sort((x, y) => x.index - y.index)) {
    const index = String(b.index);
    if (b.quickReplyPayload !== undefined)
      components.push({ type: 'button', sub_type: 'quick_reply', index, parameters: [{ type: 'payload', payload: b.quickReplyPayload }] });
    else if (b.urlSuffix !== undefined)
      components.push({ type: 'button', sub_type: 'url', index, parameters: [{ type: 'text', text: b.urlSuffix }] });
    else if (b.copyCode !== undefined)
      components.push({ type: 'button', sub_type: 'copy_code', index, parameters: [{ type: 'coupon_code', coupon_code: b.copyCode }] });
  }
  return components;
}
