import { GraphQLError } from 'graphql';
import {
  ChannelConfigurationRef,
  decodeChannelConfigurationId,
  loadChannelConfiguration,
} from '../channel-configurations/graphql-types.js';
import { requireWhatsAppEntitlement } from '../credentials/service.js';
import { builder } from '../graphql/builder.js';
import { pageWindow, toConnection } from '../graphql/connection.js';
import type { GraphQLContext } from '../graphql/context.js';
import { decodeId } from '../graphql/ids.js';
import { AccountBlockedError, EntitlementError, InvalidStateError, NotFoundError, ValidationError } from '../graphql/errors.js';
import { MessageStatusEnum, WhatsAppMessageRef } from '../messages/graphql.js';
import * as messages from '../messages/service.js';
import * as batches from './batches.js';
import { batchProgress } from './progress.js';
import { messageReport, type MessageReport } from './reports.js';
import { sendOutcomeResult } from './send-outcome.js';
import { sendWhatsAppMessage } from './single.js';
import { TemplateInputType, templateOf } from './template-inputs.js';
import { TemplateRefusedError } from '../templates/graphql.js';
import { store } from './store.js';
import type { LinkRow } from './store.js';
import type { BatchStatus } from './tables.js';

/** Sending (contract §4): sendWhatsAppMessage, batches with live progress, tracked links and the report. */

export const BATCH_TYPE = 'MessageBatch';

export const MessageBatchStatusEnum = builder.enumType('MessageBatchStatus', {
  description: 'Where a batch stands.',
  values: {
    QUEUED: { description: 'Created; sending starts in a moment.' },
    RUNNING: { description: "Sending, paced to the sender's throughput." },
    PAUSED: { description: "Waiting, not sending; statusReason says why (e.g. the sender's quality is RED). It resumes by itself." },
    COMPLETED: {
      description:
        'Every recipient was handled (sent, blocked, failed, or sent with an unknown outcome: then `unknown` counts them and statusReason says so).',
    },
    CANCELLED: { description: 'Stopped: recipients not sent by then were not sent.' },
  } as const satisfies Record<BatchStatus, unknown>,
});

const TrackedLinkRef = builder.objectRef<LinkRow>('TrackedLink').implement({
  description: 'A link of a message that was rewritten to a tracked redirect.',
  fields: (t) => ({
    url: t.exposeString('url', { description: 'The original URL the redirect leads to.' }),
    clicks: t.exposeInt('clicks', { description: 'How often it was opened (every click, repeats included).' }),
    firstClickedAt: t.expose('firstClickedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'The first click; null when never clicked.',
    }),
    lastClickedAt: t.expose('lastClickedAt', { type: 'DateTime', nullable: true, description: 'The latest click.' }),
  }),
});

export const MessageBatchRef = builder.node(builder.objectRef<batches.BatchView>(BATCH_TYPE), {
  description: 'Many messages sent with one sendWhatsAppMessages call, paced to the sender and resumable after a restart.',
  id: { resolve: (b) => b.id },
  authScopes: (b) => ({ sandbox: b.sandboxId }),
  runScopesOnType: true,
  loadMany: async (ids, ctx) => {
    const rows = await batches.findBatches(ctx.deps, ctx.viewer.sandboxId, ids as string[]);
    return ids.map((id) => rows.find((r) => r.id === id) ?? null);
  },
  fields: (t) => ({
    status: t.field({ type: MessageBatchStatusEnum, description: 'Where the batch stands.', resolve: (b) => b.status }),
    statusReason: t.exposeString('statusReason', {
      nullable: true,
      description:
        "Why it is PAUSED or CANCELLED (e.g. the sender's quality rating is RED), or, when COMPLETED, how many recipients' outcome is unknown; null otherwise.",
    }),
    total: t.exposeInt('total', { description: 'Recipients: the distinct profile ids given.' }),
    queued: t.exposeInt('queued', {
      description: 'Recipients not sent, blocked, failed or of unknown outcome yet.',
    }),
    unknown: t.exposeInt('unknown', {
      description:
        'Recipients whose send Meta never answered: waiting for a status webhook (QUEUED), or UNKNOWN once SEND_OUTCOME_UNKNOWN_DEADLINE_MS passed without one. Never resent.',
    }),
    sent: t.exposeInt('sent', { description: 'Messages Meta accepted (SENT, DELIVERED or READ).' }),
    blocked: t.exposeInt('blocked', {
      description: 'Messages refused before reaching Meta (opt-out, consent policy, no number, personalization).',
    }),
    failed: t.exposeInt('failed', { description: 'Messages Meta refused or could not deliver.' }),
    channelConfiguration: t.field({
      type: ChannelConfigurationRef,
      description: 'The channel configuration the batch sends through.',
      resolve: async (b, _args, ctx) => {
        const config = await loadChannelConfiguration(ctx, b.channelConfigurationId);
        if (!config) throw new GraphQLError('The channel configuration of this batch was deleted.', { extensions: { code: 'NOT_FOUND' } });
        return config;
      },
    }),
    text: t.string({
      nullable: true,
      description: 'The text as given, placeholders included; null for a template batch.',
      resolve: (b) => b.content.text,
    }),
    template: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The template as given (name, languageCode, parameters with placeholders); null for a text batch.',
      resolve: (b) => b.content.template,
    }),
    trackLinks: t.exposeBoolean('trackLinks', { description: 'Whether links are rewritten to tracked redirects.' }),
    marketing: t.exposeBoolean('marketing', {
      description:
        "Whether it is a marketing batch (its configuration carries a marketing action): it pauses while the sender's quality is RED.",
    }),
    messages: t.connection(
      {
        type: WhatsAppMessageRef,
        description: 'The messages of the batch so far (one per recipient once its turn came), newest first.',
        args: { status: t.arg({ type: MessageStatusEnum, required: false, description: 'Only messages with this status.' }) },
        resolve: async (b, args, ctx) =>
          toConnection(
            await messages.listMessages(ctx.deps, ctx.viewer.sandboxId, pageWindow(args), { batchId: b.id, status: args.status }),
          ),
      },
      { name: 'MessageBatchMessageConnection', description: 'A page of the messages of a batch.' },
      { name: 'MessageBatchMessageEdge', description: 'A message of a batch in a page.' },
    ),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the batch was created.' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true, description: 'When sending started.' }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true, description: 'When it COMPLETED or was CANCELLED.' }),
  }),
});

builder.objectFields(WhatsAppMessageRef, (t) => ({
  batch: t.field({
    type: MessageBatchRef,
    nullable: true,
    description: 'The batch it was sent with; null for single sends and inbound messages.',
    resolve: async (m, _args, ctx) => (m.batchId ? ((await batches.getBatch(ctx.deps, ctx.viewer.sandboxId, m.batchId)) ?? null) : null),
  }),
  trackedLinks: t.field({
    type: [TrackedLinkRef],
    description: 'Links of the message that were rewritten to tracked redirects, with their clicks.',
    resolve: (m, _args, ctx) => store.listLinks(ctx.deps.db, ctx.viewer.sandboxId, [m.id]),
  }),
}));

const MessageReportRef = builder.objectRef<MessageReport>('MessageReport').implement({
  description:
    'Outbound counts are over the messages created in the window, each counted by the furthest it got; opt-outs and inbound messages are those of the window.',
  fields: (t) => ({
    sent: t.exposeInt('sent', { description: 'Messages Meta accepted (they reached SENT; delivered and read ones included).' }),
    delivered: t.exposeInt('delivered', { description: 'Messages that reached DELIVERED or READ (a read message was delivered).' }),
    read: t.exposeInt('read', { description: 'Messages that reached READ.' }),
    failed: t.exposeInt('failed', { description: 'Messages that FAILED (refused by Meta or not deliverable).' }),
    unknown: t.exposeInt('unknown', {
      description:
        'Messages whose send Meta never answered: waiting for a status webhook, or UNKNOWN after SEND_OUTCOME_UNKNOWN_DEADLINE_MS. Never resent.',
    }),
    blocked: t.exposeInt('blocked', {
      description: 'Messages BLOCKED before reaching Meta (opt-out, consent policy, no number, personalization).',
    }),
    clicked: t.exposeInt('clicked', { description: 'Messages with at least one tracked link clicked.' }),
    optOuts: t.exposeInt('optOuts', {
      description: 'Opt-outs recorded in the window (keywords to the sender number, marketing stop, Meta error 131050).',
    }),
    inbound: t.exposeInt('inbound', {
      description: "Messages users sent in the window (to the configuration's sender number when filtered).",
    }),
    deliveryRate: t.exposeFloat('deliveryRate', {
      nullable: true,
      description: 'delivered / sent (delivered counts DELIVERED or READ); null when nothing was sent.',
    }),
    readRate: t.exposeFloat('readRate', { nullable: true, description: 'read / sent; null when nothing was sent.' }),
    clickRate: t.exposeFloat('clickRate', { nullable: true, description: 'clicked / sent; null when nothing was sent.' }),
  }),
});

// ---- inputs -----------------------------------------------------------------------------

const contentFields = {
  text: 'Free text, 1-4096 characters after personalization; {{profile.<path>}} and {{profile.<path> | default: "…"}} are filled in per recipient. Outside the 24-hour window Meta accepts only templates.',
  template: 'An approved template instead of text (exactly one of text and template).',
  trackLinks: 'Rewrite every http(s) link to a tracked redirect (PUBLIC_URL/l/<token>) that counts clicks.',
};

const SendInput = builder.inputType('SendWhatsAppMessageInput', {
  description:
    'One message through an ACTIVE channel configuration: exactly one of profileId / phoneNumber, exactly one of text / template.',
  fields: (t) => ({
    channelConfigurationId: t.id({ required: true, description: 'The ACTIVE channel configuration to send through.' }),
    profileId: t.string({ required: false, description: 'Your id of the profile; the number is read from its execution field attribute.' }),
    phoneNumber: t.string({
      required: false,
      description: 'A number with its country code instead of a profile (no profile attributes, so policies needing one fail).',
    }),
    text: t.string({ required: false, description: contentFields.text }),
    template: t.field({ type: TemplateInputType, required: false, description: contentFields.template }),
    trackLinks: t.boolean({ required: false, description: contentFields.trackLinks }),
  }),
});

const BatchInput = builder.inputType('SendWhatsAppMessagesInput', {
  description: 'The same message to many profiles: queued durably and sent paced to the sender; exactly one of text / template.',
  fields: (t) => ({
    channelConfigurationId: t.id({ required: true, description: 'The ACTIVE channel configuration to send through.' }),
    profileIds: t.stringList({ required: true, description: 'Your profile ids, 1 to 100,000 (repeats are sent once).' }),
    text: t.string({ required: false, description: contentFields.text }),
    template: t.field({ type: TemplateInputType, required: false, description: contentFields.template }),
    trackLinks: t.boolean({ required: false, description: contentFields.trackLinks }),
  }),
});

const CancelInput = builder.inputType('CancelMessageBatchInput', {
  description: 'The batch to cancel.',
  fields: (t) => ({ id: t.id({ required: true, description: 'The batch.' }) }),
});

/** A MessageBatch global id → its raw id; malformed or another type is BAD_USER_INPUT (graphql/ids.ts). */
export function decodeBatchId(globalId: string, argument = 'input.id'): string {
  return decodeId(globalId, BATCH_TYPE, argument);
}

builder.mutationFields((t) => ({
  sendWhatsAppMessage: t.field({
    type: WhatsAppMessageRef,
    description:
      'Sends one message through an ACTIVE configuration. Consent and policy are checked first (BLOCKED messages never reach Meta); returns the message once Meta answered (usually SENT), or as it stands after 15 s.',
    args: { input: t.arg({ type: SendInput, required: true }) },
    errors: {
      types: [ValidationError, NotFoundError, InvalidStateError, EntitlementError, AccountBlockedError, TemplateRefusedError],
      result: sendOutcomeResult,
    },
    resolve: (_root, { input }, ctx) => {
      requireWhatsAppEntitlement(ctx.viewer);
      return sendWhatsAppMessage(ctx.deps, ctx.viewer, {
        channelConfigurationId: decodeChannelConfigurationId(input.channelConfigurationId, 'input.channelConfigurationId'),
        profileId: input.profileId,
        phoneNumber: input.phoneNumber,
        text: input.text,
        template: templateOf(input.template),
        trackLinks: input.trackLinks,
      });
    },
  }),
  sendWhatsAppMessages: t.field({
    type: MessageBatchRef,
    description:
      "Sends one message to many profiles: a batch queued durably, paced to the sender's throughput, resumable after a restart; follow it with messageBatchProgress.",
    args: { input: t.arg({ type: BatchInput, required: true }) },
    errors: { types: [ValidationError, NotFoundError, InvalidStateError, EntitlementError, AccountBlockedError, TemplateRefusedError] },
    resolve: (_root, { input }, ctx) => {
      requireWhatsAppEntitlement(ctx.viewer);
      return batches.sendWhatsAppMessages(ctx.deps, ctx.viewer, {
        channelConfigurationId: decodeChannelConfigurationId(input.channelConfigurationId, 'input.channelConfigurationId'),
        profileIds: input.profileIds,
        text: input.text,
        template: templateOf(input.template),
        trackLinks: input.trackLinks,
      });
    },
  }),
  cancelMessageBatch: t.field({
    type: MessageBatchRef,
    description: 'Cancels a batch: nothing more is sent once it returns. Cancelling a CANCELLED batch returns it unchanged.',
    args: { input: t.arg({ type: CancelInput, required: true }) },
    errors: { types: [NotFoundError, InvalidStateError, EntitlementError] },
    resolve: (_root, { input }, ctx) => {
      requireWhatsAppEntitlement(ctx.viewer);
      const runners = ctx.deps.state.batchRunners;
      return batches.cancelMessageBatch(ctx.deps, ctx.viewer, decodeBatchId(input.id), (id) => runners.stop(id));
    },
  }),
}));

// ---- queries --------------------------------------------------------------------------------

/** A configuration filter of a query: a malformed id is BAD_USER_INPUT (graphql/ids.ts). */
function configurationFilter(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  return decodeChannelConfigurationId(raw, 'channelConfigurationId');
}

function asGraphQLError(err: unknown): never {
  if (err instanceof NotFoundError) throw new GraphQLError(err.message, { extensions: { code: 'NOT_FOUND' } });
  if (err instanceof ValidationError) throw new GraphQLError(err.message, { extensions: { code: 'BAD_USER_INPUT' } });
  throw err;
}

builder.queryFields((t) => ({
  messageReport: t.field({
    type: MessageReportRef,
    description:
      'Sent, delivered, read, failed, blocked and clicked messages, opt-outs, inbound messages and rates, for the sandbox or one configuration.',
    args: {
      channelConfigurationId: t.arg.id({ required: false, description: 'Only this channel configuration.' }),
      since: t.arg({ type: 'DateTime', required: false, description: 'From this time (inclusive).' }),
      until: t.arg({ type: 'DateTime', required: false, description: 'Up to this time (inclusive).' }),
    },
    resolve: async (_root, args, ctx) => {
      try {
        return await messageReport(ctx.deps, ctx.viewer.sandboxId, {
          channelConfigurationId: configurationFilter(args.channelConfigurationId),
          since: args.since,
          until: args.until,
        });
      } catch (err) {
        return asGraphQLError(err);
      }
    },
  }),
  messageBatches: t.connection(
    {
      type: MessageBatchRef,
      description: 'The message batches of the sandbox, newest first.',
      args: {
        status: t.arg({ type: MessageBatchStatusEnum, required: false, description: 'Only batches in this status.' }),
        channelConfigurationId: t.arg.id({ required: false, description: 'Only batches of this channel configuration.' }),
      },
      resolve: async (_root, args, ctx) =>
        toConnection(
          await batches.listBatches(ctx.deps, ctx.viewer.sandboxId, pageWindow(args), {
            status: args.status,
            channelConfigurationId: configurationFilter(args.channelConfigurationId),
          }),
        ),
    },
    { name: 'MessageBatchConnection', description: 'A page of message batches.' },
    { name: 'MessageBatchEdge', description: 'A message batch in a page.' },
  ),
}));

async function subscribedBatchId(ctx: GraphQLContext, raw: string): Promise<string> {
  const id = decodeBatchId(raw, 'id');
  if (!(await batches.getBatch(ctx.deps, ctx.viewer.sandboxId, id))) {
    throw new GraphQLError('Message batch not found', { extensions: { code: 'NOT_FOUND' } });
  }
  return id;
}

builder.subscriptionFields((t) => ({
  messageBatchProgress: t.field({
    type: MessageBatchRef,
    description:
      'The batch now, then its counters and status at most every 500 ms while it runs, and its final state; ends when it is COMPLETED or CANCELLED.',
    args: { id: t.arg.id({ required: true, description: 'The batch.' }) },
    subscribe: async (_root, args, ctx) => batchProgress(ctx.deps, ctx.viewer.sandboxId, await subscribedBatchId(ctx, args.id)),
    resolve: (batch) => batch,
  }),
}));
