import { toGlobalId } from '../graphql/ids.js';
import type { PhoneFacts } from './checks.js';
import type { CredentialRecord } from './service.js';
import type { CredentialQualityRating, CredentialThroughputLevel, WabaOwnershipKind } from './tables.js';

/** A sender number as the API shows it, whether read from Meta just now (discovery) or from a stored credential. */
export interface PhoneNumberView {
  /** The cache key: Meta's id in discovery results, unique per credential on a credential's number. */
  id: string;
  /** Meta's phone number id. */
  metaId: string;
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
  /** The cache key: Meta's id in discovery results, unique per credential on a credential's WABA. */
  id: string;
  /** Meta's WABA id. */
  metaId: string;
  name: string;
  ownership: WabaOwnershipKind | null;
  phoneNumbers: PhoneNumberView[];
  /** Why phoneNumbers is empty when Meta refused to list them. */
  phoneNumbersError: string | null;
}

/**
 * A credential's copy of a Meta object differs from another credential's copy of the same object (placeholders
 * until it is read, ownership and listing rights that depend on the token), so its id includes the credential:
 * a normalised client cache (Apollo, urql graphcache) then never lets one copy overwrite another.
 */
export function snapshotId(typename: 'WhatsAppPhoneNumber' | 'WhatsAppBusinessAccount', credentialId: string, metaId: string): string {
  return toGlobalId(typename, `${credentialId}:${metaId}`);
}

export function phoneViewFromFacts(id: string, facts: PhoneFacts): PhoneNumberView {
  return {
    id,
    metaId: id,
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
    id: snapshotId('WhatsAppPhoneNumber', c.id, c.phoneNumberId),
    metaId: c.phoneNumberId,
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
  return {
    id: snapshotId('WhatsAppBusinessAccount', c.id, c.wabaId),
    metaId: c.wabaId,
    name: c.wabaName ?? '',
    ownership: c.wabaOwnership,
    phoneNumbers: [phoneViewOf(c)],
    phoneNumbersError: null,
  };
}
