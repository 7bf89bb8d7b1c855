import { expect } from 'vitest';
import { graphql } from '../generated/index.js';
import type { Harness } from '../helpers/harness.js';
import { waitFor } from '../helpers/wait.js';
import { DEFAULT_IDS, defaultScenarioInput, type ScenarioInput } from '../../src/meta-simulator/index.js';

/** Shared documents and helpers of the credentials tests (the simulator's default scenario plays Meta). */

export { waitUntil } from '../helpers/wait.js';

export const IDS = DEFAULT_IDS;
export const ALL_SCOPES = ['business_management', 'whatsapp_business_management', 'whatsapp_business_messaging'];
export const ACME_WABAS = [IDS.waba.acmeMain, IDS.waba.acmeSupport, IDS.waba.partnerShared];

/** The default world plus extra system-user tokens of Acme (canaries, tokens a test revokes later). */
export function scenarioWithTokens(...values: string[]): ScenarioInput {
  const base = defaultScenarioInput();
  return {
    ...base,
    tokens: [
      ...(base.tokens ?? []),
      ...values.map((value, i) => ({
        value,
        type: 'SYSTEM_USER',
        appId: IDS.appId,
        businessId: IDS.business.acme,
        userId: `90000000000001${String(i).padStart(2, '0')}`,
        scopes: ALL_SCOPES,
        granularScopes: ALL_SCOPES.map((scope) => (scope === 'business_management' ? { scope } : { scope, targetIds: ACME_WABAS })),
      })),
    ],
  };
}

export const CredentialFields = graphql(`
  fragment CredentialFields on WhatsAppApiCredential {
    id
    name
    businessAccountId
    status
    statusMessage
    apiTokenLast4
    apiTokenType
    apiTokenExpiresAt
    apiTokenScopes
    warnings {
      code
      message
    }
    phoneNumberRefreshedAt
    whatsAppBusinessAccount {
      id
      metaId
      name
      ownership
    }
    phoneNumber {
      id
      metaId
      displayPhoneNumber
      verifiedName
      qualityRating
      throughputLevel
      messagesPerSecond
      messagingLimitTier
      status
      canSendMessage
    }
    createdAt
    updatedAt
  }
`);

export const DiscoverDoc = graphql(`
  mutation Discover($input: DiscoverWhatsAppBusinessAccountsInput!) {
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
            canSendMessage
          }
        }
      }
      ...ErrorFields
      ... on MetaApiError {
        metaCode
        metaSubcode
        httpStatus
        fbtraceId
        retryable
        remedy
      }
      ... on MetaUnreachableError {
        retryable
        remedy
      }
    }
  }
`);

export const CreateDoc = graphql(`
  mutation CreateCredential($input: CreateWhatsAppApiCredentialInput!) {
    createWhatsAppApiCredential(input: $input) {
      __typename
      ... on CreateWhatsAppApiCredentialSuccess {
        data {
          ...CredentialFields
        }
      }
      ...ErrorFields
    }
  }
`);

export const UpdateDoc = graphql(`
  mutation UpdateCredential($input: UpdateWhatsAppApiCredentialInput!) {
    updateWhatsAppApiCredential(input: $input) {
      __typename
      ... on UpdateWhatsAppApiCredentialSuccess {
        data {
          ...CredentialFields
        }
      }
      ...ErrorFields
    }
  }
`);

export const DeleteDoc = graphql(`
  mutation DeleteCredential($input: DeleteWhatsAppApiCredentialInput!) {
    deleteWhatsAppApiCredential(input: $input) {
      __typename
      ... on DeleteWhatsAppApiCredentialSuccess {
        data {
          id
          name
        }
      }
      ...ErrorFields
    }
  }
`);

export const TestDoc = graphql(`
  mutation TestCredential($input: TestWhatsAppApiCredentialInput!) {
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
          credential {
            id
            status
            statusMessage
          }
        }
      }
      ...ErrorFields
      ... on MetaApiError {
        metaCode
        remedy
      }
    }
  }
`);

export const RefreshDoc = graphql(`
  mutation RefreshNumber($input: RefreshWhatsAppPhoneNumberInput!) {
    refreshWhatsAppPhoneNumber(input: $input) {
      __typename
      ... on RefreshWhatsAppPhoneNumberSuccess {
        data {
          ...CredentialFields
        }
      }
      ...ErrorFields
      ... on MetaApiError {
        metaCode
        metaSubcode
        remedy
      }
    }
  }
`);

export const NodeDoc = graphql(`
  query CredentialNode($id: ID!) {
    node(id: $id) {
      __typename
      ...CredentialFields
    }
  }
`);

export const ListDoc = graphql(`
  query Credentials($first: Int, $after: String, $status: CredentialStatus) {
    whatsAppApiCredentials(first: $first, after: $after, status: $status) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          id
          name
          status
        }
      }
    }
  }
`);

export const RecentCallsDoc = graphql(`
  query RecentCalls($id: ID!, $first: Int) {
    node(id: $id) {
      ... on WhatsAppApiCredential {
        recentApiCalls(first: $first) {
          at
          method
          path
          httpStatus
          metaCode
          fbtraceId
          durationMs
          outcome
        }
      }
    }
  }
`);

export const StatusSubDoc = graphql(`
  subscription CredentialStatus($id: ID) {
    whatsAppApiCredentialStatusChanged(id: $id) {
      previousStatus
      status
      at
      credential {
        id
        name
        status
        statusMessage
      }
    }
  }
`);

export const QualitySubDoc = graphql(`
  subscription QualityChanged($credentialId: ID) {
    whatsAppPhoneNumberQualityChanged(credentialId: $credentialId) {
      previousQualityRating
      qualityRating
      at
      source
      credential {
        id
        phoneNumber {
          qualityRating
        }
      }
    }
  }
`);

export interface CreateInput {
  name: string;
  apiToken: string;
  businessAccountId: string;
  whatsAppBusinessAccountId: string;
  phoneNumberId: string;
}

/** A valid input for the default scenario: Acme's system-user token, main WABA, green number. */
export function acmeInput(name: string, overrides: Partial<CreateInput> = {}): CreateInput {
  return {
    name,
    apiToken: IDS.token.systemUser,
    businessAccountId: IDS.business.acme,
    whatsAppBusinessAccountId: IDS.waba.acmeMain,
    phoneNumberId: IDS.phone.acmeGreen,
    ...overrides,
  };
}

export async function createCredential(h: Harness, input: CreateInput, key = h.adminKey): Promise<string> {
  const res = await h.gql(CreateDoc, { input }, key);
  expect(res.errors).toBeUndefined();
  const r = res.data!.createWhatsAppApiCredential;
  if (r.__typename !== 'CreateWhatsAppApiCredentialSuccess') throw new Error(`create failed: ${JSON.stringify(r)}`);
  expect(r.data.status).toBe('PROCESSING');
  return r.data.id;
}

export type CredentialView = NonNullable<Awaited<ReturnType<typeof readCredential>>>;

export async function readCredential(h: Harness, id: string, key = h.adminKey) {
  const res = await h.gql(NodeDoc, { id }, key);
  expect(res.errors).toBeUndefined();
  const node = res.data!.node;
  return node && node.__typename === 'WhatsAppApiCredential' ? node : null;
}

/** Polls the credential through the API until the predicate holds. */
export function waitForCredential(
  h: Harness,
  id: string,
  predicate: (c: CredentialView) => boolean,
  timeoutMs?: number,
  key = h.adminKey,
): Promise<CredentialView> {
  return waitFor(() => readCredential(h, id, key), predicate, { what: `credential ${id}`, timeoutMs, intervalMs: 40 });
}

export const waitForStatus = (h: Harness, id: string, status: 'ACTIVE' | 'FAILED' | 'PROCESSING', timeoutMs?: number, key = h.adminKey) =>
  waitForCredential(h, id, (c) => c.status === status, timeoutMs, key);
