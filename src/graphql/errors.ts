import { AccountBlockedError, MetaApiFailure, MetaUnreachableFailure, type ErrorCode as ErrorCodeValue } from '../core/errors.js';
import {
  ConflictError,
  EntitlementError,
  InvalidStateError,
  NotFoundError,
  ValidationError,
  type DomainError,
} from '../platform/errors.js';
import { builder } from './builder.js';

/** The error types every mutation result union may contain (contract: "Error types"). */

export const ErrorCode = builder.enumType('ErrorCode', {
  description: 'A stable, machine-readable error category.',
  values: {
    VALIDATION_FAILED: { description: 'The input broke a rule; see fieldErrors.' },
    NOT_FOUND: { description: 'The object does not exist in your sandbox.' },
    CONFLICT: { description: 'The change conflicts with the current state (a duplicate, or an object still in use).' },
    ENTITLEMENT_MISSING: { description: 'Your organization lacks the entitlement this feature needs.' },
    META_API_ERROR: { description: 'Meta answered with an error; see metaCode and remedy.' },
    META_UNREACHABLE: { description: 'Meta could not be reached (DNS, refused connection or timeout).' },
    INVALID_STATE: { description: 'The object is not in a state that allows this operation.' },
    ACCOUNT_BLOCKED: {
      description: "Meta reported (account_update) that the sender's WhatsApp Business Account cannot send this now; see event.",
    },
  } as const satisfies Record<ErrorCodeValue, unknown>,
});

export const ErrorInterface = builder.interfaceRef<DomainError>('Error').implement({
  description: 'Implemented by every error a mutation can return as data.',
  fields: (t) => ({
    message: t.exposeString('message', { description: 'A sentence for a person: what went wrong and what to do.' }),
    code: t.field({ type: ErrorCode, description: 'The error category.', resolve: (e) => e.code as ErrorCodeValue }),
  }),
});

export const FieldErrorRef = builder.objectRef<{ path: string[]; message: string }>('FieldError').implement({
  description: 'One invalid input field.',
  fields: (t) => ({
    path: t.exposeStringList('path', { description: 'Path of the field inside the input, e.g. ["keywordRules", "0", "keywords"].' }),
    message: t.exposeString('message', { description: 'What is wrong with it.' }),
  }),
});

builder.objectType(ValidationError, {
  name: 'ValidationError',
  description: 'The input broke one or more rules; nothing was changed.',
  interfaces: [ErrorInterface],
  isTypeOf: (e) => e instanceof ValidationError,
  fields: (t) => ({
    fieldErrors: t.field({ type: [FieldErrorRef], description: 'Every invalid field.', resolve: (e) => e.fieldErrors }),
  }),
});

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  description: 'The object does not exist in your sandbox.',
  interfaces: [ErrorInterface],
  isTypeOf: (e) => e instanceof NotFoundError,
  fields: () => ({}),
});

builder.objectType(ConflictError, {
  name: 'ConflictError',
  description: 'The change conflicts with existing data, e.g. a duplicate name or an object still in use.',
  interfaces: [ErrorInterface],
  isTypeOf: (e) => e instanceof ConflictError,
  fields: () => ({}),
});

builder.objectType(EntitlementError, {
  name: 'EntitlementError',
  description: 'Your organization lacks an entitlement this feature needs.',
  interfaces: [ErrorInterface],
  isTypeOf: (e) => e instanceof EntitlementError,
  fields: (t) => ({
    entitlement: t.exposeString('entitlement', { description: 'The missing entitlement, e.g. cjm_whatsapp.' }),
  }),
});

builder.objectType(InvalidStateError, {
  name: 'InvalidStateError',
  description: 'The object is not in a state that allows this operation.',
  interfaces: [ErrorInterface],
  isTypeOf: (e) => e instanceof InvalidStateError,
  fields: () => ({}),
});

builder.objectType(AccountBlockedError, {
  name: 'WhatsAppAccountBlockedError',
  description:
    "Meta reported (account_update webhook) that the sender's WhatsApp Business Account is deleted, banned, offboarded, uninstalled from the app, or restricted: nothing was sent.",
  interfaces: [ErrorInterface],
  isTypeOf: (e) => e instanceof AccountBlockedError,
  fields: (t) => ({
    event: t.exposeString('event', {
      description: "Meta's account_update event, e.g. ACCOUNT_RESTRICTION, DISABLED_UPDATE, ACCOUNT_DELETED.",
    }),
    restrictionTypes: t.exposeStringList('restrictionTypes', {
      description: 'For ACCOUNT_RESTRICTION: the restriction types in force, e.g. RESTRICTED_BIZ_INITIATED_MESSAGING.',
    }),
    restrictedUntil: t.expose('restrictedUntil', {
      type: 'DateTime',
      nullable: true,
      description: 'When the restriction ends by itself; null when only Meta can lift it.',
    }),
  }),
});

export { AccountBlockedError, ConflictError, EntitlementError, InvalidStateError, NotFoundError, ValidationError };

builder.objectType(MetaApiFailure, {
  name: 'MetaApiError',
  description: 'Meta answered with an error: its own code, subcode and trace id, plus what to do.',
  interfaces: [ErrorInterface],
  isTypeOf: (e) => e instanceof MetaApiFailure,
  fields: (t) => ({
    metaCode: t.int({
      nullable: true,
      description: "Meta's error code (e.g. 190 expired token, 100 invalid parameter).",
      resolve: (e) => e.details.metaCode,
    }),
    metaSubcode: t.int({ nullable: true, description: "Meta's error subcode, when given.", resolve: (e) => e.details.metaSubcode }),
    fbtraceId: t.string({ nullable: true, description: "Meta's trace id; quote it to Meta support.", resolve: (e) => e.details.fbtraceId }),
    httpStatus: t.int({ nullable: true, description: "HTTP status of Meta's answer.", resolve: (e) => e.details.httpStatus }),
    retryable: t.boolean({ description: 'Whether the same call may succeed later unchanged.', resolve: (e) => e.details.retryable }),
    remedy: t.string({ description: 'What to do about it.', resolve: (e) => e.details.remedy }),
  }),
});

builder.objectType(MetaUnreachableFailure, {
  name: 'MetaUnreachableError',
  description: 'Meta could not be reached (DNS, refused connection or timeout); nothing was changed at Meta.',
  interfaces: [ErrorInterface],
  isTypeOf: (e) => e instanceof MetaUnreachableFailure,
  fields: (t) => ({
    retryable: t.boolean({ description: 'Always true: try again later.', resolve: () => true }),
    remedy: t.exposeString('remedy', { description: 'What to do about it.' }),
  }),
});

export { MetaApiFailure, MetaUnreachableFailure };
