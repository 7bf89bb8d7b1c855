import type { MessagesChange, UserIdUpdateChange, WebhookMessage } from '../meta/index.js';
import { annotateInboundMessage, applyUserIdUpdate, recordSystemNotice } from '../messages/notices.js';
import { recordInboundMessage, type InboundMessageInput, type WebhookContext } from '../messages/service.js';
import type { AppDeps } from '../core/deps.js';
import { matchKeyword } from './keyword-matcher.js';
import type { KeywordRule } from './tables.js';

/**
 * What each inbound message type is (docs/api.md "Which inbound messages get a reply"): a customer-initiated
 * message goes through the keyword rules (when it carries words a person typed or tapped) and otherwise
 * gets the DEFAULT reply; anything else is recorded without a reply. Group traffic never gets a private
 * reply and never changes consent. revoke, edit and system are notices, not messages.
 */
export interface InboundKind {
  /** A person wrote to the business: the DEFAULT reply applies when no keyword does. */
  customerInitiated: boolean;
  /** Its text (body, button text, reply title) is matched against the keyword rules. */
  keywords: boolean;
}

export const INBOUND_KINDS: Readonly<Record<string, InboundKind>> = {
  text: { customerInitiated: true, keywords: true },
  button: { customerInitiated: true, keywords: true },
  'interactive.button_reply': { customerInitiated: true, keywords: true },
  'interactive.list_reply': { customerInitiated: true, keywords: true },
  'interactive.nfm_reply': { customerInitiated: true, keywords: false },
  image: { customerInitiated: true, keywords: false },
  audio: { customerInitiated: true, keywords: false },
  video: { customerInitiated: true, keywords: false },
  document: { customerInitiated: true, keywords: false },
  sticker: { customerInitiated: true, keywords: false },
  location: { customerInitiated: true, keywords: false },
  contacts: { customerInitiated: true, keywords: false },
  order: { customerInitiated: true, keywords: false },
  // Meta could not show us what the person sent (a poll, a view-once…): still a person writing to us.
  unsupported: { customerInitiated: true, keywords: false },
  reaction: { customerInitiated: false, keywords: false },
  request_welcome: { customerInitiated: false, keywords: false },
};

/** Types that are notices about a message or a user, never recorded as INBOUND messages. */
const NOTICES = new Set(['system', 'revoke', 'edit']);

/** The kind of a message; an interactive of an unknown sub-type counts as customer-initiated; unknown types do not. */
export function inboundKindOf(m: Pick<WebhookMessage, 'type' | 'interactive'>): InboundKind {
  if (m.type === 'interactive')
    return INBOUND_KINDS[`interactive.${m.interactive?.type ?? ''}`] ?? { customerInitiated: true, keywords: false };
  return INBOUND_KINDS[m.type] ?? { customerInitiated: false, keywords: false };
}

function inboundInput(change: MessagesChange, m: WebhookMessage, rules: readonly KeywordRule[]): InboundMessageInput {
  const contact =
    change.contacts.find((c) => (m.from && c.waId === m.from) || (m.fromUserId && c.userId === m.fromUserId)) ??
    (change.contacts.length === 1 ? change.contacts[0] : undefined);
  const kind = inboundKindOf(m);
  // Group messages keep their group id and nothing else: no private reply, no consent change.
  const match = kind.customerInitiated && !m.groupId ? matchKeyword(rules, kind.keywords ? m.text : null) : null;
  return {
    wamid: m.id,
    waId: m.from ?? contact?.waId ?? null,
    userId: m.fromUserId ?? contact?.userId ?? null,
    profileName: contact?.name ?? null,
    type: m.type,
    text: m.text,
    timestamp: m.timestamp,
    category: match?.category ?? null,
    matchedKeyword: match?.matchedKeyword ?? null,
    consentChange: match?.consentChange ?? null,
    replyText: match?.replyText ?? null,
    groupId: m.groupId,
  };
}

export interface Tally {
  count(what: string): void;
}

/** One message of a `messages` change: recorded, annotating its original, or a system notice. */
export async function applyInboundMessage(
  deps: AppDeps,
  ctx: WebhookContext,
  change: MessagesChange,
  m: WebhookMessage,
  rules: readonly KeywordRule[],
  tally: Tally,
): Promise<void> {
  if (!NOTICES.has(m.type)) {
    const result = await recordInboundMessage(deps, ctx, inboundInput(change, m, rules));
    tally.count(result.duplicate ? 'inbound message(s) already recorded' : 'inbound message(s) recorded');
    return;
  }
  if (m.type === 'system') {
    const outcome = await recordSystemNotice(deps, ctx, {
      wamid: m.id,
      systemType: m.system?.type ?? null,
      body: m.system?.body ?? null,
      change: {
        fromWaId: m.from,
        fromUserId: m.fromUserId,
        newWaId: m.system?.newWaId ?? null,
        newUserId: m.system?.userId ?? null,
        previousUserId: m.system?.previousUserId ?? null,
      },
      at: m.timestamp,
    });
    tally.count(`system notice(s) ${outcome}`);
    return;
  }
  if (!m.reference) {
    tally.count(`${m.type} notice(s) without original_message_id ignored`);
    return;
  }
  const kind = m.type === 'revoke' ? 'revoke' : 'edit';
  const outcome = await annotateInboundMessage(deps, ctx, {
    kind,
    wamid: m.id,
    originalWamid: m.reference.originalWamid,
    text: m.reference.text,
    at: m.timestamp,
  });
  tally.count(`${kind} notice(s) ${outcome === 'unknown' ? 'about a message we never received' : outcome}`);
}

/** The user_id_update field. */
export async function applyUserIdUpdates(deps: AppDeps, ctx: WebhookContext, change: UserIdUpdateChange, tally: Tally): Promise<void> {
  for (const u of change.updates) {
    const outcome = await applyUserIdUpdate(deps, ctx, { ...u, at: u.timestamp ?? new Date() });
    tally.count(`user id update(s) ${outcome}`);
  }
}
