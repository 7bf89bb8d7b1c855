/**
 * Expected failures. Services throw these; the GraphQL layer turns them into
 * members of each mutation's result union (never a top-level error, never a 500).
 */
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'ENTITLEMENT_MISSING'
  | 'META_API_ERROR'
  | 'META_UNREACHABLE'
  | 'INVALID_STATE'
  | 'ACCOUNT_BLOCKED';

export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
}

export interface FieldError {
  path: string[];
  message: string;
}

export class ValidationError extends DomainError {
  readonly code = 'VALIDATION_FAILED' as const;
  constructor(
    readonly fieldErrors: FieldError[],
    message = fieldErrors.length === 1
      ? `${fieldErrors[0]!.path.join('.') || 'input'}: ${fieldErrors[0]!.message}`
      : `${fieldErrors.length} fields are invalid: ${fieldErrors.map((f) => f.path.join('.')).join(', ')}`,
  ) {
    super(message);
    this.name = 'ValidationError';
  }

  static field(path: string | string[], message: string): ValidationError {
    return new ValidationError([{ path: Array.isArray(path) ? path : path.split('.'), message }]);
  }
}

export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND' as const;
  constructor(what: string) {
    super(`${what} not found`);
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends DomainError {
  readonly code = 'CONFLICT' as const;
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}

export class EntitlementError extends DomainError {
  readonly code = 'ENTITLEMENT_MISSING' as const;
  constructor(readonly entitlement: string) {
    super(
      `Your organization is not entitled to "${entitlement}". Ask your platform administrator to grant it (wcs org entitle <org> ${entitlement}).`,
    );
    this.name = 'EntitlementError';
  }
}

export class InvalidStateError extends DomainError {
  readonly code = 'INVALID_STATE' as const;
  constructor(message: string) {
    super(message);
    this.name = 'InvalidStateError';
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

/** Collects field errors while validating an input, then throws them together. */
export class FieldErrors {
  private readonly errors: FieldError[] = [];

  add(path: string | string[], message: string): void {
    this.errors.push({ path: Array.isArray(path) ? path : path.split('.'), message });
  }

  get isEmpty(): boolean {
    return this.errors.length === 0;
  }

  throwIfAny(): void {
    if (this.errors.length) throw new ValidationError(this.errors);
  }
}

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
