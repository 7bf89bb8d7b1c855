import { GraphQLError } from 'graphql';
import { builder } from '../graphql/builder.js';
import { pageWindow, toConnection } from '../graphql/connection.js';
import { decodeOptionalId } from '../graphql/ids.js';
import { mapEvents } from '../graphql/live.js';
import { ValidationError } from '../platform/errors.js';
import * as service from './service.js';
import type { ConsentStatus, MessageStatus, TrackingEventType } from './tables.js';
// Registers consentByUserId; its types are read lazily (Pothos field thunks), so the import cycle is harmless.
import './user-consent-graphql.js';

/**
 * Messages, consent and tracking events (contract §4). The channel-configurations
 * slice adds `channelConfiguration` onto WhatsAppMessageRef and TrackingEventRef.
 */

export const MessageStatusEnum = builder.enumType('MessageStatus', {
  description:
    'Where a message stands. Outbound statuses only move forward (QUEUED < SENT < DELIVERED < READ); FAILED and BLOCKED are final.',
  values: {
    QUEUED: { description: 'Stored, not yet accepted by Meta (or its outcome is not known yet; see statusReason).' },
    SENT: { description: 'Meta accepted it and sent it on.' },
    DELIVERED: { description: "It reached the recipient's phone (inbound messages: it reached us)." },
    READ: { description: 'The recipient read it (or played the voice note).' },
    FAILED: { description: 'Meta could not deliver it; see statusReason and metaErrorCode.' },
    BLOCKED: { description: 'Refused before reaching Meta (opt-out or consent policy); see statusReason.' },
    UNKNOWN: {
      description:
        'Meta never answered the send and no status webhook came within the deadline (SEND_OUTCOME_UNKNOWN_DEADLINE_MS): it may or may not have been delivered. Never resent; a later status webhook still moves it on.',
    },
  } as const satisfies Record<MessageStatus, unknown>,
});

export const ConsentStatusEnum = builder.enumType('ConsentStatus', {
  description: "A WhatsApp user's consent to receive messages from this sandbox.",
  values: {
    OPTED_IN: { description: 'The user opted in (keyword or marketing resume).' },
    OPTED_OUT: { description: 'The user opted out (keyword, marketing stop, or Meta reported they stopped marketing messages).' },
    UNKNOWN: { description: 'No consent recorded for this user.' },
  } as const satisfies Record<ConsentStatus, unknown>,
});

export const TrackingEventTypeEnum = builder.enumType('TrackingEventType', {
  description: 'What a tracking event records.',
  values: {
    SENT: { description: 'An outbound message was sent.' },
    DELIVERED: { description: 'An outbound message was delivered.' },
    READ: { description: 'An outbound message was read (or played).' },
    FAILED: { description: 'An outbound message failed.' },
    CLICKED: { description: 'A tracked link in a message was clicked.' },
    INBOUND: { description: 'A message came in from a WhatsApp user.' },
    OPT_IN: { description: 'A user opted in (keyword or marketing resume).' },
    OPT_OUT: { description: 'A user opted out (keyword, marketing stop, or Meta error 131050).' },
    HELP: { description: 'A user sent a HELP keyword.' },
    BLOCKED: { description: 'An outbound message was refused before reaching Meta.' },
    SYSTEM: {
      description:
        'A notice from Meta about a user, not a message they wrote: a number change or a WhatsApp user id change (detail.systemType, detail.body).',
    },
  } as const satisfies Record<TrackingEventType, unknown>,
});

export const WhatsAppMessageRef = builder.node(builder.objectRef<service.WhatsAppMessageRecord>('WhatsAppMessage'), {
  description: 'A WhatsApp message sent or received through one of your credentials.',
  id: { resolve: (m) => m.id },
  authScopes: (m) => ({ sandbox: m.sandboxId }),
  runScopesOnType: true,
  loadMany: async (ids, ctx) => {
    const rows = await service.findMessages(ctx.deps, ctx.viewer.sandboxId, ids as string[]);
    return ids.map((id) => rows.find((r) => r.id === id) ?? null);
  },
  fields: (t) => ({
    wamid: t.exposeString('wamid', { nullable: true, description: "Meta's message id; null until Meta accepted an outbound message." }),
    direction: t.exposeString('direction', { description: 'OUTBOUND or INBOUND.' }),
    messageType: t.exposeString('type', { description: "Meta's message type: text, template, button, image …" }),
    to: t.exposeString('toNumber', {
      nullable: true,
      description: 'Recipient phone number (E.164); null when only a WhatsApp user id is known.',
    }),
    from: t.exposeString('fromNumber', {
      nullable: true,
      description: 'Sender phone number (E.164); null when only a WhatsApp user id is known.',
    }),
    text: t.exposeString('text', { nullable: true, description: 'The text (or button text); null for media and templates.' }),
    template: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The template sent (name, language, parameters); null for other messages.',
      resolve: (m) => m.template,
    }),
    status: t.field({ type: MessageStatusEnum, description: 'Where the message stands.', resolve: (m) => m.status }),
    statusReason: t.exposeString('statusReason', { nullable: true, description: 'Why it failed, was blocked, or is waiting.' }),
    metaErrorCode: t.exposeInt('metaErrorCode', { nullable: true, description: "Meta's error code when it failed." }),
    sentAt: t.expose('sentAt', { type: 'DateTime', nullable: true, description: 'When Meta accepted or reported it sent.' }),
    deliveredAt: t.expose('deliveredAt', { type: 'DateTime', nullable: true, description: 'When it was delivered.' }),
    readAt: t.expose('readAt', { type: 'DateTime', nullable: true, description: 'When it was read.' }),
    failedAt: t.expose('failedAt', { type: 'DateTime', nullable: true, description: 'When it failed.' }),
    groupId: t.exposeString('groupId', {
      nullable: true,
      description: "Inbound group traffic: Meta's group id (the message was written in a group, not a 1:1 chat). Null otherwise.",
    }),
    editedText: t.exposeString('editedText', {
      nullable: true,
      description: "The text after the user edited this inbound message (Meta's `edit` notice); `text` keeps what was first received.",
    }),
    editedAt: t.expose('editedAt', { type: 'DateTime', nullable: true, description: 'When the user edited this inbound message.' }),
    revokedAt: t.expose('revokedAt', {
      type: 'DateTime',
      nullable: true,
      description: "When the user deleted this inbound message for everyone (Meta's `revoke` notice).",
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was recorded.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it last changed.' }),
  }),
});

export const TrackingEventRef = builder.node(builder.objectRef<service.TrackingEventRecord>('TrackingEvent'), {
  description: 'One thing that happened to a message or a contact (recorded once, however often Meta repeats it).',
  id: { resolve: (e) => e.id },
  authScopes: (e) => ({ sandbox: e.sandboxId }),
  runScopesOnType: true,
  loadMany: async (ids, ctx) => {
    const rows = await service.findTrackingEvents(ctx.deps, ctx.viewer.sandboxId, ids as string[]);
    return ids.map((id) => rows.find((r) => r.id === id) ?? null);
  },
  fields: (t) => ({
    type: t.field({ type: TrackingEventTypeEnum, description: 'What happened.', resolve: (e) => e.type }),
    at: t.expose('at', { type: 'DateTime', description: "When it happened (Meta's timestamp where Meta reported it)." }),
    message: t.field({
      type: WhatsAppMessageRef,
      nullable: true,
      description: 'The message concerned, if any.',
      resolve: async (e, _args, ctx) =>
        e.messageId ? ((await service.getMessage(ctx.deps, ctx.viewer.sandboxId, e.messageId)) ?? null) : null,
    }),
    phoneNumber: t.exposeString('phoneNumber', { nullable: true, description: "The WhatsApp user's phone number (E.164), when known." }),
    detail: t.field({
      type: 'JSON',
      nullable: true,
      description: 'Specifics: wamid, Meta status word, error code, keyword, source …',
      resolve: (e) => e.detail,
    }),
  }),
});

export const ConsentChangeRef = builder.objectRef<service.ConsentChangeRecord>('ConsentChange').implement({
  description: 'One entry of the consent ledger.',
  fields: (t) => ({
    status: t.field({ type: ConsentStatusEnum, description: 'The consent after the change.', resolve: (c) => c.status }),
    previousStatus: t.field({ type: ConsentStatusEnum, description: 'The consent before the change.', resolve: (c) => c.previousStatus }),
    source: t.exposeString('source', { description: 'What caused it: KEYWORD, USER_PREFERENCES, META_ERROR_131050 or API.' }),
    keyword: t.exposeString('keyword', { nullable: true, description: 'The keyword the user sent, for KEYWORD changes.' }),
    messageId: t.exposeString('messageId', { nullable: true, description: 'The wamid of the message that caused it.' }),
    detail: t.exposeString('detail', { nullable: true, description: "Meta's explanation, when it gave one." }),
    at: t.expose('at', { type: 'DateTime', description: 'When it happened.' }),
  }),
});

const DEFAULT_HISTORY = 20;

const WhatsAppConsentRef = builder.objectRef<service.ConsentView>('WhatsAppConsent').implement({
  description: "A phone number's WhatsApp consent in this sandbox, with its ledger.",
  fields: (t) => ({
    phoneNumber: t.exposeString('phoneNumber', { description: 'The number, normalised to E.164.' }),
    status: t.field({ type: ConsentStatusEnum, description: 'The current consent.', resolve: (c) => c.status }),
    changedAt: t.expose('changedAt', { type: 'DateTime', nullable: true, description: 'When it last changed; null when never.' }),
    history: t.field({
      type: [ConsentChangeRef],
      description: 'The consent ledger, newest first.',
      args: { first: t.arg.int({ required: false, defaultValue: DEFAULT_HISTORY, description: 'How many (default 20, at most 100).' }) },
      resolve: (c, args, ctx) => {
        const first = args.first ?? DEFAULT_HISTORY;
        if (first < 0 || first > service.MAX_CONSENT_HISTORY) {
          throw new GraphQLError(`first must be between 0 and ${service.MAX_CONSENT_HISTORY}`, { extensions: { code: 'BAD_USER_INPUT' } });
        }
        return service.consentHistory(ctx.deps, c, first);
      },
    }),
  }),
});

/**
 * A ChannelConfiguration filter → its raw id (undefined: no filter). A malformed id is BAD_USER_INPUT
 * (graphql/ids.ts); another sandbox's id simply matches nothing.
 */
function channelConfigurationFilter(raw: string | null | undefined): string | undefined {
  return decodeOptionalId(raw ?? undefined, 'ChannelConfiguration', 'channelConfigurationId');
}

builder.queryFields((t) => ({
  whatsAppMessages: t.connection(
    {
      type: WhatsAppMessageRef,
      description: 'Messages of this sandbox in both directions, newest first.',
      args: {
        channelConfigurationId: t.arg.id({ required: false, description: 'Only messages sent through this channel configuration.' }),
        status: t.arg({ type: MessageStatusEnum, required: false, description: 'Only messages with this status.' }),
      },
      resolve: async (_root, args, ctx) => {
        const window = pageWindow(args);
        const channelConfigurationId = channelConfigurationFilter(args.channelConfigurationId);
        return toConnection(
          await service.listMessages(ctx.deps, ctx.viewer.sandboxId, window, { channelConfigurationId, status: args.status }),
        );
      },
    },
    { name: 'WhatsAppMessageConnection', description: 'A page of WhatsApp messages.' },
    { name: 'WhatsAppMessageEdge', description: 'A WhatsApp message in a page.' },
  ),
  trackingEvents: t.connection(
    {
      type: TrackingEventRef,
      description: 'Tracking events of this sandbox, newest first.',
      args: {
        type: t.arg({ type: TrackingEventTypeEnum, required: false, description: 'Only events of this type.' }),
        channelConfigurationId: t.arg.id({
          required: false,
          description: 'Only events of messages sent through this channel configuration.',
        }),
        since: t.arg({ type: 'DateTime', required: false, description: 'Only events at or after this time.' }),
        until: t.arg({ type: 'DateTime', required: false, description: 'Only events at or before this time.' }),
      },
      resolve: async (_root, args, ctx) => {
        const window = pageWindow(args);
        const channelConfigurationId = channelConfigurationFilter(args.channelConfigurationId);
        return toConnection(
          await service.listTrackingEvents(ctx.deps, ctx.viewer.sandboxId, window, {
            type: args.type,
            channelConfigurationId,
            since: args.since,
            until: args.until,
          }),
        );
      },
    },
    { name: 'TrackingEventConnection', description: 'A page of tracking events.' },
    { name: 'TrackingEventEdge', description: 'A tracking event in a page.' },
  ),
  consent: t.field({
    type: WhatsAppConsentRef,
    description: "A phone number's WhatsApp consent and its ledger (UNKNOWN with an empty history when never recorded).",
    args: {
      phoneNumber: t.arg.string({ required: true, description: 'The number with its country code; "+", spaces and dashes are fine.' }),
    },
    resolve: async (_root, args, ctx) => {
      try {
        return await service.getConsent(ctx.deps, ctx.viewer.sandboxId, args.phoneNumber);
      } catch (err) {
        if (err instanceof ValidationError) throw new GraphQLError(err.message, { extensions: { code: 'BAD_USER_INPUT' } });
        throw err;
      }
    },
  }),
}));

builder.subscriptionFields((t) => ({
  trackingEventAdded: t.field({
    type: TrackingEventRef,
    description: 'Each tracking event of this sandbox as it is recorded, optionally only one type or one channel configuration.',
    args: {
      type: t.arg({ type: TrackingEventTypeEnum, required: false, description: 'Only events of this type.' }),
      channelConfigurationId: t.arg.id({
        required: false,
        description: 'Only events of messages sent through this channel configuration.',
      }),
    },
    subscribe: (_root, args, ctx) => {
      const sandboxId = ctx.viewer.sandboxId;
      const channelConfigurationId = channelConfigurationFilter(args.channelConfigurationId);
      return mapEvents(ctx.deps.pubsub.subscribe(sandboxId, 'tracking:event-added'), async (e) => {
        const event = await service.getTrackingEvent(ctx.deps, sandboxId, e.trackingEventId);
        if (!event) return null;
        if (args.type && event.type !== args.type) return null;
        if (channelConfigurationId !== undefined && event.channelConfigurationId !== channelConfigurationId) return null;
        return event;
      });
    },
    resolve: (event) => event,
  }),
}));
