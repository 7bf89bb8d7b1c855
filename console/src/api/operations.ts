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
      metaId
      name
    }
    phoneNumber {
      id
      metaId
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

export const QualityChangedDoc = graphql(`
  subscription ConsoleQualityChanged {
    whatsAppPhoneNumberQualityChanged {
      qualityRating
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
