import type { Tx } from '../platform/db.js';
import { newId } from '../platform/ids.js';
import { phoneFromWaId } from './phone-numbers.js';
import { store } from './store.js';
import type { ContactPatch, ContactRow } from './store.js';
import type { ConsentSource, ConsentStatus } from './tables.js';

export interface ContactIdentity {
  waId: string | null;
  userId: string | null;
  profileName?: string | null;
  /** When the user last wrote to us (inbound messages only). */
  inboundAt?: Date | null;
}

/**
 * Finds or creates the contact for a WhatsApp user. The BSUID wins: a contact
 * first seen by wa_id gains its BSUID (and key) when Meta starts sending one; a
 * contact whose BSUID differs is another person who now has that number.
 * Returns null when the identity carries neither id.
 */
export async function upsertContact(tx: Tx, sandboxId: string, identity: ContactIdentity, now = new Date()): Promise<ContactRow | null> {
  const { waId, userId } = identity;
  if (!waId && !userId) return null;
  let contact = userId ? await store.findContactByBsuid(tx, sandboxId, userId) : undefined;
  if (!contact && waId) {
    const byNumber = await store.findContactByWaId(tx, sandboxId, waId);
    if (byNumber && !(userId && byNumber.bsuid && byNumber.bsuid !== userId)) contact = byNumber;
  }
  const phoneNumber = phoneFromWaId(waId);
  if (!contact) {
    const row: ContactRow = {
      id: newId(now.getTime()),
      sandboxId,
      userKey: (userId ?? waId) as string,
      bsuid: userId,
      waId,
      phoneNumber,
      profileName: identity.profileName ?? null,
      consentStatus: 'UNKNOWN',
      consentChangedAt: null,
      lastInboundAt: identity.inboundAt ?? null,
      createdAt: now,
      updatedAt: now,
    };
    await store.insertContact(tx, row);
    return row;
  }
  const patch: ContactPatch = {};
  if (userId && contact.bsuid !== userId) {
    patch.bsuid = userId;
    patch.userKey = userId;
  }
  // A user keeps the BSUID when changing numbers: follow the number.
  if (waId && contact.waId !== waId) {
    patch.waId = waId;
    patch.phoneNumber = phoneNumber;
  }
  if (identity.profileName && identity.profileName !== contact.profileName) patch.profileName = identity.profileName;
  if (identity.inboundAt && (!contact.lastInboundAt || identity.inboundAt > contact.lastInboundAt))
    patch.lastInboundAt = identity.inboundAt;
  if (!Object.keys(patch).length) return contact;
  patch.updatedAt = now;
  await store.updateContact(tx, contact.id, patch);
  return { ...contact, ...patch };
}

export interface ConsentChangeInput {
  status: Exclude<ConsentStatus, 'UNKNOWN'>;
  source: ConsentSource;
  keyword?: string | null;
  /** The wamid that caused it. */
  messageId?: string | null;
  detail?: string | null;
  at: Date;
  dedupeKey?: string | null;
}

/**
 * changed: consent moved and the ledger has a row. same: it already had that
 * status. stale: a later change is already recorded (Meta does not deliver in
 * order, so an old STOP must not undo a newer START). duplicate: this very
 * change (dedupe key) was recorded before.
 */
export type ConsentChangeOutcome = 'changed' | 'same' | 'stale' | 'duplicate';

export async function changeConsent(
  tx: Tx,
  contact: ContactRow,
  change: ConsentChangeInput,
  now = new Date(),
): Promise<ConsentChangeOutcome> {
  if (change.dedupeKey && (await store.consentChangeExists(tx, contact.sandboxId, change.dedupeKey))) return 'duplicate';
  if (contact.consentStatus === change.status) return 'same';
  if (contact.consentChangedAt && change.at < contact.consentChangedAt) return 'stale';
  await store.updateContact(tx, contact.id, { consentStatus: change.status, consentChangedAt: change.at, updatedAt: now });
  await store.insertConsentChange(tx, {
    id: newId(now.getTime()),
    sandboxId: contact.sandboxId,
    contactId: contact.id,
    status: change.status,
    previousStatus: contact.consentStatus,
    source: change.source,
    keyword: change.keyword ?? null,
    messageId: change.messageId ?? null,
    detail: change.detail ?? null,
    dedupeKey: change.dedupeKey ?? null,
    at: change.at,
  });
  contact.consentStatus = change.status;
  contact.consentChangedAt = change.at;
  return 'changed';
}
