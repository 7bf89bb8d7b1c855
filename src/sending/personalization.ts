import { attributePathProblem, readAttribute } from '../settings/attribute-path.js';

/**
 * Personalization: `{{profile.<path>}}` and `{{ profile.<path> | default: "text" }}`
 * rendered against a profile's attributes. A tiny hand-written scanner, never
 * eval / new Function / a template engine: message text comes from API callers and
 * values from profiles, so nothing in either may ever run as code. Rendering is a
 * single pass, so a `{{` inside a value or a default is output as is, never rendered.
 */

export interface Placeholder {
  /** The placeholder as written, braces included. */
  raw: string;
  /** The attribute path without the `profile.` prefix, e.g. firstName or address.city. */
  path: string;
  /** The `| default: "…"` text (escapes resolved), or null when there is none. */
  defaultValue: string | null;
  /** Offsets of raw in the text: text.slice(start, end) === raw. */
  start: number;
  end: number;
}

export type PersonalizationProblemKind = 'syntax' | 'missing' | 'not_text';

export interface PersonalizationProblem {
  kind: PersonalizationProblemKind;
  /** The placeholder as written (shortened when long). */
  placeholder: string;
  /** The attribute path for missing / not_text; null for syntax problems. */
  path: string | null;
  message: string;
  /** Index of the text in renderPersonalizationAll's list (0 for single texts). */
  source: number;
}

/** A text could not be personalized; every problem of the text (or texts) is listed, not just the first. */
export class PersonalizationError extends Error {
  /** Attribute paths that are missing (or null) on the profile and have no default, distinct, in order. */
  readonly paths: string[];
  /** Attribute paths whose value is an object or an array. */
  readonly invalidPaths: string[];
  /** Placeholders that are not `profile.<path>` with an optional default filter. */
  readonly syntaxProblems: PersonalizationProblem[];

  constructor(readonly problems: PersonalizationProblem[]) {
    super(problems.map((p) => p.message).join('; '));
    this.name = 'PersonalizationError';
    const pathsOf = (kind: PersonalizationProblemKind) => [
      ...new Set(problems.filter((p) => p.kind === kind).map((p) => p.path as string)),
    ];
    this.paths = pathsOf('missing');
    this.invalidPaths = pathsOf('not_text');
    this.syntaxProblems = problems.filter((p) => p.kind === 'syntax');
  }

  /** True when the text itself is malformed (as opposed to this profile lacking data). */
  get isSyntax(): boolean {
    return this.syntaxProblems.length > 0;
  }
}

const OPEN = '{{';
const CLOSE = '}}';
const PREFIX = 'profile.';
const SHOWN_MAX = 80;
const USAGE = 'use {{profile.<attribute path>}} or {{profile.<attribute path> | default: "text"}}';

function shown(raw: string): string {
  return raw.length > SHOWN_MAX ? `${raw.slice(0, SHOWN_MAX - 1)}…` : raw;
}

type Token =
  { type: 'word'; value: string; at: number } | { type: 'pipe' | 'colon'; at: number } | { type: 'string'; value: string; at: number };

type Segment = { text: string } | { placeholder: Placeholder };

interface Parsed {
  segments: Segment[];
  problems: PersonalizationProblem[];
}

const ESCAPES: Record<string, string> = { '"': '"', "'": "'", '\\': '\\', n: '\n', t: '\t' };

/** Reads a quoted string starting at text[i] (the quote); returns its value and the index after it, or null when unclosed. */
function readString(text: string, i: number, limit: number): { value: string; next: number } | null {
  const quote = text[i];
  let value = '';
  for (let j = i + 1; j < limit; j++) {
    const ch = text[j]!;
    if (ch === '\\' && j + 1 < limit) {
      const next = text[j + 1]!;
      // An unknown escape keeps its backslash, so Windows paths and regexes in defaults survive.
      value += ESCAPES[next] ?? `\\${next}`;
      j++;
    } else if (ch === quote) {
      return { value, next: j + 1 };
    } else {
      value += ch;
    }
  }
  return null;
}

/** Where the placeholder opened at `start` closes (index after `}}`); quotes are skipped so a default may contain `}}`. */
function findClose(text: string, start: number): { end: number } | { error: string } {
  let i = start + OPEN.length;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"' || ch === "'") {
      const str = readString(text, i, text.length);
      if (!str) return { error: `the quoted text starting at ${ch}… is not closed` };
      i = str.next;
    } else if (text.startsWith(CLOSE, i)) {
      return { end: i + CLOSE.length };
    } else {
      i++;
    }
  }
  return { error: `"${OPEN}" is not closed with "${CLOSE}"` };
}

function tokenize(inner: string): Token[] | string {
  const tokens: Token[] = [];
  let i = 0;
  while (i < inner.length) {
    const ch = inner[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '|') {
      tokens.push({ type: 'pipe', at: i++ });
    } else if (ch === ':') {
      tokens.push({ type: 'colon', at: i++ });
    } else if (ch === '"' || ch === "'") {
      const str = readString(inner, i, inner.length);
      if (!str) return 'the quoted default text is not closed';
      tokens.push({ type: 'string', value: str.value, at: i });
      i = str.next;
    } else if (/[A-Za-z0-9_.]/.test(ch)) {
      const m = /^[A-Za-z0-9_.]+/.exec(inner.slice(i))![0];
      tokens.push({ type: 'word', value: m, at: i });
      i += m.length;
    } else {
      return `unexpected ${JSON.stringify(ch)}`;
    }
  }
  return tokens;
}

/** Checks the inside of `{{ … }}`; returns the path and default, or what is wrong. */
function parseInner(inner: string): { path: string; defaultValue: string | null } | string {
  const tokens = tokenize(inner);
  if (typeof tokens === 'string') return tokens;
  const [head, ...rest] = tokens;
  if (!head) return 'the placeholder is empty';
  if (head.type !== 'word' || !head.value.startsWith(PREFIX)) {
    return `expected "profile." followed by an attribute path`;
  }
  const path = head.value.slice(PREFIX.length);
  const problem = attributePathProblem(path);
  if (problem) return `"${head.value}" is not a valid attribute path: ${problem}`;
  if (!rest.length) return { path, defaultValue: null };
  const [pipe, filter, colon, value, ...extra] = rest;
  if (pipe?.type !== 'pipe') return `expected "|" or "${CLOSE}" after ${head.value}`;
  if (filter?.type !== 'word') return 'expected a filter name after "|"';
  if (filter.value !== 'default') return `unknown filter "${filter.value}" (only default is supported)`;
  if (colon?.type !== 'colon') return 'expected ":" after default';
  if (value?.type !== 'string') return 'default needs a quoted text, e.g. default: "there"';
  if (extra.length) return `unexpected text after the default value`;
  return { path, defaultValue: value.value };
}

function parse(text: string, source: number): Parsed {
  const segments: Segment[] = [];
  const problems: PersonalizationProblem[] = [];
  let cursor = 0;
  for (;;) {
    const start = text.indexOf(OPEN, cursor);
    if (start < 0) break;
    if (start > cursor) segments.push({ text: text.slice(cursor, start) });
    const close = findClose(text, start);
    if ('error' in close) {
      const raw = text.slice(start);
      problems.push({
        kind: 'syntax',
        placeholder: shown(raw),
        path: null,
        source,
        message: `${JSON.stringify(shown(raw))}: ${close.error}`,
      });
      cursor = text.length;
      break;
    }
    const raw = text.slice(start, close.end);
    const parsed = parseInner(raw.slice(OPEN.length, -CLOSE.length));
    if (typeof parsed === 'string') {
      problems.push({
        kind: 'syntax',
        placeholder: shown(raw),
        path: null,
        source,
        message: `${JSON.stringify(shown(raw))} is not a valid placeholder: ${parsed}; ${USAGE}`,
      });
    } else {
      segments.push({ placeholder: { raw, start, end: close.end, ...parsed } });
    }
    cursor = close.end;
  }
  if (cursor < text.length) segments.push({ text: text.slice(cursor) });
  return { segments, problems };
}

/** A text parsed once, rendered for many profiles (a batch parses its text once). */
export interface CompiledPersonalization {
  readonly text: string;
  readonly placeholders: readonly Placeholder[];
  /** Renders for one profile; throws PersonalizationError listing every missing or non-text path. */
  render(attributes: unknown): string;
}

function valueProblem(p: Placeholder, value: unknown, source: number): PersonalizationProblem | string {
  if (typeof value === 'string') {
    // Like Liquid's default filter, an empty text falls back to the default.
    return value === '' && p.defaultValue !== null ? p.defaultValue : value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === undefined || value === null) {
    if (p.defaultValue !== null) return p.defaultValue;
    return {
      kind: 'missing',
      placeholder: shown(p.raw),
      path: p.path,
      source,
      message: `the profile has no ${p.path} for ${JSON.stringify(shown(p.raw))} (set it on the profile or add | default: "…")`,
    };
  }
  return {
    kind: 'not_text',
    placeholder: shown(p.raw),
    path: p.path,
    source,
    message: `profile ${p.path} is not a text value (it is ${Array.isArray(value) ? 'a list' : 'an object'}) for ${JSON.stringify(shown(p.raw))}`,
  };
}

class Compiled implements CompiledPersonalization {
  readonly placeholders: readonly Placeholder[];

  constructor(
    readonly text: string,
    private readonly segments: readonly Segment[],
    private readonly source: number,
  ) {
    this.placeholders = segments.flatMap((s) => ('placeholder' in s ? [s.placeholder] : []));
  }

  render(attributes: unknown): string {
    const problems: PersonalizationProblem[] = [];
    const result = this.renderInto(attributes, problems);
    if (problems.length) throw new PersonalizationError(problems);
    return result;
  }

  /** Renders, appending problems to `out` instead of throwing (several texts report together). */
  renderInto(attributes: unknown, out: PersonalizationProblem[]): string {
    if (!this.placeholders.length) return this.text;
    let result = '';
    for (const segment of this.segments) {
      if ('text' in segment) {
        result += segment.text;
        continue;
      }
      const rendered = valueProblem(segment.placeholder, readAttribute(attributes, segment.placeholder.path), this.source);
      if (typeof rendered === 'string') result += rendered;
      else out.push(rendered);
    }
    return result;
  }
}

function compileAt(text: string, source: number): { compiled: Compiled; problems: PersonalizationProblem[] } {
  const { segments, problems } = parse(text, source);
  return { compiled: new Compiled(text, segments, source), problems };
}

/** Parses a text once; throws PersonalizationError (syntax) naming every malformed placeholder. */
export function compilePersonalization(text: string): CompiledPersonalization {
  const { compiled, problems } = compileAt(text, 0);
  if (problems.length) throw new PersonalizationError(problems);
  return compiled;
}

/** Every placeholder of a text, for up-front validation; throws PersonalizationError on syntax problems. */
export function listPlaceholders(text: string): Placeholder[] {
  return [...compilePersonalization(text).placeholders];
}

/** Renders one text for one profile. Text without `{{` comes back unchanged. */
export function renderPersonalization(text: string, attributes: unknown): string {
  if (!text.includes(OPEN)) return text;
  return compilePersonalization(text).render(attributes);
}

/**
 * Renders several texts of one message (e.g. a template's parameters) and
 * reports the problems of all of them together; each problem's `source` is the
 * index of its text.
 */
export function renderPersonalizationAll(texts: readonly string[], attributes: unknown): string[] {
  const problems: PersonalizationProblem[] = [];
  const compiled = texts.map((text, i) => {
    const c = compileAt(text, i);
    problems.push(...c.problems);
    return c.compiled;
  });
  if (problems.length) throw new PersonalizationError(problems);
  const out = compiled.map((c) => c.renderInto(attributes, problems));
  if (problems.length) throw new PersonalizationError(problems);
  return out;
}
