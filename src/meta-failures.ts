import { MetaApiError, MetaError, MetaSendOutcomeUnknownError, MetaUnexpectedResponseError, MetaUnreachableError } from './meta/index.js';
import { MetaApiFailure, MetaUnreachableFailure } from './platform/errors.js';

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
