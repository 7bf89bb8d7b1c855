import { expect } from 'vitest';
import { request } from 'undici';
import { graphql } from '../generated/index.js';
import { startHarness, type Harness, type HarnessOptions } from '../helpers/harness.js';
import { startMetaSimulator, DEFAULT_IDS, type RunningMetaSimulator } from '../../src/meta-simulator/index.js';
import { CreateDoc as CreateCredentialDoc } from '../credentials/helpers.js';

/** Shared documents and set-up of the webhook tests: the real server, the simulator playing Meta. */

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

export const UpdateWebhookDoc = graphql(`
  mutation UpdateWebhook($input: UpdateWhatsAppWebhookInput!) {
    updateWhatsAppWebhook(input: $input) {
      __typename
      ... on UpdateWhatsAppWebhookSuccess {
        data {
          ...WebhookFields
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
      ... on Error {
        message
        code
      }
      ... on EntitlementError {
        entitlement
      }
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
      ... on Error {
        message
        code
      }
      ... on EntitlementError {
        entitlement
      }
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
      ... on Error {
        message
        code
      }
      ... on EntitlementError {
        entitlement
      }
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

const cleanups: Array<() => Promise<void>> = [];

/** Runs (in reverse order) everything set up by the test; call from afterEach. */
export async function cleanup(): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
}

export function onCleanup(fn: () => Promise<void>): void {
  cleanups.push(fn);
}

export async function startWorld(options: HarnessOptions = {}): Promise<{ sim: RunningMetaSimulator; h: Harness }> {
  const sim = await startMetaSimulator({ port: 0 });
  onCleanup(() => sim.close());
  const h = await startHarness({ metaUrl: sim.baseUrl, ...options });
  onCleanup(() => h.stop());
  return { sim, h };
}

export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** An ACTIVE credential for the default scenario's green Acme number (or another). */
export async function activeCredential(
  h: Harness,
  name = 'acme main',
  phoneNumberId: string = IDS.phone.acmeGreen,
  key = h.adminKey,
): Promise<string> {
  const res = await h.gql(
    CreateCredentialDoc,
    {
      input: {
        name,
        apiToken: IDS.token.systemUser,
        businessAccountId: IDS.business.acme,
        whatsAppBusinessAccountId: phoneNumberId === IDS.phone.acmeSupport ? IDS.waba.acmeSupport : IDS.waba.acmeMain,
        phoneNumberId,
      },
    },
    key,
  );
  const r = res.data?.createWhatsAppApiCredential;
  if (r?.__typename !== 'CreateWhatsAppApiCredentialSuccess') throw new Error(`credential create failed: ${JSON.stringify(res)}`);
  const id = r.data.id;
  await waitUntil(
    () => h.server.deps.sqlite.prepare('SELECT status FROM whatsapp_api_credentials WHERE id = ?').pluck().get(decodeRaw(id)) === 'ACTIVE',
    10_000,
    'credential ACTIVE',
  );
  return id;
}

export function decodeRaw(globalId: string): string {
  return Buffer.from(globalId, 'base64').toString('utf8').split(':').slice(1).join(':');
}

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

/** Credential + webhook + Meta's handshake: the simulator then posts notifications to the webhook. */
export async function connectedWorld(options: HarnessOptions & { keywordRules?: RuleInput[]; appSecret?: string } = {}) {
  const { keywordRules, appSecret, ...harness } = options;
  const { sim, h } = await startWorld(harness);
  const credentialId = await activeCredential(h);
  const webhook = await createWebhook(h, { apiCredentialId: credentialId, keywordRules, appSecret });
  const url = localCallback(h, webhook);
  const handshake = await sim.sim.configureWebhook({
    callbackUrl: url,
    verifyToken: webhook.verifyToken,
    appSecret: appSecret ?? IDS.appSecret,
  });
  expect(handshake.verified).toBe(true);
  return { sim, h, credentialId, webhook, url };
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

export function countRows(h: Harness, table: string): number {
  return h.server.deps.sqlite.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
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
