// Parsing of Graph API responses into the plain types of types.ts. Tolerant
// by design: only the fields we cannot work without are required; unknown
// enum values are kept raw; unknown fields are kept in `raw`.
import { z } from 'zod';
import type {
  MetaGranularScope,
  MetaHealthStatus,
  MetaPhoneNumber,
  MetaSendResult,
  MetaSubscribedApp,
  MetaTemplate,
  MetaThroughput,
  MetaTokenInfo,
  MetaWaba,
  QualityRating,
  ThroughputLevel,
} from './types.js';

/** Graph ids are strings, but a few webhooks send numbers; accept both. */
export const idSchema = z.union([z.string().min(1), z.number()]).transform(String);

const obj = z.record(z.string(), z.unknown());

export function str(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

function num(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

function record(v: unknown): Record<string, unknown> | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** Unix seconds → Date; 0, missing and garbage → null (Meta's 0 means "never"). */
export function unixToDate(v: unknown): Date | null {
  const n = num(v);
  return n && n > 0 ? new Date(n * 1000) : null;
}

export const pageSchema = z.looseObject({
  data: z.array(obj),
  paging: z
    .looseObject({
      cursors: z.looseObject({ before: z.string().optional(), after: z.string().optional() }).optional(),
      next: z.string().optional(),
      previous: z.string().optional(),
    })
    .optional(),
});
export type GraphPage = z.infer<typeof pageSchema>;

const QUALITY: readonly QualityRating[] = ['GREEN', 'YELLOW', 'RED'];

export function normalizeQualityRating(raw: unknown): QualityRating {
  const s = str(raw)?.toUpperCase();
  return s && (QUALITY as readonly string[]).includes(s) ? (s as QualityRating) : 'UNKNOWN';
}

const MPS: Record<string, number | null> = { STANDARD: 80, HIGH: 1000, NOT_APPLICABLE: null };

export function normalizeThroughput(raw: unknown): MetaThroughput {
  const levelRaw = str(record(raw)?.level ?? raw);
  const upper = levelRaw?.toUpperCase();
  if (upper && upper in MPS) {
    return { level: upper as ThroughputLevel, levelRaw, messagesPerSecond: MPS[upper] ?? null };
  }
  return { level: 'UNKNOWN', levelRaw, messagesPerSecond: null };
}

function toHealthStatus(raw: unknown): MetaHealthStatus | null {
  const r = record(raw);
  if (!r) return null;
  return {
    canSendMessage: str(r.can_send_message),
    entities: list(r.entities).map((e) => {
      const er = record(e) ?? {};
      return {
        entityType: str(er.entity_type),
        id: str(er.id),
        canSendMessage: str(er.can_send_message),
        errors: list(er.errors).map((x) => {
          const xr = record(x) ?? {};
          return {
            errorCode: num(xr.error_code),
            errorDescription: str(xr.error_description),
            possibleSolution: str(xr.possible_solution),
          };
        }),
        raw: e,
      };
    }),
  };
}

const withId = z.looseObject({ id: idSchema });

export function toPhoneNumber(raw: unknown): MetaPhoneNumber {
  const r = withId.parse(raw) as Record<string, unknown> & { id: string };
  const qualityRaw = str(r.quality_rating) ?? str(record(r.quality_score)?.score);
  return {
    id: r.id,
    displayPhoneNumber: str(r.display_phone_number),
    verifiedName: str(r.verified_name),
    qualityRating: normalizeQualityRating(qualityRaw),
    qualityRatingRaw: qualityRaw,
    throughput: normalizeThroughput(r.throughput),
    nameStatus: str(r.name_status),
    status: str(r.status),
    codeVerificationStatus: str(r.code_verification_status),
    platformType: str(r.platform_type),
    accountMode: str(r.account_mode),
    messagingLimitTier: str(r.whatsapp_business_manager_messaging_limit) ?? str(r.messaging_limit_tier),
    healthStatus: toHealthStatus(r.health_status),
    raw: r,
  };
}

export function toWaba(raw: unknown): MetaWaba {
  const r = withId.parse(raw) as Record<string, unknown> & { id: string };
  const owner = record(r.owner_business_info);
  const ownerId = str(owner?.id);
  return {
    id: r.id,
    name: str(r.name),
    currency: str(r.currency),
    timezoneId: str(r.timezone_id),
    messageTemplateNamespace: str(r.message_template_namespace),
    accountReviewStatus: str(r.account_review_status),
    businessVerificationStatus: str(r.business_verification_status),
    country: str(r.country),
    ownershipType: str(r.ownership_type),
    ownerBusiness: ownerId ? { id: ownerId, name: str(owner?.name) } : null,
    raw: r,
  };
}

export function toTokenInfo(raw: unknown): MetaTokenInfo {
  const r = z.looseObject({ data: obj }).parse(raw).data;
  const err = record(r.error);
  const granular: MetaGranularScope[] = list(r.granular_scopes).flatMap((g) => {
    const gr = record(g);
    const scope = str(gr?.scope);
    return scope
      ? [
          {
            scope,
            targetIds: list(gr?.target_ids)
              .map(str)
              .filter((x): x is string => x !== null),
          },
        ]
      : [];
  });
  return {
    isValid: r.is_valid === true,
    type: str(r.type),
    appId: str(r.app_id),
    application: str(r.application),
    expiresAt: unixToDate(r.expires_at),
    dataAccessExpiresAt: unixToDate(r.data_access_expires_at),
    scopes: list(r.scopes)
      .map(str)
      .filter((x): x is string => x !== null),
    granularScopes: granular,
    userId: str(r.user_id),
    error: err ? { code: num(err.code), subcode: num(err.subcode), message: str(err.message) } : null,
    raw: r,
  };
}

export function toSubscribedApp(raw: unknown): MetaSubscribedApp {
  const r = obj.parse(raw);
  const app = record(r.whatsapp_business_api_data);
  return {
    appId: str(app?.id),
    name: str(app?.name),
    link: str(app?.link),
    overrideCallbackUri: str(r.override_callback_uri),
    raw: r,
  };
}

/** Placeholders of a template text: `{{1}}` positional and `{{name}}` named. */
export function templatePlaceholders(text: string): { positional: number; named: string[] } {
  let positional = 0;
  const named: string[] = [];
  for (const m of text.matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)) {
    const key = m[1] as string;
    if (/^\d+$/.test(key)) positional = Math.max(positional, Number(key));
    else if (!named.includes(key)) named.push(key);
  }
  return { positional, named };
}

export function toTemplate(raw: unknown): MetaTemplate {
  const r = z.looseObject({ id: idSchema, name: z.string(), language: z.string(), status: z.string() }).parse(raw) as Record<
    string,
    unknown
  > & {
    id: string;
    name: string;
    language: string;
    status: string;
  };
  const components = list(r.components);
  const body = components.map(record).find((c) => str(c?.type)?.toUpperCase() === 'BODY');
  const ph = templatePlaceholders(str(body?.text) ?? '');
  return {
    id: r.id,
    name: r.name,
    language: r.language,
    status: r.status,
    category: str(r.category),
    previousCategory: str(r.previous_category),
    parameterFormat: str(r.parameter_format),
    components,
    bodyPositionalParams: ph.positional,
    bodyNamedParams: ph.named,
    raw: r,
  };
}

const sendSchema = z.looseObject({
  messaging_product: z.string().optional(),
  contacts: z.array(obj).optional(),
  messages: z.array(z.looseObject({ id: z.string().min(1), message_status: z.string().optional() })).min(1),
});

export function toSendResult(raw: unknown): MetaSendResult {
  const r = sendSchema.parse(raw);
  const first = r.messages[0] as { id: string; message_status?: string };
  return {
    wamid: first.id,
    messageStatus: first.message_status ?? null,
    contacts: (r.contacts ?? []).map((c) => ({ input: str(c.input), waId: str(c.wa_id), userId: str(c.user_id) })),
    raw: r,
  };
}

export const successSchema = z.looseObject({ success: z.boolean() });

/** Meta's error envelope (FACTS §7.1), every field optional so odd bodies still classify. */
export const graphErrorSchema = z.looseObject({
  error: z.looseObject({
    message: z.string().optional(),
    type: z.string().optional(),
    code: z.union([z.number(), z.string()]).optional(),
    error_subcode: z.union([z.number(), z.string()]).optional(),
    error_data: z.unknown().optional(),
    fbtrace_id: z.string().optional(),
    is_transient: z.boolean().optional(),
    error_user_title: z.string().optional(),
    error_user_msg: z.string().optional(),
  }),
});

export function numOrNull(v: unknown): number | null {
  return num(v);
}

/** `error_data` is an object with `details` on WhatsApp, sometimes a JSON string elsewhere in Graph. */
export function errorDetails(errorData: unknown): string | null {
  const r = record(errorData);
  if (r) return str(r.details);
  if (typeof errorData === 'string') {
    try {
      return str(record(JSON.parse(errorData))?.details) ?? errorData;
    } catch {
      return errorData;
    }
  }
  return null;
}
