/**
 * Expected failures. Services throw these; the GraphQL layer turns them into
 * members of each mutation's result union (never a top-level error, never a 500).
 */
export type PlatformErrorCode = 'VALIDATION_FAILED' | 'NOT_FOUND' | 'CONFLICT' | 'ENTITLEMENT_MISSING' | 'INVALID_STATE';

/**
 * The base of every expected failure. `code` is a stable category: the generic ones are typed above; the
 * product adds its own (src/core/errors.ts), and the GraphQL ErrorCode enum lists them all.
 */
export abstract class DomainError<C extends string = string> extends Error {
  abstract readonly code: C;
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
