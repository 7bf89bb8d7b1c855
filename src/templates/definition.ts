import { templatePlaceholders, type MetaTemplate } from '../meta/index.js';

/**
 * What a template needs from a send, read from Meta's definition of it
 * (GET /{waba-id}/message_templates): its parameter format, the variables of
 * its header and body, and the buttons that take a parameter.
 */

export type ParameterFormat = 'NAMED' | 'POSITIONAL';
export type HeaderFormat = 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT' | 'LOCATION' | 'OTHER';
export type ButtonKind = 'QUICK_REPLY' | 'URL' | 'COPY_CODE' | 'OTHER';

export interface TemplateVariables {
  /** Highest `{{n}}` (POSITIONAL). */
  positional: number;
  /** `{{first_name}}` names in order of appearance (NAMED). */
  named: string[];
  /** Meta's example values, in the same order, when the template has them. */
  examples: string[];
}

export interface TemplateButtonDefinition {
  index: number;
  kind: ButtonKind;
  text: string;
  /** A URL button whose address ends in a variable: the send must give the suffix. */
  dynamicUrl: boolean;
}

export interface TemplateDefinition {
  id: string;
  name: string;
  language: string;
  status: string;
  category: string | null;
  previousCategory: string | null;
  parameterFormat: ParameterFormat;
  components: unknown[];
  header: { format: HeaderFormat; variables: TemplateVariables } | null;
  body: TemplateVariables;
  buttons: TemplateButtonDefinition[];
}

const rec = (v: unknown): Record<string, unknown> | null =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
const strOf = (v: unknown): string => (typeof v === 'string' ? v : '');

function variables(text: string, example: Record<string, unknown> | null, kind: 'body' | 'header'): TemplateVariables {
  const { positional, named } = templatePlaceholders(text);
  let examples: string[] = [];
  const namedExamples = example?.[`${kind}_text_named_params`];
  if (named.length && Array.isArray(namedExamples)) {
    const byName = new Map(namedExamples.map((e) => [strOf(rec(e)?.param_name), strOf(rec(e)?.example)]));
    examples = named.map((n) => byName.get(n) ?? '');
  } else {
    const positionalExamples = example?.[`${kind}_text`];
    const row: unknown = kind === 'body' && Array.isArray(positionalExamples) ? positionalExamples[0] : positionalExamples;
    if (Array.isArray(row)) examples = row.map(strOf);
  }
  return { positional, named, examples };
}

const HEADER_FORMATS = new Set<HeaderFormat>(['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION']);
const BUTTON_KINDS = new Set<ButtonKind>(['QUICK_REPLY', 'URL', 'COPY_CODE']);

/** Reads Meta's template object into what a send must give. */
export function toDefinition(t: MetaTemplate): TemplateDefinition {
  const components = t.components.map(rec).filter((c): c is Record<string, unknown> => c !== null);
  const of = (type: string) => components.find((c) => strOf(c.type).toUpperCase() === type) ?? null;
  const headerRaw = of('HEADER');
  const bodyRaw = of('BODY');
  const format = strOf(headerRaw?.format || 'TEXT').toUpperCase() as HeaderFormat;
  const header = headerRaw
    ? {
        format: HEADER_FORMATS.has(format) ? format : ('OTHER' as const),
        variables: variables(format === 'TEXT' ? strOf(headerRaw.text) : '', rec(headerRaw.example), 'header'),
      }
    : null;
  const body = variables(strOf(bodyRaw?.text), rec(bodyRaw?.example), 'body');
  const buttonsRaw = of('BUTTONS')?.buttons;
  const buttons = (Array.isArray(buttonsRaw) ? buttonsRaw : []).map((b, index): TemplateButtonDefinition => {
    const r = rec(b);
    const type = strOf(r?.type).toUpperCase() as ButtonKind;
    const kind = BUTTON_KINDS.has(type) ? type : 'OTHER';
    return { index, kind, text: strOf(r?.text), dynamicUrl: kind === 'URL' && /\{\{\s*[A-Za-z0-9_]+\s*\}\}/.test(strOf(r?.url)) };
  });
  const declared = (t.parameterFormat ?? '').toUpperCase();
  // Meta states the format on templates it created with parameter_format; otherwise the variables say it.
  const parameterFormat: ParameterFormat =
    declared === 'NAMED' || declared === 'POSITIONAL'
      ? declared
      : body.named.length || header?.variables.named.length
        ? 'NAMED'
        : 'POSITIONAL';
  return {
    id: t.id,
    name: t.name,
    language: t.language,
    status: t.status.toUpperCase(),
    category: t.category ? t.category.toUpperCase() : null,
    previousCategory: t.previousCategory ? t.previousCategory.toUpperCase() : null,
    parameterFormat,
    components: t.components,
    header,
    body,
    buttons,
  };
}

/** One parameter a send gives: where it goes, its name (NAMED) or position, and Meta's example. */
export interface TemplateParameterSlot {
  component: 'HEADER' | 'BODY' | 'BUTTON';
  kind: 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT' | 'URL_SUFFIX' | 'COPY_CODE' | 'QUICK_REPLY_PAYLOAD';
  name: string | null;
  position: number | null;
  buttonIndex: number | null;
  required: boolean;
  example: string | null;
}

function textSlots(component: 'HEADER' | 'BODY', v: TemplateVariables, format: ParameterFormat): TemplateParameterSlot[] {
  const common = { component, kind: 'TEXT' as const, buttonIndex: null, required: true };
  if (format === 'NAMED') return v.named.map((name, i) => ({ ...common, name, position: null, example: v.examples[i] || null }));
  return Array.from({ length: v.positional }, (_, i) => ({ ...common, name: null, position: i + 1, example: v.examples[i] || null }));
}

/** Every parameter the template takes, in the order a send gives them: header, body, buttons. */
export function parameterSlots(d: TemplateDefinition): TemplateParameterSlot[] {
  const slots: TemplateParameterSlot[] = [];
  if (d.header?.format === 'TEXT') slots.push(...textSlots('HEADER', d.header.variables, d.parameterFormat));
  else if (d.header && d.header.format !== 'LOCATION' && d.header.format !== 'OTHER')
    slots.push({
      component: 'HEADER',
      kind: d.header.format,
      name: null,
      position: null,
      buttonIndex: null,
      required: true,
      example: null,
    });
  slots.push(...textSlots('BODY', d.body, d.parameterFormat));
  for (const b of d.buttons) {
    const base = { component: 'BUTTON' as const, name: null, position: null, buttonIndex: b.index, example: null };
    if (b.kind === 'URL' && b.dynamicUrl) slots.push({ ...base, kind: 'URL_SUFFIX', required: true });
    if (b.kind === 'COPY_CODE') slots.push({ ...base, kind: 'COPY_CODE', required: true });
    if (b.kind === 'QUICK_REPLY') slots.push({ ...base, kind: 'QUICK_REPLY_PAYLOAD', required: false });
  }
  return slots;
}
