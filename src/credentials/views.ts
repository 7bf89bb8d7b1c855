import type { PhoneFacts } from './checks.js';
import type { CredentialRecord } from './service.js';
import type { CredentialQualityRating, CredentialThroughputLevel, WabaOwnershipKind } from './tables.js';

/** A sender number as the API shows it, whether read from Meta just now (discovery) or from a stored credential. */
export interface PhoneNumberView {
  id: string;
  displayPhoneNumber: string;
  verifiedName: string;
  qualityRating: CredentialQualityRating;
  throughputLevel: CredentialThroughputLevel;
  messagesPerSecond: number | null;
  messagingLimitTier: string | null;
  status: string | null;
  canSendMessage: boolean | null;
}

export interface WabaView {
  id: string;
  name: string;
  ownership: WabaOwnershipKind | null;
  phoneNumbers: PhoneNumberView[];
  /** Why phoneNumbers is empty when Meta refused to list them. */
  phoneNumbersError: string | null;
}

export function phoneViewFromFacts(id: string, facts: PhoneFacts): PhoneNumberView {
  return {
    id,
    displayPhoneNumber: facts.displayPhoneNumber ?? '',
    verifiedName: facts.verifiedName ?? '',
    qualityRating: facts.qualityRating,
    throughputLevel: facts.throughputLevel,
    messagesPerSecond: facts.messagesPerSecond,
    messagingLimitTier: facts.messagingLimitTier,
    status: facts.phoneStatus,
    canSendMessage: facts.canSendMessage,
  };
}

/** Until verification has read the number, its display fields are empty strings. */
export function phoneViewOf(c: CredentialRecord): PhoneNumberView {
  return {
    id: c.phoneNumberId,
    displayPhoneNumber: c.displayPhoneNumber ?? '',
    verifiedName: c.verifiedName ?? '',
    qualityRating: c.qualityRating,
    throughputLevel: c.throughputLevel,
    messagesPerSecond: c.messagesPerSecond,
    messagingLimitTier: c.messagingLimitTier,
    status: c.phoneStatus,
    canSendMessage: c.canSendMessage,
  };
}

export function wabaViewOf(c: CredentialRecord): WabaView {
  return { id: c.wabaId, name: c.wabaName ?? '', ownership: c.wabaOwnership, phoneNumbers: [phoneViewOf(c)], phoneNumbersError: null };
}
