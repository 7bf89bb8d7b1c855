// Typed failures of calls to Meta. Three shapes, because callers must react
// differently: Meta answered with an error (MetaApiError), Meta could not be
// reached (MetaUnreachableError), or a send may or may not have been taken
// (MetaSendOutcomeUnknownError: reconcile through status webhooks, never resend).
import { lookupMetaError, remedyForHttpStatus, type MetaErrorCatalogEntry } from './error-catalog.js';

export abstract class MetaError extends Error {
  abstract readonly retryable: boolean;
  abstract readonly remedy: string;
}

export interface MetaApiErrorInit {
  message: string;
  httpStatus: number;
  metaCode: number | null;
  metaSubcode: number | null;
  fbtraceId: string | null;
  type: string | null;
  details: string | null;
  userTitle: string | null;
  userMessage: string | null;
  isTransient: boolean | null;
  retryAfterMs?: number;
  method: string;
  path: string;
}

export class MetaApiError extends MetaError {
  override readonly name = 'MetaApiError';
  readonly httpStatus: number;
  readonly metaCode: number | null;
  readonly metaSubcode: number | null;
  readonly fbtraceId: string | null;
  readonly type: string | null;
  /** `error_data.details`, Meta's most specific explanation. */
  readonly details: string | null;
  readonly userTitle: string | null;
  readonly userMessage: string | null;
  readonly isTransient: boolean | null;
  readonly retryable: boolean;
  readonly remedy: string;
  /** From Retry-After, when Meta sent one. */
  readonly retryAfterMs: number | undefined;
  readonly catalog: MetaErrorCatalogEntry | null;
  readonly method: string;
  /** Redacted request path. */
  readonly path: string;

  constructor(init: MetaApiErrorInit) {
    super(init.message);
    this.httpStatus = init.httpStatus;
    this.metaCode = init.metaCode;
    this.metaSubcode = init.metaSubcode;
    this.fbtraceId = init.fbtraceId;
    this.type = init.type;
    this.details = init.details;
    this.userTitle = init.userTitle;
    this.userMessage = init.userMessage;
    this.isTransient = init.isTransient;
    this.retryAfterMs = init.retryAfterMs;
    this.method = init.method;
    this.path = init.path;
    this.catalog = lookupMetaError(init.metaCode);
    this.retryable =
      init.isTransient === true || (this.catalog ? this.catalog.retryable : init.httpStatus >= 500 || init.httpStatus === 429);
    this.remedy = this.catalog?.remedy ?? remedyForHttpStatus(init.httpStatus);
  }

  /** Safe summary for logs (ids and codes only). */
  toLogObject(): Record<string, unknown> {
    return {
      httpStatus: this.httpStatus,
      metaCode: this.metaCode,
      metaSubcode: this.metaSubcode,
      fbtraceId: this.fbtraceId,
      retryable: this.retryable,
      retryAfterMs: this.retryAfterMs,
    };
  }
}

export type UnreachableReason = 'dns' | 'refused' | 'timeout' | 'reset';

export class MetaUnreachableError extends MetaError {
  override readonly name = 'MetaUnreachableError';
  readonly retryable = true;
  readonly reason: UnreachableReason;
  /** Whether the request had been written to a connected socket before it failed. */
  readonly requestSent: boolean;
  /** System or undici error code, e.g. ECONNREFUSED. */
  readonly code: string | null;
  readonly method: string;
  readonly path: string;
  readonly remedy: string;

  constructor(init: {
    reason: UnreachableReason;
    requestSent: boolean;
    code: string | null;
    method: string;
    path: string;
    message: string;
  }) {
    super(init.message);
    this.reason = init.reason;
    this.requestSent = init.requestSent;
    this.code = init.code;
    this.method = init.method;
    this.path = init.path;
    this.remedy =
      init.reason === 'dns'
        ? 'The Graph API host name does not resolve: check the configured Meta base URL and DNS.'
        : init.reason === 'refused'
          ? 'Nothing accepts connections at the Graph API address: check the configured Meta base URL and network egress.'
          : init.reason === 'timeout'
            ? 'Meta did not answer in time: retry later; check network egress and the WhatsApp Business Platform status page.'
            : 'The connection to Meta was cut: retry later.';
  }
}

export type SendOutcomeUnknownReason = 'timeout' | 'reset' | 'gateway' | 'unparseable_response';

/**
 * The send request reached Meta (or may have) but no usable answer came back.
 * Never resend automatically: Meta has no idempotency key for sends. Reconcile
 * through status webhooks using `bizOpaqueCallbackData`.
 */
export class MetaSendOutcomeUnknownError extends MetaError {
  override readonly name = 'MetaSendOutcomeUnknownError';
  readonly retryable = false;
  readonly requestSent = true;
  readonly reason: SendOutcomeUnknownReason;
  readonly httpStatus: number | null;
  readonly phoneNumberId: string;
  readonly bizOpaqueCallbackData: string | null;
  readonly remedy =
    "Do not resend blindly: wait for a status webhook carrying this message's biz_opaque_callback_data, or let an operator decide.";

  constructor(init: {
    reason: SendOutcomeUnknownReason;
    httpStatus: number | null;
    phoneNumberId: string;
    bizOpaqueCallbackData: string | null;
    message: string;
  }) {
    super(init.message);
    this.reason = init.reason;
    this.httpStatus = init.httpStatus;
    this.phoneNumberId = init.phoneNumberId;
    this.bizOpaqueCallbackData = init.bizOpaqueCallbackData;
  }
}

/** A 2xx answer whose body is not what the endpoint documents. */
export class MetaUnexpectedResponseError extends MetaError {
  override readonly name = 'MetaUnexpectedResponseError';
  readonly retryable = false;
  readonly remedy = 'Meta answered in an unexpected format: check the configured API version.';
  readonly httpStatus: number;
  readonly path: string;
  constructor(message: string, httpStatus: number, path: string) {
    super(message);
    this.httpStatus = httpStatus;
    this.path = path;
  }
}

// Subcodes Meta uses on 190 for expired/invalidated sessions.
const TOKEN_SUBCODES = new Set([458, 459, 460, 463, 464, 467, 492]);

/** The token is expired, revoked or malformed: mark the credential unauthorized. */
export function isTokenInvalid(err: unknown): err is MetaApiError {
  if (!(err instanceof MetaApiError)) return false;
  if (err.metaCode === 190 || err.metaCode === 102 || err.metaCode === 0) return true;
  return err.metaSubcode !== null && TOKEN_SUBCODES.has(err.metaSubcode);
}

export function isTokenExpired(err: unknown): err is MetaApiError {
  return err instanceof MetaApiError && err.metaCode === 190 && err.metaSubcode === 463;
}

/** The token works but lacks a permission on this object (3, 10, 200–299, 131005). */
export function isPermissionError(err: unknown): err is MetaApiError {
  if (!(err instanceof MetaApiError) || err.metaCode === null) return false;
  const c = err.metaCode;
  return c === 3 || c === 10 || (c >= 200 && c <= 299) || c === 131005;
}

/** Meta's "does not exist, cannot be loaded due to missing permissions" (100/33), or a wrong node type. */
export function isObjectNotFound(err: unknown): err is MetaApiError {
  return err instanceof MetaApiError && err.metaCode === 100 && (err.metaSubcode === 33 || /nonexisting field/i.test(err.message));
}

const THROTTLING_CODES = new Set([4, 17, 32, 613, 80007, 130429, 131056]);

/** Rate or throughput limits: slow down, then retry. */
export function isThrottling(err: unknown): err is MetaApiError {
  if (!(err instanceof MetaApiError)) return false;
  if (err.metaCode !== null) return THROTTLING_CODES.has(err.metaCode);
  return err.httpStatus === 429;
}
