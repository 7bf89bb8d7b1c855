/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** A messaging channel. */
export type Channel =
  /** WhatsApp, through the WhatsApp Business Cloud API. */
  | 'WHATSAPP';

/** Where a channel configuration stands. */
export type ChannelConfigurationStatus =
  /** Every readiness check passed: messages can be sent through it. */
  | 'ACTIVE'
  /** Turned off by an administrator: nothing is sent through it until it is reactivated. */
  | 'DEACTIVATED'
  /** Saved, possibly incomplete; not checked and not usable until submitted. */
  | 'DRAFT'
  /** A readiness check failed (see checks and statusReason); fix the cause and submit again. */
  | 'FAILED'
  /** The readiness checks are running; changes to ACTIVE or FAILED on its own. */
  | 'PROCESSING';

/** The outcome of one readiness check. */
export type CheckStatus =
  /** The check failed; message says why and remedy what to do. */
  | 'FAILED'
  /** The check passed; message may still carry a note. */
  | 'PASSED'
  /** Not decided yet: running, waiting for Meta, or not run because an earlier check failed. */
  | 'PENDING';

/** A WhatsApp user's consent to receive messages from this sandbox. */
export type ConsentStatus =
  /** The user opted in (keyword or marketing resume). */
  | 'OPTED_IN'
  /** The user opted out (keyword, marketing stop, or Meta reported they stopped marketing messages). */
  | 'OPTED_OUT'
  /** No consent recorded for this user. */
  | 'UNKNOWN';

/** A new channel configuration: submitted for checking, or saved as a draft. */
export type CreateChannelConfigurationInput = {
  /** The channel (WHATSAPP). */
  channel: Channel;
  /** What it is for; at most 1000 characters. */
  description?: string | null | undefined;
  /** Marketing actions (global ids) whose consent policies apply. */
  marketingActionIds?: Array<string> | null | undefined;
  /** Starts with a letter; letters, digits, "_", "." and "-"; 1-128 characters; unique in the sandbox. */
  name: string;
  /** True keeps it in DRAFT (incomplete settings allowed, nothing checked); otherwise it is submitted (PROCESSING). */
  saveAsDraft?: boolean | null | undefined;
  /** The WhatsApp settings. */
  whatsApp: WhatsAppChannelSettingsInput;
};

/** A new credential; it is checked with Meta asynchronously. */
export type CreateWhatsAppApiCredentialInput = {
  /** The Meta access token; stored encrypted, never returned. */
  apiToken: string;
  /** The business portfolio id. */
  businessAccountId: string;
  /** Display name, 1-128 characters, unique in the sandbox. */
  name: string;
  /** The phone number id chosen from discovery. */
  phoneNumberId: string;
  /** The WABA id chosen from discovery. */
  whatsAppBusinessAccountId: string;
};

/** A new webhook: its credential, the app secret that signs notifications, and keyword rules. */
export type CreateWhatsAppWebhookInput = {
  /** The WhatsApp API credential (not FAILED) whose number this webhook serves. */
  apiCredentialId: string;
  /** The Meta app's secret (App settings → Basic); verifies every notification. Stored encrypted, never returned. */
  appSecret: string;
  /** Keyword rules for inbound messages (may be empty). */
  keywordRules: Array<InboundKeywordRuleInput>;
  /** Display name, 1-128 characters, unique in the sandbox. */
  name: string;
};

/** Where a WhatsApp API credential stands. */
export type CredentialStatus =
  /** Checked: the token works and the number belongs to the WhatsApp Business Account. */
  | 'ACTIVE'
  /** A check failed or Meta rejected the token; statusMessage says what to fix. */
  | 'FAILED'
  /** Being checked with Meta; changes to ACTIVE or FAILED on its own. */
  | 'PROCESSING';

/** The configuration to deactivate. */
export type DeactivateChannelConfigurationInput = {
  /** The configuration. */
  id: string;
};

/** The webhook to delete. */
export type DeleteWhatsAppWebhookInput = {
  /** The webhook. */
  id: string;
};

/** A token and business portfolio id to look up with Meta (nothing is stored). */
export type DiscoverWhatsAppBusinessAccountsInput = {
  /** A Meta access token (a system-user token is recommended). */
  apiToken: string;
  /** The business portfolio id (Meta Business Suite → Settings → Business info). */
  businessAccountId: string;
};

/** A stable, machine-readable error category. */
export type ErrorCode =
  /** Meta reported (account_update) that the sender's WhatsApp Business Account cannot send this now; see event. */
  | 'ACCOUNT_BLOCKED'
  /** The change conflicts with the current state (a duplicate, or an object still in use). */
  | 'CONFLICT'
  /** Your organization lacks the entitlement this feature needs. */
  | 'ENTITLEMENT_MISSING'
  /** The object is not in a state that allows this operation. */
  | 'INVALID_STATE'
  /** Meta answered with an error; see metaCode and remedy. */
  | 'META_API_ERROR'
  /** Meta could not be reached (DNS, refused connection or timeout). */
  | 'META_UNREACHABLE'
  /** The object does not exist in your sandbox. */
  | 'NOT_FOUND'
  /** The input broke a rule; see fieldErrors. */
  | 'VALIDATION_FAILED';

/** What an inbound keyword does. */
export type InboundKeywordCategory =
  /** The reply to any message no keyword matches (no keywords of its own). */
  | 'DEFAULT'
  /** The user gets the help reply; consent does not change. */
  | 'HELP'
  /** The user opts in (consent OPTED_IN) and gets the reply. */
  | 'OPT_IN'
  /** The user opts out (consent OPTED_OUT) and gets the reply. */
  | 'OPT_OUT';

/** A keyword rule: category, keywords (none for DEFAULT) and the reply. */
export type InboundKeywordRuleInput = {
  /** What the rule does. */
  category: InboundKeywordCategory;
  /** Keywords, 1-64 characters each, unique across all rules ignoring case; empty for DEFAULT. */
  keywords: Array<string>;
  /** The automatic reply, 1-4096 characters. */
  replyMessage: string;
};

/** Where a message stands. Outbound statuses only move forward (QUEUED < SENT < DELIVERED < READ); FAILED and BLOCKED are final. */
export type MessageStatus =
  /** Refused before reaching Meta (opt-out or consent policy); see statusReason. */
  | 'BLOCKED'
  /** It reached the recipient's phone (inbound messages: it reached us). */
  | 'DELIVERED'
  /** Meta could not deliver it; see statusReason and metaErrorCode. */
  | 'FAILED'
  /** Stored, not yet accepted by Meta (or its outcome is not known yet; see statusReason). */
  | 'QUEUED'
  /** The recipient read it (or played the voice note). */
  | 'READ'
  /** Meta accepted it and sent it on. */
  | 'SENT'
  /** Meta never answered the send and no status webhook came within the deadline (SEND_OUTCOME_UNKNOWN_DEADLINE_MS): it may or may not have been delivered. Never resent; a later status webhook still moves it on. */
  | 'UNKNOWN';

/** The DEACTIVATED configuration to check and turn on again. */
export type ReactivateChannelConfigurationInput = {
  /** The configuration. */
  id: string;
};

/** What an API key may do. */
export type Role =
  /** Read everything in the sandbox and run every mutation. */
  | 'ADMIN'
  /** Read and subscribe only. */
  | 'VIEWER';

/** The DRAFT or FAILED configuration to submit for checking. */
export type SubmitChannelConfigurationInput = {
  /** The configuration. */
  id: string;
};

/** The credential to test. */
export type TestWhatsAppApiCredentialInput = {
  /** The credential. */
  id: string;
};

/** What a tracking event records. */
export type TrackingEventType =
  /** An outbound message was refused before reaching Meta. */
  | 'BLOCKED'
  /** A tracked link in a message was clicked. */
  | 'CLICKED'
  /** An outbound message was delivered. */
  | 'DELIVERED'
  /** An outbound message failed. */
  | 'FAILED'
  /** A user sent a HELP keyword. */
  | 'HELP'
  /** A message came in from a WhatsApp user. */
  | 'INBOUND'
  /** A user opted in (keyword or marketing resume). */
  | 'OPT_IN'
  /** A user opted out (keyword, marketing stop, or Meta error 131050). */
  | 'OPT_OUT'
  /** An outbound message was read (or played). */
  | 'READ'
  /** An outbound message was sent. */
  | 'SENT'
  /** A notice from Meta about a user, not a message they wrote: a number change or a WhatsApp user id change (detail.systemType, detail.body). */
  | 'SYSTEM';

/** New values for a webhook; omitted fields stay as they are. */
export type UpdateWhatsAppWebhookInput = {
  /** New app secret (after resetting it in Meta's App Dashboard). */
  appSecret?: string | null | undefined;
  /** The webhook. */
  id: string;
  /** Replaces all keyword rules. */
  keywordRules?: Array<InboundKeywordRuleInput> | null | undefined;
  /** New display name. */
  name?: string | null | undefined;
};

/** What became of a notification Meta posted. */
export type WebhookDeliveryOutcome =
  /** The same bytes were delivered before; nothing was applied again. */
  | 'DUPLICATE'
  /** Processing failed after retries; see detail, then replay it. */
  | 'FAILED'
  /** Stored and acknowledged; not processed yet. */
  | 'PENDING'
  /** Every change was applied. */
  | 'PROCESSED'
  /** Kept but (partly) not applied: unreadable, or about a number that is not this webhook’s; see detail. */
  | 'QUARANTINED';

/** One check of a credential, in the order they run. */
export type WhatsAppApiCredentialCheck =
  /** The WABA is owned by, or shared with, the business portfolio. */
  | 'BUSINESS_ACCOUNT'
  /** The token has whatsapp_business_management and whatsapp_business_messaging for the WABA. */
  | 'PERMISSIONS'
  /** The phone number is registered in the WABA. */
  | 'PHONE_NUMBER'
  /** Meta's health status lets the number send messages. */
  | 'SENDING'
  /** The token is valid and not expired (debug_token). */
  | 'TOKEN';

/** How the WhatsApp Business Account relates to the business portfolio. */
export type WhatsAppBusinessAccountOwnership =
  /** Another business shared the WABA with the portfolio. */
  | 'CLIENT'
  /** The portfolio owns the WABA. */
  | 'OWNED';

/** The WhatsApp settings. To submit, apiCredentialId and senderPhoneNumber are required; a draft may leave them out. In an update, a field left out stays as it is and null clears it. */
export type WhatsAppChannelSettingsInput = {
  /** The WhatsApp API credential (its global id) to send with. */
  apiCredentialId?: string | null | undefined;
  /** Profile attribute path holding the recipient's number, e.g. mobilePhone.number; null = the sandbox default. */
  executionField?: string | null | undefined;
  /** The sender number with its country code; "+", spaces, dashes, dots and parentheses are accepted, stored as E.164. */
  senderPhoneNumber?: string | null | undefined;
  /** The WhatsApp webhook (its global id) for inbound messages and delivery reports; optional. */
  webhookId?: string | null | undefined;
};

/** Meta's quality rating of a sender number, from recent recipients' feedback. */
export type WhatsAppQualityRating =
  /** High quality. */
  | 'GREEN'
  /** Low quality: sending may be limited. */
  | 'RED'
  /** Not rated yet, or not read from Meta yet. */
  | 'UNKNOWN'
  /** Medium quality: Meta may restrict the number if it drops further. */
  | 'YELLOW';

/** How many messages per second Meta lets the number send. */
export type WhatsAppThroughputLevel =
  /** Up to 1000 messages per second. */
  | 'HIGH'
  /** Meta reports no throughput level for this number (or it was not read yet). */
  | 'NOT_APPLICABLE'
  /** Up to 80 messages per second. */
  | 'STANDARD';

export type ConsoleConfigurationFragment = { id: string, name: string, description: string | null, status: ChannelConfigurationStatus, statusReason: string | null, statusChangedAt: string, updatedAt: string, marketingActions: Array<{ id: string, name: string }>, whatsApp: { senderPhoneNumber: string | null, executionField: string | null, effectiveExecutionField: string, apiCredential: { id: string, name: string } | null, webhook: { id: string, name: string } | null }, checks: Array<{ name: string, status: CheckStatus, message: string | null, remedy: string | null, checkedAt: string | null }> };

export type ConsoleConfigurationsQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleConfigurationsQuery = { channelConfigurations: { edges: Array<{ node: { id: string, name: string, description: string | null, status: ChannelConfigurationStatus, statusReason: string | null, statusChangedAt: string, updatedAt: string, marketingActions: Array<{ id: string, name: string }>, whatsApp: { senderPhoneNumber: string | null, executionField: string | null, effectiveExecutionField: string, apiCredential: { id: string, name: string } | null, webhook: { id: string, name: string } | null }, checks: Array<{ name: string, status: CheckStatus, message: string | null, remedy: string | null, checkedAt: string | null }> } }> } };

export type ConsoleConfigurationStatusSubscriptionVariables = Exact<{
  id?: string | null | undefined;
}>;


export type ConsoleConfigurationStatusSubscription = { channelConfigurationStatusChanged: { status: ChannelConfigurationStatus, previousStatus: ChannelConfigurationStatus | null, at: string, channelConfiguration: { id: string, name: string, description: string | null, status: ChannelConfigurationStatus, statusReason: string | null, statusChangedAt: string, updatedAt: string, marketingActions: Array<{ id: string, name: string }>, whatsApp: { senderPhoneNumber: string | null, executionField: string | null, effectiveExecutionField: string, apiCredential: { id: string, name: string } | null, webhook: { id: string, name: string } | null }, checks: Array<{ name: string, status: CheckStatus, message: string | null, remedy: string | null, checkedAt: string | null }> } } };

export type ConsoleConfigurationFormQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleConfigurationFormQuery = { channelGeneralSettings: { whatsAppExecutionField: string }, marketingActions: Array<{ id: string, name: string, description: string | null }>, whatsAppApiCredentials: { edges: Array<{ node: { id: string, name: string, status: CredentialStatus, phoneNumber: { id: string, displayPhoneNumber: string } } }> }, whatsAppWebhooks: { edges: Array<{ node: { id: string, name: string, apiCredential: { id: string } } }> } };

export type ConsoleCreateConfigurationMutationVariables = Exact<{
  input: CreateChannelConfigurationInput;
}>;


export type ConsoleCreateConfigurationMutation = { createChannelConfiguration:
    | { __typename: 'ConflictError', message: string, code: ErrorCode }
    | { __typename: 'CreateChannelConfigurationSuccess', data: { id: string, name: string, description: string | null, status: ChannelConfigurationStatus, statusReason: string | null, statusChangedAt: string, updatedAt: string, marketingActions: Array<{ id: string, name: string }>, whatsApp: { senderPhoneNumber: string | null, executionField: string | null, effectiveExecutionField: string, apiCredential: { id: string, name: string } | null, webhook: { id: string, name: string } | null }, checks: Array<{ name: string, status: CheckStatus, message: string | null, remedy: string | null, checkedAt: string | null }> } }
    | { __typename: 'EntitlementError', message: string, code: ErrorCode }
    | { __typename: 'ValidationError', message: string, code: ErrorCode, fieldErrors: Array<{ path: Array<string>, message: string }> }
   };

export type ConsoleSubmitConfigurationMutationVariables = Exact<{
  input: SubmitChannelConfigurationInput;
}>;


export type ConsoleSubmitConfigurationMutation = { submitChannelConfiguration:
    | { __typename: 'EntitlementError', message: string, code: ErrorCode }
    | { __typename: 'InvalidStateError', message: string, code: ErrorCode }
    | { __typename: 'NotFoundError', message: string, code: ErrorCode }
    | { __typename: 'SubmitChannelConfigurationSuccess', data: { id: string, name: string, description: string | null, status: ChannelConfigurationStatus, statusReason: string | null, statusChangedAt: string, updatedAt: string, marketingActions: Array<{ id: string, name: string }>, whatsApp: { senderPhoneNumber: string | null, executionField: string | null, effectiveExecutionField: string, apiCredential: { id: string, name: string } | null, webhook: { id: string, name: string } | null }, checks: Array<{ name: string, status: CheckStatus, message: string | null, remedy: string | null, checkedAt: string | null }> } }
    | { __typename: 'ValidationError', message: string, code: ErrorCode, fieldErrors: Array<{ path: Array<string>, message: string }> }
   };

export type ConsoleDeactivateConfigurationMutationVariables = Exact<{
  input: DeactivateChannelConfigurationInput;
}>;


export type ConsoleDeactivateConfigurationMutation = { deactivateChannelConfiguration:
    | { __typename: 'DeactivateChannelConfigurationSuccess', data: { id: string, name: string, description: string | null, status: ChannelConfigurationStatus, statusReason: string | null, statusChangedAt: string, updatedAt: string, marketingActions: Array<{ id: string, name: string }>, whatsApp: { senderPhoneNumber: string | null, executionField: string | null, effectiveExecutionField: string, apiCredential: { id: string, name: string } | null, webhook: { id: string, name: string } | null }, checks: Array<{ name: string, status: CheckStatus, message: string | null, remedy: string | null, checkedAt: string | null }> } }
    | { __typename: 'EntitlementError', message: string, code: ErrorCode }
    | { __typename: 'InvalidStateError', message: string, code: ErrorCode }
    | { __typename: 'NotFoundError', message: string, code: ErrorCode }
   };

export type ConsoleReactivateConfigurationMutationVariables = Exact<{
  input: ReactivateChannelConfigurationInput;
}>;


export type ConsoleReactivateConfigurationMutation = { reactivateChannelConfiguration:
    | { __typename: 'EntitlementError', message: string, code: ErrorCode }
    | { __typename: 'InvalidStateError', message: string, code: ErrorCode }
    | { __typename: 'NotFoundError', message: string, code: ErrorCode }
    | { __typename: 'ReactivateChannelConfigurationSuccess', data: { id: string, name: string, description: string | null, status: ChannelConfigurationStatus, statusReason: string | null, statusChangedAt: string, updatedAt: string, marketingActions: Array<{ id: string, name: string }>, whatsApp: { senderPhoneNumber: string | null, executionField: string | null, effectiveExecutionField: string, apiCredential: { id: string, name: string } | null, webhook: { id: string, name: string } | null }, checks: Array<{ name: string, status: CheckStatus, message: string | null, remedy: string | null, checkedAt: string | null }> } }
    | { __typename: 'ValidationError', message: string, code: ErrorCode }
   };

export type ConsoleTrackingEventsQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleTrackingEventsQuery = { trackingEvents: { edges: Array<{ node: { id: string, type: TrackingEventType, at: string, phoneNumber: string | null, channelConfiguration: { id: string, name: string } | null, message: { id: string, direction: string, text: string | null, status: MessageStatus } | null } }> } };

export type ConsoleTrackingEventFragment = { id: string, type: TrackingEventType, at: string, phoneNumber: string | null, channelConfiguration: { id: string, name: string } | null, message: { id: string, direction: string, text: string | null, status: MessageStatus } | null };

export type ConsoleTrackingEventAddedSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type ConsoleTrackingEventAddedSubscription = { trackingEventAdded: { id: string, type: TrackingEventType, at: string, phoneNumber: string | null, channelConfiguration: { id: string, name: string } | null, message: { id: string, direction: string, text: string | null, status: MessageStatus } | null } };

export type ConsoleDeliveriesQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleDeliveriesQuery = { whatsAppWebhooks: { edges: Array<{ node: { id: string, name: string, deliveries: { edges: Array<{ node: { id: string, receivedAt: string, outcome: WebhookDeliveryOutcome, detail: string | null, changes: number, processedAt: string | null } }> } } }> } };

export type ConsoleViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleViewerQuery = { viewer: { role: Role, apiKeyPrefix: string, organization: { name: string }, sandbox: { name: string } } };

export type ConsoleAuditSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type ConsoleAuditSubscription = { auditLogEntryAdded: { id: string, action: string, outcome: string, at: string } };

export type ConsoleCredentialRowFragment = { id: string, name: string, businessAccountId: string, status: CredentialStatus, statusMessage: string | null, apiTokenLast4: string, updatedAt: string, warnings: Array<{ code: string, message: string }>, whatsAppBusinessAccount: { id: string, metaId: string, name: string }, phoneNumber: { id: string, metaId: string, displayPhoneNumber: string, verifiedName: string, qualityRating: WhatsAppQualityRating, throughputLevel: WhatsAppThroughputLevel, messagesPerSecond: number | null } };

export type ConsoleCredentialsQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleCredentialsQuery = { whatsAppApiCredentials: { edges: Array<{ node: { id: string, name: string, businessAccountId: string, status: CredentialStatus, statusMessage: string | null, apiTokenLast4: string, updatedAt: string, warnings: Array<{ code: string, message: string }>, whatsAppBusinessAccount: { id: string, metaId: string, name: string }, phoneNumber: { id: string, metaId: string, displayPhoneNumber: string, verifiedName: string, qualityRating: WhatsAppQualityRating, throughputLevel: WhatsAppThroughputLevel, messagesPerSecond: number | null } } }> } };

export type ConsoleCredentialStatusSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type ConsoleCredentialStatusSubscription = { whatsAppApiCredentialStatusChanged: { status: CredentialStatus, credential: { id: string, name: string, businessAccountId: string, status: CredentialStatus, statusMessage: string | null, apiTokenLast4: string, updatedAt: string, warnings: Array<{ code: string, message: string }>, whatsAppBusinessAccount: { id: string, metaId: string, name: string }, phoneNumber: { id: string, metaId: string, displayPhoneNumber: string, verifiedName: string, qualityRating: WhatsAppQualityRating, throughputLevel: WhatsAppThroughputLevel, messagesPerSecond: number | null } } } };

export type ConsoleQualityChangedSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type ConsoleQualityChangedSubscription = { whatsAppPhoneNumberQualityChanged: { qualityRating: WhatsAppQualityRating, credential: { id: string, name: string, businessAccountId: string, status: CredentialStatus, statusMessage: string | null, apiTokenLast4: string, updatedAt: string, warnings: Array<{ code: string, message: string }>, whatsAppBusinessAccount: { id: string, metaId: string, name: string }, phoneNumber: { id: string, metaId: string, displayPhoneNumber: string, verifiedName: string, qualityRating: WhatsAppQualityRating, throughputLevel: WhatsAppThroughputLevel, messagesPerSecond: number | null } } } };

export type ConsoleDiscoverMutationVariables = Exact<{
  input: DiscoverWhatsAppBusinessAccountsInput;
}>;


export type ConsoleDiscoverMutation = { discoverWhatsAppBusinessAccounts:
    | { __typename: 'DiscoverWhatsAppBusinessAccountsSuccess', data: Array<{ id: string, name: string, ownership: WhatsAppBusinessAccountOwnership | null, phoneNumbersError: string | null, phoneNumbers: Array<{ id: string, displayPhoneNumber: string, verifiedName: string, qualityRating: WhatsAppQualityRating, throughputLevel: WhatsAppThroughputLevel, messagesPerSecond: number | null, messagingLimitTier: string | null }> }> }
    | { __typename: 'EntitlementError', message: string, code: ErrorCode }
    | { __typename: 'MetaApiError', message: string, code: ErrorCode, remedy: string }
    | { __typename: 'MetaUnreachableError', message: string, code: ErrorCode }
    | { __typename: 'ValidationError', message: string, code: ErrorCode, fieldErrors: Array<{ path: Array<string>, message: string }> }
   };

export type ConsoleCreateCredentialMutationVariables = Exact<{
  input: CreateWhatsAppApiCredentialInput;
}>;


export type ConsoleCreateCredentialMutation = { createWhatsAppApiCredential:
    | { __typename: 'ConflictError', message: string, code: ErrorCode }
    | { __typename: 'CreateWhatsAppApiCredentialSuccess', data: { id: string, name: string, businessAccountId: string, status: CredentialStatus, statusMessage: string | null, apiTokenLast4: string, updatedAt: string, warnings: Array<{ code: string, message: string }>, whatsAppBusinessAccount: { id: string, metaId: string, name: string }, phoneNumber: { id: string, metaId: string, displayPhoneNumber: string, verifiedName: string, qualityRating: WhatsAppQualityRating, throughputLevel: WhatsAppThroughputLevel, messagesPerSecond: number | null } } }
    | { __typename: 'EntitlementError', message: string, code: ErrorCode }
    | { __typename: 'ValidationError', message: string, code: ErrorCode, fieldErrors: Array<{ path: Array<string>, message: string }> }
   };

export type ConsoleTestCredentialMutationVariables = Exact<{
  input: TestWhatsAppApiCredentialInput;
}>;


export type ConsoleTestCredentialMutation = { testWhatsAppApiCredential:
    | { __typename: 'EntitlementError', message: string, code: ErrorCode }
    | { __typename: 'MetaApiError', message: string, code: ErrorCode, remedy: string }
    | { __typename: 'MetaUnreachableError', message: string, code: ErrorCode }
    | { __typename: 'NotFoundError', message: string, code: ErrorCode }
    | { __typename: 'TestWhatsAppApiCredentialSuccess', data: { passed: boolean, testedAt: string, steps: Array<{ step: WhatsAppApiCredentialCheck, passed: boolean, detail: string, remedy: string | null }> } }
   };

export type ConsoleWebhookFragment = { id: string, name: string, callbackUrl: string, verifyToken: string, appSecretLast4: string, standardConsentMessagesEnabled: boolean, verifiedAt: string | null, lastEventAt: string | null, apiCredential: { id: string, name: string }, keywordRules: Array<{ category: InboundKeywordCategory, keywords: Array<string>, replyMessage: string }> };

export type ConsoleWebhooksQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleWebhooksQuery = { whatsAppWebhooks: { edges: Array<{ node: { id: string, name: string, callbackUrl: string, verifyToken: string, appSecretLast4: string, standardConsentMessagesEnabled: boolean, verifiedAt: string | null, lastEventAt: string | null, apiCredential: { id: string, name: string }, keywordRules: Array<{ category: InboundKeywordCategory, keywords: Array<string>, replyMessage: string }> } }> }, whatsAppApiCredentials: { edges: Array<{ node: { id: string, name: string, status: CredentialStatus } }> } };

export type ConsoleCreateWebhookMutationVariables = Exact<{
  input: CreateWhatsAppWebhookInput;
}>;


export type ConsoleCreateWebhookMutation = { createWhatsAppWebhook:
    | { __typename: 'ConflictError', message: string, code: ErrorCode }
    | { __typename: 'CreateWhatsAppWebhookSuccess', data: { id: string, name: string, callbackUrl: string, verifyToken: string, appSecretLast4: string, standardConsentMessagesEnabled: boolean, verifiedAt: string | null, lastEventAt: string | null, apiCredential: { id: string, name: string }, keywordRules: Array<{ category: InboundKeywordCategory, keywords: Array<string>, replyMessage: string }> } }
    | { __typename: 'EntitlementError', message: string, code: ErrorCode }
    | { __typename: 'NotFoundError', message: string, code: ErrorCode }
    | { __typename: 'ValidationError', message: string, code: ErrorCode, fieldErrors: Array<{ path: Array<string>, message: string }> }
   };

export type ConsoleUpdateWebhookMutationVariables = Exact<{
  input: UpdateWhatsAppWebhookInput;
}>;


export type ConsoleUpdateWebhookMutation = { updateWhatsAppWebhook:
    | { __typename: 'ConflictError', message: string, code: ErrorCode }
    | { __typename: 'EntitlementError', message: string, code: ErrorCode }
    | { __typename: 'NotFoundError', message: string, code: ErrorCode }
    | { __typename: 'UpdateWhatsAppWebhookSuccess', data: { id: string, name: string, callbackUrl: string, verifyToken: string, appSecretLast4: string, standardConsentMessagesEnabled: boolean, verifiedAt: string | null, lastEventAt: string | null, apiCredential: { id: string, name: string }, keywordRules: Array<{ category: InboundKeywordCategory, keywords: Array<string>, replyMessage: string }> } }
    | { __typename: 'ValidationError', message: string, code: ErrorCode, fieldErrors: Array<{ path: Array<string>, message: string }> }
   };

export type ConsoleDeleteWebhookMutationVariables = Exact<{
  input: DeleteWhatsAppWebhookInput;
}>;


export type ConsoleDeleteWebhookMutation = { deleteWhatsAppWebhook:
    | { __typename: 'DeleteWhatsAppWebhookSuccess', data: { id: string, name: string } }
    | { __typename: 'EntitlementError', message: string, code: ErrorCode }
    | { __typename: 'NotFoundError', message: string, code: ErrorCode }
   };

export type ConsoleTestKeywordQueryVariables = Exact<{
  webhookId: string;
  text: string;
}>;


export type ConsoleTestKeywordQuery = { testInboundKeyword: { category: InboundKeywordCategory | null, matchedKeyword: string | null, replyMessage: string | null, consentChange: ConsentStatus | null } };

export const ConsoleConfigurationFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleConfiguration"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ChannelConfiguration"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"statusReason"}},{"kind":"Field","name":{"kind":"Name","value":"statusChangedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"marketingActions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"whatsApp"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"senderPhoneNumber"}},{"kind":"Field","name":{"kind":"Name","value":"executionField"}},{"kind":"Field","name":{"kind":"Name","value":"effectiveExecutionField"}},{"kind":"Field","name":{"kind":"Name","value":"apiCredential"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"webhook"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"checks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"remedy"}},{"kind":"Field","name":{"kind":"Name","value":"checkedAt"}}]}}]}}]} as unknown as DocumentNode<ConsoleConfigurationFragment, unknown>;
export const ConsoleTrackingEventFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleTrackingEvent"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TrackingEvent"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"phoneNumber"}},{"kind":"Field","name":{"kind":"Name","value":"channelConfiguration"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"message"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"direction"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]} as unknown as DocumentNode<ConsoleTrackingEventFragment, unknown>;
export const ConsoleCredentialRowFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleCredentialRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"WhatsAppApiCredential"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"businessAccountId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"statusMessage"}},{"kind":"Field","name":{"kind":"Name","value":"apiTokenLast4"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"warnings"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"Field","name":{"kind":"Name","value":"whatsAppBusinessAccount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"metaId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"phoneNumber"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"metaId"}},{"kind":"Field","name":{"kind":"Name","value":"displayPhoneNumber"}},{"kind":"Field","name":{"kind":"Name","value":"verifiedName"}},{"kind":"Field","name":{"kind":"Name","value":"qualityRating"}},{"kind":"Field","name":{"kind":"Name","value":"throughputLevel"}},{"kind":"Field","name":{"kind":"Name","value":"messagesPerSecond"}}]}}]}}]} as unknown as DocumentNode<ConsoleCredentialRowFragment, unknown>;
export const ConsoleWebhookFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleWebhook"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"WhatsAppWebhook"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"callbackUrl"}},{"kind":"Field","name":{"kind":"Name","value":"verifyToken"}},{"kind":"Field","name":{"kind":"Name","value":"appSecretLast4"}},{"kind":"Field","name":{"kind":"Name","value":"standardConsentMessagesEnabled"}},{"kind":"Field","name":{"kind":"Name","value":"verifiedAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastEventAt"}},{"kind":"Field","name":{"kind":"Name","value":"apiCredential"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"keywordRules"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"category"}},{"kind":"Field","name":{"kind":"Name","value":"keywords"}},{"kind":"Field","name":{"kind":"Name","value":"replyMessage"}}]}}]}}]} as unknown as DocumentNode<ConsoleWebhookFragment, unknown>;
export const ConsoleConfigurationsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleConfigurations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"channelConfigurations"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleConfiguration"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleConfiguration"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ChannelConfiguration"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"statusReason"}},{"kind":"Field","name":{"kind":"Name","value":"statusChangedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"marketingActions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"whatsApp"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"senderPhoneNumber"}},{"kind":"Field","name":{"kind":"Name","value":"executionField"}},{"kind":"Field","name":{"kind":"Name","value":"effectiveExecutionField"}},{"kind":"Field","name":{"kind":"Name","value":"apiCredential"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"webhook"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"checks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"remedy"}},{"kind":"Field","name":{"kind":"Name","value":"checkedAt"}}]}}]}}]} as unknown as DocumentNode<ConsoleConfigurationsQuery, ConsoleConfigurationsQueryVariables>;
export const ConsoleConfigurationStatusDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ConsoleConfigurationStatus"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"channelConfigurationStatusChanged"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"previousStatus"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"channelConfiguration"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleConfiguration"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleConfiguration"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ChannelConfiguration"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"statusReason"}},{"kind":"Field","name":{"kind":"Name","value":"statusChangedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"marketingActions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"whatsApp"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"senderPhoneNumber"}},{"kind":"Field","name":{"kind":"Name","value":"executionField"}},{"kind":"Field","name":{"kind":"Name","value":"effectiveExecutionField"}},{"kind":"Field","name":{"kind":"Name","value":"apiCredential"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"webhook"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"checks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"remedy"}},{"kind":"Field","name":{"kind":"Name","value":"checkedAt"}}]}}]}}]} as unknown as DocumentNode<ConsoleConfigurationStatusSubscription, ConsoleConfigurationStatusSubscriptionVariables>;
export const ConsoleConfigurationFormDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleConfigurationForm"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"channelGeneralSettings"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"whatsAppExecutionField"}}]}},{"kind":"Field","name":{"kind":"Name","value":"marketingActions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}}]}},{"kind":"Field","name":{"kind":"Name","value":"whatsAppApiCredentials"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"25"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"phoneNumber"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"displayPhoneNumber"}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"whatsAppWebhooks"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"25"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"apiCredential"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleConfigurationFormQuery, ConsoleConfigurationFormQueryVariables>;
export const ConsoleCreateConfigurationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleCreateConfiguration"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateChannelConfigurationInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createChannelConfiguration"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CreateChannelConfigurationSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"data"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleConfiguration"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fieldErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"path"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleConfiguration"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ChannelConfiguration"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"statusReason"}},{"kind":"Field","name":{"kind":"Name","value":"statusChangedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"marketingActions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"whatsApp"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"senderPhoneNumber"}},{"kind":"Field","name":{"kind":"Name","value":"executionField"}},{"kind":"Field","name":{"kind":"Name","value":"effectiveExecutionField"}},{"kind":"Field","name":{"kind":"Name","value":"apiCredential"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"webhook"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"checks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"remedy"}},{"kind":"Field","name":{"kind":"Name","value":"checkedAt"}}]}}]}}]} as unknown as DocumentNode<ConsoleCreateConfigurationMutation, ConsoleCreateConfigurationMutationVariables>;
export const ConsoleSubmitConfigurationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleSubmitConfiguration"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SubmitChannelConfigurationInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"submitChannelConfiguration"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SubmitChannelConfigurationSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"data"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleConfiguration"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fieldErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"path"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleConfiguration"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ChannelConfiguration"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"statusReason"}},{"kind":"Field","name":{"kind":"Name","value":"statusChangedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"marketingActions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"whatsApp"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"senderPhoneNumber"}},{"kind":"Field","name":{"kind":"Name","value":"executionField"}},{"kind":"Field","name":{"kind":"Name","value":"effectiveExecutionField"}},{"kind":"Field","name":{"kind":"Name","value":"apiCredential"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"webhook"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"checks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"remedy"}},{"kind":"Field","name":{"kind":"Name","value":"checkedAt"}}]}}]}}]} as unknown as DocumentNode<ConsoleSubmitConfigurationMutation, ConsoleSubmitConfigurationMutationVariables>;
export const ConsoleDeactivateConfigurationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleDeactivateConfiguration"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DeactivateChannelConfigurationInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deactivateChannelConfiguration"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"DeactivateChannelConfigurationSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"data"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleConfiguration"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleConfiguration"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ChannelConfiguration"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"statusReason"}},{"kind":"Field","name":{"kind":"Name","value":"statusChangedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"marketingActions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"whatsApp"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"senderPhoneNumber"}},{"kind":"Field","name":{"kind":"Name","value":"executionField"}},{"kind":"Field","name":{"kind":"Name","value":"effectiveExecutionField"}},{"kind":"Field","name":{"kind":"Name","value":"apiCredential"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"webhook"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"checks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"remedy"}},{"kind":"Field","name":{"kind":"Name","value":"checkedAt"}}]}}]}}]} as unknown as DocumentNode<ConsoleDeactivateConfigurationMutation, ConsoleDeactivateConfigurationMutationVariables>;
export const ConsoleReactivateConfigurationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleReactivateConfiguration"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ReactivateChannelConfigurationInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reactivateChannelConfiguration"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ReactivateChannelConfigurationSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"data"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleConfiguration"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleConfiguration"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ChannelConfiguration"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"statusReason"}},{"kind":"Field","name":{"kind":"Name","value":"statusChangedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"marketingActions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"whatsApp"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"senderPhoneNumber"}},{"kind":"Field","name":{"kind":"Name","value":"executionField"}},{"kind":"Field","name":{"kind":"Name","value":"effectiveExecutionField"}},{"kind":"Field","name":{"kind":"Name","value":"apiCredential"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"webhook"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"checks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"remedy"}},{"kind":"Field","name":{"kind":"Name","value":"checkedAt"}}]}}]}}]} as unknown as DocumentNode<ConsoleReactivateConfigurationMutation, ConsoleReactivateConfigurationMutationVariables>;
export const ConsoleTrackingEventsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleTrackingEvents"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"trackingEvents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"25"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleTrackingEvent"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleTrackingEvent"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TrackingEvent"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"phoneNumber"}},{"kind":"Field","name":{"kind":"Name","value":"channelConfiguration"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"message"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"direction"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]} as unknown as DocumentNode<ConsoleTrackingEventsQuery, ConsoleTrackingEventsQueryVariables>;
export const ConsoleTrackingEventAddedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ConsoleTrackingEventAdded"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"trackingEventAdded"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleTrackingEvent"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleTrackingEvent"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TrackingEvent"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"phoneNumber"}},{"kind":"Field","name":{"kind":"Name","value":"channelConfiguration"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"message"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"direction"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]} as unknown as DocumentNode<ConsoleTrackingEventAddedSubscription, ConsoleTrackingEventAddedSubscriptionVariables>;
export const ConsoleDeliveriesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleDeliveries"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"whatsAppWebhooks"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"10"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"deliveries"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"5"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"receivedAt"}},{"kind":"Field","name":{"kind":"Name","value":"outcome"}},{"kind":"Field","name":{"kind":"Name","value":"detail"}},{"kind":"Field","name":{"kind":"Name","value":"changes"}},{"kind":"Field","name":{"kind":"Name","value":"processedAt"}}]}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleDeliveriesQuery, ConsoleDeliveriesQueryVariables>;
export const ConsoleViewerDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleViewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"apiKeyPrefix"}},{"kind":"Field","name":{"kind":"Name","value":"organization"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"sandbox"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleViewerQuery, ConsoleViewerQueryVariables>;
export const ConsoleAuditDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ConsoleAudit"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"auditLogEntryAdded"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"outcome"}},{"kind":"Field","name":{"kind":"Name","value":"at"}}]}}]}}]} as unknown as DocumentNode<ConsoleAuditSubscription, ConsoleAuditSubscriptionVariables>;
export const ConsoleCredentialsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleCredentials"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"whatsAppApiCredentials"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"25"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleCredentialRow"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleCredentialRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"WhatsAppApiCredential"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"businessAccountId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"statusMessage"}},{"kind":"Field","name":{"kind":"Name","value":"apiTokenLast4"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"warnings"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"Field","name":{"kind":"Name","value":"whatsAppBusinessAccount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"metaId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"phoneNumber"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"metaId"}},{"kind":"Field","name":{"kind":"Name","value":"displayPhoneNumber"}},{"kind":"Field","name":{"kind":"Name","value":"verifiedName"}},{"kind":"Field","name":{"kind":"Name","value":"qualityRating"}},{"kind":"Field","name":{"kind":"Name","value":"throughputLevel"}},{"kind":"Field","name":{"kind":"Name","value":"messagesPerSecond"}}]}}]}}]} as unknown as DocumentNode<ConsoleCredentialsQuery, ConsoleCredentialsQueryVariables>;
export const ConsoleCredentialStatusDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ConsoleCredentialStatus"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"whatsAppApiCredentialStatusChanged"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"credential"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleCredentialRow"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleCredentialRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"WhatsAppApiCredential"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"businessAccountId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"statusMessage"}},{"kind":"Field","name":{"kind":"Name","value":"apiTokenLast4"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"warnings"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"Field","name":{"kind":"Name","value":"whatsAppBusinessAccount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"metaId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"phoneNumber"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"metaId"}},{"kind":"Field","name":{"kind":"Name","value":"displayPhoneNumber"}},{"kind":"Field","name":{"kind":"Name","value":"verifiedName"}},{"kind":"Field","name":{"kind":"Name","value":"qualityRating"}},{"kind":"Field","name":{"kind":"Name","value":"throughputLevel"}},{"kind":"Field","name":{"kind":"Name","value":"messagesPerSecond"}}]}}]}}]} as unknown as DocumentNode<ConsoleCredentialStatusSubscription, ConsoleCredentialStatusSubscriptionVariables>;
export const ConsoleQualityChangedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ConsoleQualityChanged"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"whatsAppPhoneNumberQualityChanged"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"qualityRating"}},{"kind":"Field","name":{"kind":"Name","value":"credential"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleCredentialRow"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleCredentialRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"WhatsAppApiCredential"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"businessAccountId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"statusMessage"}},{"kind":"Field","name":{"kind":"Name","value":"apiTokenLast4"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"warnings"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"Field","name":{"kind":"Name","value":"whatsAppBusinessAccount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"metaId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"phoneNumber"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"metaId"}},{"kind":"Field","name":{"kind":"Name","value":"displayPhoneNumber"}},{"kind":"Field","name":{"kind":"Name","value":"verifiedName"}},{"kind":"Field","name":{"kind":"Name","value":"qualityRating"}},{"kind":"Field","name":{"kind":"Name","value":"throughputLevel"}},{"kind":"Field","name":{"kind":"Name","value":"messagesPerSecond"}}]}}]}}]} as unknown as DocumentNode<ConsoleQualityChangedSubscription, ConsoleQualityChangedSubscriptionVariables>;
export const ConsoleDiscoverDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleDiscover"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DiscoverWhatsAppBusinessAccountsInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"discoverWhatsAppBusinessAccounts"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"DiscoverWhatsAppBusinessAccountsSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"data"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"ownership"}},{"kind":"Field","name":{"kind":"Name","value":"phoneNumbersError"}},{"kind":"Field","name":{"kind":"Name","value":"phoneNumbers"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"displayPhoneNumber"}},{"kind":"Field","name":{"kind":"Name","value":"verifiedName"}},{"kind":"Field","name":{"kind":"Name","value":"qualityRating"}},{"kind":"Field","name":{"kind":"Name","value":"throughputLevel"}},{"kind":"Field","name":{"kind":"Name","value":"messagesPerSecond"}},{"kind":"Field","name":{"kind":"Name","value":"messagingLimitTier"}}]}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fieldErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"path"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"MetaApiError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"remedy"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleDiscoverMutation, ConsoleDiscoverMutationVariables>;
export const ConsoleCreateCredentialDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleCreateCredential"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateWhatsAppApiCredentialInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createWhatsAppApiCredential"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CreateWhatsAppApiCredentialSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"data"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleCredentialRow"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fieldErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"path"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleCredentialRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"WhatsAppApiCredential"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"businessAccountId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"statusMessage"}},{"kind":"Field","name":{"kind":"Name","value":"apiTokenLast4"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"warnings"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"Field","name":{"kind":"Name","value":"whatsAppBusinessAccount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"metaId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"phoneNumber"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"metaId"}},{"kind":"Field","name":{"kind":"Name","value":"displayPhoneNumber"}},{"kind":"Field","name":{"kind":"Name","value":"verifiedName"}},{"kind":"Field","name":{"kind":"Name","value":"qualityRating"}},{"kind":"Field","name":{"kind":"Name","value":"throughputLevel"}},{"kind":"Field","name":{"kind":"Name","value":"messagesPerSecond"}}]}}]}}]} as unknown as DocumentNode<ConsoleCreateCredentialMutation, ConsoleCreateCredentialMutationVariables>;
export const ConsoleTestCredentialDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleTestCredential"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"TestWhatsAppApiCredentialInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"testWhatsAppApiCredential"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TestWhatsAppApiCredentialSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"data"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"passed"}},{"kind":"Field","name":{"kind":"Name","value":"testedAt"}},{"kind":"Field","name":{"kind":"Name","value":"steps"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"step"}},{"kind":"Field","name":{"kind":"Name","value":"passed"}},{"kind":"Field","name":{"kind":"Name","value":"detail"}},{"kind":"Field","name":{"kind":"Name","value":"remedy"}}]}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"MetaApiError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"remedy"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleTestCredentialMutation, ConsoleTestCredentialMutationVariables>;
export const ConsoleWebhooksDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleWebhooks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"whatsAppWebhooks"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleWebhook"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"whatsAppApiCredentials"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"25"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleWebhook"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"WhatsAppWebhook"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"callbackUrl"}},{"kind":"Field","name":{"kind":"Name","value":"verifyToken"}},{"kind":"Field","name":{"kind":"Name","value":"appSecretLast4"}},{"kind":"Field","name":{"kind":"Name","value":"standardConsentMessagesEnabled"}},{"kind":"Field","name":{"kind":"Name","value":"verifiedAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastEventAt"}},{"kind":"Field","name":{"kind":"Name","value":"apiCredential"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"keywordRules"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"category"}},{"kind":"Field","name":{"kind":"Name","value":"keywords"}},{"kind":"Field","name":{"kind":"Name","value":"replyMessage"}}]}}]}}]} as unknown as DocumentNode<ConsoleWebhooksQuery, ConsoleWebhooksQueryVariables>;
export const ConsoleCreateWebhookDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleCreateWebhook"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateWhatsAppWebhookInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createWhatsAppWebhook"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"CreateWhatsAppWebhookSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"data"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleWebhook"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fieldErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"path"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleWebhook"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"WhatsAppWebhook"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"callbackUrl"}},{"kind":"Field","name":{"kind":"Name","value":"verifyToken"}},{"kind":"Field","name":{"kind":"Name","value":"appSecretLast4"}},{"kind":"Field","name":{"kind":"Name","value":"standardConsentMessagesEnabled"}},{"kind":"Field","name":{"kind":"Name","value":"verifiedAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastEventAt"}},{"kind":"Field","name":{"kind":"Name","value":"apiCredential"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"keywordRules"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"category"}},{"kind":"Field","name":{"kind":"Name","value":"keywords"}},{"kind":"Field","name":{"kind":"Name","value":"replyMessage"}}]}}]}}]} as unknown as DocumentNode<ConsoleCreateWebhookMutation, ConsoleCreateWebhookMutationVariables>;
export const ConsoleUpdateWebhookDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleUpdateWebhook"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdateWhatsAppWebhookInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateWhatsAppWebhook"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UpdateWhatsAppWebhookSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"data"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ConsoleWebhook"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fieldErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"path"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ConsoleWebhook"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"WhatsAppWebhook"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"callbackUrl"}},{"kind":"Field","name":{"kind":"Name","value":"verifyToken"}},{"kind":"Field","name":{"kind":"Name","value":"appSecretLast4"}},{"kind":"Field","name":{"kind":"Name","value":"standardConsentMessagesEnabled"}},{"kind":"Field","name":{"kind":"Name","value":"verifiedAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastEventAt"}},{"kind":"Field","name":{"kind":"Name","value":"apiCredential"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"keywordRules"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"category"}},{"kind":"Field","name":{"kind":"Name","value":"keywords"}},{"kind":"Field","name":{"kind":"Name","value":"replyMessage"}}]}}]}}]} as unknown as DocumentNode<ConsoleUpdateWebhookMutation, ConsoleUpdateWebhookMutationVariables>;
export const ConsoleDeleteWebhookDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleDeleteWebhook"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DeleteWhatsAppWebhookInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteWhatsAppWebhook"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"DeleteWhatsAppWebhookSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"data"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleDeleteWebhookMutation, ConsoleDeleteWebhookMutationVariables>;
export const ConsoleTestKeywordDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleTestKeyword"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"webhookId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"text"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"testInboundKeyword"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"webhookId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"webhookId"}}},{"kind":"Argument","name":{"kind":"Name","value":"text"},"value":{"kind":"Variable","name":{"kind":"Name","value":"text"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"category"}},{"kind":"Field","name":{"kind":"Name","value":"matchedKeyword"}},{"kind":"Field","name":{"kind":"Name","value":"replyMessage"}},{"kind":"Field","name":{"kind":"Name","value":"consentChange"}}]}}]}}]} as unknown as DocumentNode<ConsoleTestKeywordQuery, ConsoleTestKeywordQueryVariables>;