// Reading the verbatim FACTS.md samples in test/fixtures/meta and comparing
// JSON shapes (keys and value types, not values).
import { readFileSync } from 'node:fs';

export function fixtureText(name: string): string {
  return readFileSync(new URL(`../fixtures/meta/${name}.json`, import.meta.url), 'utf8');
}

export function fixture(name: string): unknown {
  return JSON.parse(fixtureText(name));
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Date) return 'date';
  return typeof v;
}

/**
 * Paths where `a` has a key that `b` lacks, or a value of another type.
 * Arrays are compared element 0 to element 0; null on either side matches
 * anything (an optional value that one side happens not to carry); `raw` is skipped.
 */
export function keysMissing(a: unknown, b: unknown, path = '$'): string[] {
  if (a === null || b === null || a === undefined || b === undefined) return [];
  if (kind(a) !== kind(b)) return [`${path}: ${kind(a)} vs ${kind(b)}`];
  if (Array.isArray(a) && Array.isArray(b)) return a.length && b.length ? keysMissing(a[0], b[0], `${path}[0]`) : [];
  if (kind(a) === 'object') {
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    const out: string[] = [];
    for (const k of Object.keys(ao)) {
      if (k === 'raw') continue;
      if (!(k in bo)) out.push(`${path}.${k}: missing`);
      else out.push(...keysMissing(ao[k], bo[k], `${path}.${k}`));
    }
    return out;
  }
  return [];
}

/** Both directions of keysMissing. */
export function shapeDiff(a: unknown, b: unknown): string[] {
  return [
    ...keysMissing(a, b).map((d) => `only/different in first: ${d}`),
    ...keysMissing(b, a).map((d) => `only/different in second: ${d}`),
  ];
}
