import { expect } from 'vitest';
import { graphql } from '../generated/index.js';
import type { UpdateChannelConfigurationInput } from '../generated/graphql.js';
import { startHarness, type Harness, type HarnessOptions } from '../helpers/harness.js';
import { acmeInput, createCredential, waitForStatus } from '../credentials/helpers.js';
import { DEFAULT_IDS, startMetaSimulator, type RunningMetaSimulator } from '../../src/meta-simulator/index.js';

/** Shared documents and set-up of the channel-configuration tests: the real server, the simulator playing Meta. */

export const IDS = DEFAULT_IDS;
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
      ... on EntitlementError {
        entitlement
      }
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

export const SubmitConfigDoc = graphql(`
  mutation CcSubmit($input: SubmitChannelConfigurationInput!) {
    submitChannelConfiguration(input: $input) {
      __typename
      ... on SubmitChannelConfigurationSuccess {
        data {
          ...CcConfigFields
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

export const DeactivateConfigDoc = graphql(`
  mutation CcDeactivate($input: DeactivateChannelConfigurationInput!) {
    deactivateChannelConfiguration(input: $input) {
      __typename
      ... on DeactivateChannelConfigurationSuccess {
        data {
          ...CcConfigFields
        }
      }
      ... on Error {
        message
        code
      }
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
      ... on Error {
        message
        code
      }
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
      ... on Error {
        message
        code
      }
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

export const CreateWebhookDoc = graphql(`
  mutation CcCreateWebhook($input: CreateWhatsAppWebhookInput!) {
    createWhatsAppWebhook(input: $input) {
      __typename
      ... on CreateWhatsAppWebhookSuccess {
        data {
          id
          name
          callbackUrl
          verifyToken
          verifiedAt
        }
      }
      ... on Error {
        message
        code
      }
    }
  }
`);

export type ConfigView = Extract<
  NonNullable<Awaited<ReturnType<typeof readConfigRaw>>['data']>['node'],
  { __typename: 'ChannelConfiguration' }
>;
export type ConfigStatus = ConfigView['status'];

export interface World {
  sim: RunningMetaSimulator;
  h: Harness;
  stop(): Promise<void>;
}

export async function startWorld(options: HarnessOptions = {}): Promise<World> {
  const sim = await startMetaSimulator({ port: 0 });
  const h = await startHarness({ metaUrl: sim.baseUrl, ...options });
  return {
    sim,
    h,
    stop: async () => {
      await h.stop().catch(() => undefined);
      await sim.close();
    },
  };
}

/** An ACTIVE credential of the default scenario (Acme's main WABA; the green number unless told otherwise). */
export async function activeCredential(
  h: Harness,
  name: string,
  phoneNumberId: string = IDS.phone.acmeGreen,
  key = h.adminKey,
): Promise<string> {
  const id = await createCredential(h, acmeInput(name, { phoneNumberId }), key);
  await waitForStatus(h, id, 'ACTIVE', 10_000, key);
  return id;
}

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

/** Polls the configuration through the API until the predicate holds (deadline, no blind sleeps). */
export async function waitForConfig(
  h: Harness,
  id: string,
  predicate: (c: ConfigView) => boolean,
  timeoutMs = 10_000,
  key = h.adminKey,
): Promise<ConfigView> {
  const deadline = Date.now() + timeoutMs;
  let last: ConfigView | null = null;
  while (Date.now() < deadline) {
    last = await readConfig(h, id, key);
    if (last && predicate(last)) return last;
    await new Promise((r) => setTimeout(r, 30));
  }
  throw new Error(`channel configuration ${id} did not reach the expected state; last: ${JSON.stringify(last)}`);
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

/** A webhook of the credential; with `sim`, Meta's verification handshake is completed too. */
export async function createWebhook(h: Harness, credentialId: string, name: string, sim?: RunningMetaSimulator, key = h.adminKey) {
  const res = await h.gql(
    CreateWebhookDoc,
    { input: { name, apiCredentialId: credentialId, appSecret: IDS.appSecret, keywordRules: [] } },
    key,
  );
  const r = res.data?.createWhatsAppWebhook;
  if (r?.__typename !== 'CreateWhatsAppWebhookSuccess') throw new Error(`webhook create failed: ${JSON.stringify(res)}`);
  if (sim) await verifyWebhook(h, sim, r.data);
  return r.data;
}

export async function verifyWebhook(h: Harness, sim: RunningMetaSimulator, webhook: { callbackUrl: string; verifyToken: string }) {
  const callbackUrl = `${h.url}${new URL(webhook.callbackUrl).pathname}`;
  const handshake = await sim.sim.configureWebhook({ callbackUrl, verifyToken: webhook.verifyToken, appSecret: IDS.appSecret });
  expect(handshake.verified).toBe(true);
}

export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Jobs of the readiness checks (any status), for "nothing was checked" and retry assertions. */
export function checkJobs(h: Harness) {
  return h.server.deps.jobs.list({ kind: 'channel-configurations.check' });
}

export function rawId(globalId: string): string {
  return Buffer.from(globalId, 'base64').toString('utf8').split(':').slice(1).join(':');
}
