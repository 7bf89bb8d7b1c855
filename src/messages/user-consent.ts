import type { AppDeps } from '../core/deps.js';
import { ValidationError } from '../platform/errors.js';
import type { ConsentView } from './service.js';
import { store } from './store.js';

/**
 * Consent of a user Meta knows only by a business-scoped user id (BSUID, e.g.
 * "US.13491208655302741918"): users who adopted a WhatsApp username may have no
 * phone number in webhooks at all, and their consent must still be readable.
 */

// Country code, optional ENT (parent BSUID), digits; Meta's format, with room for longer ids.
const BSUID = /^[A-Z]{2}(\.ENT)?\.\d{5,40}$/;

export interface UserConsentView extends Omit<ConsentView, 'phoneNumber'> {
  userId: string;
  phoneNumber: string | null;
}

export async function getConsentByUserId(deps: AppDeps, sandboxId: string, userId: string): Promise<UserConsentView> {
  const id = typeof userId === 'string' ? userId.trim() : '';
  if (!BSUID.test(id)) throw ValidationError.field('userId', 'must be a WhatsApp business-scoped user id, e.g. US.13491208655302741918');
  const contact = await store.findContactByBsuid(deps.db, sandboxId, id);
  return {
    userId: id,
    phoneNumber: contact?.phoneNumber ?? null,
    status: contact?.consentStatus ?? 'UNKNOWN',
    changedAt: contact?.consentChangedAt ?? null,
    contactId: contact?.id ?? null,
    sandboxId,
  };
}
