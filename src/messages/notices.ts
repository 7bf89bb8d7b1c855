import type { AppDeps } from '../core/deps.js';
import { inTransaction, type Tx } from '../platform/db.js';
import { newId } from '../platform/ids.js';
import { phoneFromWaId } from './phone-numbers.js';
import type { WebhookContext } from './service.js';
import { store } from './store.js';
import type { ContactPatch, ContactRow } from './store.js';
import { addTrackingEvent, Effects } from './tracking.js';

/**
 * Notices Meta sends on the `messages` field that are not a person's words:
 * `revoke` and `edit` annotate the message they are about (they never become
 * INBOUND messages, so reports count what people wrote), and `system` notices
 * (number change, user id change) become SYSTEM tracking events and move the
 * contact, with its consent, to the new number or id. `user_id_update` is
 * applied the same way. Each is recorded once per wamid (or per key).
 */

function publish(deps: AppDeps, ctx: WebhookContext, effects: Effects): void {
  if (ctx.deferPublish) ctx.deferPublish(() => effects.publish(deps));
  else effects.publish(deps);
}

export interface ReferenceNotice {
  kind: 'revoke' | 'edit';
  wamid: string;
  originalWamid: string;
  /** edit: the new text (or caption). */
  text: string | null;
  at: Date;
}

/** applied: the original was annotated. unknown: we never received the original (nothing to annotate). */
export async function annotateInboundMessage(
  deps: AppDeps,
  ctx: WebhookContext,
  n: ReferenceNotice,
): Promise<'applied' | 'duplicate' | 'unknown'> {
  const now = new Date();
  return await inTransaction(deps.db, async (tx) => {
    const original = await store.findMessageByWamid(tx, ctx.sandboxId, n.originalWamid);
    if (!original || original.direction !== 'INBOUND') return 'unknown';
    if (n.kind === 'revoke') {
      if (original.revokedAt) return 'duplicate';
      await store.updateMessage(tx, original.id, { revokedAt: n.at, updatedAt: now });
      return 'applied';
    }
    // Edits arrive in order of writing, but Meta may redeliver an older one: the newest edit wins.
    if (original.editedAt && original.editedAt >= n.at) return 'duplicate';
    await store.updateMessage(tx, original.id, { editedText: n.text, editedAt: n.at, updatedAt: now });
    return 'applied';
  });
}

export interface IdentityChange {
  /** The user as Meta names them in the notice (the old number / old BSUID). */
  fromWaId: string | null;
  fromUserId: string | null;
  /** The new number (user_changed_number) and/or the new BSUID. */
  newWaId: string | null;
  newUserId: string | null;
  previousUserId: string | null;
}

/**
 * Moves the contact to its new number and/or BSUID. When another contact
 * already holds the new number or id, the consent moves onto it instead (a
 * NUMBER_CHANGE ledger entry); otherwise the contact itself moves and keeps its
 * consent, and the ledger records where it came from. Returns the contact now
 * holding the identity, or null when we never knew the user.
 */
async function moveIdentity(tx: Tx, sandboxId: string, c: IdentityChange, at: Date, key: string, now: Date): Promise<ContactRow | null> {
  const oldUserId = c.previousUserId ?? (c.fromUserId && c.fromUserId !== c.newUserId ? c.fromUserId : null);
  const old =
    (oldUserId ? await store.findContactByBsuid(tx, sandboxId, oldUserId) : undefined) ??
    (c.fromWaId ? await store.findContactByWaId(tx, sandboxId, c.fromWaId) : undefined);
  if (!old) return null;
  const numberMoves = Boolean(c.newWaId && c.newWaId !== old.waId);
  const idMoves = Boolean(c.newUserId && c.newUserId !== old.bsuid);
  if (!numberMoves && !idMoves) return old;
  const holder =
    (idMoves ? await store.findContactByBsuid(tx, sandboxId, c.newUserId!) : undefined) ??
    (numberMoves ? await store.findContactByWaId(tx, sandboxId, c.newWaId!) : undefined);
  const from = old.phoneNumber ?? old.bsuid ?? old.userKey;
  const to = (numberMoves ? phoneFromWaId(c.newWaId) : null) ?? c.newUserId ?? '?';
  const detail = `Moved from ${from} to ${to} (Meta: ${numberMoves ? 'user_changed_number' : 'user id change'}).`;
  const ledger = async (contactId: string, previousStatus: ContactRow['consentStatus']) => {
    if (old.consentStatus === 'UNKNOWN') return;
    await store.insertConsentChange(tx, {
      id: newId(now.getTime()),
      sandboxId,
      contactId,
      status: old.consentStatus,
      previousStatus,
      source: 'NUMBER_CHANGE',
      keyword: null,
      messageId: null,
      detail,
      dedupeKey: `identity:${key}`,
      at: old.consentChangedAt ?? at,
    });
  };
  if (holder && holder.id !== old.id) {
    // Someone already has the new number or id: the consent travels with the person, the old row stays as history.
    if (
      old.consentStatus !== 'UNKNOWN' &&
      (!holder.consentChangedAt || !old.consentChangedAt || old.consentChangedAt >= holder.consentChangedAt)
    ) {
      await store.updateContact(tx, holder.id, {
        consentStatus: old.consentStatus,
        consentChangedAt: old.consentChangedAt ?? at,
        updatedAt: now,
      });
      await ledger(holder.id, holder.consentStatus);
    }
    return holder;
  }
  const patch: ContactPatch = { updatedAt: now };
  if (numberMoves) {
    patch.waId = c.newWaId;
    patch.phoneNumber = phoneFromWaId(c.newWaId);
  }
  if (idMoves) patch.bsuid = c.newUserId;
  patch.userKey = (idMoves ? c.newUserId : old.bsuid) ?? (numberMoves ? c.newWaId! : old.userKey);
  await store.updateContact(tx, old.id, patch);
  // The new number had no consent of its own: the ledger says where the status it now has came from.
  if (numberMoves) await ledger(old.id, 'UNKNOWN');
  return { ...old, ...patch };
}

export interface SystemNotice {
  wamid: string;
  systemType: string | null;
  body: string | null;
  change: IdentityChange;
  at: Date;
}

/** A `system` message: a SYSTEM tracking event (never an INBOUND message), and the identity change it reports. */
export async function recordSystemNotice(deps: AppDeps, ctx: WebhookContext, n: SystemNotice): Promise<'applied' | 'duplicate'> {
  const now = new Date();
  const effects = new Effects(ctx.sandboxId);
  const result = await inTransaction(deps.db, async (tx) => {
    const contact = await moveIdentity(tx, ctx.sandboxId, n.change, n.at, n.wamid, now);
    const id = await addTrackingEvent(tx, effects, {
      type: 'SYSTEM',
      at: n.at,
      contactId: contact?.id ?? null,
      phoneNumber: contact?.phoneNumber ?? phoneFromWaId(n.change.newWaId ?? n.change.fromWaId),
      detail: {
        wamid: n.wamid,
        systemType: n.systemType,
        body: n.body,
        previousPhoneNumber: phoneFromWaId(n.change.fromWaId),
        userId: n.change.newUserId,
        previousUserId: n.change.previousUserId,
        deliveryId: ctx.deliveryId,
      },
      dedupeKey: `system:${n.wamid}`,
    });
    return id ? ('applied' as const) : ('duplicate' as const);
  });
  publish(deps, ctx, effects);
  return result;
}

/** The `user_id_update` field: the same move as a user id change, recorded as a SYSTEM event. */
export async function applyUserIdUpdate(
  deps: AppDeps,
  ctx: WebhookContext,
  u: { waId: string | null; previousUserId: string | null; userId: string | null; detail: string | null; at: Date },
): Promise<'applied' | 'duplicate' | 'ignored'> {
  if (!u.userId || (!u.previousUserId && !u.waId)) return 'ignored';
  const key = `user_id_update:${u.previousUserId ?? u.waId}:${u.userId}`;
  return await recordSystemNotice(deps, ctx, {
    wamid: key,
    systemType: 'user_id_update',
    body: u.detail,
    change: { fromWaId: u.waId, fromUserId: u.previousUserId, newWaId: null, newUserId: u.userId, previousUserId: u.previousUserId },
    at: u.at,
  });
}
