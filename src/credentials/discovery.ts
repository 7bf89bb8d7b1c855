import type { AppDeps } from '../core/deps.js';
import { MetaApiError } from '../meta/index.js';
import { toMetaFailure } from '../core/errors.js';
import { FieldErrors, ValidationError, type DomainError } from '../platform/errors.js';
import { MetaApiFailure } from '../core/errors.js';
import type { Viewer } from '../platform/tenancy/viewer.js';
import { toPhoneFacts } from './checks.js';
import {
  isObjectNotFound,
  isPermissionError,
  isTokenInvalid,
  isTransientMetaError,
  remedyFor,
  wrongBusinessIdMessage,
  wrongBusinessNodeType,
} from './meta-errors.js';
import { checkNumericId, checkToken, requireWhatsAppEntitlement } from './service.js';
import { phoneViewFromFacts, type WabaView } from './views.js';

/**
 * "Continue" in the credential form: asks Meta, with the typed token, which
 * WhatsApp Business Accounts the business portfolio owns or was given, and
 * which numbers each has. Nothing is stored.
 */

export interface DiscoverInput {
  apiToken: string;
  businessAccountId: string;
}

function explain(err: MetaApiError, businessAccountId: string): string {
  if (isTokenInvalid(err)) return `Meta rejected the access token (code ${err.metaCode}): ${err.message}`;
  if (isObjectNotFound(err)) return `Meta cannot find business portfolio ${businessAccountId}, or the token cannot see it: ${err.message}`;
  if (isPermissionError(err))
    return `The token may not read the WhatsApp accounts of business portfolio ${businessAccountId} (code ${err.metaCode}): ${err.message}`;
  return err.message;
}

function failure(err: unknown, businessAccountId: string): DomainError {
  const nodeType = wrongBusinessNodeType(err);
  if (nodeType) return ValidationError.field('businessAccountId', wrongBusinessIdMessage(nodeType));
  if (err instanceof MetaApiError) {
    return new MetaApiFailure(explain(err, businessAccountId), {
      metaCode: err.metaCode,
      metaSubcode: err.metaSubcode,
      fbtraceId: err.fbtraceId,
      httpStatus: err.httpStatus,
      retryable: err.retryable,
      remedy: remedyFor(err),
    });
  }
  return toMetaFailure(err);
}

export async function discoverBusinessAccounts(deps: AppDeps, viewer: Viewer, input: DiscoverInput): Promise<WabaView[]> {
  requireWhatsAppEntitlement(viewer);
  const errors = new FieldErrors();
  const token = checkToken(errors, input.apiToken);
  const businessAccountId = checkNumericId(errors, 'businessAccountId', input.businessAccountId, 'business portfolio');
  errors.throwIfAny();

  // No credentialId in the tag: nothing is stored yet, so the calls are not logged against a credential.
  const session = deps.meta.session(token, { tag: { sandboxId: viewer.sandboxId } });
  let wabas;
  try {
    wabas = await session.listAllBusinessWabas(businessAccountId);
  } catch (err) {
    throw failure(err, businessAccountId);
  }
  return Promise.all(
    wabas.map(async (waba): Promise<WabaView> => {
      const base = {
        id: waba.id,
        metaId: waba.id,
        name: waba.name ?? waba.id,
        ownership: waba.ownership === 'owned' ? ('OWNED' as const) : ('CLIENT' as const),
      };
      try {
        const numbers = await session.listPhoneNumbers(waba.id);
        return { ...base, phoneNumbers: numbers.map((n) => phoneViewFromFacts(n.id, toPhoneFacts(n))), phoneNumbersError: null };
      } catch (err) {
        // A dead token or Meta trouble fails the whole discovery; a WABA the token may not read is shown without numbers.
        if (!(err instanceof MetaApiError) || isTokenInvalid(err) || isTransientMetaError(err)) throw failure(err, businessAccountId);
        return { ...base, phoneNumbers: [], phoneNumbersError: `${explain(err, businessAccountId)} ${remedyFor(err)}` };
      }
    }),
  );
}
