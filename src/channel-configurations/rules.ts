import { parsePhoneNumberFromString } from 'libphonenumber-js';

/** The input rules of a channel configuration that need no database. */

export const NAME_MAX = 128;
export const DESCRIPTION_MAX = 1000;
export const MARKETING_ACTIONS_MAX = 50;

const NAME_START = /^[A-Za-z]/;
const NAME_RULE = /^[A-Za-z][A-Za-z0-9_.-]*$/;

/** The seed's rule: starts with a letter A–Z/a–z, then letters, digits, "_", "." or "-"; 1–128 characters. */
export function nameProblem(name: string): string | null {
  if (name.length === 0) return 'must not be empty';
  if (name.length > NAME_MAX) return `must be at most ${NAME_MAX} characters`;
  if (!NAME_START.test(name)) return 'must start with a letter (A-Z or a-z)';
  if (!NAME_RULE.test(name)) return 'may contain only letters (A-Z, a-z), digits, "_", "." and "-" (no spaces)';
  return null;
}

const SEPARATORS = /[\s().\-\u00a0]/g;

/**
 * A sender number typed by a person → E.164. Accepts "+", spaces, dashes, dots
 * and parentheses; a number without "+" (or with the "00" international prefix)
 * is read as international digits, country code first. The number must have a
 * possible length for its country; libphonenumber's stricter "valid" test is not
 * used because Meta's own test numbers (+1 555 …) are outside assigned ranges.
 */
export function normalizeSenderNumber(raw: string): { e164: string } | { problem: string } {
  const compact = raw.trim().replace(SEPARATORS, '');
  if (!compact) return { problem: 'must not be empty' };
  if (!/^(\+|00)?\d+$/.test(compact)) {
    return {
      problem:
        'must be a phone number in international format, e.g. +1 415 555 0123 (digits with an optional "+", spaces, dashes, dots or parentheses)',
    };
  }
  const international = compact.startsWith('+') ? compact : `+${compact.startsWith('00') ? compact.slice(2) : compact}`;
  const parsed = parsePhoneNumberFromString(international);
  if (!parsed || !parsed.isPossible()) {
    return { problem: 'is not a valid phone number; enter it with its country code, e.g. +1 415 555 0123' };
  }
  return { e164: parsed.number };
}
