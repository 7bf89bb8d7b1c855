import { getCredential } from '../credentials/service.js';
import type { AppDeps } from '../core/deps.js';
import { ValidationError, type FieldError } from '../platform/errors.js';
import { templateCatalog } from '../templates/catalog.js';
import type { TemplateDefinition } from '../templates/definition.js';
import { TemplateRefusedError } from '../templates/errors.js';
import type { TemplateContent } from './tables.js';
import { effectiveBody, effectiveHeader } from './template-content.js';

/**
 * A template send checked against Meta's definition of the template before
 * anything is recorded: Meta would refuse it anyway (132001 not found, 132015
 * paused, 132000 parameters), but only after the message was queued, and a
 * batch would fail once per recipient. Checked on the content as given
 * (placeholders unrendered): names, counts and kinds do not depend on profiles.
 */

const braces = (names: string[]): string => names.map((n) => `{{${n}}}`).join(', ');
const positions = (n: number): string => (n === 0 ? 'none' : n === 1 ? '{{1}}' : `{{1}} … {{${n}}}`);

function bodyProblems(d: TemplateDefinition, t: TemplateContent, out: FieldError[]): void {
  const body = effectiveBody(t);
  const field = t.body ? 'body' : 'bodyParameters';
  if (d.parameterFormat === 'NAMED') {
    if (!t.body || body.some((p) => p.name === undefined)) {
      if (body.length || d.body.named.length)
        out.push({
          path: ['template', field],
          message: `the template uses named parameters (${braces(d.body.named)}): give each in template.body with its name`,
        });
      return;
    }
    const given = body.map((p) => p.name!);
    body.forEach((p, i) => {
      if (!d.body.named.includes(p.name!))
        out.push({
          path: ['template', 'body', String(i), 'name'],
          message: `the template has no parameter {{${p.name}}}; its parameters are ${braces(d.body.named) || 'none'}`,
        });
    });
    const missing = d.body.named.filter((n) => !given.includes(n));
    if (missing.length) out.push({ path: ['template', 'body'], message: `missing the named parameter(s) ${braces(missing)}` });
    return;
  }
  const namedAt = body.findIndex((p) => p.name !== undefined);
  if (namedAt >= 0) {
    out.push({
      path: ['template', 'body', String(namedAt), 'name'],
      message: `the template's parameters are positional (${positions(d.body.positional)}): give them in order, without names`,
    });
    return;
  }
  if (body.length !== d.body.positional)
    out.push({
      path: ['template', field],
      message: `the template's body has ${d.body.positional} parameter(s) (${positions(d.body.positional)}); ${body.length} given`,
    });
}

function headerProblems(d: TemplateDefinition, t: TemplateContent, out: FieldError[]): void {
  const header = effectiveHeader(t);
  const path = ['template', t.header ? 'header' : 'headerParameters'];
  const format = d.header?.format ?? null;
  if (format === 'IMAGE' || format === 'VIDEO' || format === 'DOCUMENT') {
    const key = format.toLowerCase() as 'image' | 'video' | 'document';
    if (!header?.[key])
      out.push({ path, message: `the template's header is ${format}: give template.header.${key} (a link or a media id)` });
    return;
  }
  const vars = d.header?.variables;
  const hasVariable = format === 'TEXT' && vars !== undefined && (vars.positional > 0 || vars.named.length > 0);
  if (!hasVariable) {
    if (header) out.push({ path, message: `the template's header takes no parameter` });
    return;
  }
  const name = vars.named[0];
  if (header?.text === undefined) {
    out.push({ path, message: `the template's text header has a variable (${name ? `{{${name}}}` : '{{1}}'}): give template.header.text` });
    return;
  }
  if (d.parameterFormat === 'NAMED' && header.name !== name)
    out.push({
      path: ['template', 'header', 'name'],
      message: `the template's header variable is named ${name}: give header.name "${name}"`,
    });
  if (d.parameterFormat === 'POSITIONAL' && header.name !== undefined)
    out.push({ path: ['template', 'header', 'name'], message: "the template's header variable is positional: give it without a name" });
}

const KIND_OF = { quickReplyPayload: 'QUICK_REPLY', urlSuffix: 'URL', copyCode: 'COPY_CODE' } as const;

function buttonProblems(d: TemplateDefinition, t: TemplateContent, out: FieldError[]): void {
  const given = t.buttons ?? [];
  given.forEach((b, i) => {
    const path = ['template', 'buttons', String(i)];
    const def = d.buttons[b.index];
    if (!def) {
      out.push({ path: [...path, 'index'], message: `the template has no button ${b.index} (it has ${d.buttons.length})` });
      return;
    }
    const key = (Object.keys(KIND_OF) as Array<keyof typeof KIND_OF>).find((k) => b[k] !== undefined);
    if (!key) return;
    if (KIND_OF[key] !== def.kind)
      out.push({ path: [...path, key], message: `button ${b.index} ("${def.text}") is a ${def.kind} button; ${key} does not fit it` });
    else if (key === 'urlSuffix' && !def.dynamicUrl)
      out.push({ path: [...path, key], message: `button ${b.index} ("${def.text}") has a fixed URL; it takes no suffix` });
  });
  for (const def of d.buttons) {
    const needs = def.kind === 'URL' && def.dynamicUrl ? 'urlSuffix' : def.kind === 'COPY_CODE' ? 'copyCode' : null;
    if (needs && !given.some((b) => b.index === def.index))
      out.push({
        path: ['template', 'buttons'],
        message: `button ${def.index} ("${def.text}") needs a parameter: give { index: ${def.index}, ${needs} }`,
      });
  }
}

/** Every way the content does not fit the template's parameters; empty when it fits. */
export function templateParameterProblems(d: TemplateDefinition, t: TemplateContent): FieldError[] {
  const out: FieldError[] = [];
  headerProblems(d, t, out);
  bodyProblems(d, t, out);
  buttonProblems(d, t, out);
  return out;
}

const STATUS_PROBLEM: Record<string, 'PAUSED' | 'REJECTED' | 'DISABLED'> = { PAUSED: 'PAUSED', REJECTED: 'REJECTED', DISABLED: 'DISABLED' };

/**
 * Refuses a template that cannot go out through this configuration: unknown to
 * Meta, not APPROVED, MARKETING without a marketing action, or parameters that
 * do not fit (ValidationError naming each). When Meta cannot be read and nothing
 * is cached, the send goes ahead and Meta decides.
 */
export async function checkTemplateSend(
  deps: AppDeps,
  target: { sandboxId: string; credentialId: string; marketing: boolean },
  t: TemplateContent,
): Promise<void> {
  const credential = await getCredential(deps, target.sandboxId, target.credentialId);
  if (!credential) return;
  const catalog = templateCatalog(deps);
  let answer = await catalog.read(credential);
  const find = () => answer.templates.find((d) => d.name === t.name && d.language === t.languageCode);
  // A template created in WhatsApp Manager since the last read is not cached yet.
  if (!find() && answer.source === 'cache') answer = await catalog.read(credential, { refresh: true });
  if (answer.source === 'unavailable') {
    deps.logger.warn({ sandboxId: target.sandboxId, template: t.name }, 'templates could not be read from Meta; sending unchecked');
    return;
  }
  const d = find();
  const details = { templateName: t.name, languageCode: t.languageCode, templateStatus: d?.status ?? null, category: d?.category ?? null };
  if (!d) {
    const languages = answer.templates.filter((x) => x.name === t.name).map((x) => x.language);
    const hint = languages.length ? ` It exists in ${languages.join(', ')}.` : ' Check the name in WhatsApp Manager (templates list).';
    throw new TemplateRefusedError(`The WhatsApp Business Account has no template "${t.name}" in language ${t.languageCode}.${hint}`, {
      ...details,
      problem: 'NOT_FOUND',
    });
  }
  if (d.status !== 'APPROVED') {
    const problem = STATUS_PROBLEM[d.status] ?? 'NOT_APPROVED';
    throw new TemplateRefusedError(
      `The template "${t.name}" (${t.languageCode}) is ${d.status}; Meta sends only APPROVED templates. ${
        d.status === 'PAUSED'
          ? 'Meta paused it for low quality: edit it or wait until it is unpaused, and use another template meanwhile.'
          : 'Fix it in WhatsApp Manager, or use another template.'
      }`,
      { ...details, problem },
    );
  }
  if (d.category === 'MARKETING' && !target.marketing)
    throw new TemplateRefusedError(
      `The template "${t.name}" is a MARKETING template, and this channel configuration carries no marketing action: marketing messages go only through a configuration with one (its consent policy is checked per recipient).`,
      { ...details, problem: 'MARKETING_NOT_ALLOWED' },
    );
  const problems = templateParameterProblems(d, t);
  if (problems.length)
    throw new ValidationError(
      problems,
      `The parameters do not fit the template "${t.name}" (${d.parameterFormat}): ${problems.map((p) => `${p.path.join('.')} ${p.message}`).join('; ')}`,
    );
}
