// Public API of the Meta Graph client and webhook helpers.
//
//   const meta = new MetaClient({ baseUrl, apiVersion: 'v25.0', onCall, logger });
//   const s = meta.session(token, { tag: { credentialId } });
//   await s.listPhoneNumbers(wabaId);
//   await s.sendMessage(phoneId, textMessage('+16505551234', 'hi', { bizOpaqueCallbackData: outboxId }), { retry: false });
export { MetaClient, MetaClient as MetaGraphClient, DEFAULT_TIMEOUTS } from './client.js';
export type { GraphRequest, GraphResult } from './client.js';
export { MetaSession, PHONE_NUMBER_FIELDS, WABA_FIELDS, WABA_LIST_FIELDS, TEMPLATE_FIELDS } from './session.js';
export {
  MetaError,
  MetaApiError,
  MetaUnreachableError,
  MetaSendOutcomeUnknownError,
  MetaUnexpectedResponseError,
  isTokenInvalid,
  isTokenExpired,
  isPermissionError,
  isObjectNotFound,
  isThrottling,
} from './errors.js';
export type { MetaApiErrorInit, UnreachableReason, SendOutcomeUnknownReason } from './errors.js';
export { lookupMetaError, metaErrorCatalog, remedyForHttpStatus } from './error-catalog.js';
export type { MetaErrorCatalogEntry } from './error-catalog.js';
export { DEFAULT_RETRY, computeBackoffDelay, parseRetryAfter, shouldRetry } from './retry.js';
export type { CallKind } from './retry.js';
export { redactPath, redactText } from './redact.js';
export { signWebhookBody, verifyWebhookSignature } from './signature.js';
export { parseWebhookPayload } from './webhook-payload.js';
export type {
  WebhookParseResult,
  WebhookEntry,
  WebhookChange,
  MessagesChange,
  UserPreferencesChange,
  UserIdUpdateChange,
  PhoneNumberQualityChange,
  AccountUpdateChange,
  TemplateStatusChange,
  TemplateCategoryChange,
  UnknownChange,
  InvalidChange,
  WebhookMessage,
  WebhookStatus,
  WebhookContact,
  WebhookMetadata,
  WebhookError,
} from './webhook-payload.js';
export { textMessage, templateMessage, replyButtonsMessage } from './message-builders.js';
export type {
  Recipient,
  SendCommonOptions,
  SendMessageBody,
  TextMessageBody,
  TemplateMessageBody,
  InteractiveButtonsBody,
  TemplateSpec,
  TemplateParameter,
  TemplateComponent,
  TemplateMedia,
  ReplyButton,
  ReplyButtonsSpec,
} from './message-builders.js';
export {
  normalizeQualityRating,
  normalizeThroughput,
  templatePlaceholders,
  toPhoneNumber,
  toWaba,
  toTemplate,
  toTokenInfo,
  toSubscribedApp,
  toSendResult,
} from './graph-responses.js';
export type * from './types.js';
