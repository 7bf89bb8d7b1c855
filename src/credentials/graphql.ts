import { encodeGlobalID } from '@pothos/plugin-relay';
import { GraphQLError } from 'graphql';
import { builder } from '../graphql/builder.js';
import { pageWindow, toConnection } from '../graphql/connection.js';
import {
  ConflictError,
  EntitlementError,
  MetaApiFailure,
  MetaUnreachableFailure,
  NotFoundError,
  ValidationError,
} from '../graphql/errors.js';
import { liveStream, mapEvents } from '../graphql/live.js';
import './account/graphql.js';
import { discoverBusinessAccounts } from './discovery.js';
import {
  CredentialStatusEnum,
  decodeCredentialId,
  DeletedRef,
  QualityEventRef,
  StatusEventRef,
  TestReportRef,
  TYPE_NAME,
  WhatsAppApiCredentialRef,
  WhatsAppBusinessAccountRef,
  type QualityEventItem,
  type StatusEventItem,
} from './graphql-types.js';
import * as service from './service.js';
import type { CredentialRecord } from './service.js';
import { refreshPhoneNumber, testCredential } from './verification.js';

/** Root fields of the credentials slice. Other slices reference the types exported here. */
export {
  CredentialStatusEnum,
  QualityRatingEnum,
  ThroughputLevelEnum,
  WhatsAppApiCredentialRef,
  WhatsAppBusinessAccountRef,
  WhatsAppPhoneNumberRef,
  decodeCredentialId,
} from './graphql-types.js';

builder.queryFields((t) => ({
  whatsAppApiCredentials: t.connection(
    {
      type: WhatsAppApiCredentialRef,
      description: 'The WhatsApp API credentials of the sandbox, newest first.',
      args: { status: t.arg({ type: CredentialStatusEnum, required: false, description: 'Only credentials in this status.' }) },
      resolve: async (_root, args, ctx) => toConnection(await service.listCredentials(ctx.deps, ctx.viewer, pageWindow(args), args.status)),
    },
    { name: 'WhatsAppApiCredentialConnection', description: 'A page of WhatsApp API credentials.' },
    { name: 'WhatsAppApiCredentialEdge', description: 'A WhatsApp API credential in a page.' },
  ),
}));

const DiscoverInput = builder.inputType('DiscoverWhatsAppBusinessAccountsInput', {
  description: 'A token and business portfolio id to look up with Meta (nothing is stored).',
  fields: (t) => ({
    apiToken: t.string({ required: true, description: 'A Meta access token (a system-user token is recommended).' }),
    businessAccountId: t.string({
      required: true,
      description: 'The business portfolio id (Meta Business Suite → Settings → Business info).',
    }),
  }),
});

const CreateInput = builder.inputType('CreateWhatsAppApiCredentialInput', {
  description: 'A new credential; it is checked with Meta asynchronously.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Display name, 1-128 characters, unique in the sandbox.' }),
    apiToken: t.string({ required: true, description: 'The Meta access token; stored encrypted, never returned.' }),
    businessAccountId: t.string({ required: true, description: 'The business portfolio id.' }),
    whatsAppBusinessAccountId: t.string({ required: true, description: 'The WABA id chosen from discovery.' }),
    phoneNumberId: t.string({ required: true, description: 'The phone number id chosen from discovery.' }),
  }),
});

const UpdateInput = builder.inputType('UpdateWhatsAppApiCredentialInput', {
  description: 'A new name and/or a new token; a new token is checked with Meta again.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'The credential.' }),
    name: t.string({ required: false, description: 'New display name.' }),
    apiToken: t.string({ required: false, description: 'New Meta access token.' }),
  }),
});

const DeleteInput = builder.inputType('DeleteWhatsAppApiCredentialInput', {
  description: 'The credential to delete.',
  fields: (t) => ({ id: t.id({ required: true, description: 'The credential.' }) }),
});
const TestInput = builder.inputType('TestWhatsAppApiCredentialInput', {
  description: 'The credential to test.',
  fields: (t) => ({ id: t.id({ required: true, description: 'The credential.' }) }),
});
const RefreshInput = builder.inputType('RefreshWhatsAppPhoneNumberInput', {
  description: 'The credential whose number to re-read.',
  fields: (t) => ({ credentialId: t.id({ required: true, description: 'The credential.' }) }),
});

builder.mutationFields((t) => ({
  discoverWhatsAppBusinessAccounts: t.field({
    type: [WhatsAppBusinessAccountRef],
    description:
      '"Continue": checks the token and business portfolio id with Meta and lists its WABAs (owned and shared) with their numbers.',
    args: { input: t.arg({ type: DiscoverInput, required: true }) },
    errors: { types: [ValidationError, EntitlementError, MetaApiFailure, MetaUnreachableFailure] },
    resolve: (_root, { input }, ctx) => discoverBusinessAccounts(ctx.deps, ctx.viewer, input),
  }),
  createWhatsAppApiCredential: t.field({
    type: WhatsAppApiCredentialRef,
    description: '"Submit": stores the credential in PROCESSING; a background check moves it to ACTIVE or FAILED.',
    args: { input: t.arg({ type: CreateInput, required: true }) },
    errors: { types: [ValidationError, ConflictError, EntitlementError] },
    resolve: (_root, { input }, ctx) => service.createCredential(ctx.deps, ctx.viewer, input),
  }),
  updateWhatsAppApiCredential: t.field({
    type: WhatsAppApiCredentialRef,
    description: 'Renames the credential and/or replaces its token (a new token is checked again: PROCESSING, then ACTIVE or FAILED).',
    args: { input: t.arg({ type: UpdateInput, required: true }) },
    errors: { types: [ValidationError, NotFoundError, ConflictError, EntitlementError] },
    resolve: (_root, { input }, ctx) => {
      service.requireWhatsAppEntitlement(ctx.viewer);
      return service.updateCredential(ctx.deps, ctx.viewer, { ...input, id: decodeCredentialId(input.id) });
    },
  }),
  deleteWhatsAppApiCredential: t.field({
    type: DeletedRef,
    description: 'Deletes the credential; refused (ConflictError) while a webhook or channel configuration uses it.',
    args: { input: t.arg({ type: DeleteInput, required: true }) },
    errors: { types: [NotFoundError, ConflictError, EntitlementError] },
    resolve: async (_root, { input }, ctx) => {
      service.requireWhatsAppEntitlement(ctx.viewer);
      const deleted = await service.deleteCredential(ctx.deps, ctx.viewer, decodeCredentialId(input.id));
      return { id: encodeGlobalID(TYPE_NAME, deleted.id), name: deleted.name };
    },
  }),
  testWhatsAppApiCredential: t.field({
    type: TestReportRef,
    description: 'Runs every check against Meta now and returns a step-by-step report; the status changes only if Meta rejects the token.',
    args: { input: t.arg({ type: TestInput, required: true }) },
    errors: { types: [NotFoundError, EntitlementError, MetaApiFailure, MetaUnreachableFailure] },
    resolve: (_root, { input }, ctx) => {
      service.requireWhatsAppEntitlement(ctx.viewer);
      return testCredential(ctx.deps, ctx.viewer, decodeCredentialId(input.id));
    },
  }),
  refreshWhatsAppPhoneNumber: t.field({
    type: WhatsAppApiCredentialRef,
    description: 'Re-reads quality rating, throughput and messaging limit of the sender from Meta now (also done periodically).',
    args: { input: t.arg({ type: RefreshInput, required: true }) },
    errors: { types: [NotFoundError, EntitlementError, MetaApiFailure, MetaUnreachableFailure] },
    resolve: (_root, { input }, ctx) => {
      service.requireWhatsAppEntitlement(ctx.viewer);
      return refreshPhoneNumber(ctx.deps, ctx.viewer, decodeCredentialId(input.credentialId, 'input.credentialId'));
    },
  }),
}));

function statusItem(c: CredentialRecord): StatusEventItem {
  return { credential: c, previousStatus: c.previousStatus, status: c.status, at: c.statusChangedAt, statusVersion: c.statusVersion };
}

/** A malformed id is BAD_USER_INPUT (graphql/ids.ts); an id not in the caller's sandbox is NOT_FOUND. */
async function subscribedCredentialId(
  ctx: { deps: Parameters<typeof service.getCredential>[0]; viewer: { sandboxId: string } },
  raw: string | null | undefined,
  argument: string,
): Promise<string | null> {
  if (raw === null || raw === undefined) return null;
  const id = decodeCredentialId(raw, argument);
  if (!(await service.getCredential(ctx.deps, ctx.viewer.sandboxId, id))) {
    throw new GraphQLError('WhatsApp API credential not found', { extensions: { code: 'NOT_FOUND' } });
  }
  return id;
}

builder.subscriptionFields((t) => ({
  whatsAppApiCredentialStatusChanged: t.field({
    type: StatusEventRef,
    description: 'The current status first, then every transition, for one credential or (no id) every credential of the sandbox.',
    args: { id: t.arg.id({ required: false, description: 'One credential; omit for all.' }) },
    subscribe: async (_root, args, ctx) => {
      const id = await subscribedCredentialId(ctx, args.id, 'id');
      const sandboxId = ctx.viewer.sandboxId;
      return liveStream({
        events: ctx.deps.pubsub.subscribe(sandboxId, 'credential:status-changed'),
        initial: async () => {
          if (!id) return (await service.listAllCredentials(ctx.deps, sandboxId)).map(statusItem);
          const c = await service.getCredential(ctx.deps, sandboxId, id);
          return c ? [statusItem(c)] : [];
        },
        fromEvent: async (e) => {
          if (id && e.credentialId !== id) return null;
          const credential = await service.getCredential(ctx.deps, sandboxId, e.credentialId);
          if (!credential) return null;
          return { credential, previousStatus: e.previousStatus, status: e.status, at: new Date(e.at), statusVersion: e.statusVersion };
        },
        key: (item) => item.credential.id,
        version: (item) => item.statusVersion,
      });
    },
    resolve: (item) => item,
  }),
  whatsAppPhoneNumberQualityChanged: t.field({
    type: QualityEventRef,
    description: "Each change of a sender's quality rating in the sandbox (from the periodic refresh, a manual refresh or Meta's webhook).",
    args: { credentialId: t.arg.id({ required: false, description: 'Only this credential; omit for all.' }) },
    subscribe: async (_root, args, ctx) => {
      const only = await subscribedCredentialId(ctx, args.credentialId, 'credentialId');
      const sandboxId = ctx.viewer.sandboxId;
      return mapEvents(ctx.deps.pubsub.subscribe(sandboxId, 'credential:quality-changed'), async (e): Promise<QualityEventItem | null> => {
        if (only && e.credentialId !== only) return null;
        const change = await service.findQualityChange(ctx.deps, sandboxId, e.qualityChangeId);
        const credential = change && (await service.getCredential(ctx.deps, sandboxId, change.credentialId));
        if (!change || !credential) return null;
        return {
          credential,
          previousQualityRating: change.previousQualityRating,
          qualityRating: change.qualityRating,
          at: change.at,
          source: change.source,
        };
      });
    },
    resolve: (item) => item,
  }),
}));

/** Fields read only from the credential's row, a versioned table (see channel-configurations/graphql.ts, cacheableFields). */
export const cacheableFields = [
  'id',
  'name',
  'businessAccountId',
  'apiTokenLast4',
  'apiTokenType',
  'apiTokenExpiresAt',
  'apiTokenScopes',
  'status',
  'statusMessage',
  'statusChangedAt',
  'phoneNumberRefreshedAt',
  'createdAt',
  'updatedAt',
].map((f) => `WhatsAppApiCredential.${f}`);
