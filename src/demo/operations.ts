/** The GraphQL operations the demo sends, as a script would write them, with the shapes it reads back. */

/** A mutation result: the success type carries data, an error type carries message and code. */
type Result<_Name extends string, Data> = { __typename: string; data?: Data; message?: string; code?: string };

/** The data of a successful mutation, or an error naming the typed error the service returned. */
export function successData<Data>(result: Result<string, Data>, success: string): Data {
  if (result.__typename !== success || result.data === undefined) {
    throw new Error(`${result.__typename}${result.code ? ` (${result.code})` : ''}: ${result.message ?? 'no data'}`);
  }
  return result.data;
}

const ERROR_FIELDS = '... on Error { message code }';

export const DISCOVER = `mutation Discover($input: DiscoverWhatsAppBusinessAccountsInput!) {
  discoverWhatsAppBusinessAccounts(input: $input) {
    __typename
    ... on DiscoverWhatsAppBusinessAccountsSuccess {
      data { id name phoneNumbers { id displayPhoneNumber verifiedName qualityRating throughputLevel messagesPerSecond } }
    }
    ${ERROR_FIELDS}
  }
}`;
export type DiscoverData = {
  discoverWhatsAppBusinessAccounts: Result<
    'DiscoverWhatsAppBusinessAccountsSuccess',
    Array<{
      id: string;
      name: string;
      phoneNumbers: Array<{
        id: string;
        displayPhoneNumber: string;
        verifiedName: string;
        qualityRating: string;
        messagesPerSecond: number | null;
      }>;
    }>
  >;
};

export const CREATE_CREDENTIAL = `mutation CreateCredential($input: CreateWhatsAppApiCredentialInput!) {
  createWhatsAppApiCredential(input: $input) {
    __typename
    ... on CreateWhatsAppApiCredentialSuccess { data { id status } }
    ${ERROR_FIELDS}
  }
}`;
export type CreateCredentialData = {
  createWhatsAppApiCredential: Result<'CreateWhatsAppApiCredentialSuccess', { id: string; status: string }>;
};

export const CREDENTIAL_STATUS = `subscription CredentialStatus($id: ID) {
  whatsAppApiCredentialStatusChanged(id: $id) {
    previousStatus status at
    credential { id statusMessage apiTokenLast4 phoneNumber { qualityRating messagesPerSecond } }
  }
}`;
export type CredentialEventData = {
  whatsAppApiCredentialStatusChanged: { status: string; credential: { id: string; statusMessage: string | null; apiTokenLast4: string } };
};

export const CREATE_WEBHOOK = `mutation CreateWebhook($input: CreateWhatsAppWebhookInput!) {
  createWhatsAppWebhook(input: $input) {
    __typename
    ... on CreateWhatsAppWebhookSuccess { data { id callbackUrl verifyToken standardConsentMessagesEnabled } }
    ${ERROR_FIELDS}
  }
}`;
export type CreateWebhookData = {
  createWhatsAppWebhook: Result<'CreateWhatsAppWebhookSuccess', { id: string; callbackUrl: string; verifyToken: string }>;
};

export const WEBHOOK_NODE = `query WebhookNode($id: ID!) {
  node(id: $id) { ... on WhatsAppWebhook { id verifiedAt lastEventAt } }
}`;
export type WebhookNodeData = { node: { verifiedAt: string | null } | null };

export const MARKETING_ACTIONS = `query { marketingActions { id key name } }`;
export type MarketingActionsData = { marketingActions: Array<{ id: string; key: string }> };

export const CREATE_CONFIGURATION = `mutation CreateConfiguration($input: CreateChannelConfigurationInput!) {
  createChannelConfiguration(input: $input) {
    __typename
    ... on CreateChannelConfigurationSuccess { data { id status } }
    ${ERROR_FIELDS}
  }
}`;
export type CreateConfigurationData = {
  createChannelConfiguration: Result<'CreateChannelConfigurationSuccess', { id: string; status: string }>;
};

export const CONFIGURATION_STATUS = `subscription ConfigurationStatus($id: ID) {
  channelConfigurationStatusChanged(id: $id) {
    previousStatus status at
    channelConfiguration { id name checks { name status message remedy } }
  }
}`;
export type ConfigurationEventData = {
  channelConfigurationStatusChanged: {
    status: string;
    channelConfiguration: { id: string; checks: Array<{ name: string; status: string; message: string | null }> };
  };
};

export const SUBMIT_CONFIGURATION = `mutation SubmitConfiguration($input: SubmitChannelConfigurationInput!) {
  submitChannelConfiguration(input: $input) {
    __typename
    ... on SubmitChannelConfigurationSuccess { data { id status } }
    ${ERROR_FIELDS}
  }
}`;
export type SubmitConfigurationData = {
  submitChannelConfiguration: Result<'SubmitChannelConfigurationSuccess', { id: string; status: string }>;
};

export const CONSENT = `query Consent($phoneNumber: String!) {
  consent(phoneNumber: $phoneNumber) { phoneNumber status changedAt history(first: 5) { status source keyword messageId at } }
}`;
export type ConsentData = { consent: { status: string; history: Array<{ source: string; keyword: string | null }> } };

export const OUTBOUND_MESSAGES = `query Messages {
  whatsAppMessages(first: 20) { edges { node { id wamid direction to text status statusReason } } }
}`;
export type MessagesData = { whatsAppMessages: { edges: Array<{ node: { wamid: string | null; status: string } }> } };

export const TRACKING_EVENTS = `query Tracking {
  trackingEvents(first: 20) { totalCount edges { node { type at phoneNumber } } }
}`;
export type TrackingData = { trackingEvents: { totalCount: number; edges: Array<{ node: { type: string } }> } };
