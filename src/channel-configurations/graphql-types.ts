import DataLoader from 'dataloader';
import { WhatsAppApiCredentialRef } from '../credentials/graphql.js';
import { findCredentials } from '../credentials/service.js';
import { builder } from '../graphql/builder.js';
import type { GraphQLContext } from '../graphql/context.js';
import { decodeId, decodeIds } from '../graphql/ids.js';
import { loadRef, pageRef, pageRefs, perPage, perRequest, sandboxed, whenLoaded, type BatchSource } from '../graphql/loaders.js';
import { TrackingEventRef, WhatsAppMessageRef } from '../messages/graphql.js';
import { MarketingActionRef } from '../settings/graphql.js';
import { findMarketingActions, getGeneralSettingsNow, type GeneralSettings } from '../settings/service.js';
import { WhatsAppWebhookRef } from '../webhooks/graphql.js';
import { findWebhooks } from '../webhooks/service.js';
import * as service from './service.js';
import type { ChannelConfigurationRecord, ConfigurationCheckView } from './service.js';
import type { Channel, CheckStatus, ConfigurationStatus } from './tables.js';

/** The GraphQL types of channel configurations (root fields are in graphql.ts). */

export const TYPE_NAME = 'ChannelConfiguration';
/** A global id of a channel configuration → its raw id; malformed or another type is BAD_USER_INPUT (graphql/ids.ts). */
export function decodeChannelConfigurationId(globalId: string, argument = 'input.id'): string {
  return decodeId(globalId, TYPE_NAME, argument);
}

/**
 * A referenced object's global id → raw id, by the rule of graphql/ids.ts. undefined stays
 * undefined (unchanged); null or a blank string is "none" (drafts may clear a reference).
 */
export function decodeReference(globalId: string | null | undefined, typename: string, argument: string): string | null | undefined {
  if (globalId === undefined || globalId === null) return globalId;
  if (globalId.trim() === '') return null;
  return decodeId(globalId, typename, argument);
}

export function decodeReferences(
  globalIds: readonly string[] | null | undefined,
  typename: string,
  argument: string,
): string[] | null | undefined {
  if (globalIds === undefined || globalIds === null) return globalIds;
  return decodeIds(globalIds, typename, argument);
}

// ---- per-request loaders -----------------------------------------------------------

// References load once per page through the kernel's loaders (graphql/loaders.ts), sandbox guard included.
const credentialSource = sandboxed('whatsapp-api-credential', findCredentials);
const webhookSource = sandboxed('whatsapp-webhook', findWebhooks);
const marketingActionSource = sandboxed('marketing-action', findMarketingActions);
const generalSettingsSource: BatchSource<string, GeneralSettings> = {
  name: 'channel-general-settings',
  load: (deps, sandboxId) => whenLoaded(getGeneralSettingsNow(deps, sandboxId), (settings) => [settings]),
  keyOf: (row) => row.sandboxId,
};

const configurationSource = sandboxed('channel-configuration', service.findChannelConfigurations);

// Batching only, no cache: a subscription reuses its context for every event, and each event must see fresh rows.
function checksLoaderOf(ctx: GraphQLContext): DataLoader<ChannelConfigurationRecord, ConfigurationCheckView[]> {
  return perRequest(
    ctx,
    'channel-configuration-checks',
    () =>
      new DataLoader<ChannelConfigurationRecord, ConfigurationCheckView[]>(
        async (records) => {
          const checks = await checksByRecord(ctx, records);
          return records.map((r) => checks.get(r)!);
        },
        { cache: false },
      ),
  );
}

/** The checks of the current run of each record, in one statement. */
function checksByRecord(
  ctx: GraphQLContext,
  records: readonly ChannelConfigurationRecord[],
): Map<ChannelConfigurationRecord, ConfigurationCheckView[]> | Promise<Map<ChannelConfigurationRecord, ConfigurationCheckView[]>> {
  return whenLoaded(service.checksOfMany(ctx.deps, [...records]), (checks) => {
    const byRun = new Map<string, ConfigurationCheckView[]>();
    for (const check of checks) {
      const key = `${check.configurationId}#${check.run}`;
      const list = byRun.get(key);
      if (list) list.push(check);
      else byRun.set(key, [check]);
    }
    return new Map(records.map((r) => [r, byRun.get(`${r.id}#${r.checkRun}`) ?? []]));
  });
}

/** The sandbox default execution field of a row without its own, for its whole page at once. */
function sandboxExecutionField(ctx: GraphQLContext, r: ChannelConfigurationRecord): string | Promise<string> {
  const settings = pageRef(ctx, generalSettingsSource, r, (c) => (c.executionField == null ? c.sandboxId : null));
  return whenLoaded(settings, (s) => s?.whatsAppExecutionField ?? service.effectiveExecutionField(ctx.deps, r)) as string | Promise<string>;
}

/** The caller's sandbox-scoped loader: a configuration of another sandbox (or a deleted one) is null. */
export function loadChannelConfiguration(ctx: GraphQLContext, id: string | null | undefined): Promise<ChannelConfigurationRecord | null> {
  return loadRef(ctx, configurationSource, id);
}

// ---- types -------------------------------------------------------------------------

export const ChannelEnum = builder.enumType('Channel', {
  description: 'A messaging channel.',
  values: { WHATSAPP: { description: 'WhatsApp, through the WhatsApp Business Cloud API.' } } as const satisfies Record<Channel, unknown>,
});

export const ChannelConfigurationStatusEnum = builder.enumType('ChannelConfigurationStatus', {
  description: 'Where a channel configuration stands.',
  values: {
    DRAFT: { description: 'Saved, possibly incomplete; not checked and not usable until submitted.' },
    PROCESSING: { description: 'The readiness checks are running; changes to ACTIVE or FAILED on its own.' },
    ACTIVE: { description: 'Every readiness check passed: messages can be sent through it.' },
    FAILED: { description: 'A readiness check failed (see checks and statusReason); fix the cause and submit again.' },
    DEACTIVATED: { description: 'Turned off by an administrator: nothing is sent through it until it is reactivated.' },
  } as const satisfies Record<ConfigurationStatus, unknown>,
});

export const CheckStatusEnum = builder.enumType('CheckStatus', {
  description: 'The outcome of one readiness check.',
  values: {
    PENDING: { description: 'Not decided yet: running, waiting for Meta, or not run because an earlier check failed.' },
    PASSED: { description: 'The check passed; message may still carry a note.' },
    FAILED: { description: 'The check failed; message says why and remedy what to do.' },
  } as const satisfies Record<CheckStatus, unknown>,
});

export const ConfigurationCheckRef = builder.objectRef<ConfigurationCheckView>('ConfigurationCheck').implement({
  description: 'One readiness check of a channel configuration, from its latest run.',
  fields: (t) => ({
    name: t.exposeString('name', {
      description: 'CREDENTIAL_ACTIVE, SENDER_NUMBER, APP_SUBSCRIBED, WEBHOOK, EXECUTION_FIELD or MARKETING_ACTIONS.',
    }),
    status: t.field({ type: CheckStatusEnum, description: 'PENDING, PASSED or FAILED.', resolve: (c) => c.status }),
    message: t.exposeString('message', { nullable: true, description: 'What the check found.' }),
    remedy: t.exposeString('remedy', { nullable: true, description: 'What to do when it failed.' }),
    checkedAt: t.expose('checkedAt', { type: 'DateTime', nullable: true, description: 'When it was decided; null while PENDING.' }),
  }),
});

export const WhatsAppChannelSettingsRef = builder.objectRef<ChannelConfigurationRecord>('WhatsAppChannelSettings').implement({
  description: 'The WhatsApp side of a channel configuration.',
  fields: (t) => ({
    apiCredential: t.field({
      type: WhatsAppApiCredentialRef,
      nullable: true,
      description: 'The WhatsApp API credential messages are sent with; null only in a DRAFT saved without one.',
      resolve: (r, _args, ctx) => pageRef(ctx, credentialSource, r, (c) => c.credentialId),
    }),
    webhook: t.field({
      type: WhatsAppWebhookRef,
      nullable: true,
      description: 'The webhook that receives inbound messages and delivery reports; null when none is set.',
      resolve: (r, _args, ctx) => pageRef(ctx, webhookSource, r, (c) => c.webhookId),
    }),
    senderPhoneNumber: t.exposeString('senderPhoneNumber', {
      nullable: true,
      description: 'The sender number in E.164, e.g. +14155550123; null only in a DRAFT saved without one.',
    }),
    executionField: t.exposeString('executionField', {
      nullable: true,
      description: "Profile attribute path holding the recipient's number; null = the sandbox default (channelGeneralSettings).",
    }),
    effectiveExecutionField: t.string({
      description: 'The execution field in force: executionField, or the sandbox default when it is null.',
      // Only rows without their own field need the sandbox default.
      resolve: (r, _args, ctx) => r.executionField ?? sandboxExecutionField(ctx, r),
    }),
  }),
});

export const ChannelConfigurationRef = builder.node(builder.objectRef<ChannelConfigurationRecord>(TYPE_NAME), {
  description:
    'What messages are sent through: channel, credential, sender number, execution field and marketing actions, checked for readiness.',
  id: { resolve: (r) => r.id },
  authScopes: (r) => ({ sandbox: r.sandboxId }),
  runScopesOnType: true,
  loadMany: async (ids, ctx) => {
    const rows = await service.findChannelConfigurations(ctx.deps, ctx.viewer.sandboxId, ids as string[]);
    return ids.map((id) => rows.find((r) => r.id === id) ?? null);
  },
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Name: starts with a letter; letters, digits, "_", "." and "-"; unique in the sandbox.' }),
    description: t.exposeString('description', { nullable: true, description: 'What the configuration is for.' }),
    channel: t.field({ type: ChannelEnum, description: 'The channel (WHATSAPP).', resolve: (r) => r.channel }),
    marketingActions: t.field({
      type: [MarketingActionRef],
      description: 'The marketing actions (consent policies) applied to sends through this configuration.',
      resolve: (r, _args, ctx) => pageRefs(ctx, marketingActionSource, r, (c) => c.marketingActionIds),
    }),
    whatsApp: t.field({ type: WhatsAppChannelSettingsRef, description: 'The WhatsApp settings.', resolve: (r) => r }),
    status: t.field({
      type: ChannelConfigurationStatusEnum,
      description: 'DRAFT, PROCESSING, ACTIVE, FAILED or DEACTIVATED.',
      resolve: (r) => r.status,
    }),
    statusReason: t.exposeString('statusReason', {
      nullable: true,
      description: 'Why it is in its status: the failed checks, what PROCESSING waits for, or who deactivated it.',
    }),
    checks: t.field({
      type: [ConfigurationCheckRef],
      description: 'The readiness checks of the latest run, in order; empty for a draft never submitted.',
      resolve: (r, _args, ctx) =>
        perPage(
          r,
          'channel-configuration-checks',
          (rows) => checksByRecord(ctx, rows),
          () => checksLoaderOf(ctx).load(r),
        ),
    }),
    statusChangedAt: t.expose('statusChangedAt', { type: 'DateTime', description: 'When the status last changed.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it last changed.' }),
  }),
});

export const DeletedRef = builder.objectRef<{ id: string; name: string }>('DeletedChannelConfiguration').implement({
  description: 'The channel configuration that was deleted.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Its global id.' }),
    name: t.exposeString('name', { description: 'Its name.' }),
  }),
});

export interface StatusEventItem {
  channelConfiguration: ChannelConfigurationRecord;
  previousStatus: ConfigurationStatus | null;
  status: ConfigurationStatus;
  at: Date;
  statusVersion: number;
}

export const StatusEventRef = builder.objectRef<StatusEventItem>('ChannelConfigurationStatusEvent').implement({
  description: 'A channel configuration status: the current one first, then every transition.',
  fields: (t) => ({
    channelConfiguration: t.field({
      type: ChannelConfigurationRef,
      description: 'The configuration as it is now (with its checks).',
      resolve: (e) => e.channelConfiguration,
    }),
    previousStatus: t.field({
      type: ChannelConfigurationStatusEnum,
      nullable: true,
      description: 'The status before; null for a new configuration.',
      resolve: (e) => e.previousStatus,
    }),
    status: t.field({ type: ChannelConfigurationStatusEnum, description: 'The status it moved to.', resolve: (e) => e.status }),
    at: t.expose('at', { type: 'DateTime', description: 'When it moved.' }),
  }),
});

// The messaging slice's types point back at the configuration they went through (contract §4).
builder.objectField(WhatsAppMessageRef, 'channelConfiguration', (t) =>
  t.field({
    type: ChannelConfigurationRef,
    nullable: true,
    description: 'The channel configuration it was sent through; null for inbound traffic or a deleted configuration.',
    resolve: (m, _args, ctx) => loadChannelConfiguration(ctx, m.channelConfigurationId),
  }),
);
builder.objectField(TrackingEventRef, 'channelConfiguration', (t) =>
  t.field({
    type: ChannelConfigurationRef,
    nullable: true,
    description: 'The channel configuration of the message concerned; null when none (or it was deleted).',
    resolve: (e, _args, ctx) => loadChannelConfiguration(ctx, e.channelConfigurationId),
  }),
);
