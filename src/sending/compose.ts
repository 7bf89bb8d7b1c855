import type { ChannelConfigurationRecord } from '../channel-configurations/service.js';
import { effectiveExecutionField } from '../channel-configurations/service.js';
import type { AppDeps } from '../core/deps.js';
import { templateMessage, textMessage, type Recipient, type SendMessageBody } from '../meta/index.js';
import { ValidationError, type FieldError, type FieldErrors } from '../platform/errors.js';
import { findMarketingActions } from '../settings/service.js';
import { normalizePhoneNumber as normalizeStoredNumber } from '../messages/phone-numbers.js';
import { getConsentByPhoneNumber, type WhatsAppMessageRecord } from '../messages/service.js';
import { evaluateConsentPolicies, type PolicyAction } from './consent-policy.js';
import { findLinks, newLinkToken, rewriteLinks, trackedLinkUrl } from './link-rewrite.js';
import { compilePersonalization, PersonalizationError, type CompiledPersonalization } from './personalization.js';
import { normalizePhoneNumber, recipientFromProfile } from './recipient.js';
import type { MessageContent, TemplateContent } from './tables.js';
import { compileTemplateInput, templateComponents, templateSlots, type TemplateInput } from './template-content.js';

/**
 * What a send says and to whom: the input rules (checked once per request), the
 * per-recipient rendering (personalization, then link rewriting) and the
 * per-recipient policy (number, opt-out, marketing actions' consent policies),
 * all decided before anything reaches Meta.
 */

const TEXT_MAX = 4096;
/** A raw text may be longer than the limit (placeholders can render shorter), but not absurdly so. */
const RAW_TEXT_MAX = 2 * TEXT_MAX;

export type { TemplateInput } from './template-content.js';

export interface ContentInput {
  text?: string | null;
  template?: TemplateInput | null;
  trackLinks?: boolean | null;
}

/** Content checked and parsed once; rendered per recipient. */
export interface CompiledContent {
  content: MessageContent;
  trackLinks: boolean;
  /** Every personalizable text of the message, in order: the text, or the template's slots (templateSlots). */
  parts: Array<{ path: string[]; compiled: CompiledPersonalization; max: number }>;
}

const length = (s: string): number => [...s].length;

/** Checks the content rules, adding field errors; returns the compiled content when there were none. */
export function compileContent(errors: FieldErrors, input: ContentInput, publicUrl: string): CompiledContent | null {
  const hasText = input.text !== undefined && input.text !== null;
  const hasTemplate = input.template !== undefined && input.template !== null;
  if (hasText === hasTemplate) {
    errors.add('text', 'give exactly one of text or template');
    return null;
  }
  const parts: CompiledContent['parts'] = [];
  let failed = false;
  const compile = (path: string[], raw: string, max: number): void => {
    try {
      parts.push({ path, compiled: compilePersonalization(raw), max });
    } catch (err) {
      if (!(err instanceof PersonalizationError)) throw err;
      errors.add(path, err.message);
      failed = true;
    }
  };
  let content: MessageContent;
  if (hasText) {
    const text = input.text!;
    if (!text.trim()) errors.add('text', 'must not be empty');
    else if (length(text) > RAW_TEXT_MAX) errors.add('text', `must be at most ${TEXT_MAX} characters`);
    else compile(['text'], text, TEXT_MAX);
    content = { text, template: null };
  } else {
    const template = compileTemplateInput(errors, input.template!);
    for (const slot of templateSlots(template)) {
      if (!slot.value.trim()) errors.add(slot.path, 'must not be empty (Meta refuses empty template parameters)');
      else if (length(slot.value) > 2 * slot.max) errors.add(slot.path, `must be at most ${slot.max} characters`);
      else compile(slot.path, slot.value, slot.max);
    }
    content = { text: null, template };
  }
  if (failed || !errors.isEmpty) return null;
  const compiled: CompiledContent = { content, trackLinks: input.trackLinks === true, parts };
  // Without placeholders every recipient gets the same text: a length problem is the request's, not a recipient's.
  if (parts.every((p) => p.compiled.placeholders.length === 0)) {
    const rendered = renderContent(compiled, {}, publicUrl);
    if (!rendered.ok) {
      for (const fe of rendered.fieldErrors) errors.add(fe.path, fe.message);
      return null;
    }
  }
  return compiled;
}

export interface NewLink {
  token: string;
  url: string;
}

export type RenderResult =
  | { ok: true; text: string | null; template: TemplateContent | null; links: NewLink[] }
  | { ok: false; reason: string; fieldErrors: FieldError[]; missingPaths: string[] };

/**
 * Renders the content for one profile (attributes {} when sending to a bare
 * number), then rewrites http(s) links to tracked ones when asked: one token per
 * distinct URL per message, shared by every part of the message.
 */
export function renderContent(compiled: CompiledContent, attributes: unknown, publicUrl: string): RenderResult {
  const rendered: string[] = [];
  const fieldErrors: FieldError[] = [];
  const missing: string[] = [];
  const problems: string[] = [];
  compiled.parts.forEach((part) => {
    try {
      rendered.push(part.compiled.render(attributes));
    } catch (err) {
      if (!(err instanceof PersonalizationError)) throw err;
      for (const p of err.problems) {
        fieldErrors.push({ path: part.path, message: p.message });
        problems.push(p.message);
      }
      missing.push(...err.paths, ...err.invalidPaths);
      rendered.push(part.compiled.text);
    }
  });
  if (fieldErrors.length) {
    const paths = [...new Set(missing)];
    const named = paths.length ? ` (${paths.map((p) => `profile.${p}`).join(', ')})` : '';
    return { ok: false, reason: `Personalization failed${named}: ${problems.join('; ')}`, fieldErrors, missingPaths: paths };
  }
  const links: NewLink[] = [];
  const tokens = new Map<string, string>();
  const rewrite = (text: string): string => {
    if (!compiled.trackLinks) return text;
    return rewriteLinks(text, (url) => {
      let token = tokens.get(url);
      if (!token) {
        token = newLinkToken();
        tokens.set(url, token);
        links.push({ token, url });
      }
      return trackedLinkUrl(publicUrl, token);
    }).text;
  };
  const finals = rendered.map(rewrite);
  for (const [i, part] of compiled.parts.entries()) {
    const text = finals[i]!;
    const n = length(text);
    const problem = !text.trim()
      ? 'is empty after personalization'
      : n > part.max
        ? `is ${n} characters after personalization${compiled.trackLinks ? ' and link tracking' : ''}; at most ${part.max} are allowed`
        : null;
    if (problem) fieldErrors.push({ path: part.path, message: problem });
  }
  if (fieldErrors.length) {
    return {
      ok: false,
      reason: `The message ${fieldErrors.map((f) => `${f.path.join('.')} ${f.message}`).join('; ')}`,
      fieldErrors,
      missingPaths: [],
    };
  }
  if (compiled.content.text !== null) return { ok: true, text: finals[0]!, template: null, links };
  // Every personalizable text of the template is one part, in templateSlots order: put each back where it came from.
  const template = structuredClone(compiled.content.template!);
  templateSlots(template).forEach((slot, i) => slot.set(template, finals[i]!));
  return { ok: true, text: null, template, links };
}

/** ValidationError for a single send whose rendering failed: names the missing paths. */
export function renderValidationError(result: Extract<RenderResult, { ok: false }>): ValidationError {
  return new ValidationError(result.fieldErrors, result.reason);
}

/** Whether Meta should render a preview: the text has a link that is not one of our tracked redirects. */
function wantsPreview(text: string, publicUrl: string): boolean {
  const tracked = `${publicUrl.replace(/\/+$/, '')}/l/`;
  return findLinks(text).some((l) => !l.url.startsWith(tracked));
}

// ---- policy ---------------------------------------------------------------------------

/** What every recipient of one send or batch is checked against. */
export interface PolicyContext {
  sandboxId: string;
  executionField: string;
  actions: PolicyAction[];
  /** The configuration carries a marketing action (its own key, or any consent policy). */
  marketing: boolean;
}

export async function policyContext(deps: AppDeps, config: ChannelConfigurationRecord): Promise<PolicyContext> {
  const found = await findMarketingActions(deps, config.sandboxId, config.marketingActionIds);
  // In the order the configuration lists them: the first failing policy is the one named.
  const actions = config.marketingActionIds.flatMap((id) => {
    const a = found.find((x) => x.id === id);
    return a ? [{ id: a.id, key: a.key, name: a.name, consentPolicy: a.consentPolicy }] : [];
  });
  return {
    sandboxId: config.sandboxId,
    executionField: await effectiveExecutionField(deps, config),
    actions,
    marketing: actions.some((a) => a.key === 'whatsapp_marketing' || a.consentPolicy !== null),
  };
}

export type RecipientCheck = { ok: true; phoneE164: string } | { ok: false; phoneE164: string | null; reason: string };

/**
 * A phone number given in the input (or found in a profile): E.164 as both normalisers accept it (the strict one
 * for sending, the one contacts are stored under), or null when it is not a usable phone number.
 */
export function phoneFromInput(raw: string): string | null {
  const e164 = normalizePhoneNumber(raw);
  return e164 && normalizeStoredNumber(e164) === e164 ? e164 : null;
}

/**
 * The recipient's number and whether policy lets the message go: a profile's
 * number at the execution field (or the number given), the contact's opt-out,
 * then every marketing action's consent policy against the profile (a bare
 * number has no profile, so a policy that needs an attribute fails).
 */
export async function checkRecipient(
  deps: AppDeps,
  ctx: PolicyContext,
  who: { attributes: unknown; phoneE164?: string | null },
): Promise<RecipientCheck> {
  let phoneE164: string;
  if (who.phoneE164) {
    phoneE164 = who.phoneE164;
  } else {
    const found = recipientFromProfile(who.attributes, ctx.executionField);
    if (!found.ok) return { ok: false, phoneE164: null, reason: `No recipient number: ${found.reason} (the execution field).` };
    const usable = phoneFromInput(found.phoneE164);
    if (!usable)
      return { ok: false, phoneE164: null, reason: `No recipient number: profile ${ctx.executionField} is not a valid phone number.` };
    phoneE164 = usable;
  }
  const consent = await getConsentByPhoneNumber(deps, ctx.sandboxId, phoneE164);
  if (consent.status === 'OPTED_OUT') {
    const since = consent.changedAt ? ` on ${consent.changedAt.toISOString()}` : '';
    return {
      ok: false,
      phoneE164,
      reason: `The recipient opted out of WhatsApp messages${since}; nothing is sent to an opted-out number.`,
    };
  }
  const policy = evaluateConsentPolicies(ctx.actions, who.attributes ?? {});
  if (!policy.allowed) return { ok: false, phoneE164, reason: policy.reason };
  return { ok: true, phoneE164 };
}

/** The request Meta gets for a stored message (its id rides along as biz_opaque_callback_data). */
export function buildBody(message: WhatsAppMessageRecord, recipient: Recipient, publicUrl: string): SendMessageBody {
  const opts = { bizOpaqueCallbackData: message.id };
  if (message.type === 'template' && message.template) {
    const t = message.template as unknown as TemplateContent;
    return templateMessage(recipient, { name: t.name, languageCode: t.languageCode, components: templateComponents(t) }, opts);
  }
  const text = message.text ?? '';
  return textMessage(recipient, text, wantsPreview(text, publicUrl) ? { ...opts, previewUrl: true } : opts);
}
