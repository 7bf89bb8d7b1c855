import { builder } from '../graphql/builder.js';
import { WHATSAPP_ENTITLEMENT } from '../core/entitlements.js';
import { requireEntitlement } from '../platform/tenancy/viewer.js';
import { ConflictError, EntitlementError, ValidationError } from '../graphql/errors.js';
import * as service from './service.js';
import type { MarketingActionRecord } from './store.js';

export const ConsentPolicyRef = builder.objectRef<{ attribute: string; allowedValues: string[] }>('ConsentPolicy').implement({
  description: 'A rule a profile must pass before a message under this marketing action is sent.',
  fields: (t) => ({
    attribute: t.exposeString('attribute', {
      description: 'Profile attribute path that holds the consent, e.g. consents.marketing.whatsApp.val.',
    }),
    allowedValues: t.exposeStringList('allowedValues', { description: 'Values of that attribute that allow sending.' }),
  }),
});

export const MarketingActionRef = builder.node(builder.objectRef<MarketingActionRecord>('MarketingAction'), {
  description: 'A consent policy label attached to channel configurations (e.g. WhatsApp marketing).',
  id: { resolve: (row) => row.id },
  authScopes: (row) => ({ sandbox: row.sandboxId }),
  runScopesOnType: true,
  loadMany: async (ids, ctx) => {
    const rows = await service.findMarketingActions(ctx.deps, ctx.viewer.sandboxId, ids as string[]);
    return ids.map((id) => rows.find((r) => r.id === id) ?? null);
  },
  fields: (t) => ({
    key: t.exposeString('key', { description: 'Stable identifier, e.g. whatsapp_marketing.' }),
    name: t.exposeString('name', { description: 'Display name.' }),
    description: t.exposeString('description', { nullable: true, description: 'What the action covers.' }),
    consentPolicy: t.field({
      type: ConsentPolicyRef,
      nullable: true,
      description: 'The consent rule a profile must pass; null when only opt-outs apply.',
      resolve: (row) => row.consentPolicy,
    }),
  }),
});

export const ChannelGeneralSettingsRef = builder.objectRef<service.GeneralSettings>('ChannelGeneralSettings').implement({
  description: 'Sandbox-level defaults for channel configurations.',
  fields: (t) => ({
    whatsAppExecutionField: t.exposeString('whatsAppExecutionField', {
      description: "Profile attribute path used for the recipient's phone number unless a channel configuration overrides it.",
    }),
  }),
});

builder.queryFields((t) => ({
  channelGeneralSettings: t.field({
    type: ChannelGeneralSettingsRef,
    description: 'The sandbox defaults for channel configurations.',
    resolve: (_root, _args, ctx) => service.getGeneralSettings(ctx.deps, ctx.viewer.sandboxId),
  }),
  marketingActions: t.field({
    type: [MarketingActionRef],
    description: 'The sandbox catalog of marketing actions (consent policies).',
    resolve: (_root, _args, ctx) => service.listMarketingActions(ctx.deps, ctx.viewer),
  }),
}));

const ConsentPolicyInput = builder.inputType('ConsentPolicyInput', {
  description: 'A consent rule: the attribute and its allowed values.',
  fields: (t) => ({
    attribute: t.string({ required: true, description: 'Profile attribute path.' }),
    allowedValues: t.stringList({ required: true, description: 'Values that allow sending.' }),
  }),
});

const CreateMarketingActionInput = builder.inputType('CreateMarketingActionInput', {
  description: 'A new marketing action for the sandbox catalog.',
  fields: (t) => ({
    key: t.string({ required: true, description: 'Stable identifier: lower-case letters, digits, "_".' }),
    name: t.string({ required: true, description: 'Display name.' }),
    description: t.string({ required: false, description: 'What the action covers.' }),
    consentPolicy: t.field({ type: ConsentPolicyInput, required: false, description: 'Consent rule; omit when only opt-outs apply.' }),
  }),
});

const UpdateChannelGeneralSettingsInput = builder.inputType('UpdateChannelGeneralSettingsInput', {
  description: 'New sandbox defaults.',
  fields: (t) => ({
    whatsAppExecutionField: t.string({ required: true, description: 'Dotted profile attribute path, e.g. mobilePhone.number.' }),
  }),
});

builder.mutationFields((t) => ({
  createMarketingAction: t.field({
    type: MarketingActionRef,
    description: 'Adds a marketing action to the sandbox catalog.',
    args: { input: t.arg({ type: CreateMarketingActionInput, required: true }) },
    // Configuring WhatsApp needs cjm_whatsapp like every other WhatsApp mutation (issue 12 point 14).
    errors: { types: [ValidationError, ConflictError, EntitlementError] },
    resolve: (_root, { input }, ctx) => {
      requireEntitlement(ctx.viewer, WHATSAPP_ENTITLEMENT);
      return service.createMarketingAction(ctx.deps, ctx.viewer, input);
    },
  }),
  updateChannelGeneralSettings: t.field({
    type: ChannelGeneralSettingsRef,
    description: 'Changes the sandbox defaults (the WhatsApp execution field).',
    args: { input: t.arg({ type: UpdateChannelGeneralSettingsInput, required: true }) },
    errors: { types: [ValidationError, EntitlementError] },
    resolve: (_root, { input }, ctx) => {
      requireEntitlement(ctx.viewer, WHATSAPP_ENTITLEMENT);
      return service.updateGeneralSettings(ctx.deps, ctx.viewer, input);
    },
  }),
}));

/** Fields read only from versioned configuration tables (see channel-configurations/graphql.ts, cacheableFields). */
export const cacheableFields = ['id', 'key', 'name', 'description'].map((f) => `MarketingAction.${f}`);
