import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { memoized } from '../platform/memo.js';

/**
 * One normalisation for every phone number we store or look up, so a number typed
 * as "1 (650) 555-1234" finds the contact Meta reported as wa_id "16505551234".
 *
 * Only the country calling code and the E.164 length are enforced, not
 * libphonenumber's per-country "possible" rules: Meta still reports some numbers
 * in legacy forms (Mexico's 521… wa_ids) that those rules call impossible, and a
 * contact Meta knows must stay findable. Remembered per input: every message and status looks
 * its number up, and parsing one costs far more than a map lookup.
 */
export const normalizePhoneNumber: (input: string) => string | null = memoized(normalizeUncached);

function normalizeUncached(input: string): string | null {
  const compact = input.trim().replace(/[\s().\-\u00a0]/g, '');
  if (!/^\+?\d+$/.test(compact)) return null;
  const withPlus = compact.startsWith('+') ? compact : `+${compact}`;
  const digits = withPlus.length - 1;
  if (digits < 8 || digits > 15) return null;
  const parsed = parsePhoneNumberFromString(withPlus);
  if (!parsed) return null;
  return parsed.number;
}

/** The E.164 number of a WhatsApp id (Meta's wa_id is the number without '+'); null when it is not one. */
export function phoneFromWaId(waId: string | null | undefined): string | null {
  if (!waId) return null;
  // In E.164 form, the key under which the number was most likely normalised already (a send's recipient).
  return normalizePhoneNumber(waId.startsWith('+') ? waId : `+${waId}`);
}
