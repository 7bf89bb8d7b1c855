// A TABLE OF DATA (allowed over 400 lines by scripts/check-file-sizes.ts): ROWS, one entry per Meta error code,
// is ~370 of its lines; the lookup functions below it are ~35.
//
// Meaning, retry guidance and an actionable remedy per Meta error code.
// Source: FACTS.md §7.2 (pywa errors.py, piusalfred's copy of Meta's table,
// ERR-COPY). "retryable" means a later identical attempt may succeed; it is
// guidance for callers, not a Meta classification. The client's own retry
// policy (retry.ts) is narrower, especially for sends.

export interface MetaErrorCatalogEntry {
  code: number;
  title: string;
  meaning: string;
  retryable: boolean;
  remedy: string;
  /** HTTP status usually seen with this code, where a source states one. */
  httpStatus: number | null;
}

type Row = [code: number, title: string, meaning: string, retryable: boolean, remedy: string, httpStatus: number | null];

const ROWS: Row[] = [
  [
    0,
    'AuthException',
    'Meta could not authenticate the app user (token expired, invalidated or blocked).',
    false,
    'Generate a new access token for this credential and save it.',
    401,
  ],
  [
    1,
    'API Unknown',
    'Invalid request or a possible server error at Meta.',
    true,
    'Check the request; if it is correct, retry a few times and check the WhatsApp Business Platform status page.',
    400,
  ],
  [
    2,
    'API Service',
    'Temporary downtime or overload at Meta.',
    true,
    'Nothing to fix on our side: retry later; check the WhatsApp Business Platform status page if it persists.',
    503,
  ],
  [
    3,
    'API Method',
    'Capability or permission issue for this API method.',
    false,
    'Check that the app has the needed capability and that the token was granted whatsapp_business_management / whatsapp_business_messaging.',
    500,
  ],
  [
    4,
    'API Too Many Calls',
    'The app reached its API call-rate limit.',
    true,
    'Wait and retry with backoff; reduce the request rate of this app.',
    429,
  ],
  [
    10,
    'Permission denied',
    'The permission is not granted or was removed.',
    false,
    'Grant the app the required permission (whatsapp_business_messaging or whatsapp_business_management) for this WABA, then generate a new token.',
    403,
  ],
  [
    100,
    'Invalid parameter',
    'A parameter is unsupported, misspelled or refers to an object the token cannot see.',
    false,
    'Check the IDs and parameters sent; if the ID is right, make sure the token has access to that object.',
    400,
  ],
  [
    190,
    'Access token expired or invalid',
    'The access token expired, was revoked or is malformed.',
    false,
    'Generate a new access token (a system-user token that never expires is recommended) and update this credential.',
    401,
  ],
  [
    368,
    'Temporarily blocked for policy violations',
    'The account is temporarily blocked for policy violations.',
    false,
    'Stop sending from this account and review the policy notice in WhatsApp Manager.',
    403,
  ],
  [
    80007,
    'WABA rate limit reached',
    'The WhatsApp Business Account reached its request rate limit.',
    true,
    'Wait and retry with backoff; spread management calls over time.',
    429,
  ],
  [
    130429,
    'Rate limit hit',
    'Cloud API throughput for this phone number was reached.',
    true,
    'Slow down sends from this number to stay under its messages-per-second limit; retry after a short backoff.',
    429,
  ],
  [
    130472,
    "User's number is part of an experiment",
    'Meta withheld the message because the recipient is in an experiment.',
    false,
    'Do not retry; the message will not be delivered to this user for now.',
    400,
  ],
  [131000, 'Something went wrong', 'Unknown error at Meta.', true, 'Retry later; open a Meta support ticket if it persists.', 500],
  [
    131005,
    'Access denied',
    'The token lacks permission for this operation.',
    false,
    'Check that the token was granted whatsapp_business_messaging and has access to this phone number and WABA.',
    403,
  ],
  [
    131008,
    'Required parameter is missing',
    'The request misses a required parameter.',
    false,
    'Fix the request: add the missing parameter named in the error details.',
    400,
  ],
  [
    131009,
    'Parameter value is not valid',
    'A parameter value is not valid.',
    false,
    'Fix the request: correct the parameter named in the error details (e.g. the phone number format).',
    400,
  ],
  [
    131016,
    'Service unavailable',
    'The service is temporarily unavailable.',
    true,
    'Retry later; check the WhatsApp Business Platform status page.',
    503,
  ],
  [
    131021,
    'Recipient cannot be sender',
    'The recipient is the sending business number itself.',
    false,
    'Send to a different recipient than the business phone number.',
    400,
  ],
  [
    131026,
    'Message undeliverable',
    'The recipient cannot receive this message (not on WhatsApp, old client, terms not accepted, …).',
    false,
    'Flag the contact as unreachable and do not retry; confirm the number with the customer.',
    400,
  ],
  [
    131030,
    'Recipient not in allowed list',
    "The recipient is not in the test number's allowed list.",
    false,
    'Add the recipient to the allowed list in the App Dashboard, or send from a production number.',
    400,
  ],
  [
    131031,
    'Account locked',
    'The business account is locked (policy, or wrong two-step PIN).',
    false,
    'Review the account status in WhatsApp Manager and resolve the lock before sending again.',
    403,
  ],
  [
    131037,
    'Display name not approved',
    'A 555 number without an approved display name cannot send.',
    false,
    'Get the display name approved in WhatsApp Manager before sending.',
    400,
  ],
  [
    131042,
    'Business eligibility payment issue',
    'There is a payment problem on the account.',
    false,
    'Fix the payment method or billing issue in the Business Manager.',
    400,
  ],
  [
    131045,
    'Incorrect certificate',
    'Phone number registration error.',
    false,
    'Register the phone number again (POST /<PHONE_NUMBER_ID>/register).',
    400,
  ],
  [
    131047,
    'Re-engagement message',
    'More than 24 hours have passed since the customer last replied.',
    false,
    'Send an approved template instead; free-form messages need an open customer-service window.',
    400,
  ],
  [
    131048,
    'Spam rate limit hit',
    'Too many messages from this number were blocked or flagged as spam.',
    false,
    'Pause this campaign and improve message quality before sending more.',
    429,
  ],
  [
    131049,
    'Per-user marketing limit',
    'Not delivered "to maintain healthy ecosystem engagement" (per-user marketing limit).',
    false,
    'Do not retry now; wait at least 24 hours before sending marketing to this user again.',
    400,
  ],
  [
    131050,
    'User stopped marketing messages',
    'The recipient chose to stop receiving marketing messages from this business.',
    false,
    'Suppress marketing messages to this contact until they resume.',
    null,
  ],
  [131051, 'Unsupported message type', 'The message type is not supported.', false, 'Use a supported message type.', 400],
  [131052, 'Media download error', 'Meta could not download media the user sent.', true, 'Ask the user to send the media again.', 400],
  [
    131053,
    'Media upload error',
    'Meta could not use the media you sent.',
    false,
    'Check the media URL, type and size, then send again.',
    400,
  ],
  [
    131056,
    'Pair rate limit hit',
    'Too many messages to the same recipient from this number in a short time.',
    true,
    'Wait before messaging this recipient again (Meta suggests 4^X seconds); other recipients are unaffected.',
    429,
  ],
  [
    131057,
    'Account in maintenance mode',
    'The account is in maintenance mode (e.g. during a throughput upgrade).',
    true,
    'Retry after about a minute.',
    null,
  ],
  [
    131062,
    'BSUID recipient not supported',
    'Sending to a business-scoped user ID is not supported here.',
    false,
    'Send to the phone number (wa_id) instead of the BSUID.',
    400,
  ],
  [
    131063,
    'Marketing templates disabled',
    'Marketing templates are disabled on Cloud API for this account.',
    false,
    'Use the Marketing Messages API or enable marketing templates for this account.',
    400,
  ],
  [
    131064,
    'Messaging limit reached (template classification)',
    'The messaging limit was reached because of template classification violations.',
    false,
    'Review template categories in WhatsApp Manager; wait for the limit to reset.',
    400,
  ],
  [
    132000,
    'Template parameter count mismatch',
    'The number of parameters does not match the template.',
    false,
    'Send exactly the parameters the template defines for each component; a NAMED template needs every parameter with its name (template.body[].name, parameter_name).',
    400,
  ],
  [
    132001,
    'Template does not exist',
    'The template does not exist in that language, or is not approved.',
    false,
    'Check the template name and language code, and that the template is APPROVED.',
    404,
  ],
  [
    132005,
    'Template hydrated text too long',
    'The template text with parameters filled in is too long.',
    false,
    'Shorten the parameter values.',
    400,
  ],
  [
    132007,
    'Template format character policy violated',
    'A parameter violates the template formatting policy.',
    false,
    'Remove disallowed characters (e.g. newlines, tabs, more than 4 spaces) from parameters.',
    400,
  ],
  [
    132008,
    'Template parameter value invalid',
    'A template parameter value is not valid.',
    false,
    'Fix the parameter value named in the error details.',
    null,
  ],
  [
    132012,
    'Template parameter format mismatch',
    'A parameter has the wrong format for the template.',
    false,
    'Send parameters in the format the template expects.',
    400,
  ],
  [
    132015,
    'Template paused',
    'The template was paused for low quality.',
    false,
    'Edit the template or wait for it to be unpaused; use another template meanwhile.',
    400,
  ],
  [
    132016,
    'Template disabled',
    'The template was permanently disabled for low quality.',
    false,
    'Create a new template with different content.',
    400,
  ],
  [132068, 'Flow blocked', 'The flow is in a blocked state.', false, 'Fix the flow in WhatsApp Manager.', null],
  [132069, 'Flow throttled', 'The flow is throttled.', true, 'Send the flow later.', null],
  [
    133010,
    'Phone number not registered',
    'The phone number is not registered with Cloud API.',
    false,
    'Register the phone number (POST /<PHONE_NUMBER_ID>/register).',
    400,
  ],
  [
    133016,
    'Too many register/deregister attempts',
    'Registration was attempted too often.',
    true,
    'Wait before trying to register this number again.',
    null,
  ],
  [
    135000,
    'Generic user error',
    'Meta reported a generic user error.',
    false,
    'Check the request against the API reference; contact Meta support if it persists.',
    400,
  ],
  [
    137000,
    'Identity key hash mismatch',
    "The recipient's identity key hash does not match.",
    false,
    'Verify the user again before sending.',
    null,
  ],
];

const CATALOG = new Map<number, MetaErrorCatalogEntry>(
  ROWS.map(([code, title, meaning, retryable, remedy, httpStatus]) => [code, { code, title, meaning, retryable, remedy, httpStatus }]),
);

const PERMISSION_RANGE: Omit<MetaErrorCatalogEntry, 'code'> = {
  title: 'API permission error',
  meaning: 'An API permission is not granted or was removed.',
  retryable: false,
  remedy:
    'Grant the app the missing permission (whatsapp_business_management / whatsapp_business_messaging) on this business or WABA, then generate a new token.',
  httpStatus: 403,
};

/** Catalog entry for a Meta error code; 200–299 share one entry. */
export function lookupMetaError(code: number | null | undefined): MetaErrorCatalogEntry | null {
  if (code === null || code === undefined) return null;
  const hit = CATALOG.get(code);
  if (hit) return hit;
  if (code >= 200 && code <= 299) return { code, ...PERMISSION_RANGE };
  return null;
}

/** Every code with its own row (the 200–299 range is not expanded). */
export function metaErrorCatalog(): MetaErrorCatalogEntry[] {
  return [...CATALOG.values()];
}

/** Remedy when Meta answered without a usable error body. */
export function remedyForHttpStatus(status: number): string {
  if (status === 429) return 'Meta is rate limiting this app: wait and retry with backoff.';
  if (status >= 500) return 'Meta had a server error: retry later and check the WhatsApp Business Platform status page.';
  if (status === 401) return 'Meta rejected the credentials: generate a new access token.';
  if (status === 403) return 'Meta denied access: check the token permissions for this object.';
  if (status >= 300 && status < 400) return 'Meta answered with a redirect, which is never followed: check the configured Graph base URL.';
  return 'Check the request against the Graph API reference.';
}
