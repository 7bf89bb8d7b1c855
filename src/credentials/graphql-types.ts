import { GraphQLError } from 'graphql';
import { builder } from '../graphql/builder.js';
import { decodeId } from '../graphql/ids.js';
import type { CHECK_STEPS, CheckStep } from './checks.js';
import * as service from './service.js';
import type { CredentialRecord } from './service.js';
import type { MetaApiCallRow } from './store.js';
import type { CredentialQualityRating, CredentialStatus, CredentialWarning } from './tables.js';
import type { QUALITY_RATINGS, THROUGHPUT_LEVELS } from './tables.js';
import type { CredentialTestReport } from './verification.js';
import { phoneViewOf, wabaViewOf, type PhoneNumberView, type WabaView } from './views.js';

/** The GraphQL types of the credentials slice (root fields are in graphql.ts). */

export const TYPE_NAME = 'WhatsAppApiCredential';
const DEFAULT_RECENT_CALLS = 20;

/** A global id of a credential → its raw id; a malformed id or one of another type is BAD_USER_INPUT (graphql/ids.ts). */
export function decodeCredentialId(globalId: string, argument = 'input.id'): string {
  return decodeId(globalId, TYPE_NAME, argument);
}

export const CredentialStatusEnum = builder.enumType('CredentialStatus', {
  description: 'Where a WhatsApp API credential stands.',
  values: {
    PROCESSING: { description: 'Being checked with Meta; changes to ACTIVE or FAILED on its own.' },
    ACTIVE: { description: 'Checked: the token works and the number belongs to the WhatsApp Business Account.' },
    FAILED: { description: 'A check failed or Meta rejected the token; statusMessage says what to fix.' },
  } as const satisfies Record<CredentialStatus, unknown>,
});

export const QualityRatingEnum = builder.enumType('WhatsAppQualityRating', {
  description: "Meta's quality rating of a sender number, from recent recipients' feedback.",
  values: {
    GREEN: { description: 'High quality.' },
    YELLOW: { description: 'Medium quality: Meta may restrict the number if it drops further.' },
    RED: { description: 'Low quality: sending may be limited.' },
    UNKNOWN: { description: 'Not rated yet, or not read from Meta yet.' },
  } as const satisfies Record<(typeof QUALITY_RATINGS)[number], unknown>,
});

export const ThroughputLevelEnum = builder.enumType('WhatsAppThroughputLevel', {
  description: 'How many messages per second Meta lets the number send.',
  values: {
    STANDARD: { description: 'Up to 80 messages per second.' },
    HIGH: { description: 'Up to 1000 messages per second.' },
    NOT_APPLICABLE: { description: 'Meta reports no throughput level for this number (or it was not read yet).' },
  } as const satisfies Record<(typeof THROUGHPUT_LEVELS)[number], unknown>,
});

const OwnershipEnum = builder.enumType('WhatsAppBusinessAccountOwnership', {
  description: 'How the WhatsApp Business Account relates to the business portfolio.',
  values: {
    OWNED: { description: 'The portfolio owns the WABA.' },
    CLIENT: { description: 'Another business shared the WABA with the portfolio.' },
  } as const,
});

const CheckEnum = builder.enumType('WhatsAppApiCredentialCheck', {
  description: 'One check of a credential, in the order they run.',
  values: {
    TOKEN: { description: 'The token is valid and not expired (debug_token).' },
    PERMISSIONS: { description: 'The token has whatsapp_business_management and whatsapp_business_messaging for the WABA.' },
    BUSINESS_ACCOUNT: { description: 'The WABA is owned by, or shared with, the business portfolio.' },
    PHONE_NUMBER: { description: 'The phone number is registered in the WABA.' },
    SENDING: { description: "Meta's health status lets the number send messages." },
  } as const satisfies Record<(typeof CHECK_STEPS)[number], unknown>,
});

export const WhatsAppPhoneNumberRef = builder.objectRef<PhoneNumberView>('WhatsAppPhoneNumber').implement({
  description: 'A sender phone number of a WhatsApp Business Account, as Meta reports it.',
  fields: (t) => ({
    id: t.exposeString('id', {
      description:
        "Identifies this copy of the number for client caches: Meta's id in discovery results (pass it as phoneNumberId); on a credential, unique to that credential. Meta's id is always metaId.",
    }),
    metaId: t.exposeString('metaId', { description: "Meta's phone number id (what createWhatsAppApiCredential takes as phoneNumberId)." }),
    displayPhoneNumber: t.exposeString('displayPhoneNumber', {
      description: 'The number in E.164, e.g. +15550100001 (empty until read from Meta).',
    }),
    verifiedName: t.exposeString('verifiedName', { description: 'The sender name people see (empty until read from Meta).' }),
    qualityRating: t.field({ type: QualityRatingEnum, description: "Meta's current quality rating.", resolve: (p) => p.qualityRating }),
    throughputLevel: t.field({ type: ThroughputLevelEnum, description: 'The throughput level.', resolve: (p) => p.throughputLevel }),
    messagesPerSecond: t.exposeInt('messagesPerSecond', {
      nullable: true,
      description: 'Messages per second allowed: STANDARD 80, HIGH 1000.',
    }),
    messagingLimitTier: t.exposeString('messagingLimitTier', {
      nullable: true,
      description: 'Messaging limit tier, e.g. TIER_2K or TIER_UNLIMITED.',
    }),
    status: t.exposeString('status', { nullable: true, description: "Meta's number status, e.g. CONNECTED." }),
    canSendMessage: t.exposeBoolean('canSendMessage', {
      nullable: true,
      description: "Whether Meta's health status lets the number send (false when BLOCKED); null when unknown.",
    }),
  }),
});

export const WhatsAppBusinessAccountRef = builder.objectRef<WabaView>('WhatsAppBusinessAccount').implement({
  description: 'A WhatsApp Business Account (WABA) and its sender numbers.',
  fields: (t) => ({
    id: t.exposeString('id', {
      description:
        "Identifies this copy of the WABA for client caches: Meta's id in discovery results (pass it as whatsAppBusinessAccountId); on a credential, unique to that credential. Meta's id is always metaId.",
    }),
    metaId: t.exposeString('metaId', {
      description: "Meta's WABA id (what createWhatsAppApiCredential takes as whatsAppBusinessAccountId).",
    }),
    name: t.exposeString('name', { description: 'The WABA name (empty until read from Meta).' }),
    ownership: t.field({
      type: OwnershipEnum,
      nullable: true,
      description: 'Owned by the portfolio or shared with it; null until read from Meta.',
      resolve: (w) => w.ownership,
    }),
    phoneNumbers: t.field({ type: [WhatsAppPhoneNumberRef], description: 'Its sender numbers.', resolve: (w) => w.phoneNumbers }),
    phoneNumbersError: t.exposeString('phoneNumbersError', {
      nullable: true,
      description: 'Why phoneNumbers is empty when Meta refused to list them (e.g. a missing permission on this WABA).',
    }),
  }),
});

const WarningRef = builder.objectRef<CredentialWarning>('CredentialWarning').implement({
  description: 'Something to fix before it breaks sending, e.g. TOKEN_EXPIRES_SOON, TEMPORARY_TOKEN or QUALITY_LOW.',
  fields: (t) => ({
    code: t.exposeString('code', { description: 'TOKEN_EXPIRES_SOON, TEMPORARY_TOKEN, QUALITY_LOW, SENDING_LIMITED or SENDING_BLOCKED.' }),
    message: t.exposeString('message', { description: 'What it means and what to do.' }),
  }),
});

const MetaApiCallRef = builder.objectRef<MetaApiCallRow>('MetaApiCall').implement({
  description: 'One HTTP call made to Meta with a credential ("advanced logging"); never holds the token.',
  fields: (t) => ({
    at: t.expose('at', { type: 'DateTime', description: 'When the call was made.' }),
    method: t.exposeString('method', { description: 'HTTP method.' }),
    path: t.exposeString('path', { description: 'Graph path and query, without any token.' }),
    httpStatus: t.exposeInt('httpStatus', { nullable: true, description: "Meta's HTTP status; null when Meta was not reached." }),
    metaCode: t.exposeInt('metaCode', { nullable: true, description: "Meta's error code, when it answered with an error." }),
    fbtraceId: t.exposeString('fbtraceId', { nullable: true, description: "Meta's trace id; quote it to Meta support." }),
    durationMs: t.exposeInt('durationMs', { description: 'How long the call took, in milliseconds.' }),
    outcome: t.exposeString('outcome', { description: 'ok, meta_error, unreachable or unknown_outcome.' }),
  }),
});

export const WhatsAppApiCredentialRef = builder.node(builder.objectRef<CredentialRecord>(TYPE_NAME), {
  description: 'A Meta API token bound to a WhatsApp Business Account and one sender number, checked with Meta.',
  id: { resolve: (c) => c.id },
  authScopes: (c) => ({ sandbox: c.sandboxId }),
  runScopesOnType: true,
  loadMany: async (ids, ctx) => {
    const rows = await service.findCredentials(ctx.deps, ctx.viewer.sandboxId, ids as string[]);
    return ids.map((id) => rows.find((r) => r.id === id) ?? null);
  },
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Display name, unique in the sandbox.' }),
    businessAccountId: t.exposeString('businessAccountId', { description: 'The business portfolio id entered by the admin.' }),
    whatsAppBusinessAccount: t.field({ type: WhatsAppBusinessAccountRef, description: 'The WABA chosen.', resolve: (c) => wabaViewOf(c) }),
    phoneNumber: t.field({
      type: WhatsAppPhoneNumberRef,
      description: 'The sender chosen; quality rating and throughput are kept up to date from Meta.',
      resolve: (c) => phoneViewOf(c),
    }),
    apiTokenLast4: t.exposeString('apiTokenLast4', {
      description: 'The last characters of the token; the token itself is never returned.',
    }),
    apiTokenType: t.exposeString('apiTokenType', {
      nullable: true,
      description: "Meta's token type, e.g. SYSTEM_USER or USER; null until checked.",
    }),
    apiTokenExpiresAt: t.expose('apiTokenExpiresAt', {
      type: 'DateTime',
      nullable: true,
      description: "From Meta's debug_token; null = never expires (system-user token) or not checked yet.",
    }),
    apiTokenScopes: t.exposeStringList('apiTokenScopes', { description: 'Permissions Meta reports for the token (empty until checked).' }),
    status: t.field({ type: CredentialStatusEnum, description: 'PROCESSING, ACTIVE or FAILED.', resolve: (c) => c.status }),
    statusMessage: t.exposeString('statusMessage', { nullable: true, description: 'Why the credential is in its status and what to fix.' }),
    statusChangedAt: t.expose('statusChangedAt', { type: 'DateTime', description: 'When the status last changed.' }),
    warnings: t.field({ type: [WarningRef], description: 'Things to fix before they break sending.', resolve: (c) => c.warnings }),
    phoneNumberRefreshedAt: t.expose('phoneNumberRefreshedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the phone number was last read from Meta.',
    }),
    recentApiCalls: t.field({
      type: [MetaApiCallRef],
      description: 'The newest calls made to Meta with this credential (up to 100), newest first; never the token.',
      args: {
        first: t.arg.int({ required: false, defaultValue: DEFAULT_RECENT_CALLS, description: 'How many (default 20, at most 100).' }),
      },
      resolve: (c, args, ctx) => {
        const first = args.first ?? DEFAULT_RECENT_CALLS;
        if (first < 0 || first > service.MAX_RECENT_CALLS) {
          throw new GraphQLError(`first must be between 0 and ${service.MAX_RECENT_CALLS}`, { extensions: { code: 'BAD_USER_INPUT' } });
        }
        return service.recentApiCalls(ctx.deps, c, first);
      },
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the credential was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the credential last changed.' }),
  }),
});

const CheckStepRef = builder.objectRef<CheckStep>('WhatsAppApiCredentialCheckStep').implement({
  description: 'The result of one check.',
  fields: (t) => ({
    step: t.field({ type: CheckEnum, description: 'Which check.', resolve: (s) => s.step }),
    passed: t.exposeBoolean('passed', { description: 'Whether it passed.' }),
    detail: t.exposeString('detail', { description: 'What Meta said.' }),
    remedy: t.exposeString('remedy', { nullable: true, description: 'What to do when it failed.' }),
  }),
});

export const TestReportRef = builder.objectRef<CredentialTestReport>('WhatsAppApiCredentialTestReport').implement({
  description: 'A step-by-step check of a credential against Meta, run now.',
  fields: (t) => ({
    credential: t.field({
      type: WhatsAppApiCredentialRef,
      description: 'The credential, as stored after the test.',
      resolve: (r) => r.credential,
    }),
    passed: t.exposeBoolean('passed', { description: 'True when every step passed.' }),
    steps: t.field({
      type: [CheckStepRef],
      description: 'Each check in order; steps after a failure are reported as not run.',
      resolve: (r) => r.steps,
    }),
    testedAt: t.expose('testedAt', { type: 'DateTime', description: 'When the test ran.' }),
  }),
});

export const DeletedRef = builder.objectRef<{ id: string; name: string }>('DeletedWhatsAppApiCredential').implement({
  description: 'The credential that was deleted.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Its global id.' }),
    name: t.exposeString('name', { description: 'Its name.' }),
  }),
});

export interface StatusEventItem {
  credential: CredentialRecord;
  previousStatus: CredentialStatus | null;
  status: CredentialStatus;
  at: Date;
  statusVersion: number;
}

export const StatusEventRef = builder.objectRef<StatusEventItem>('WhatsAppApiCredentialStatusEvent').implement({
  description: 'A credential status: the current one first, then every transition.',
  fields: (t) => ({
    credential: t.field({ type: WhatsAppApiCredentialRef, description: 'The credential as it is now.', resolve: (e) => e.credential }),
    previousStatus: t.field({
      type: CredentialStatusEnum,
      nullable: true,
      description: 'The status before; null for a new credential.',
      resolve: (e) => e.previousStatus,
    }),
    status: t.field({ type: CredentialStatusEnum, description: 'The status it moved to.', resolve: (e) => e.status }),
    at: t.expose('at', { type: 'DateTime', description: 'When it moved.' }),
  }),
});

export interface QualityEventItem {
  credential: CredentialRecord;
  previousQualityRating: CredentialQualityRating | null;
  qualityRating: CredentialQualityRating;
  at: Date;
  source: 'refresh' | 'webhook';
}

export const QualityEventRef = builder.objectRef<QualityEventItem>('WhatsAppPhoneNumberQualityEvent').implement({
  description: "A change of a sender number's quality rating.",
  fields: (t) => ({
    credential: t.field({
      type: WhatsAppApiCredentialRef,
      description: 'The credential whose number changed.',
      resolve: (e) => e.credential,
    }),
    previousQualityRating: t.field({
      type: QualityRatingEnum,
      nullable: true,
      description: 'The rating before.',
      resolve: (e) => e.previousQualityRating,
    }),
    qualityRating: t.field({ type: QualityRatingEnum, description: 'The new rating.', resolve: (e) => e.qualityRating }),
    at: t.expose('at', { type: 'DateTime', description: 'When the change was noticed.' }),
    source: t.exposeString('source', { description: 'How it was noticed: refresh (read from Meta) or webhook (Meta told us).' }),
  }),
});
