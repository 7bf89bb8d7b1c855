import { MetaApiError, MetaError, MetaSendOutcomeUnknownError, MetaUnexpectedResponseError, MetaUnreachableError } from '../meta/index.js';
import { DomainError, type PlatformErrorCode } from '../platform/errors.js';

/**
 * The product's failures that name WhatsApp or Meta. The generic ones (validation, not found, conflict,
 * entitlement, invalid state) live in platform/errors.ts, which knows no WhatsApp.
 */
export type ErrorCode = PlatformErrorCode | 'META_API_ERROR' | 'META_UNREACHABLE' | 'ACCOUNT_BLOCKED';

/** Meta answered with an error (its own code, subcode and trace id), with what to do about it. */
export class MetaApiFailure extends DomainError {
  readonly code = 'META_API_ERROR' as const;
  constructor(
    message: string,
    readonly details: {
      metaCode: number | null;
      metaSubcode: number | null;
      fbtraceId: string | null;
      httpStatus: number | null;
      retryable: boolean;
      remedy: string;
    },
  ) {
    super(message);
    this.name = 'MetaApiFailure';
  }
}

/** Meta could not be reached at all (DNS, refused connection, timeout). */
export class MetaUnreachableFailure extends DomainError {
  readonly code = 'META_UNREACHABLE' as const;
  readonly retryable = true;
  constructor(
    message: string,
    readonly remedy: string,
  ) {
    super(message);
    this.name = 'MetaUnreachableFailure';
  }
}

/**
 * Meta reported (account_update webhook) that the WhatsApp Business Account of
 * the sender cannot send this now: `event` is Meta's event name
 * (ACCOUNT_DELETED, DISABLED_UPDATE, ACCOUNT_RESTRICTION …). Nothing was sent.
 */
export class AccountBlockedError extends DomainError {
  readonly code = 'ACCOUNT_BLOCKED' as const;
  constructor(
    message: string,
    readonly event: string,
    readonly restrictionTypes: string[],
    readonly restrictedUntil: Date | null,
  ) {
    super(message);
    this.name = 'AccountBlockedError';
  }
}

/**
 * Turns what the Meta client throws into the product's typed errors (the
 * MetaApiError / MetaUnreachableError members of mutation results). Anything
 * else is rethrown untouched: it is a bug, and yoga masks it.
 */
export function toMetaFailure(err: unknown): MetaApiFailure | MetaUnreachableFailure {
  if (err instanceof MetaApiError) {
    return new MetaApiFailure(err.message, {
      metaCode: err.metaCode,
      metaSubcode: err.metaSubcode,
      fbtraceId: err.fbtraceId,
      httpStatus: err.httpStatus,
      retryable: err.retryable,
      remedy: err.remedy,
    });
  }
  if (err instanceof MetaUnreachableError) return new MetaUnreachableFailure(err.message, err.remedy);
  if (err instanceof MetaSendOutcomeUnknownError) return new MetaUnreachableFailure(err.message, err.remedy);
  if (err instanceof MetaUnexpectedResponseError || err instanceof MetaError) {
    return new MetaApiFailure(err.message, {
      metaCode: null,
      metaSubcode: null,
      fbtraceId: null,
      httpStatus: null,
      retryable: err.retryable,
      remedy: err.remedy,
    });
  }
  throw err;
}
