import { expect } from 'vitest';
import { graphql } from '../generated/index.js';
import type { UpdateChannelConfigurationInput } from '../generated/graphql.js';
import type { Harness } from '../helpers/harness.js';
import { waitFor } from '../helpers/wait.js';
import { verifyWebhook } from '../helpers/world.js';
import * as webhooks from '../webhooks/helpers.js';
import type { RunningMetaSimulator } from '../../src/meta-simulator/index.js';

/** Shared documents and helpers of the channel-configuration tests (test/helpers/world.ts starts the server and the simulator). */

export { waitUntil } from '../helpers/wait.js';
export { activeCredential, IDS, rawId, verifyWebhook } from '../helpers/world.js';
/** The E.164 numbers of the default scenario (Meta displays them without "+"). */
export const NUMBERS = {
  acmeGreen: '+15550100001',
  acmeYellowHigh: '+15550100002',
  acmeRedLimited: '+15550100003',
  other: '+15550100006',
} as const;

export const ConfigFields = graphql(`
  fragment CcConfigFields on ChannelConfiguration {
    id
    name
    description
    channel
    status
    statusReason
    statusChangedAt
    createdAt
    updatedAt
    marketingActions {
      id
      key
      name
    }
    whatsApp {
      apiCredential {
        id
        name
        status
      }
      webhook {
        id
        name
      }
      senderPhoneNumber
      executionField
      effectiveExecutionField
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

export const CreateConfigDoc = graphql(`
  mutation CcCreate($input: CreateChannelConfigurationInput!) {
    createChannelConfiguration(input: $input) {
      __typename
      ... on CreateChannelConfigurationSuccess {
        data {
          ...CcConfigFields
        }
      }
      ...ErrorFields
    }
  }
`);

export const UpdateConfigDoc = graphql(`
  mutation CcUpdate($input: UpdateChannelConfigurationInput!) {
    updateChannelConfiguration(input: $input) {
      __typename
      ... on UpdateChannelConfigurationSuccess {
        data {
          ...CcConfigFields
        }
      }
      ...ErrorFields
    }
  }
`);

export const SubmitConfigDoc = graphql(`
  mutation CcSubmit($input: SubmitChannelConfigurationInput!) {
    submitChannelConfiguration(input: $input) {
      __typename
      ... on SubmitChannelConfigurationSuccess {
        data {
          ...CcConfigFields
        }
      }
      ...ErrorFields
    }
  }
`);

export const DeactivateConfigDoc = graphql(`
  mutation CcDeactivate($input: DeactivateChannelConfigurationInput!) {
    deactivateChannelConfiguration(input: $input) {
      __typename
      ... on DeactivateChannelConfigurationSuccess {
        data {
          ...CcConfigFields
        }
      }
      ...ErrorFields
    }
  }
`);

export const ReactivateConfigDoc = graphql(`
  mutation CcReactivate($input: ReactivateChannelConfigurationInput!) {
    reactivateChannelConfiguration(input: $input) {
      __typename
      ... on ReactivateChannelConfigurationSuccess {
        data {
          ...CcConfigFields
        }
      }
      ...ErrorFields
    }
  }
`);

export const DeleteConfigDoc = graphql(`
  mutation CcDelete($input: DeleteChannelConfigurationInput!) {
    deleteChannelConfiguration(input: $input) {
      __typename
      ... on DeleteChannelConfigurationSuccess {
        data {
          id
          name
        }
      }
      ...ErrorFields
    }
  }
`);

export const ConfigNodeDoc = graphql(`
  query CcNode($id: ID!) {
    node(id: $id) {
      __typename
      ...CcConfigFields
    }
  }
`);

export const ConfigListDoc = graphql(`
  query CcList($first: Int, $after: String, $status: ChannelConfigurationStatus, $channel: Channel, $search: String) {
    channelConfigurations(first: $first, after: $after, status: $status, channel: $channel, search: $search) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
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

export const StatusSubDoc = graphql(`
  subscription CcStatus($id: ID) {
    channelConfigurationStatusChanged(id: $id) {
      previousStatus
      status
      at
      channelConfiguration {
        id
        name
        status
        checks {
          name
          status
        }
      }
    }
  }
`);

export const MarketingActionsDoc = graphql(`
  query CcMarketingActions {
    marketingActions {
      id
      key
      name
    }
  }
`);

export const UpdateGeneralSettingsDoc = graphql(`
  mutation CcUpdateGeneralSettings($input: UpdateChannelGeneralSettingsInput!) {
    updateChannelGeneralSettings(input: $input) {
      __typename
      ... on UpdateChannelGeneralSettingsSuccess {
        data {
          whatsAppExecutionField
        }
      }
    }
  }
`);

export type ConfigView = Extract<
  NonNullable<Awaited<ReturnType<typeof readConfigRaw>>['data']>['node'],
  { __typename: 'ChannelConfiguration' }
>;
export type ConfigStatus = ConfigView['status'];

export interface ConfigInput {
  name: string;
  description?: string | null;
  channel: 'WHATSAPP';
  marketingActionIds?: string[] | null;
  whatsApp: {
    apiCredentialId?: string | null;
    webhookId?: string | null;
    senderPhoneNumber?: string | null;
    executionField?: string | null;
  };
  saveAsDraft?: boolean | null;
}

export function configInput(name: string, apiCredentialId: string, overrides: Partial<ConfigInput> = {}): ConfigInput {
  return {
    name,
    channel: 'WHATSAPP',
    whatsApp: { apiCredentialId, senderPhoneNumber: NUMBERS.acmeGreen },
    ...overrides,
  };
}

export function createConfigRaw(h: Harness, input: ConfigInput, key = h.adminKey) {
  return h.gql(CreateConfigDoc, { input }, key);
}

export async function createConfig(h: Harness, input: ConfigInput, key = h.adminKey) {
  const res = await createConfigRaw(h, input, key);
  expect(res.errors).toBeUndefined();
  const r = res.data!.createChannelConfiguration;
  if (r.__typename !== 'CreateChannelConfigurationSuccess') throw new Error(`create failed: ${JSON.stringify(r)}`);
  return r.data;
}

export function readConfigRaw(h: Harness, id: string, key = h.adminKey) {
  return h.gql(ConfigNodeDoc, { id }, key);
}

export async function readConfig(h: Harness, id: string, key = h.adminKey): Promise<ConfigView | null> {
  const res = await readConfigRaw(h, id, key);
  expect(res.errors).toBeUndefined();
  const node = res.data!.node;
  return node && node.__typename === 'ChannelConfiguration' ? node : null;
}

/** Polls the configuration through the API until the predicate holds. */
export function waitForConfig(
  h: Harness,
  id: string,
  predicate: (c: ConfigView) => boolean,
  timeoutMs?: number,
  key = h.adminKey,
): Promise<ConfigView> {
  return waitFor(() => readConfig(h, id, key), predicate, { what: `channel configuration ${id}`, timeoutMs, intervalMs: 30 });
}

export const waitForConfigStatus = (h: Harness, id: string, status: ConfigStatus, timeoutMs?: number, key = h.adminKey) =>
  waitForConfig(h, id, (c) => c.status === status, timeoutMs, key);

export function check(config: Pick<ConfigView, 'checks'>, name: string) {
  const found = config.checks.find((c) => c.name === name);
  if (!found) throw new Error(`no check ${name} in ${JSON.stringify(config.checks)}`);
  return found;
}

export async function submit(h: Harness, id: string, key = h.adminKey) {
  const res = await h.gql(SubmitConfigDoc, { input: { id } }, key);
  expect(res.errors).toBeUndefined();
  return res.data!.submitChannelConfiguration;
}

export async function update(h: Harness, input: UpdateChannelConfigurationInput, key = h.adminKey) {
  const res = await h.gql(UpdateConfigDoc, { input }, key);
  expect(res.errors).toBeUndefined();
  return res.data!.updateChannelConfiguration;
}

export async function marketingActions(h: Harness, key = h.adminKey) {
  const res = await h.gql(MarketingActionsDoc, {}, key);
  expect(res.errors).toBeUndefined();
  return res.data!.marketingActions;
}

/** A webhook of the credential without keyword rules; with `sim`, Meta's verification handshake is completed too. */
export async function createWebhook(h: Harness, credentialId: string, name: string, sim?: RunningMetaSimulator, key = h.adminKey) {
  const webhook = await webhooks.createWebhook(h, { name, apiCredentialId: credentialId, keywordRules: [] }, key);
  if (sim) await verifyWebhook(h, sim, webhook);
  return webhook;
}

/** Jobs of the readiness checks (any status), for "nothing was checked" and retry assertions. */
export function checkJobs(h: Harness) {
  return h.server.deps.jobs.list({ kind: 'channel-configurations.check' });
}
