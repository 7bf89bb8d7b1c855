import { graphql } from '../generated/index.js';

/** The live-transport tests' shared operations: an audit stream to follow and a mutation that writes to it. */

export const AuditAddedDoc = graphql(`
  subscription AuditAdded {
    auditLogEntryAdded {
      action
      outcome
      actor
    }
  }
`);

export const TouchDoc = graphql(`
  mutation Touch($field: String!) {
    updateChannelGeneralSettings(input: { whatsAppExecutionField: $field }) {
      __typename
    }
  }
`);
