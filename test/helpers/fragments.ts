import { graphql } from '../generated/index.js';

/**
 * What the tests read of an error a mutation returns: spread `...ErrorFields` in the result union next to its
 * success member. The typed parts apply only to the errors that union can return.
 */
export const ErrorFields = graphql(`
  fragment ErrorFields on Error {
    __typename
    message
    code
    ... on ValidationError {
      fieldErrors {
        path
        message
      }
    }
    ... on EntitlementError {
      entitlement
    }
  }
`);
