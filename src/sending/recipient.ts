import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { memoized } from '../platform/memo.js';
import { readAttribute } from '../settings/attribute-path.js';

/**
 * The recipient's number: read from the profile attribute named by the
 * configuration's execution field and normalised to E.164 (FACTS §6: `to`
 * should carry '+' and the country code, or Meta prepends the sender's own
 * country code and may reach the wrong person).
 */

export type RecipientOutcome = { ok: true; phoneE164: string } | { ok: false; reason: string };

const MAX_RAW_LENGTH = 64;
const SHOWN_MAX = 40;
// Formatting people type around digits: spaces (incl. no-break and thin), dashes, dots, slashes, parentheses.
const FORMATTING = /[\s\u00a0\u2000-\u200b\u202f\u2010-\u2015\-./()]/g;
// Mexico's legacy mobile form +52 1 …: WhatsApp ids still use it, libphonenumber calls it impossible.
const LEGACY_MEXICO_MOBILE = /^\+521\d{10}$/;

/**
 * A phone number as E.164 ('+' and digits), or null when it is not one.
 * Digits without '+' are read as international ("14155550123"), a leading
 * "00" is the international prefix. The length must be possible for the
 * country (libphonenumber); whether the number is on WhatsApp only Meta knows.
 */
export const normalizePhoneNumber: (raw: string) => string | null = memoized(normalizeUncached);

function normalizeUncached(raw: string): string | null {
  if (raw.length > MAX_RAW_LENGTH) return null;
  let compact = raw.trim().replace(FORMATTING, '');
  if (compact.startsWith('00')) compact = `+${compact.slice(2)}`;
  if (!/^\+?\d{2,17}$/.test(compact)) return null;
  const withPlus = compact.startsWith('+') ? compact : `+${compact}`;
  const parsed = parsePhoneNumberFromString(withPlus);
  if (!parsed) return null;
  const e164 = parsed.number;
  if (parsed.isPossible() || LEGACY_MEXICO_MOBILE.test(e164)) return e164;
  return null;
}

function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return JSON.stringify(text.length > SHOWN_MAX ? `${text.slice(0, SHOWN_MAX - 1)}…` : text);
}

/** The recipient of a profile: its number at the execution field path, or why there is none. */
export function recipientFromProfile(attributes: unknown, executionField: string): RecipientOutcome {
  const value = readAttribute(attributes, executionField);
  if (value === undefined || value === null || (typeof value === 'string' && !value.trim())) {
    return { ok: false, reason: `profile has no ${executionField}` };
  }
  // A number stored as a JSON number (14155550123) is read like its digits.
  const text =
    typeof value === 'string' ? value : typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? String(value) : null;
  const phoneE164 = text === null ? null : normalizePhoneNumber(text);
  if (!phoneE164) return { ok: false, reason: `profile ${executionField} ${shown(value)} is not a valid phone number` };
  return { ok: true, phoneE164 };
}
