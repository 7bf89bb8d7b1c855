import type { FieldErrors } from '../platform/errors.js';

/**
 * The rules a profile must meet. Attribute keys follow the attribute-path
 * segment rule (src/settings/attribute-path.ts) so that every attribute can be
 * named by a dotted path in an execution field, a consent policy or a
 * {{profile.…}} placeholder; depth ≤ 10 matches that rule's 10 segments.
 */

export const PROFILE_ID_MAX_CHARS = 128;
export const ATTRIBUTES_MAX_BYTES = 64 * 1024;
export const ATTRIBUTES_MAX_DEPTH = 10;
/** Enough to fix a bad document in one round trip without a giant response. */
const MAX_REPORTED_KEY_ERRORS = 20;

const KEY_RULE = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
// Control characters (C0, DEL, C1): invisible in dashboards and logs, and they break CSV exports.
const CONTROL = /\p{Cc}/u;
// In unicode mode only an unpaired surrogate matches \p{Cs}: text SQLite and JSON cannot round-trip.
const LONE_SURROGATE = /\p{Cs}/u;

/** Why a caller's profile id is unacceptable, or null. */
export function profileIdProblem(profileId: string): string | null {
  const chars = [...profileId].length;
  if (chars === 0) return 'must not be empty';
  if (chars > PROFILE_ID_MAX_CHARS) return `must be at most ${PROFILE_ID_MAX_CHARS} characters`;
  if (CONTROL.test(profileId)) return 'must not contain control characters';
  if (LONE_SURROGATE.test(profileId)) return 'must be valid Unicode text';
  if (profileId.trim() !== profileId) return 'must not start or end with spaces';
  return null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function keyProblem(key: string): string | null {
  if (!KEY_RULE.test(key)) {
    return 'attribute names must be 1-64 characters: a letter or "_" first, then letters, digits or "_"';
  }
  // Valid JSON, but a trap for any code that copies attributes into a plain object.
  if (key === '__proto__') return 'attribute name "__proto__" is reserved';
  return null;
}

/** Adds a field error for every broken rule of an attributes document, under `base` (e.g. ['attributes']). */
export function checkAttributes(value: unknown, errors: FieldErrors, base: string[] = ['attributes']): void {
  if (!isPlainObject(value)) {
    const kind = value == null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    errors.add(base, `must be a JSON object, not ${kind}`);
    return;
  }
  let bytes: number;
  try {
    bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
  } catch (err) {
    // Only a document nested thousands of levels deep overflows the stack here (a cycle cannot come from JSON).
    if (!(err instanceof RangeError)) throw err;
    errors.add(base, `nests deeper than ${ATTRIBUTES_MAX_DEPTH} levels of objects and arrays`);
    return;
  }
  if (bytes > ATTRIBUTES_MAX_BYTES) {
    errors.add(base, `must be at most ${ATTRIBUTES_MAX_BYTES} bytes as JSON (is ${bytes})`);
    return;
  }
  let keyErrors = 0;
  let tooDeep = false;
  // depth counts containers: the attributes object itself is depth 1.
  const walk = (node: unknown, path: string[], depth: number): void => {
    if (typeof node !== 'object' || node === null) return;
    if (depth > ATTRIBUTES_MAX_DEPTH) {
      if (!tooDeep) errors.add(path, `nests deeper than ${ATTRIBUTES_MAX_DEPTH} levels of objects and arrays`);
      tooDeep = true;
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, [...path, String(i)], depth + 1));
      return;
    }
    for (const [key, child] of Object.entries(node)) {
      const problem = keyProblem(key);
      if (problem) {
        if (keyErrors < MAX_REPORTED_KEY_ERRORS) errors.add([...path, key], problem);
        keyErrors++;
      }
      walk(child, [...path, key], depth + 1);
    }
  };
  walk(value, base, 1);
}
