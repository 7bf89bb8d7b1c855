import type { AppDeps } from '../core/deps.js';
import { inTransaction } from '../platform/db.js';
import { newId } from '../platform/ids.js';
import { changeConsent, upsertContact } from './contacts.js';
import { businessNumber, outboundRow } from './outbound.js';
import { applyFact, applyPendingStatuses, STATUS_RANK, toDeliveryStatus } from './statuses.js';
import { store } from './store.js';
import { addTrackingEvent, Effects } from './tracking.js';

/**
 * What webhook processing writes into the ledger: inbound messages (with their contact, consent keywords and the
 * auto-reply job), delivery statuses (parked until their message is known), marketing preferences. Each writer is
 * one transaction; its tracking events are published after the commit (or after the caller's, see WebhookContext).
 * The slice's face is service.ts, which re-exports these.
 */

export const AUTO_REPLY_JOB = 'messaging.send-auto-reply';
export interface AutoReplyPayload {
  sandboxId: string;
  messageId: string;
}
export interface WebhookContext {
  sandboxId: string;
  credentialId: string;
  phoneNumberId: string;
  deliveryId: string;
  /**
   * Set when the caller holds an outer transaction (webhook processing applies
   * many deliveries in one): live events must wait until that commit is on
   * disk, so they are handed to the caller instead of published now.
   */
  deferPublish?: (publish: () => void) => void;
}

function publishEffects(deps: AppDeps, ctx: WebhookContext, effects: Effects): void {
  if (ctx.deferPublish) ctx.deferPublish(() => effects.publish(deps));
  else effects.publish(deps);
}

export type KeywordCategory = 'OPT_IN' | 'OPT_OUT' | 'HELP' | 'DEFAULT';

export interface InboundMessageInput {
  wamid: string;
  waId: string | null;
  userId: string | null;
  profileName: string | null;
  type: string;
  text: string | null;
  timestamp: Date;
  category: KeywordCategory | null;
  matchedKeyword: string | null;
  /** null = keywords do not change consent here. */
  consentChange: 'OPTED_IN' | 'OPTED_OUT' | null;
  /** Auto-reply to send, if any. */
  replyText: string | null;
  /** Meta's group id when the message was written in a group: kept, and it never changes consent nor gets a reply. */
  groupId?: string | null;
}

const validDate = (d: Date, fallback: Date): Date => (Number.isNaN(d.getTime()) ? fallback : d);

/**
 * Records one inbound message, once per wamid (a repeat returns duplicate and
 * changes nothing): the contact, the message, the consent change its keyword
 * asks for, its tracking events, and the auto-reply (an OUTBOUND row plus a
 * durable send job), all in one transaction.
 */
export async function recordInboundMessage(
  deps: AppDeps,
  ctx: WebhookContext,
  input: InboundMessageInput,
): Promise<{ duplicate: boolean; messageId: string | null }> {
  const now = new Date();
  const at = validDate(input.timestamp, now);
  const ownNumber = await businessNumber(deps, ctx.sandboxId, ctx.credentialId);
  const effects = new Effects(ctx.sandboxId);
  const result = await inTransaction(deps.db, async (tx) => {
    const existing = await store.findMessageByWamid(tx, ctx.sandboxId, input.wamid);
    if (existing) return { duplicate: true, messageId: existing.id };
    const contact = await upsertContact(
      tx,
      ctx.sandboxId,
      { waId: input.waId, userId: input.userId, profileName: input.profileName, inboundAt: at },
      now,
    );
    const messageId = newId(now.getTime());
    await store.insertMessage(tx, {
      id: messageId,
      sandboxId: ctx.sandboxId,
      credentialId: ctx.credentialId,
      channelConfigurationId: null,
      batchId: null,
      contactId: contact?.id ?? null,
      direction: 'INBOUND',
      wamid: input.wamid,
      type: input.type,
      toNumber: ownNumber,
      fromNumber: contact?.phoneNumber ?? null,
      text: input.text,
      template: null,
      // Inbound messages have reached us: DELIVERED (the contract's enum has no RECEIVED).
      status: 'DELIVERED',
      statusReason: null,
      metaErrorCode: null,
      bizOpaqueCallbackData: null,
      statusRank: STATUS_RANK.DELIVERED,
      sendAttemptedAt: null,
      sentAt: at,
      deliveredAt: at,
      readAt: null,
      failedAt: null,
      groupId: input.groupId ?? null,
      editedText: null,
      editedAt: null,
      revokedAt: null,
      createdAt: now,
      updatedAt: now,
    });
    // Group traffic is not a 1:1 conversation: a STOP typed in a group is not that person's request to us.
    const oneToOne = !input.groupId;
    let consentChanged = false;
    if (contact && input.consentChange && oneToOne) {
      const outcome = await changeConsent(
        tx,
        contact,
        { status: input.consentChange, source: 'KEYWORD', keyword: input.matchedKeyword, messageId: input.wamid, at },
        now,
      );
      consentChanged = outcome === 'changed';
    }
    const common = { at, messageId, contactId: contact?.id ?? null, phoneNumber: contact?.phoneNumber ?? null };
    await addTrackingEvent(tx, effects, {
      ...common,
      type: 'INBOUND',
      detail: { wamid: input.wamid, messageType: input.type, deliveryId: ctx.deliveryId },
      dedupeKey: `inbound:${input.wamid}`,
    });
    if (input.category && input.category !== 'DEFAULT') {
      await addTrackingEvent(tx, effects, {
        ...common,
        type: input.category,
        detail: { wamid: input.wamid, keyword: input.matchedKeyword, source: 'KEYWORD', consentChanged },
        dedupeKey: `keyword:${input.wamid}`,
      });
    }
    if (input.replyText && contact && oneToOne) {
      const replyId = newId(now.getTime());
      await store.insertMessage(
        tx,
        outboundRow({
          id: replyId,
          sandboxId: ctx.sandboxId,
          credentialId: ctx.credentialId,
          contact,
          toNumber: contact.phoneNumber,
          fromNumber: ownNumber,
          type: 'text',
          text: input.replyText,
          now,
        }),
      );
      await deps.jobs.enqueue<AutoReplyPayload>(
        tx,
        AUTO_REPLY_JOB,
        { sandboxId: ctx.sandboxId, messageId: replyId },
        { sandboxId: ctx.sandboxId, dedupeKey: `${AUTO_REPLY_JOB}:${ctx.sandboxId}:${input.wamid}` },
      );
      effects.jobsEnqueued = true;
    }
    return { duplicate: false, messageId };
  });
  publishEffects(deps, ctx, effects);
  return result;
}

export interface StatusInput {
  wamid: string;
  status: string;
  timestamp: Date;
  recipientId: string | null;
  recipientUserId: string | null;
  errors: Array<{ code: number | null; title: string | null; message: string | null; details: string | null }>;
  bizOpaqueCallbackData: string | null;
}

/**
 * Applies a status webhook to its outbound message (by wamid, or by the
 * biz_opaque_callback_data it was sent with). applied: something changed.
 * pending: the message is not known yet; the status waits for it. duplicate:
 * nothing new (this status was already recorded for the message, by an earlier
 * webhook or by Meta's acceptance of the send). ignored: an unknown status word.
 */
export async function applyStatusUpdate(
  deps: AppDeps,
  ctx: WebhookContext,
  input: StatusInput,
): Promise<'applied' | 'pending' | 'duplicate' | 'ignored'> {
  const status = typeof input.status === 'string' ? toDeliveryStatus(input.status) : null;
  if (!status || !input.wamid) return 'ignored';
  const now = new Date();
  const at = validDate(input.timestamp, now);
  const errors = input.errors.map((e) => ({ code: e.code, title: e.title, message: e.message, details: e.details }));
  const effects = new Effects(ctx.sandboxId);
  const result = await inTransaction(deps.db, async (tx): Promise<'applied' | 'pending' | 'duplicate' | 'ignored'> => {
    let message = await store.findMessageByWamid(tx, ctx.sandboxId, input.wamid);
    if (message && message.direction !== 'OUTBOUND') return 'ignored';
    if (!message && input.bizOpaqueCallbackData) {
      const byOpaque = await store.findOutboundByOpaqueData(tx, ctx.sandboxId, input.bizOpaqueCallbackData);
      if (byOpaque && !byOpaque.wamid) message = byOpaque;
    }
    if (!message) {
      const stored = await store.insertPendingStatus(tx, {
        id: newId(now.getTime()),
        sandboxId: ctx.sandboxId,
        wamid: input.wamid,
        bizOpaqueCallbackData: input.bizOpaqueCallbackData,
        status,
        metaStatus: input.status,
        statusAt: at,
        recipientId: input.recipientId,
        recipientUserId: input.recipientUserId,
        errors,
        receivedAt: now,
      });
      return stored ? 'pending' : 'duplicate';
    }
    const fact = {
      status,
      metaStatus: input.status,
      at,
      wamid: input.wamid,
      errors,
      recipientId: input.recipientId,
      recipientUserId: input.recipientUserId,
    };
    const hadWamid = Boolean(message.wamid);
    let merged = await applyFact(tx, effects, message, fact, now);
    // Reconciled by opaque data: statuses that waited under this wamid apply now.
    if (!hadWamid) merged = { ...merged, message: await applyPendingStatuses(tx, effects, merged.message, now) };
    return merged.moved || effects.trackingEventIds.length > 0 || !hadWamid ? 'applied' : 'duplicate';
  });
  publishEffects(deps, ctx, effects);
  return result;
}

/**
 * Parked statuses (for messages this service never sent: another app on the
 * same number, or a send whose row is gone) wait for a message that will not
 * come; they are kept as long as webhook deliveries (the caller passes that
 * retention's cut-off id) and deleted a chunk at a time. Returns how many went.
 */
export async function pruneParkedStatuses(deps: AppDeps, beforeId: string, limit: number): Promise<number> {
  return await store.deletePendingStatusesBefore(deps.db, beforeId, limit);
}

export interface MarketingPreferenceInput {
  waId: string | null;
  userId: string | null;
  value: string;
  detail: string | null;
  timestamp: Date;
}

/**
 * Meta's user_preferences webhook: `stop` opts the user out of marketing,
 * `resume` back in, `signup` (Meta's sign-up link) in (ledger source
 * USER_PREFERENCES, the value in the ledger's detail). applied: consent changed.
 * duplicate: this (contact, value, time) was recorded before, the contact
 * already has that status, or a newer change supersedes it. ignored: an
 * unknown value, or no user id.
 */
export async function applyMarketingPreference(
  deps: AppDeps,
  ctx: WebhookContext,
  input: MarketingPreferenceInput,
): Promise<'applied' | 'duplicate' | 'ignored'> {
  const value = typeof input.value === 'string' ? input.value.trim().toLowerCase() : '';
  // `signup`: the user signed up through Meta's opt-in link; it is an opt-in like `resume`.
  const status = value === 'stop' ? 'OPTED_OUT' : value === 'resume' || value === 'signup' ? 'OPTED_IN' : null;
  if (!status || (!input.waId && !input.userId)) return 'ignored';
  const now = new Date();
  const at = validDate(input.timestamp, now);
  const effects = new Effects(ctx.sandboxId);
  const result = await inTransaction(deps.db, async (tx) => {
    const contact = await upsertContact(tx, ctx.sandboxId, { waId: input.waId, userId: input.userId }, now);
    if (!contact) return 'ignored' as const;
    const key = `pref:${contact.id}:${value}:${at.getTime()}`;
    const detail = value === 'signup' ? `signup: ${input.detail ?? 'the user signed up through Meta'}` : input.detail;
    const outcome = await changeConsent(tx, contact, { status, source: 'USER_PREFERENCES', detail, at, dedupeKey: key }, now);
    if (outcome !== 'changed') return 'duplicate' as const;
    await addTrackingEvent(tx, effects, {
      type: status === 'OPTED_OUT' ? 'OPT_OUT' : 'OPT_IN',
      at,
      contactId: contact.id,
      phoneNumber: contact.phoneNumber,
      detail: { source: 'USER_PREFERENCES', value, detail: input.detail, deliveryId: ctx.deliveryId },
      dedupeKey: `consent:${key}`,
    });
    return 'applied' as const;
  });
  publishEffects(deps, ctx, effects);
  return result;
}
