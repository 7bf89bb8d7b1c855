import { graphql } from '../gql';

/** Every operation the console runs, typed by graphql-codegen from schema/schema.graphql (npm run codegen). */

export const ViewerDoc = graphql(`
  query ConsoleViewer {
    viewer {
      role
      apiKeyPrefix
      organization {
        name
      }
      sandbox {
        name
      }
    }
  }
`);

export const AuditDoc = graphql(`
  subscription ConsoleAudit {
    auditLogEntryAdded {
      id
      action
      outcome
      at
    }
  }
`);

export const CredentialRowFields = graphql(`
  fragment ConsoleCredentialRow on WhatsAppApiCredential {
    id
    name
    businessAccountId
    status
    statusMessage
    apiTokenLast4
    updatedAt
    warnings {
      code
      message
    }
    whatsAppBusinessAccount {
      id
      name
    }
    phoneNumber {
      id
      displayPhoneNumber
      verifiedName
      qualityRating
      throughputLevel
      messagesPerSecond
    }
  }
`);

export const CredentialsDoc = graphql(`
  query ConsoleCredentials {
    whatsAppApiCredentials(first: 25) {
      edges {
        node {
          ...ConsoleCredentialRow
        }
      }
    }
  }
`);

export const CredentialStatusDoc = graphql(`
  subscription ConsoleCredentialStatus {
    whatsAppApiCredentialStatusChanged {
      status
      credential {
        ...ConsoleCredentialRow
      }
    }
  }
`);

export const DiscoverDoc = graphql(`
  mutation ConsoleDiscover($input: DiscoverWhatsAppBusinessAccountsInput!) {
    discoverWhatsAppBusinessAccounts(input: $input) {
      __typename
      ... on DiscoverWhatsAppBusinessAccountsSuccess {
        data {
          id
          name
          ownership
          phoneNumbersError
          phoneNumbers {
            id
            displayPhoneNumber
            verifiedName
            qualityRating
            throughputLevel
            messagesPerSecond
            messagingLimitTier
          }
        }
      }
      ... on Error {
        message
        code
      }
      ... on ValidationError {
        fieldErrors {
          path
          message
        }
      }
      ... on MetaApiError {
        remedy
      }
    }
  }
`);

export const CreateCredentialDoc = graphql(`
  mutation ConsoleCreateCredential($input: CreateWhatsAppApiCredentialInput!) {
    createWhatsAppApiCredential(input: $input) {
      __typename
      ... on CreateWhatsAppApiCredentialSuccess {
        data {
          ...ConsoleCredentialRow
        }
      }
      ... on Error {
        message
        code
      }
      ... on ValidationError {
        fieldErrors {
          path
          message
        }
      }
    }
  }
`);

export const TestCredentialDoc = graphql(`
  mutation ConsoleTestCredential($input: TestWhatsAppApiCredentialInput!) {
    testWhatsAppApiCredential(input: $input) {
      __typename
      ... on TestWhatsAppApiCredentialSuccess {
        data {
          passed
          testedAt
          steps {
            step
            passed
            detail
            remedy
          }
        }
      }
      ... on Error {
        message
        code
      }
      ... on MetaApiError {
        remedy
      }
    }
  }
`);

export const WebhookFields = graphql(`
  fragment ConsoleWebhook on WhatsAppWebhook {
    id
    name
    callbackUrl
    verifyToken
    appSecretLast4
    standardConsentMessagesEnabled
    verifiedAt
    lastEventAt
    apiCredential {
      id
      name
    }
    keywordRules {
      category
      keywords
      replyMessage
    }
  }
`);

export const WebhooksDoc = graphql(`
  query ConsoleWebhooks {
    whatsAppWebhooks(first: 20) {
      edges {
        node {
          ...ConsoleWebhook
        }
      }
    }
    whatsAppApiCredentials(first: 25) {
      edges {
        node {
          id
          name
          status
        }
      }
    }
  }
`);

export const CreateWebhookDoc = graphql(`
  mutation ConsoleCreateWebhook($input: CreateWhatsAppWebhookInput!) {
    createWhatsAppWebhook(input: $input) {
      __typename
      ... on CreateWhatsAppWebhookSuccess {
        data {
          ...ConsoleWebhook
        }
      }
      ... on Error {
        message
        code
      }
      ... on ValidationError {
        fieldErrors {
          path
          message
        }
      }
    }
  }
`);

export const UpdateWebhookDoc = graphql(`
  mutation ConsoleUpdateWebhook($input: UpdateWhatsAppWebhookInput!) {
    updateWhatsAppWebhook(input: $input) {
      __typename
      ... on UpdateWhatsAppWebhookSuccess {
        data {
          ...ConsoleWebhook
        }
      }
      ... on Error {
        message
        code
      }
      ... on ValidationError {
        fieldErrors {
          path
          message
        }
      }
    }
  }
`);

export const DeleteWebhookDoc = graphql(`
  mutation ConsoleDeleteWebhook($input: DeleteWhatsAppWebhookInput!) {
    deleteWhatsAppWebhook(input: $input) {
      __typename
      ... on DeleteWhatsAppWebhookSuccess {
        data {
          id
          name
        }
      }
      ... on Error {
        message
        code
      }
    }
  }
`);

export const TestKeywordDoc = graphql(`
  query ConsoleTestKeyword($webhookId: ID!, $text: String!) {
    testInboundKeyword(webhookId: $webhookId, text: $text) {
      category
      matchedKeyword
      replyMessage
      consentChange
    }
  }
`);

export const ConfigurationFields = graphql(`
  fragment ConsoleConfiguration on ChannelConfiguration {
    id
    name
    description
    status
    statusReason
    statusChangedAt
    updatedAt
    marketingActions {
      id
      name
    }
    whatsApp {
      senderPhoneNumber
      executionField
      effectiveExecutionField
      apiCredential {
        id
        name
      }
      webhook {
        id
        name
      }
    }
    checks {
      name
      status
      message
      remedy
      checkedAt
    }
  }
`);

export const ConfigurationsDoc = graphql(`
  query ConsoleConfigurations {
    channelConfigurations(first: 20) {
      edges {
        node {
          ...ConsoleConfiguration
        }
      }
    }
  }
`);

export const ConfigurationStatusDoc = graphql(`
  subscription ConsoleConfigurationStatus($id: ID) {
    channelConfigurationStatusChanged(id: $id) {
      status
      previousStatus
      at
      channelConfiguration {
        ...ConsoleConfiguration
      }
    }
  }
`);

export const ConfigurationFormDoc = graphql(`
  query ConsoleConfigurationForm {
    channelGeneralSettings {
      whatsAppExecutionField
    }
    marketingActions {
      id
      name
      description
    }
    whatsAppApiCredentials(first: 25) {
      edges {
        node {
          id
          name
          status
          phoneNumber {
            id
            displayPhoneNumber
          }
        }
      }
    }
    whatsAppWebhooks(first: 25) {
      edges {
        node {
          id
          name
          apiCredential {
            id
          }
        }
      }
    }
  }
`);

export const CreateConfigurationDoc = graphql(`
  mutation ConsoleCreateConfiguration($input: CreateChannelConfigurationInput!) {
    createChannelConfiguration(input: $input) {
      __typename
      ... on CreateChannelConfigurationSuccess {
        data {
          ...ConsoleConfiguration
        }
      }
      ... on Error {
        message
        code
      }
      ... on ValidationError {
        fieldErrors {
          path
          message
        }
      }
    }
  }
`);

export const SubmitConfigurationDoc = graphql(`
  mutation ConsoleSubmitConfiguration($input: SubmitChannelConfigurationInput!) {
    submitChannelConfiguration(input: $input) {
      __typename
      ... on SubmitChannelConfigurationSuccess {
        data {
          ...ConsoleConfiguration
        }
      }
      ... on Error {
        message
        code
      }
      ... on ValidationError {
        fieldErrors {
          path
          message
        }
      }
    }
  }
`);

export const DeactivateConfigurationDoc = graphql(`
  mutation ConsoleDeactivateConfiguration($input: DeactivateChannelConfigurationInput!) {
    deactivateChannelConfiguration(input: $input) {
      __typename
      ... on DeactivateChannelConfigurationSuccess {
        data {
          ...ConsoleConfiguration
        }
      }
      ... on Error {
        message
        code
      }
    }
  }
`);

export const ReactivateConfigurationDoc = graphql(`
  mutation ConsoleReactivateConfiguration($input: ReactivateChannelConfigurationInput!) {
    reactivateChannelConfiguration(input: $input) {
      __typename
      ... on ReactivateChannelConfigurationSuccess {
        data {
          ...ConsoleConfiguration
        }
      }
      ... on Error {
        message
        code
      }
    }
  }
`);

export const TrackingEventsDoc = graphql(`
  query ConsoleTrackingEvents {
    trackingEvents(first: 25) {
      edges {
        node {
          ...ConsoleTrackingEvent
        }
      }
    }
  }
`);

export const TrackingEventFields = graphql(`
  fragment ConsoleTrackingEvent on TrackingEvent {
    id
    type
    at
    phoneNumber
    channelConfiguration {
      id
      name
    }
    message {
      id
      direction
      text
      status
    }
  }
`);

export const TrackingEventAddedDoc = graphql(`
  subscription ConsoleTrackingEventAdded {
    trackingEventAdded {
      ...ConsoleTrackingEvent
    }
  }
`);

export const DeliveriesDoc = graphql(`
  query ConsoleDeliveries {
    whatsAppWebhooks(first: 10) {
      edges {
        node {
          id
          name
          deliveries(first: 5) {
            edges {
              node {
                id
                receivedAt
                outcome
                detail
                changes
                processedAt
              }
            }
          }
        }
      }
    }
  }
`);
