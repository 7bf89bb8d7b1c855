import { expect } from 'vitest';
import { request } from 'undici';
import { graphql } from '../generated/index.js';
import { TEST_BACKEND, type Harness } from '../helpers/harness.js';
import { sqlRow, sqlRun, sqlValue } from '../helpers/sql.js';
import { waitUntil } from '../helpers/wait.js';
import { DEFAULT_IDS, type RunningMetaSimulator } from '../../src/meta-simulator/index.js';

/** Shared documents and helpers of the webhook tests (test/helpers/world.ts starts the server and the simulator). */

export { waitUntil };
export const IDS = DEFAULT_IDS;

export const WebhookFields = graphql(`
  fragment WebhookFields on WhatsAppWebhook {
    id
    name
    callbackUrl
    verifyToken
    appSecretLast4
    standardConsentMessagesEnabled
    verifiedAt
    lastEventAt
    createdAt
    updatedAt
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

export const CreateWebhookDoc = graphql(`
  mutation CreateWebhook($input: CreateWhatsAppWebhookInput!) {
    createWhatsAppWebhook(input: $input) {
      __typename
      ... on CreateWhatsAppWebhookSuccess {
        data {
          ...WebhookFields
        }
      }
      ...ErrorFields
    }
  }
`);

export const UpdateWebhookDoc = graphql(`
  mutation UpdateWebhook($input: UpdateWhatsAppWebhookInput!) {
    updateWhatsAppWebhook(input: $input) {
      __typename
      ... on UpdateWhatsAppWebhookSuccess {
        data {
          ...WebhookFields
        }
      }
      ...ErrorFields
    }
  }
`);

export const DeleteWebhookDoc = graphql(`
  mutation DeleteWebhook($input: DeleteWhatsAppWebhookInput!) {
    deleteWhatsAppWebhook(input: $input) {
      __typename
      ... on DeleteWhatsAppWebhookSuccess {
        data {
          id
          name
        }
      }
      ...ErrorFields
    }
  }
`);

export const RotateDoc = graphql(`
  mutation RotateVerifyToken($input: RotateWhatsAppWebhookVerifyTokenInput!) {
    rotateWhatsAppWebhookVerifyToken(input: $input) {
      __typename
      ... on RotateWhatsAppWebhookVerifyTokenSuccess {
        data {
          ...WebhookFields
        }
      }
      ...ErrorFields
    }
  }
`);

export const ReplayDoc = graphql(`
  mutation ReplayDelivery($input: ReplayWhatsAppWebhookDeliveryInput!) {
    replayWhatsAppWebhookDelivery(input: $input) {
      __typename
      ... on ReplayWhatsAppWebhookDeliverySuccess {
        data {
          id
          outcome
          detail
          changes
          attempts
          processedAt
        }
      }
      ...ErrorFields
    }
  }
`);

export const WebhookNodeDoc = graphql(`
  query WebhookNode($id: ID!) {
    node(id: $id) {
      __typename
      ...WebhookFields
    }
  }
`);

export const WebhooksDoc = graphql(`
  query Webhooks($first: Int, $after: String) {
    whatsAppWebhooks(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          name
        }
      }
    }
  }
`);

export const DeliveriesDoc = graphql(`
  query WebhookDeliveries($id: ID!, $first: Int, $after: String) {
    node(id: $id) {
      ... on WhatsAppWebhook {
        lastEventAt
        deliveries(first: $first, after: $after) {
          totalCount
          pageInfo {
            hasNextPage
            endCursor
          }
          edges {
            node {
              id
              receivedAt
              outcome
              detail
              changes
              signatureVerified
              attempts
              processedAt
            }
          }
        }
      }
    }
  }
`);

export const TestKeywordDoc = graphql(`
  query TestKeyword($webhookId: ID!, $text: String!) {
    testInboundKeyword(webhookId: $webhookId, text: $text) {
      category
      matchedKeyword
      replyMessage
      consentChange
    }
  }
`);

export const ConsentDoc = graphql(`
  query WebhookConsent($phoneNumber: String!) {
    consent(phoneNumber: $phoneNumber) {
      status
      history(first: 20) {
        status
        source
        keyword
      }
    }
  }
`);

export const MessagesDoc = graphql(`
  query WebhookMessages($first: Int) {
    whatsAppMessages(first: $first) {
      totalCount
      edges {
        node {
          id
          wamid
          direction
          text
          status
          metaErrorCode
        }
      }
    }
  }
`);

export const TrackingDoc = graphql(`
  query WebhookTracking($type: TrackingEventType) {
    trackingEvents(first: 100, type: $type) {
      totalCount
      edges {
        node {
          id
          type
          phoneNumber
        }
      }
    }
  }
`);

export interface RuleInput {
  category: 'OPT_IN' | 'OPT_OUT' | 'HELP' | 'DEFAULT';
  keywords: string[];
  replyMessage: string;
}

export const STANDARD_RULES: RuleInput[] = [
  {
    category: 'OPT_OUT',
    keywords: ['STOP', 'Unsubscribe', 'Stop promotions'],
    replyMessage: 'You are unsubscribed. Reply START to come back.',
  },
  { category: 'OPT_IN', keywords: ['START', 'Yes'], replyMessage: 'Welcome back! You will receive our messages again.' },
  { category: 'HELP', keywords: ['HELP', 'Info'], replyMessage: 'Reply STOP to unsubscribe, START to subscribe.' },
  { category: 'DEFAULT', keywords: [], replyMessage: 'Thanks for your message; we will get back to you.' },
];

export type WebhookView = Extract<
  NonNullable<Awaited<ReturnType<typeof createWebhookRaw>>['data']>['createWhatsAppWebhook'],
  { __typename: 'CreateWhatsAppWebhookSuccess' }
>['data'];

export function createWebhookRaw(
  h: Harness,
  input: { name: string; apiCredentialId: string; appSecret: string; keywordRules: RuleInput[] },
  key = h.adminKey,
) {
  return h.gql(CreateWebhookDoc, { input }, key);
}

export async function createWebhook(
  h: Harness,
  input: { name?: string; apiCredentialId: string; appSecret?: string; keywordRules?: RuleInput[] },
  key = h.adminKey,
): Promise<WebhookView> {
  const res = await createWebhookRaw(
    h,
    {
      name: input.name ?? 'inbound',
      apiCredentialId: input.apiCredentialId,
      appSecret: input.appSecret ?? IDS.appSecret,
      keywordRules: input.keywordRules ?? STANDARD_RULES,
    },
    key,
  );
  const r = res.data?.createWhatsAppWebhook;
  if (r?.__typename !== 'CreateWhatsAppWebhookSuccess') throw new Error(`webhook create failed: ${JSON.stringify(res)}`);
  return r.data;
}

/** The callback URL on the test server (PUBLIC_URL defaults to port 0 in tests; the path is what counts). */
export function localCallback(h: Harness, webhook: { callbackUrl: string }): string {
  return `${h.url}${new URL(webhook.callbackUrl).pathname}`;
}

export type DeliveryView = { id: string; outcome: string; detail?: string | null; changes: number; attempts: number };

export async function deliveries(h: Harness, webhookId: string, key = h.adminKey): Promise<DeliveryView[]> {
  const res = await h.gql(DeliveriesDoc, { id: webhookId, first: 100 }, key);
  expect(res.errors).toBeUndefined();
  const node = res.data!.node;
  if (!node || !('deliveries' in node)) return [];
  return node.deliveries.edges.map((e) => e.node);
}

/** Waits until no delivery is PENDING and at least `count` exist; returns them oldest first. */
export async function settledDeliveries(
  h: Harness,
  webhookId: string,
  count: number,
  timeoutMs = 10_000,
  key = h.adminKey,
): Promise<DeliveryView[]> {
  let last: DeliveryView[] = [];
  await waitUntil(
    async () => {
      last = await deliveries(h, webhookId, key);
      return last.length >= count && last.every((d) => d.outcome !== 'PENDING');
    },
    timeoutMs,
    `${count} processed deliveries (have ${JSON.stringify(last.map((d) => d.outcome))})`,
  );
  return [...last].reverse();
}

export function countRows(h: Harness, table: string): Promise<number> {
  return sqlValue<number>(h.server, `SELECT count(*) FROM ${table}`);
}

/**
 * Stages a row (retention tests): a copy of the row `fromId` of `table` with some columns changed. Text values go
 * into the copy itself (a new id, a unique key); times (Date) are set afterwards by an UPDATE, because PostgreSQL
 * types an INSERT … SELECT parameter as text and would refuse it for a timestamptz column, while an UPDATE takes the
 * column's type. SQLite stores times as epoch ms, so it gets the Date's ms.
 */
export async function copyRow(
  h: Harness,
  table: string,
  fromId: string,
  changes: { id: string; [column: string]: string | Date },
): Promise<void> {
  const columns = Object.keys((await sqlRow(h.server, `SELECT * FROM ${table} WHERE id = ?`, fromId)) ?? {});
  const texts = Object.entries(changes).filter((e): e is [string, string] => typeof e[1] === 'string');
  const times = Object.entries(changes).filter((e): e is [string, Date] => e[1] instanceof Date);
  const picked = columns.map((c) => (texts.some(([k]) => k === c) ? '?' : c));
  const params = columns.flatMap((c) => texts.filter(([k]) => k === c).map(([, v]) => v));
  await sqlRun(
    h.server,
    `INSERT INTO ${table} (${columns.join(', ')}) SELECT ${picked.join(', ')} FROM ${table} WHERE id = ?`,
    ...params,
    fromId,
  );
  for (const [column, at] of times) {
    await sqlRun(h.server, `UPDATE ${table} SET ${column} = ? WHERE id = ?`, TEST_BACKEND === 'pg' ? at : at.getTime(), changes.id);
  }
}

/** A raw POST to the callback URL, as Meta (or an attacker) would send it. */
export async function postRaw(url: string, body: Buffer | string, headers: Record<string, string> = {}) {
  const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: res.statusCode, body: await res.body.text(), headers: res.headers };
}

/** Auto-replies Meta received for a user (text sends to that number). */
export function repliesTo(sim: RunningMetaSimulator, waId: string): string[] {
  return sim.sim
    .sentMessages()
    .filter((m) => m.to?.replace(/\D/g, '') === waId)
    .map((m) => String((m.body.text as { body?: unknown } | undefined)?.body ?? ''));
}
