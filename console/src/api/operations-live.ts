import { graphql } from '../gql';

/** Channel configurations and activity: the operations of the screens that follow statuses and events. */

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
