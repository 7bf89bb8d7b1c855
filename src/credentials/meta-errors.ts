import {
  isObjectNotFound as objectNotFound,
  isPermissionError as permissionError,
  isTokenInvalid as tokenInvalid,
  MetaApiError,
  MetaUnreachableError,
} from '../meta/index.js';

/**
 * How the credentials slice reads Meta's failures: which ones say "try later",
 * which ones say "the token is dead", and which ones mean the admin typed an
 * id of the wrong kind.
 */

/** Meta down, unreachable or throttling: never a reason to fail a credential. */
export function isTransientMetaError(err: unknown): boolean {
  if (err instanceof MetaUnreachableError) return true;
  return err instanceof MetaApiError && err.retryable;
}

export function retryAfterOf(err: unknown): number | undefined {
  return err instanceof MetaApiError ? err.retryAfterMs : undefined;
}

// Plain booleans (not type guards): a false answer must not narrow a MetaApiError away.
export const isTokenInvalid = (err: unknown): boolean => tokenInvalid(err);
export const isPermissionError = (err: unknown): boolean => permissionError(err);
export const isObjectNotFound = (err: unknown): boolean => objectNotFound(err);

const WRONG_NODE = /nonexisting field \((?:owned|client)_whatsapp_business_accounts\) on node type \((\w+)\)/i;

/** The node type Meta named when the "business portfolio id" is some other kind of object (e.g. a WABA id). */
export function wrongBusinessNodeType(err: unknown): string | null {
  if (!(err instanceof MetaApiError) || err.metaCode !== 100) return null;
  return WRONG_NODE.exec(err.message)?.[1] ?? null;
}

/** What the admin should enter instead, when Meta says the portfolio id is another kind of object. */
export function wrongBusinessIdMessage(nodeType: string): string {
  if (nodeType === 'WhatsAppBusinessAccount') {
    return 'This is a WhatsApp Business Account (WABA) id, not a business portfolio id. Enter the business portfolio id (Meta Business Suite → Settings → Business info → Business portfolio ID); you pick the WABA in the next step.';
  }
  if (nodeType === 'WhatsAppBusinessPhoneNumber') {
    return 'This is a phone number id, not a business portfolio id. Enter the business portfolio id (Meta Business Suite → Settings → Business info → Business portfolio ID).';
  }
  return `Meta says this id is a ${nodeType}, not a business portfolio. Enter the business portfolio id (Meta Business Suite → Settings → Business info → Business portfolio ID).`;
}

export const REAUTHORIZE = 'Generate a new system-user token and update the credential.';

/** The statusMessage of a credential whose token Meta refused. */
export function tokenRejectedMessage(detail: string): string {
  return `Meta rejected the access token (code 190): ${detail.trim().replace(/\.?$/, '.')} ${REAUTHORIZE}`;
}

export const TOKEN_REMEDY =
  'Generate a new access token (a system-user token that never expires is recommended: Meta Business Suite → Settings → System users → Generate new token) and enter it again.';
export const BUSINESS_ID_REMEDY =
  'Check the business portfolio id (Meta Business Suite → Settings → Business info) and that the token belongs to a system user of that portfolio.';
export const PERMISSION_REMEDY =
  'Give the system user access to this business and its WhatsApp accounts with the whatsapp_business_management and whatsapp_business_messaging permissions, then generate a new token.';

/** A remedy that speaks about the credential form rather than Meta in general. */
export function remedyFor(err: MetaApiError): string {
  if (isTokenInvalid(err)) return TOKEN_REMEDY;
  if (isObjectNotFound(err)) return BUSINESS_ID_REMEDY;
  if (isPermissionError(err)) return PERMISSION_REMEDY;
  return err.remedy;
}
