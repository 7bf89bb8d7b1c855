import { afterAll, beforeAll, expect } from 'vitest';
import { graphql } from '../generated/index.js';
import { startHarness, type Harness, type HarnessOptions } from './harness.js';
import { acmeInput, createCredential, waitForStatus } from '../credentials/helpers.js';
import { createWebhook, localCallback, type RuleInput, type WebhookView } from '../webhooks/helpers.js';
import { DEFAULT_IDS, startMetaSimulator, type RunningMetaSimulator, type ScenarioInput } from '../../src/meta-simulator/index.js';

/**
 * The world the end-to-end tests run in: the simulator playing Meta and the real service talking to it, with
 * the set-up several domains share (an ACTIVE credential, a webhook Meta has verified).
 */

export const IDS = DEFAULT_IDS;

const cleanups: Array<() => Promise<void>> = [];

/** Registers a teardown (stop a server, close a socket) for `cleanup`. */
export function onCleanup(fn: () => Promise<void>): void {
  cleanups.push(fn);
}

/** Runs, newest first, the teardowns registered from index `from` on; one that fails does not stop the rest. */
async function tearDown(from: number): Promise<void> {
  for (const c of cleanups.splice(from).reverse()) await c().catch(() => undefined);
}

/** Tears down everything registered: from afterEach for worlds started by each test, from afterAll for one per file. */
export const cleanup = (): Promise<void> => tearDown(0);

export interface WorldOptions extends HarnessOptions {
  /** The simulator's world; default: its default scenario. */
  scenario?: ScenarioInput;
}

export interface World {
  sim: RunningMetaSimulator;
  h: Harness;
}

/** The simulator and the service using it as Meta; `cleanup` stops both. */
export async function startWorld({ scenario, ...options }: WorldOptions = {}): Promise<World> {
  const sim = await startMetaSimulator({ port: 0, scenario });
  onCleanup(() => sim.close());
  const h = await startHarness({ metaUrl: sim.baseUrl, ...options });
  onCleanup(() => h.stop());
  return { sim, h };
}

/**
 * A world for the tests of the enclosing file or describe block: `start` (default: startWorld) runs before them,
 * and what it registered for `cleanup` is torn down after them. The returned object is filled in by beforeAll.
 */
export function useWorld(): World;
export function useWorld<T extends object>(start: () => Promise<T>): T;
export function useWorld(start: () => Promise<object> = startWorld): object {
  const world = {};
  let firstOwn = 0;
  beforeAll(async () => {
    firstOwn = cleanups.length;
    Object.assign(world, await start());
  });
  afterAll(() => tearDown(firstOwn));
  return world;
}

/** An ACTIVE credential of Acme's system-user token for a number of the default scenario (the green one unless told). */
export async function activeCredential(
  h: Harness,
  name = 'acme main',
  phoneNumberId: string = IDS.phone.acmeGreen,
  key = h.adminKey,
): Promise<string> {
  const whatsAppBusinessAccountId = phoneNumberId === IDS.phone.acmeSupport ? IDS.waba.acmeSupport : IDS.waba.acmeMain;
  const id = await createCredential(h, acmeInput(name, { whatsAppBusinessAccountId, phoneNumberId }), key);
  await waitForStatus(h, id, 'ACTIVE', 10_000, key);
  return id;
}

/** Meta's handshake on the webhook's callback URL on the test server; returns that URL. */
export async function verifyWebhook(
  h: Harness,
  sim: RunningMetaSimulator,
  webhook: { callbackUrl: string; verifyToken: string },
  appSecret: string = IDS.appSecret,
): Promise<string> {
  const callbackUrl = localCallback(h, webhook);
  const handshake = await sim.sim.configureWebhook({ callbackUrl, verifyToken: webhook.verifyToken, appSecret });
  expect(handshake.verified).toBe(true);
  return callbackUrl;
}

export interface ConnectedWorld extends World {
  credentialId: string;
  webhook: WebhookView;
  /** The webhook's callback URL on the test server. */
  url: string;
}

/** An ACTIVE credential and a verified webhook of it: the simulator then posts notifications to the webhook. */
export async function connectedWorld(
  options: WorldOptions & { keywordRules?: RuleInput[]; appSecret?: string } = {},
): Promise<ConnectedWorld> {
  const { keywordRules, appSecret, ...worldOptions } = options;
  const { sim, h } = await startWorld(worldOptions);
  const credentialId = await activeCredential(h);
  const webhook = await createWebhook(h, { apiCredentialId: credentialId, keywordRules, appSecret });
  const url = await verifyWebhook(h, sim, webhook, appSecret);
  return { sim, h, credentialId, webhook, url };
}

/** The database id inside a global (relay) id. */
export function rawId(globalId: string): string {
  return Buffer.from(globalId, 'base64').toString('utf8').split(':').slice(1).join(':');
}

const SandboxIdDoc = graphql(`
  query SandboxId {
    viewer {
      sandbox {
        id
      }
    }
  }
`);

/** The caller's raw sandbox id (tests wait on pubsub listener counts per sandbox before triggering events). */
export async function sandboxIdOf(h: Harness, key = h.adminKey): Promise<string> {
  const res = await h.gql(SandboxIdDoc, {}, key);
  return rawId(res.data!.viewer.sandbox.id);
}
