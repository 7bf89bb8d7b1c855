// Meta's error envelope (FACTS §7.1) and the specific errors the simulator
// answers with, worded as Meta words them.
import { randomBytes } from 'node:crypto';

export interface GraphErrorSpec {
  code: number;
  subcode?: number;
  message?: string;
  type?: string;
  details?: string;
  isTransient?: boolean;
  userTitle?: string;
  userMessage?: string;
}

export interface GraphReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export function fbtraceId(): string {
  return randomBytes(17).toString('base64url').slice(0, 23);
}

// HTTP statuses from FACTS §7.2; Meta's own varies, clients must branch on code.
const STATUS_BY_CODE: Record<number, number> = {
  0: 401,
  1: 400,
  2: 503,
  3: 500,
  4: 429,
  10: 403,
  100: 400,
  190: 401,
  368: 403,
  80007: 429,
  130429: 429,
  131000: 500,
  131005: 403,
  131016: 503,
  131031: 403,
  131048: 429,
  131056: 429,
  132001: 404,
};

export function httpStatusForCode(code: number): number {
  if (code in STATUS_BY_CODE) return STATUS_BY_CODE[code] as number;
  if (code >= 200 && code <= 299) return 403;
  return 400;
}

const WHATSAPP_CODES = (code: number): boolean => code >= 130000;

export function graphError(spec: GraphErrorSpec, status?: number): GraphReply {
  const error: Record<string, unknown> = {
    message: spec.message ?? `(#${spec.code}) Simulated error`,
    type: spec.type ?? 'OAuthException',
    code: spec.code,
  };
  if (spec.details !== undefined || WHATSAPP_CODES(spec.code)) {
    error.error_data = { messaging_product: 'whatsapp', details: spec.details ?? error.message };
  }
  if (spec.subcode !== undefined) error.error_subcode = spec.subcode;
  if (spec.isTransient !== undefined) error.is_transient = spec.isTransient;
  if (spec.userTitle !== undefined) error.error_user_title = spec.userTitle;
  if (spec.userMessage !== undefined) error.error_user_msg = spec.userMessage;
  error.fbtrace_id = fbtraceId();
  return { status: status ?? httpStatusForCode(spec.code), body: { error } };
}

export const errors = {
  noToken: (): GraphReply => graphError({ code: 190, message: 'An access token is required to request this resource.' }),
  badToken: (): GraphReply => graphError({ code: 190, message: 'Invalid OAuth access token - Cannot parse access token' }),
  expiredToken: (expiredAt: Date, now: Date): GraphReply =>
    graphError({
      code: 190,
      subcode: 463,
      message: `Error validating access token: Session has expired on ${expiredAt.toUTCString()}. The current time is ${now.toUTCString()}.`,
    }),
  objectNotFound: (id: string, method: string): GraphReply =>
    graphError({
      code: 100,
      subcode: 33,
      type: 'GraphMethodException',
      message: `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
    }),
  nonexistingField: (field: string, nodeType: string): GraphReply =>
    graphError({ code: 100, message: `(#100) Tried accessing nonexisting field (${field}) on node type (${nodeType})` }),
  invalidParameter: (details: string, message = '(#100) Invalid parameter'): GraphReply => graphError({ code: 100, message, details }),
  businessPermission: (): GraphReply =>
    graphError({
      code: 200,
      subcode: 1349174,
      message: "(#200) Your app doesn't have permission to access this business's WhatsApp Business Accounts",
    }),
  managementPermission: (): GraphReply =>
    graphError({ code: 200, message: '(#200) Requires whatsapp_business_management permission to manage the object' }),
  messagingPermission: (): GraphReply => graphError({ code: 10, message: '(#10) Application does not have permission for this action' }),
  unknownPath: (): GraphReply => graphError({ code: 2500, message: 'Unknown path components' }, 400),
};
