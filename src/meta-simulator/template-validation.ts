// Template sends checked the way Meta checks them (FACTS §6, §7.2): the
// template must exist in that language and be APPROVED (132001, 132015,
// 132016), and every component's parameters must fit its definition. A NAMED
// template (parameter_format, or `{{first_name}}` variables) needs
// parameter_name on every header and body parameter; a missing or unknown name,
// or a wrong count, is 132000; a media header given the wrong type is 132012.
import { templatePlaceholders } from '../meta/graph-responses.js';
import { graphError, type GraphReply } from './graph-errors.js';
import type { ScenarioTemplate, ScenarioWaba } from './scenario.js';

type Obj = Record<string, unknown>;

function rec(v: unknown): Obj | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null;
}
const objs = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(rec).filter((x): x is Obj => x !== null) : []);

const missing = (what: string): GraphReply =>
  graphError({ code: 131008, message: '(#131008) Required parameter is missing', details: `Parameter '${what}' is required.` });
const invalid = (details: string): GraphReply => graphError({ code: 131009, message: '(#131009) Parameter value is not valid', details });
const mismatch = (details: string): GraphReply =>
  graphError({ code: 132000, message: '(#132000) Number of parameters does not match the expected number of params', details });
const formatMismatch = (details: string): GraphReply =>
  graphError({ code: 132012, message: '(#132012) Parameter format does not match format in the created template', details });

const BODY_TYPES = new Set(['text', 'currency', 'date_time']);

/** A value problem of one text-like parameter (text, currency, date_time), or null. */
function valueProblem(where: string, p: Obj): GraphReply | null {
  const type = String(p.type ?? '');
  if (!BODY_TYPES.has(type)) return invalid(`${where}: parameter type ${type || '(none)'} is not allowed here`);
  if (type === 'text') return typeof p.text === 'string' && p.text.length > 0 ? null : missing(`${where}.text`);
  if (type === 'currency') {
    const c = rec(p.currency);
    if (!c || typeof c.fallback_value !== 'string' || typeof c.code !== 'string' || typeof c.amount_1000 !== 'number')
      return missing(`${where}.currency (fallback_value, code, amount_1000)`);
    return null;
  }
  return typeof rec(p.date_time)?.fallback_value === 'string' ? null : missing(`${where}.date_time.fallback_value`);
}

/** Named or positional variables of one component's text, checked against the parameters sent for it. */
function variablesProblem(where: string, text: string, named: boolean, params: Obj[]): GraphReply | null {
  const vars = templatePlaceholders(text);
  if (named) {
    const names = params.map((p) => p.parameter_name);
    if (names.some((n) => typeof n !== 'string' || !n))
      return mismatch(`${where}: Parameter name is missing or empty (this template uses named parameters: ${vars.named.join(', ')})`);
    const wrong = names.length !== vars.named.length || vars.named.some((n) => !names.includes(n));
    if (wrong) return mismatch(`${where}: expected named params (${vars.named.join(', ')}), got (${names.map(String).join(', ')})`);
  } else if (params.length !== vars.positional) {
    return mismatch(
      `${where}: number of localizable_params (${params.length}) does not match the expected number of params (${vars.positional})`,
    );
  }
  for (const [i, p] of params.entries()) {
    const problem = valueProblem(`${where}.parameters[${i}]`, p);
    if (problem) return problem;
  }
  return null;
}

const MEDIA_FORMATS = new Set(['IMAGE', 'VIDEO', 'DOCUMENT']);

function headerProblem(def: Obj | undefined, named: boolean, params: Obj[]): GraphReply | null {
  const format = String(def?.format ?? 'TEXT').toUpperCase();
  if (def && MEDIA_FORMATS.has(format)) {
    const type = format.toLowerCase();
    const p = params[0];
    if (params.length !== 1) return mismatch(`header: expected 1 ${type} parameter, got ${params.length}`);
    if (p!.type !== type) return formatMismatch(`header: expected a ${type} parameter, got ${String(p!.type)}`);
    const media = rec(p![type]);
    if (!media || (typeof media.id !== 'string' && typeof media.link !== 'string')) return missing(`header.${type}.id or link`);
    return null;
  }
  const text = def && format === 'TEXT' ? String(def.text ?? '') : '';
  return variablesProblem('header', text, named, params);
}

const BUTTON_SUBTYPES: Record<string, string> = { quick_reply: 'QUICK_REPLY', url: 'URL', copy_code: 'COPY_CODE' };

function buttonsProblem(name: string, defs: Obj[], sent: Obj[]): GraphReply | null {
  for (const c of sent) {
    const index = Number(c.index);
    const def = Number.isInteger(index) ? defs[index] : undefined;
    if (!def) return invalid(`Button at index ${String(c.index)} does not exist in template ${name}`);
    const type = String(def.type ?? '').toUpperCase();
    const expected = BUTTON_SUBTYPES[String(c.sub_type ?? '')];
    if (expected !== type) return invalid(`Button at index ${index} is a ${type} button, not ${String(c.sub_type)}`);
    const params = objs(c.parameters);
    const p = params[0];
    if (type === 'QUICK_REPLY' && p && (p.type !== 'payload' || typeof p.payload !== 'string')) return missing(`buttons[${index}].payload`);
    if (type === 'URL' && (params.length !== 1 || p!.type !== 'text' || typeof p!.text !== 'string'))
      return mismatch(`button ${index}: a URL button takes one text parameter (the URL suffix)`);
    if (type === 'COPY_CODE' && (params.length !== 1 || p!.type !== 'coupon_code' || typeof p!.coupon_code !== 'string'))
      return mismatch(`button ${index}: a COPY_CODE button takes one coupon_code parameter`);
    if (type === 'COPY_CODE' && [...String(p!.coupon_code)].length > 15)
      return invalid(`button ${index}: coupon_code is at most 15 characters`);
  }
  for (const [index, def] of defs.entries()) {
    const type = String(def.type ?? '').toUpperCase();
    const needs = (type === 'URL' && /\{\{\s*\w+\s*\}\}/.test(String(def.url ?? ''))) || type === 'COPY_CODE';
    if (needs && !sent.some((c) => Number(c.index) === index)) return mismatch(`button ${index} (${type}) needs a parameter`);
  }
  return null;
}

const NOT_FOUND = (name: string, code: string): GraphReply =>
  graphError({
    code: 132001,
    message: '(#132001) Template name does not exist in the translation',
    details: `template name (${name}) does not exist in ${code}`,
  });

/** Why Meta would refuse this `template` object, or the template when it fits. */
export function templateProblem(waba: ScenarioWaba, t: Obj): { reply: GraphReply | null; template?: ScenarioTemplate } {
  const name = t.name;
  const code = rec(t.language)?.code;
  if (typeof name !== 'string' || !name) return { reply: missing('template.name') };
  if (typeof code !== 'string' || !code) return { reply: missing('template.language.code') };
  const tpl = waba.templates.find((x) => x.name === name && x.language === code);
  if (!tpl) return { reply: NOT_FOUND(name, code) };
  const status = tpl.status.toUpperCase();
  if (status === 'PAUSED')
    return {
      reply: graphError({
        code: 132015,
        message: '(#132015) Template is Paused',
        details: 'Template is paused due to low quality so it cannot be sent in a template message.',
      }),
    };
  if (status === 'DISABLED')
    return {
      reply: graphError({
        code: 132016,
        message: '(#132016) Template is Disabled',
        details: 'Template has been paused too many times due to low quality and is now permanently disabled.',
      }),
    };
  if (status !== 'APPROVED') return { reply: NOT_FOUND(name, code) };

  const sent = objs(t.components);
  const params = (type: string): Obj[] => sent.filter((c) => c.type === type).flatMap((c) => objs(c.parameters));
  const defined = (type: string): Obj | undefined => tpl.components.find((c) => String(c.type).toUpperCase() === type);
  const bodyText = String(defined('BODY')?.text ?? '');
  const headerDef = defined('HEADER');
  const named =
    tpl.parameterFormat === 'NAMED' ||
    (tpl.parameterFormat === null &&
      (templatePlaceholders(bodyText).named.length > 0 || templatePlaceholders(String(headerDef?.text ?? '')).named.length > 0));
  const reply =
    headerProblem(headerDef, named, params('header')) ??
    variablesProblem('body', bodyText, named, params('body')) ??
    buttonsProblem(
      name,
      objs(defined('BUTTONS')?.buttons),
      sent.filter((c) => c.type === 'button'),
    );
  return reply ? { reply } : { reply: null, template: tpl };
}
