import { whenLoaded } from '../graphql/loaders.js';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { GraphQLError } from 'graphql';
import { requireWhatsAppEntitlement } from '../credentials/service.js';
import { builder } from '../graphql/builder.js';
import { pageWindow, toConnection } from '../graphql/connection.js';
import type { GraphQLContext } from '../graphql/context.js';
import { ConflictError, EntitlementError, InvalidStateError, NotFoundError, ValidationError } from '../graphql/errors.js';
import { liveStream } from '../graphql/live.js';
import {
  ChannelConfigurationRef,
  ChannelConfigurationStatusEnum,
  ChannelEnum,
  decodeChannelConfigurationId,
  decodeReference,
  decodeReferences,
  DeletedRef,
  StatusEventRef,
  TYPE_NAME,
  type StatusEventItem,
} from './graphql-types.js';
import * as service from './service.js';
import type { ChannelConfigurationRecord } from './service.js';

/** Root fields of channel configurations (other slices use the types in graphql-types.ts). */

// ---- queries -------------------------------------------------------------------------

/** Longer than any name can be (names are at most 128 characters). */
export const SEARCH_MAX_LENGTH = 200;

builder.queryFields((t) => ({
  channelConfigurations: t.connection(
    {
      type: ChannelConfigurationRef,
      description: 'The channel configurations of the sandbox, newest first.',
      args: {
        status: t.arg({ type: ChannelConfigurationStatusEnum, required: false, description: 'Only configurations in this status.' }),
        channel: t.arg({ type: ChannelEnum, required: false, description: 'Only configurations of this channel.' }),
        search: t.arg.string({
          required: false,
          description: `Only names containing this text (ignoring case; % and _ match themselves). At most ${SEARCH_MAX_LENGTH} characters.`,
        }),
      },
      resolve: (_root, args, ctx) => {
        // Names are short; a longer text cannot match and a huge one would exceed SQLite's LIKE pattern limit.
        if (args.search && args.search.trim().length > SEARCH_MAX_LENGTH) {
          throw new GraphQLError(`search: at most ${SEARCH_MAX_LENGTH} characters.`, {
            extensions: { code: 'BAD_USER_INPUT', argument: 'search' },
          });
        }
        // A page read at once (SQLite) completes synchronously; otherwise when its promise does.
        return whenLoaded(
          service.listChannelConfigurations(ctx.deps, ctx.viewer, pageWindow(args), {
            status: args.status,
            channel: args.channel,
            search: args.search,
          }),
          toConnection,
        );
      },
    },
    { name: 'ChannelConfigurationConnection', description: 'A page of channel configurations.' },
    { name: 'ChannelConfigurationEdge', description: 'A channel configuration in a page.' },
  ),
}));

// ---- mutations -----------------------------------------------------------------------

const SettingsInput = builder.inputType('WhatsAppChannelSettingsInput', {
  description:
    'The WhatsApp settings. To submit, apiCredentialId and senderPhoneNumber are required; a draft may leave them out. In an update, a field left out stays as it is and null clears it.',
  fields: (t) => ({
    apiCredentialId: t.id({ required: false, description: 'The WhatsApp API credential (its global id) to send with.' }),
    webhookId: t.id({
      required: false,
      description: 'The WhatsApp webhook (its global id) for inbound messages and delivery reports; optional.',
    }),
    senderPhoneNumber: t.string({
      required: false,
      description: 'The sender number with its country code; "+", spaces, dashes, dots and parentheses are accepted, stored as E.164.',
    }),
    executionField: t.string({
      required: false,
      description: "Profile attribute path holding the recipient's number, e.g. mobilePhone.number; null = the sandbox default.",
    }),
  }),
});

const CreateInput = builder.inputType('CreateChannelConfigurationInput', {
  description: 'A new channel configuration: submitted for checking, or saved as a draft.',
  fields: (t) => ({
    name: t.string({
      required: true,
      description: 'Starts with a letter; letters, digits, "_", "." and "-"; 1-128 characters; unique in the sandbox.',
    }),
    description: t.string({ required: false, description: 'What it is for; at most 1000 characters.' }),
    channel: t.field({ type: ChannelEnum, required: true, description: 'The channel (WHATSAPP).' }),
    marketingActionIds: t.idList({ required: false, description: 'Marketing actions (global ids) whose consent policies apply.' }),
    whatsApp: t.field({ type: SettingsInput, required: true, description: 'The WhatsApp settings.' }),
    saveAsDraft: t.boolean({
      required: false,
      description: 'True keeps it in DRAFT (incomplete settings allowed, nothing checked); otherwise it is submitted (PROCESSING).',
    }),
  }),
});

const UpdateInput = builder.inputType('UpdateChannelConfigurationInput', {
  description:
    'Changes to a channel configuration; fields left out stay as they are. Changing checked settings of a submitted one checks it again.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'The configuration.' }),
    name: t.string({ required: false, description: 'New name.' }),
    description: t.string({ required: false, description: 'New description; null clears it.' }),
    channel: t.field({ type: ChannelEnum, required: false, description: 'The channel (WHATSAPP).' }),
    marketingActionIds: t.idList({ required: false, description: 'The new list of marketing actions; null or [] removes them all.' }),
    whatsApp: t.field({ type: SettingsInput, required: false, description: 'Changes to the WhatsApp settings.' }),
  }),
});

const idInput = (name: string, description: string) =>
  builder.inputType(name, { description, fields: (t) => ({ id: t.id({ required: true, description: 'The configuration.' }) }) });
const SubmitInput = idInput('SubmitChannelConfigurationInput', 'The DRAFT or FAILED configuration to submit for checking.');
const DeactivateInput = idInput('DeactivateChannelConfigurationInput', 'The configuration to deactivate.');
const ReactivateInput = idInput('ReactivateChannelConfigurationInput', 'The DEACTIVATED configuration to check and turn on again.');
const DeleteInput = idInput('DeleteChannelConfigurationInput', 'The configuration to delete.');

function settingsOf(input: {
  apiCredentialId?: string | null;
  webhookId?: string | null;
  senderPhoneNumber?: string | null;
  executionField?: string | null;
}): service.WhatsAppSettingsInput {
  return {
    apiCredentialId: decodeReference(input.apiCredentialId, 'WhatsAppApiCredential', 'input.whatsApp.apiCredentialId'),
    webhookId: decodeReference(input.webhookId, 'WhatsAppWebhook', 'input.whatsApp.webhookId'),
    senderPhoneNumber: input.senderPhoneNumber,
    executionField: input.executionField,
  };
}

builder.mutationFields((t) => ({
  createChannelConfiguration: t.field({
    type: ChannelConfigurationRef,
    description:
      'Creates a channel configuration: saveAsDraft keeps it in DRAFT; otherwise it is submitted (PROCESSING, then ACTIVE or FAILED).',
    args: { input: t.arg({ type: CreateInput, required: true }) },
    errors: { types: [ValidationError, ConflictError, EntitlementError] },
    resolve: (_root, { input }, ctx) => {
      requireWhatsAppEntitlement(ctx.viewer);
      return service.createChannelConfiguration(ctx.deps, ctx.viewer, {
        name: input.name,
        description: input.description,
        channel: input.channel,
        marketingActionIds: decodeReferences(input.marketingActionIds, 'MarketingAction', 'input.marketingActionIds'),
        whatsApp: settingsOf(input.whatsApp),
        saveAsDraft: input.saveAsDraft,
      });
    },
  }),
  updateChannelConfiguration: t.field({
    type: ChannelConfigurationRef,
    description:
      'Edits a configuration. A DRAFT stays a DRAFT; a submitted one whose checked settings change is checked again (PROCESSING).',
    args: { input: t.arg({ type: UpdateInput, required: true }) },
    errors: { types: [ValidationError, NotFoundError, ConflictError, EntitlementError] },
    resolve: (_root, { input }, ctx) => {
      requireWhatsAppEntitlement(ctx.viewer);
      return service.updateChannelConfiguration(ctx.deps, ctx.viewer, {
        id: decodeChannelConfigurationId(input.id),
        name: input.name,
        description: input.description,
        channel: input.channel,
        marketingActionIds: decodeReferences(input.marketingActionIds, 'MarketingAction', 'input.marketingActionIds'),
        whatsApp: input.whatsApp ? settingsOf(input.whatsApp) : input.whatsApp,
      });
    },
  }),
  submitChannelConfiguration: t.field({
    type: ChannelConfigurationRef,
    description: 'Submits a DRAFT or FAILED configuration: PROCESSING while the readiness checks run, then ACTIVE or FAILED.',
    args: { input: t.arg({ type: SubmitInput, required: true }) },
    errors: { types: [ValidationError, NotFoundError, InvalidStateError, EntitlementError] },
    resolve: (_root, { input }, ctx) => {
      requireWhatsAppEntitlement(ctx.viewer);
      return service.submitChannelConfiguration(ctx.deps, ctx.viewer, decodeChannelConfigurationId(input.id));
    },
  }),
  deactivateChannelConfiguration: t.field({
    type: ChannelConfigurationRef,
    description: 'Turns a configuration off (ACTIVE → DEACTIVATED): nothing is sent through it until it is reactivated.',
    args: { input: t.arg({ type: DeactivateInput, required: true }) },
    errors: { types: [NotFoundError, InvalidStateError, EntitlementError] },
    resolve: (_root, { input }, ctx) => {
      requireWhatsAppEntitlement(ctx.viewer);
      return service.deactivateChannelConfiguration(ctx.deps, ctx.viewer, decodeChannelConfigurationId(input.id));
    },
  }),
  reactivateChannelConfiguration: t.field({
    type: ChannelConfigurationRef,
    description: 'Turns a DEACTIVATED configuration on again: PROCESSING while it is checked, then ACTIVE or FAILED.',
    args: { input: t.arg({ type: ReactivateInput, required: true }) },
    errors: { types: [ValidationError, NotFoundError, InvalidStateError, EntitlementError] },
    resolve: (_root, { input }, ctx) => {
      requireWhatsAppEntitlement(ctx.viewer);
      return service.reactivateChannelConfiguration(ctx.deps, ctx.viewer, decodeChannelConfigurationId(input.id));
    },
  }),
  deleteChannelConfiguration: t.field({
    type: DeletedRef,
    description: 'Deletes a configuration in any status, with its checks.',
    args: { input: t.arg({ type: DeleteInput, required: true }) },
    errors: { types: [NotFoundError, EntitlementError] },
    resolve: async (_root, { input }, ctx) => {
      requireWhatsAppEntitlement(ctx.viewer);
      const deleted = await service.deleteChannelConfiguration(ctx.deps, ctx.viewer, decodeChannelConfigurationId(input.id));
      return { id: encodeGlobalID(TYPE_NAME, deleted.id), name: deleted.name };
    },
  }),
}));

// ---- subscriptions ---------------------------------------------------------------------

function statusItem(r: ChannelConfigurationRecord): StatusEventItem {
  return {
    channelConfiguration: r,
    previousStatus: r.previousStatus,
    status: r.status,
    at: r.statusChangedAt,
    statusVersion: r.statusVersion,
  };
}

/** A malformed id is BAD_USER_INPUT (graphql/ids.ts); an id not in the caller's sandbox is NOT_FOUND. */
async function subscribedId(ctx: GraphQLContext, raw: string | null | undefined): Promise<string | null> {
  if (raw === null || raw === undefined) return null;
  const id = decodeChannelConfigurationId(raw, 'id');
  if (!(await service.getChannelConfiguration(ctx.deps, ctx.viewer.sandboxId, id))) {
    throw new GraphQLError('Channel configuration not found', { extensions: { code: 'NOT_FOUND' } });
  }
  return id;
}

builder.subscriptionFields((t) => ({
  channelConfigurationStatusChanged: t.field({
    type: StatusEventRef,
    description: 'The current status first, then every transition, for one configuration or (no id) every configuration of the sandbox.',
    args: { id: t.arg.id({ required: false, description: 'One configuration; omit for all.' }) },
    subscribe: async (_root, args, ctx) => {
      const id = await subscribedId(ctx, args.id);
      const sandboxId = ctx.viewer.sandboxId;
      return liveStream({
        // Registered before the current state is read, so nothing in between is lost.
        events: ctx.deps.pubsub.subscribe(sandboxId, 'channel-configuration:status-changed'),
        initial: async () => {
          if (!id) return (await service.listAllChannelConfigurations(ctx.deps, sandboxId)).map(statusItem);
          const r = await service.getChannelConfiguration(ctx.deps, sandboxId, id);
          return r ? [statusItem(r)] : [];
        },
        fromEvent: async (e) => {
          if (id && e.channelConfigurationId !== id) return null;
          const channelConfiguration = await service.getChannelConfiguration(ctx.deps, sandboxId, e.channelConfigurationId);
          if (!channelConfiguration) return null;
          return {
            channelConfiguration,
            previousStatus: e.previousStatus,
            status: e.status,
            at: new Date(e.at),
            statusVersion: e.statusVersion,
          };
        },
        key: (item) => item.channelConfiguration.id,
        version: (item) => item.statusVersion,
      });
    },
    resolve: (item) => item,
  }),
}));

/**
 * Fields read only from the versioned configuration tables (drizzle/0004_read_versions.sql): a query made of these
 * alone may be answered from the response cache (graphql/response-cache.ts).
 */
export const cacheableFields = [
  'Query.channelConfigurations',
  ...['edges', 'nodes', 'pageInfo', 'totalCount'].map((f) => `ChannelConfigurationConnection.${f}`),
  ...['cursor', 'node'].map((f) => `ChannelConfigurationEdge.${f}`),
  ...[
    'id',
    'name',
    'description',
    'channel',
    'marketingActions',
    'whatsApp',
    'status',
    'statusReason',
    'checks',
    'statusChangedAt',
    'createdAt',
    'updatedAt',
  ].map((f) => `ChannelConfiguration.${f}`),
  ...['name', 'status', 'message', 'remedy', 'checkedAt'].map((f) => `ConfigurationCheck.${f}`),
  ...['apiCredential', 'webhook', 'senderPhoneNumber', 'executionField', 'effectiveExecutionField'].map(
    (f) => `WhatsAppChannelSettings.${f}`,
  ),
];
