// Plain types shared by the Graph client and its callers. Values coming from
// Meta are normalised where callers branch on them (quality, throughput) and
// always kept raw as well, because Meta's enums drift between versions.
import type { Dispatcher } from 'undici';

/** pino-compatible subset: `logger.warn({ ... }, 'message')`. */
export interface MetaLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Opaque labels copied into every call record, e.g. `{ credentialId }`. */
export type MetaCallTag = Readonly<Record<string, string>>;

export type MetaCallOutcome = 'ok' | 'meta_error' | 'unreachable' | 'unknown_outcome';

/** One HTTP attempt against Meta, for "advanced logging" per credential. Never holds a token. */
export interface MetaApiCallRecord {
  /** When this attempt started. */
  at: Date;
  method: string;
  /** Path and query as sent, minus `access_token`/`input_token`. */
  path: string;
  httpStatus: number | null;
  metaCode: number | null;
  fbtraceId: string | null;
  durationMs: number;
  /** 1-based attempt number within one logical call. */
  attempt: number;
  outcome: MetaCallOutcome;
  tag: MetaCallTag;
}

export interface MetaTimeouts {
  /** TCP/TLS connect. Default 5 000 ms. */
  connectMs: number;
  /** Request written → response headers. Default 10 000 ms. */
  headersMs: number;
  /** Gap between body chunks. Default 10 000 ms. */
  bodyMs: number;
  /**
   * The whole call, connect to last body byte. Default 30 000 ms. undici's body
   * timer restarts with every chunk, so only this bounds an answer drip-fed a byte at a time.
   */
  callMs: number;
}

export interface MetaRetryOptions {
  /** Total attempts including the first. 1 disables retries. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this fails fast so a job queue can reschedule. */
  maxRetryAfterMs: number;
}

export interface MetaClientOptions {
  /** e.g. `https://graph.facebook.com` or the simulator's `baseUrl`. */
  baseUrl: string;
  /** e.g. `v25.0`. */
  apiVersion: string;
  timeouts?: Partial<MetaTimeouts>;
  retry?: Partial<MetaRetryOptions>;
  /** Sockets per origin for the client's own Agent. Default 128. */
  connections?: number;
  onCall?: (record: MetaApiCallRecord) => void;
  logger?: MetaLogger;
  /** Bring your own undici dispatcher; the client then neither owns nor closes it. */
  dispatcher?: Dispatcher;
  /** Uniform [0, 1) source for jitter; injectable for tests. */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Largest response body accepted, bytes. Default 8 MiB. */
  maxResponseBytes?: number;
}

export interface MetaSessionOptions {
  tag?: MetaCallTag;
}

export interface MetaCallOptions {
  /** `false` for callers driven by a durable job queue: one attempt, no waiting. */
  retry?: false | Partial<MetaRetryOptions>;
  signal?: AbortSignal;
}

export type QualityRating = 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN';
export type ThroughputLevel = 'STANDARD' | 'HIGH' | 'NOT_APPLICABLE' | 'UNKNOWN';

export interface MetaThroughput {
  level: ThroughputLevel;
  /** As Meta sent it (null when absent). */
  levelRaw: string | null;
  /** 80 for STANDARD, 1000 for HIGH, otherwise null. */
  messagesPerSecond: number | null;
}

export interface MetaHealthEntity {
  entityType: string | null;
  id: string | null;
  canSendMessage: string | null;
  errors: { errorCode: number | null; errorDescription: string | null; possibleSolution: string | null }[];
  raw: unknown;
}

export interface MetaHealthStatus {
  /** AVAILABLE | LIMITED | BLOCKED, or whatever Meta sends next. */
  canSendMessage: string | null;
  entities: MetaHealthEntity[];
}

export interface MetaPhoneNumber {
  id: string;
  displayPhoneNumber: string | null;
  verifiedName: string | null;
  qualityRating: QualityRating;
  qualityRatingRaw: string | null;
  throughput: MetaThroughput;
  nameStatus: string | null;
  status: string | null;
  codeVerificationStatus: string | null;
  platformType: string | null;
  accountMode: string | null;
  /** `whatsapp_business_manager_messaging_limit`, e.g. `TIER_250` (falls back to the deprecated `messaging_limit_tier`). */
  messagingLimitTier: string | null;
  healthStatus: MetaHealthStatus | null;
  raw: Record<string, unknown>;
}

export interface MetaBusinessRef {
  id: string;
  name: string | null;
}

export interface MetaWaba {
  id: string;
  name: string | null;
  currency: string | null;
  timezoneId: string | null;
  messageTemplateNamespace: string | null;
  accountReviewStatus: string | null;
  businessVerificationStatus: string | null;
  country: string | null;
  ownershipType: string | null;
  ownerBusiness: MetaBusinessRef | null;
  raw: Record<string, unknown>;
}

export type WabaOwnership = 'owned' | 'client';

export interface MetaBusinessWaba extends MetaWaba {
  ownership: WabaOwnership;
}

export interface MetaGranularScope {
  scope: string;
  targetIds: string[];
}

export interface MetaTokenInfo {
  isValid: boolean;
  /** SYSTEM_USER | USER | PAGE | APP … */
  type: string | null;
  appId: string | null;
  application: string | null;
  /** null = never expires (Meta sends 0). */
  expiresAt: Date | null;
  dataAccessExpiresAt: Date | null;
  scopes: string[];
  granularScopes: MetaGranularScope[];
  userId: string | null;
  /** Present when Meta reports the inspected token as broken. */
  error: { code: number | null; subcode: number | null; message: string | null } | null;
  raw: Record<string, unknown>;
}

export interface MetaSubscribedApp {
  appId: string | null;
  name: string | null;
  link: string | null;
  overrideCallbackUri: string | null;
  raw: Record<string, unknown>;
}

export interface MetaTemplate {
  id: string;
  name: string;
  language: string;
  status: string;
  category: string | null;
  previousCategory: string | null;
  /** `NAMED` | `POSITIONAL`, when Meta says (older templates and older API versions may not). */
  parameterFormat: string | null;
  components: unknown[];
  /** `{{1}}`-style placeholders in the BODY component. */
  bodyPositionalParams: number;
  /** `{{first_name}}`-style placeholders in the BODY component. */
  bodyNamedParams: string[];
  raw: Record<string, unknown>;
}

export interface MetaSendResult {
  wamid: string;
  /** `accepted` | `held_for_quality_assessment` | absent. */
  messageStatus: string | null;
  contacts: { input: string | null; waId: string | null; userId: string | null }[];
  raw: Record<string, unknown>;
}
