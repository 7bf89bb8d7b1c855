import { WhatsAppApiCredentialRef } from '../credentials/graphql.js';
import { getCredential } from '../credentials/service.js';
import { builder } from '../graphql/builder.js';
import { pageWindow, toConnection } from '../graphql/connection.js';
import { decodeId } from '../graphql/ids.js';
import { ConsentStatusEnum } from '../messages/graphql.js';
import type { KeywordMatch } from './keyword-matcher.js';
import * as service from './service.js';
import type { DeliveryRecord, WebhookRecord } from './service.js';
import type { DELIVERY_OUTCOMES, KEYWORD_CATEGORIES, KeywordRule } from './tables.js';

/** The GraphQL types of the webhooks slice (root fields are in graphql.ts). */

export const WEBHOOK_TYPE = 'WhatsAppWebhook';
export const DELIVERY_TYPE = 'WhatsAppWebhookDelivery';

/** Global id → raw id; a malformed id or one of another type is BAD_USER_INPUT (graphql/ids.ts). */
export const decodeWebhookId = (globalId: string, argument = 'input.id'): string => decodeId(globalId, WEBHOOK_TYPE, argument);
export const decodeDeliveryId = (globalId: string, argument = 'input.id'): string => decodeId(globalId, DELIVERY_TYPE, argument);

export const KeywordCategoryEnum = builder.enumType('InboundKeywordCategory', {
  description: 'What an inbound keyword does.',
  values: {
    OPT_IN: { description: 'The user opts in (consent OPTED_IN) and gets the reply.' },
    OPT_OUT: { description: 'The user opts out (consent OPTED_OUT) and gets the reply.' },
    HELP: { description: 'The user gets the help reply; consent does not change.' },
    DEFAULT: { description: 'The reply to any message no keyword matches (no keywords of its own).' },
  } as const satisfies Record<(typeof KEYWORD_CATEGORIES)[number], unknown>,
});

export const KeywordRuleRef = builder.objectRef<KeywordRule>('InboundKeywordRule').implement({
  description: 'A keyword rule applied to inbound messages.',
  fields: (t) => ({
    category: t.field({ type: KeywordCategoryEnum, description: 'What the rule does.', resolve: (r) => r.category }),
    keywords: t.exposeStringList('keywords', {
      description: 'Texts that trigger it, matched against the whole message, ignoring case and surrounding spaces.',
    }),
    replyMessage: t.exposeString('replyMessage', { description: 'The automatic reply sent to the user.' }),
  }),
});

export const KeywordRuleInputRef = builder.inputType('InboundKeywordRuleInput', {
  description: 'A keyword rule: category, keywords (none for DEFAULT) and the reply.',
  fields: (t) => ({
    category: t.field({ type: KeywordCategoryEnum, required: true, description: 'What the rule does.' }),
    keywords: t.stringList({
      required: true,
      description: 'Keywords, 1-64 characters each, unique across all rules ignoring case; empty for DEFAULT.',
    }),
    replyMessage: t.string({ required: true, description: 'The automatic reply, 1-4096 characters.' }),
  }),
});

export const DeliveryOutcomeEnum = builder.enumType('WebhookDeliveryOutcome', {
  description: 'What became of a notification Meta posted.',
  values: {
    PENDING: { description: 'Stored and acknowledged; not processed yet.' },
    PROCESSED: { description: 'Every change was applied.' },
    DUPLICATE: { description: 'The same bytes were delivered before; nothing was applied again.' },
    QUARANTINED: {
      description: 'Kept but (partly) not applied: unreadable, or about a number that is not this webhook’s; see detail.',
    },
    FAILED: { description: 'Processing failed after retries; see detail, then replay it.' },
  } as const satisfies Record<(typeof DELIVERY_OUTCOMES)[number], unknown>,
});

export const WhatsAppWebhookDeliveryRef = builder.node(builder.objectRef<DeliveryRecord>(DELIVERY_TYPE), {
  description: 'One signed POST Meta made to a webhook, as stored before it was acknowledged.',
  id: { resolve: (d) => d.id },
  authScopes: (d) => ({ sandbox: d.sandboxId }),
  runScopesOnType: true,
  loadMany: async (ids, ctx) => {
    const rows = await service.findDeliveries(ctx.deps, ctx.viewer.sandboxId, ids as string[]);
    return ids.map((id) => rows.find((r) => r.id === id) ?? null);
  },
  fields: (t) => ({
    receivedAt: t.expose('receivedAt', { type: 'DateTime', description: 'When Meta posted it.' }),
    outcome: t.field({ type: DeliveryOutcomeEnum, description: 'What became of it.', resolve: (d) => d.outcome }),
    detail: t.exposeString('detail', { nullable: true, description: 'What was applied, ignored or quarantined, and why.' }),
    changes: t.int({ description: 'How many entry/change items it carried (0 until processed).', resolve: (d) => d.changes ?? 0 }),
    signatureVerified: t.boolean({
      description: 'Always true: a POST with a missing or wrong X-Hub-Signature-256 is refused (401) and never stored.',
      resolve: () => true,
    }),
    attempts: t.exposeInt('attempts', { description: 'How many times it was processed (replays included).' }),
    processedAt: t.expose('processedAt', { type: 'DateTime', nullable: true, description: 'When processing last finished.' }),
  }),
});

export const WhatsAppWebhookRef = builder.node(builder.objectRef<WebhookRecord>(WEBHOOK_TYPE), {
  description: "A callback URL for Meta's webhooks, with the keyword rules applied to inbound messages.",
  id: { resolve: (w) => w.id },
  authScopes: (w) => ({ sandbox: w.sandboxId }),
  runScopesOnType: true,
  loadMany: async (ids, ctx) => {
    const rows = await service.findWebhooks(ctx.deps, ctx.viewer.sandboxId, ids as string[]);
    return ids.map((id) => rows.find((r) => r.id === id) ?? null);
  },
  fields: (t) => ({
    quarantinedDeliveries: t.int({
      description:
        'Deliveries quarantined so far: signed by Meta but about a phone number or WABA no credential of this sandbox owns (or not a WhatsApp notification); see deliveries(…).detail.',
      resolve: (w, _args, ctx) => service.countQuarantinedDeliveries(ctx.deps, w.id),
    }),
    name: t.exposeString('name', { description: 'Display name, unique in the sandbox.' }),
    apiCredential: t.field({
      type: WhatsAppApiCredentialRef,
      description: 'The credential whose number this webhook receives for (and replies from).',
      // A credential in use cannot be deleted, so it is always there.
      resolve: async (w, _args, ctx) => (await getCredential(ctx.deps, w.sandboxId, w.credentialId))!,
    }),
    keywordRules: t.field({ type: [KeywordRuleRef], description: 'The keyword rules, in order.', resolve: (w) => w.keywordRules }),
    callbackUrl: t.string({
      description: "The Webhook URL to paste into Meta's App Dashboard (WhatsApp → Configuration).",
      resolve: (w, _args, ctx) => service.callbackUrl(ctx.deps, w),
    }),
    verifyToken: t.string({
      description: 'The verify token to paste into Meta next to the callback URL (ADMIN keys only; others see a masked value).',
      resolve: (w, _args, ctx) => (ctx.viewer.role === 'ADMIN' ? service.decryptVerifyToken(ctx.deps, w) : service.maskedVerifyToken(w)),
    }),
    appSecretLast4: t.exposeString('appSecretLast4', {
      description: 'The last characters of the app secret; the secret is never returned.',
    }),
    standardConsentMessagesEnabled: t.boolean({
      description: 'False when no OPT_IN and no OPT_OUT keyword exists; keywords then never change consent.',
      resolve: (w) => service.isStandardConsentEnabled(w),
    }),
    verifiedAt: t.expose('verifiedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When Meta last completed the verification handshake.',
    }),
    lastEventAt: t.expose('lastEventAt', { type: 'DateTime', nullable: true, description: 'When Meta last posted a notification.' }),
    deliveries: t.connection(
      {
        type: WhatsAppWebhookDeliveryRef,
        description: 'Every notification Meta posted, newest first, with its outcome.',
        resolve: async (w, args, ctx) => toConnection(await service.listDeliveries(ctx.deps, w, pageWindow(args))),
      },
      { name: 'WhatsAppWebhookDeliveryConnection', description: 'A page of webhook deliveries.' },
      { name: 'WhatsAppWebhookDeliveryEdge', description: 'A webhook delivery in a page.' },
    ),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the webhook was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the webhook last changed.' }),
  }),
});

export const DeletedWebhookRef = builder.objectRef<{ id: string; name: string }>('DeletedWhatsAppWebhook').implement({
  description: 'The webhook that was deleted.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Its global id.' }),
    name: t.exposeString('name', { description: 'Its name.' }),
  }),
});

export const KeywordTestResultRef = builder.objectRef<{ match: KeywordMatch | null }>('InboundKeywordTestResult').implement({
  description: 'What the keyword rules would do with a text (a dry run; nothing changes).',
  fields: (t) => ({
    category: t.field({
      type: KeywordCategoryEnum,
      nullable: true,
      description: 'The rule that applies; null when none does and there is no DEFAULT rule.',
      resolve: ({ match }) => match?.category ?? null,
    }),
    matchedKeyword: t.string({
      nullable: true,
      description: 'The configured keyword that matched; null for DEFAULT or no match.',
      resolve: ({ match }) => match?.matchedKeyword ?? null,
    }),
    replyMessage: t.string({
      nullable: true,
      description: 'The reply that would be sent.',
      resolve: ({ match }) => match?.replyText ?? null,
    }),
    consentChange: t.field({
      type: ConsentStatusEnum,
      nullable: true,
      description: 'The consent the user would get; null = consent would not change.',
      resolve: ({ match }) => match?.consentChange ?? null,
    }),
  }),
});
