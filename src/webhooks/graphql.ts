import { requireWhatsAppEntitlement } from '../credentials/service.js';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { GraphQLError } from 'graphql';
import { decodeCredentialId } from '../credentials/graphql.js';
import { builder } from '../graphql/builder.js';
import { pageWindow, toConnection } from '../graphql/connection.js';
import { ConflictError, EntitlementError, NotFoundError, ValidationError } from '../graphql/errors.js';
import {
  decodeDeliveryId,
  decodeWebhookId,
  DeletedWebhookRef,
  KeywordRuleInputRef,
  KeywordTestResultRef,
  WEBHOOK_TYPE,
  WhatsAppWebhookDeliveryRef,
  WhatsAppWebhookRef,
} from './graphql-types.js';
import { replayDelivery } from './processor.js';
import * as service from './service.js';

/** Root fields of the webhooks slice. Other slices reference the types exported here. */
export {
  DeliveryOutcomeEnum,
  KeywordCategoryEnum,
  WhatsAppWebhookDeliveryRef,
  WhatsAppWebhookRef,
  decodeWebhookId,
} from './graphql-types.js';

builder.queryFields((t) => ({
  whatsAppWebhooks: t.connection(
    {
      type: WhatsAppWebhookRef,
      description: 'The WhatsApp webhooks of the sandbox, newest first.',
      resolve: async (_root, args, ctx) => toConnection(await service.listWebhooks(ctx.deps, ctx.viewer, pageWindow(args))),
    },
    { name: 'WhatsAppWebhookConnection', description: 'A page of WhatsApp webhooks.' },
    { name: 'WhatsAppWebhookEdge', description: 'A WhatsApp webhook in a page.' },
  ),
  testInboundKeyword: t.field({
    type: KeywordTestResultRef,
    description:
      "Dry run: what the webhook's keyword rules would do if a user sent this text (category, reply, consent change); changes nothing.",
    args: {
      webhookId: t.arg.id({ required: true, description: 'The webhook whose rules to apply.' }),
      text: t.arg.string({ required: true, description: 'The text a user would send.' }),
    },
    resolve: async (_root, args, ctx) => {
      try {
        return { match: await service.testInboundKeyword(ctx.deps, ctx.viewer, decodeWebhookId(args.webhookId, 'webhookId'), args.text) };
      } catch (err) {
        // Like node(id): a webhook of another sandbox simply does not exist (a query has no error union).
        if (err instanceof NotFoundError) throw new GraphQLError(err.message, { extensions: { code: 'NOT_FOUND' } });
        throw err;
      }
    },
  }),
}));

const CreateInput = builder.inputType('CreateWhatsAppWebhookInput', {
  description: 'A new webhook: its credential, the app secret that signs notifications, and keyword rules.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Display name, 1-128 characters, unique in the sandbox.' }),
    apiCredentialId: t.id({ required: true, description: 'The WhatsApp API credential (not FAILED) whose number this webhook serves.' }),
    appSecret: t.string({
      required: true,
      description: "The Meta app's secret (App settings → Basic); verifies every notification. Stored encrypted, never returned.",
    }),
    keywordRules: t.field({
      type: [KeywordRuleInputRef],
      required: true,
      description: 'Keyword rules for inbound messages (may be empty).',
    }),
  }),
});

const UpdateInput = builder.inputType('UpdateWhatsAppWebhookInput', {
  description: 'New values for a webhook; omitted fields stay as they are.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'The webhook.' }),
    name: t.string({ required: false, description: 'New display name.' }),
    appSecret: t.string({ required: false, description: "New app secret (after resetting it in Meta's App Dashboard)." }),
    keywordRules: t.field({ type: [KeywordRuleInputRef], required: false, description: 'Replaces all keyword rules.' }),
  }),
});

const IdInput = (name: string, description: string, what: string) =>
  builder.inputType(name, {
    description,
    fields: (t) => ({ id: t.id({ required: true, description: what }) }),
  });

const DeleteInput = IdInput('DeleteWhatsAppWebhookInput', 'The webhook to delete.', 'The webhook.');
const RotateInput = IdInput('RotateWhatsAppWebhookVerifyTokenInput', 'The webhook whose verify token to replace.', 'The webhook.');
const ReplayInput = IdInput('ReplayWhatsAppWebhookDeliveryInput', 'The stored delivery to process again.', 'The delivery.');

builder.mutationFields((t) => ({
  createWhatsAppWebhook: t.field({
    type: WhatsAppWebhookRef,
    description: 'Creates a webhook: returns the callback URL and verify token to paste into Meta.',
    args: { input: t.arg({ type: CreateInput, required: true }) },
    errors: { types: [ValidationError, NotFoundError, ConflictError, EntitlementError] },
    resolve: (_root, { input }, ctx) => {
      requireWhatsAppEntitlement(ctx.viewer);
      return service.createWebhook(ctx.deps, ctx.viewer, {
        ...input,
        apiCredentialId: decodeCredentialId(input.apiCredentialId, 'input.apiCredentialId'),
      });
    },
  }),
  updateWhatsAppWebhook: t.field({
    type: WhatsAppWebhookRef,
    description: 'Renames the webhook, replaces its app secret and/or its keyword rules.',
    args: { input: t.arg({ type: UpdateInput, required: true }) },
    errors: { types: [ValidationError, NotFoundError, ConflictError, EntitlementError] },
    resolve: (_root, { input }, ctx) => {
      requireWhatsAppEntitlement(ctx.viewer);
      return service.updateWebhook(ctx.deps, ctx.viewer, { ...input, id: decodeWebhookId(input.id) });
    },
  }),
  deleteWhatsAppWebhook: t.field({
    type: DeletedWebhookRef,
    description: 'Deletes the webhook and its stored deliveries; its callback URL answers 404 afterwards.',
    args: { input: t.arg({ type: DeleteInput, required: true }) },
    errors: { types: [NotFoundError, EntitlementError] },
    resolve: async (_root, { input }, ctx) => {
      requireWhatsAppEntitlement(ctx.viewer);
      const deleted = await service.deleteWebhook(ctx.deps, ctx.viewer, decodeWebhookId(input.id));
      return { id: encodeGlobalID(WEBHOOK_TYPE, deleted.id), name: deleted.name };
    },
  }),
  rotateWhatsAppWebhookVerifyToken: t.field({
    type: WhatsAppWebhookRef,
    description: "Issues a new verify token; the old one stops working at once. Paste the new one into Meta's App Dashboard.",
    args: { input: t.arg({ type: RotateInput, required: true }) },
    errors: { types: [NotFoundError, EntitlementError] },
    resolve: (_root, { input }, ctx) => {
      requireWhatsAppEntitlement(ctx.viewer);
      return service.rotateVerifyToken(ctx.deps, ctx.viewer, decodeWebhookId(input.id));
    },
  }),
  replayWhatsAppWebhookDelivery: t.field({
    type: WhatsAppWebhookDeliveryRef,
    description: 'Processes a stored delivery again; idempotent (messages and statuses already applied are not applied twice).',
    args: { input: t.arg({ type: ReplayInput, required: true }) },
    errors: { types: [NotFoundError, EntitlementError] },
    resolve: async (_root, { input }, ctx) => {
      requireWhatsAppEntitlement(ctx.viewer);
      return replayDelivery(ctx.deps, ctx.viewer, decodeDeliveryId(input.id));
    },
  }),
}));

/**
 * Fields read only from the webhook's row and the configuration (see channel-configurations/graphql.ts,
 * cacheableFields). Not lastEventAt: it moves with every delivery and is left out of the version on purpose.
 */
export const cacheableFields = [
  'id',
  'name',
  'apiCredential',
  'callbackUrl',
  'appSecretLast4',
  'standardConsentMessagesEnabled',
  'verifiedAt',
  'createdAt',
  'updatedAt',
].map((f) => `WhatsAppWebhook.${f}`);
