import { expect } from 'vitest';
import { graphql } from '../generated/index.js';
import type { SendWhatsAppMessageInput, SendWhatsAppMessagesInput } from '../generated/graphql.js';
import { TEST_BACKEND, type Harness } from '../helpers/harness.js';
import { sqlRun } from '../helpers/sql.js';
import { waitFor } from '../helpers/wait.js';
import { activeCredential, IDS, startWorld, type World, type WorldOptions } from '../helpers/world.js';
import {
  configInput,
  createConfig,
  createWebhook,
  marketingActions,
  NUMBERS,
  waitForConfigStatus,
} from '../channel-configurations/helpers.js';
import { UpsertProfileDoc } from '../profiles/helpers.js';
import type { RunningMetaSimulator, SentMessage } from '../../src/meta-simulator/index.js';

export { waitUntil } from '../helpers/wait.js';
export { rawId } from '../helpers/world.js';
export { IDS, NUMBERS };

/** Sending over the real server; the simulator plays Meta and its sentMessages() is Meta's record. */

export const MessageFields = graphql(`
  fragment SeMessageFields on WhatsAppMessage {
    id
    wamid
    direction
    to
    from
    text
    template
    status
    statusReason
    metaErrorCode
    createdAt
    channelConfiguration {
      id
    }
    batch {
      id
    }
    trackedLinks {
      url
      clicks
      firstClickedAt
    }
  }
`);

export const SendDoc = graphql(`
  mutation SeSend($input: SendWhatsAppMessageInput!) {
    sendWhatsAppMessage(input: $input) {
      __typename
      ... on SendWhatsAppMessageSuccess {
        data {
          ...SeMessageFields
        }
      }
      ...ErrorFields
    }
  }
`);

export const BatchFields = graphql(`
  fragment SeBatchFields on MessageBatch {
    id
    status
    statusReason
    total
    queued
    sent
    blocked
    failed
    unknown
    marketing
    trackLinks
    createdAt
    startedAt
    finishedAt
    channelConfiguration {
      id
    }
  }
`);

export const SendBatchDoc = graphql(`
  mutation SeSendBatch($input: SendWhatsAppMessagesInput!) {
    sendWhatsAppMessages(input: $input) {
      __typename
      ... on SendWhatsAppMessagesSuccess {
        data {
          ...SeBatchFields
        }
      }
      ...ErrorFields
    }
  }
`);

export const CancelBatchDoc = graphql(`
  mutation SeCancelBatch($input: CancelMessageBatchInput!) {
    cancelMessageBatch(input: $input) {
      __typename
      ... on CancelMessageBatchSuccess {
        data {
          ...SeBatchFields
        }
      }
      ...ErrorFields
    }
  }
`);

export const BatchNodeDoc = graphql(`
  query SeBatchNode($id: ID!) {
    node(id: $id) {
      __typename
      ... on MessageBatch {
        ...SeBatchFields
        messages(first: 100) {
          totalCount
          edges {
            node {
              id
              status
              statusReason
              to
              text
            }
          }
        }
      }
    }
  }
`);

export const MessageNodeDoc = graphql(`
  query SeMessageNode($id: ID!) {
    node(id: $id) {
      __typename
      ... on WhatsAppMessage {
        ...SeMessageFields
      }
    }
  }
`);

export const BatchesDoc = graphql(`
  query SeBatches($status: MessageBatchStatus, $channelConfigurationId: ID) {
    messageBatches(first: 50, status: $status, channelConfigurationId: $channelConfigurationId) {
      totalCount
      edges {
        node {
          id
          status
        }
      }
    }
  }
`);

export const ReportDoc = graphql(`
  query SeReport($channelConfigurationId: ID, $since: DateTime, $until: DateTime) {
    messageReport(channelConfigurationId: $channelConfigurationId, since: $since, until: $until) {
      sent
      delivered
      read
      failed
      blocked
      unknown
      clicked
      optOuts
      inbound
      deliveryRate
      readRate
      clickRate
    }
  }
`);

export const EventsDoc = graphql(`
  query SeEvents($type: TrackingEventType, $channelConfigurationId: ID) {
    trackingEvents(first: 100, type: $type, channelConfigurationId: $channelConfigurationId) {
      totalCount
      edges {
        node {
          id
          type
          detail
          message {
            id
          }
        }
      }
    }
  }
`);

export const ProgressSub = graphql(`
  subscription SeProgress($id: ID!) {
    messageBatchProgress(id: $id) {
      ...SeBatchFields
    }
  }
`);

export const ConsentDoc = graphql(`
  query SeConsent($phoneNumber: String!) {
    consent(phoneNumber: $phoneNumber) {
      status
      history(first: 5) {
        status
        source
      }
    }
  }
`);

export interface SendWorld extends World {
  /** Global id of the ACTIVE credential and its configuration. */
  credentialId: string;
  configId: string;
  phoneNumberId: string;
}

export interface SendWorldOptions extends WorldOptions {
  phoneNumberId?: string;
  senderNumber?: string;
  /** Marketing action keys the configuration carries. */
  marketingKeys?: string[];
  /** Create and verify a webhook (statuses, quality updates). */
  webhook?: boolean;
  /** Turn off the simulator's 24-hour window rule for free text. */
  openWindow?: boolean;
}

/** The simulator, the real service, an ACTIVE credential and an ACTIVE configuration through it. */
export async function startSendWorld(options: SendWorldOptions = {}): Promise<SendWorld> {
  const { sim, h } = await startWorld(options);
  if (options.openWindow) {
    // No credential exists yet, so the service has not talked to Meta.
    const input = sim.sim.scenario;
    sim.sim.replaceScenario({ ...input, settings: { ...input.settings, enforceServiceWindow: false } });
  }
  return { sim, h, ...(await configureSender(h, sim, 'sender', options)) };
}

export async function configureSender(
  h: Harness,
  sim: RunningMetaSimulator,
  name: string,
  options: SendWorldOptions = {},
  key = h.adminKey,
) {
  const phoneNumberId = options.phoneNumberId ?? IDS.phone.acmeGreen;
  const credentialId = await activeCredential(h, `${name}-credential`, phoneNumberId, key);
  const webhook = options.webhook ? await createWebhook(h, credentialId, `${name}-hooks`, sim, key) : null;
  const actions = options.marketingKeys?.length ? await marketingActions(h, key) : [];
  const marketingActionIds = (options.marketingKeys ?? []).map((k) => actions.find((a) => a.key === k)!.id);
  const config = await createConfig(
    h,
    configInput(`${name}-config`, credentialId, {
      marketingActionIds,
      whatsApp: {
        apiCredentialId: credentialId,
        webhookId: webhook?.id ?? null,
        senderPhoneNumber: options.senderNumber ?? NUMBERS.acmeGreen,
      },
    }),
    key,
  );
  await waitForConfigStatus(h, config.id, 'ACTIVE', 15_000, key);
  return { credentialId, configId: config.id, phoneNumberId };
}

export async function upsertProfile(h: Harness, id: string, attributes: Record<string, unknown>, key = h.adminKey): Promise<void> {
  const res = await h.gql(UpsertProfileDoc, { input: { id, attributes } }, key);
  expect(res.data?.upsertProfile.__typename).toBe('UpsertProfileSuccess');
}

/** Many profiles at once, straight into the database (setting up a big batch through GraphQL would take longer than the batch). */
export async function insertProfiles(
  h: Harness,
  sandboxId: string,
  profiles: Array<{ id: string; attributes: Record<string, unknown> }>,
): Promise<void> {
  // better-sqlite3 takes times as ms, node-postgres as a Date (timestamptz).
  const now = TEST_BACKEND === 'pg' ? new Date() : Date.now();
  // Multi-row inserts, 500 rows (3,000 parameters) at a time: one round trip per chunk, not per profile.
  for (let from = 0; from < profiles.length; from += 500) {
    const chunk = profiles.slice(from, from + 500);
    await sqlRun(
      h.server,
      `INSERT INTO profiles (id, sandbox_id, profile_id, attributes, created_at, updated_at) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
      ...chunk.flatMap((p, k) => [
        `PROFILE${String(from + k).padStart(20, '0')}${p.id}`,
        sandboxId,
        p.id,
        JSON.stringify(p.attributes),
        now,
        now,
      ]),
    );
  }
}

export const phoneOf = (i: number): string => `+1650555${String(i).padStart(4, '0')}`;

export async function send(h: Harness, input: SendWhatsAppMessageInput, key = h.adminKey) {
  const res = await h.gql(SendDoc, { input }, key);
  expect(res.errors).toBeUndefined();
  return res.data!.sendWhatsAppMessage;
}

export async function sendOk(h: Harness, input: SendWhatsAppMessageInput, key = h.adminKey) {
  const r = await send(h, input, key);
  if (r.__typename !== 'SendWhatsAppMessageSuccess') throw new Error(`send failed: ${JSON.stringify(r)}`);
  return r.data;
}

export async function sendBatch(h: Harness, input: SendWhatsAppMessagesInput, key = h.adminKey) {
  const res = await h.gql(SendBatchDoc, { input }, key);
  expect(res.errors).toBeUndefined();
  const r = res.data!.sendWhatsAppMessages;
  if (r.__typename !== 'SendWhatsAppMessagesSuccess') throw new Error(`batch failed: ${JSON.stringify(r)}`);
  return r.data;
}

export async function readBatch(h: Harness, id: string, key = h.adminKey) {
  const res = await h.gql(BatchNodeDoc, { id }, key);
  expect(res.errors).toBeUndefined();
  const node = res.data!.node;
  if (node?.__typename !== 'MessageBatch') throw new Error(`not a batch: ${JSON.stringify(node)}`);
  return node;
}

export async function readMessage(h: Harness, id: string, key = h.adminKey) {
  const res = await h.gql(MessageNodeDoc, { id }, key);
  expect(res.errors).toBeUndefined();
  const node = res.data!.node;
  if (node?.__typename !== 'WhatsAppMessage') throw new Error(`not a message: ${JSON.stringify(node)}`);
  return node;
}

export async function waitForBatch(
  h: Harness,
  id: string,
  predicate: (b: Awaited<ReturnType<typeof readBatch>>) => boolean,
  timeoutMs = 20_000,
  key = h.adminKey,
) {
  return waitFor(() => readBatch(h, id, key), predicate, {
    what: 'batch',
    timeoutMs,
    intervalMs: 50,
    show: (last) => JSON.stringify(last && { ...last, messages: undefined }),
  });
}

export async function report(h: Harness, vars: { channelConfigurationId?: string; since?: string; until?: string } = {}, key = h.adminKey) {
  const res = await h.gql(ReportDoc, vars, key);
  expect(res.errors).toBeUndefined();
  return res.data!.messageReport;
}

/** The most sends Meta's record shows in any window of windowMs (Meta counts requests as they arrive). */
export function worstWindow(sent: SentMessage[], windowMs = 1_000): number {
  const times = sent.map((m) => m.at.getTime()).sort((a, b) => a - b);
  let worst = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= windowMs) start++;
    worst = Math.max(worst, end - start + 1);
  }
  return worst;
}
