import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnProcess, type Spawned } from '../helpers/spawn.js';
import { testDatabase, type TestDatabase } from './backend.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Issue 12 point 13: `npm start` with the built-in simulator tells a newcomer what Meta would (a token, a business
 * portfolio id, an app secret) and how to do what only Meta can (the webhook handshake, a customer's message).
 * The test follows the printed text literally: the values and commands it shows must be the ones that work.
 */

let proc: Spawned | undefined;
let database: TestDatabase | undefined;
afterAll(async () => {
  proc?.kill('SIGTERM');
  await proc?.exited;
  await database?.drop();
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** The URL and JSON body of a printed `curl -s URL ... \ -d '{...}'` command. */
function printedCurl(stdout: string, pathEnd: string): { url: string; body: string } {
  const match = new RegExp(`curl -s (\\S+${pathEnd}) [^\\n]*\\\\\\n\\s+-d '([^']+)'`).exec(stdout);
  if (!match) throw new Error(`no printed curl command for ${pathEnd} in:\n${stdout}`);
  return { url: match[1]!, body: match[2]! };
}

describe('npm start with the built-in simulator', () => {
  it('prints the simulator values and the handshake and inbound commands, and following them works', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-guide-'));
    database = await testDatabase(dataDir);
    const port = await freePort();
    proc = spawnProcess('npm', ['start', '--silent'], {
      ...database.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      LOG_PRETTY: 'false',
      LOG_LEVEL: 'warn',
      JOB_POLL_INTERVAL_MS: '50',
    });
    const [, key] = await proc.waitFor(/^\s+(wcs_\S+)$/m, 60_000);
    await proc.waitFor(/Try it with the simulator/, 30_000);
    const out = proc.stdout();
    const token = /API token \(system user\):\s+(\S+)/.exec(out)?.[1];
    const portfolio = /Business portfolio id:\s+(\d+)/.exec(out)?.[1];
    const appSecret = /App secret:\s+(\S+)/.exec(out)?.[1];
    expect({ token, portfolio, appSecret }).toEqual({
      token: expect.any(String),
      portfolio: expect.any(String),
      appSecret: expect.any(String),
    });

    const api = `http://127.0.0.1:${port}/graphql`;
    const gql = async (query: string, variables: Record<string, unknown>) => {
      const res = await request(api, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.body.json()) as { data: Record<string, { __typename: string; data?: never; message?: string }> };
    };

    // What the README's steps do with those values: discover, credential, webhook.
    const discovered = await gql(
      'mutation ($input: DiscoverWhatsAppBusinessAccountsInput!) { discoverWhatsAppBusinessAccounts(input: $input) { __typename ... on DiscoverWhatsAppBusinessAccountsSuccess { data { id phoneNumbers { id } } } } }',
      { input: { apiToken: token, businessAccountId: portfolio } },
    );
    const accounts = discovered.data.discoverWhatsAppBusinessAccounts!.data as unknown as Array<{
      id: string;
      phoneNumbers: { id: string }[];
    }>;
    const waba = accounts[0]!;
    const created = await gql(
      'mutation ($input: CreateWhatsAppApiCredentialInput!) { createWhatsAppApiCredential(input: $input) { __typename ... on CreateWhatsAppApiCredentialSuccess { data { id } } } }',
      {
        input: {
          name: 'newcomer',
          apiToken: token,
          businessAccountId: portfolio,
          whatsAppBusinessAccountId: waba.id,
          phoneNumberId: waba.phoneNumbers[0]!.id,
        },
      },
    );
    const credentialId = (created.data.createWhatsAppApiCredential!.data as unknown as { id: string }).id;
    await waitFor(
      async () => (await gql('query ($id: ID!) { node(id: $id) { ... on WhatsAppApiCredential { status } } }', { id: credentialId })).data,
      (d) => (d.node as unknown as { status: string } | null)?.status === 'ACTIVE',
      { what: 'the credential', timeoutMs: 20_000, intervalMs: 100 },
    );
    const webhook = await gql(
      'mutation ($input: CreateWhatsAppWebhookInput!) { createWhatsAppWebhook(input: $input) { __typename ... on CreateWhatsAppWebhookSuccess { data { id callbackUrl verifyToken } } } }',
      { input: { name: 'newcomer-webhook', apiCredentialId: credentialId, appSecret, keywordRules: [] } },
    );
    const {
      id: webhookId,
      callbackUrl,
      verifyToken,
    } = webhook.data.createWhatsAppWebhook!.data as unknown as {
      id: string;
      callbackUrl: string;
      verifyToken: string;
    };

    // The printed handshake command, with the two placeholders filled in.
    const handshake = printedCurl(out, '/webhook/configure');
    const configured = await request(handshake.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: handshake.body.replace('<callbackUrl>', callbackUrl).replace('<verifyToken>', verifyToken),
    });
    expect(configured.statusCode).toBe(200);
    expect(await configured.body.json()).toMatchObject({ verified: true });

    // The printed inbound command as is: the message reaches the webhook, signed with the app secret.
    const inbound = printedCurl(out, '/webhook/inbound-text');
    const sent = await request(inbound.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: inbound.body });
    expect(sent.statusCode).toBe(200);
    expect(await sent.body.json()).toMatchObject({ delivery: { delivered: true } });
    // The 200 says the delivery is stored; it is processed (lastEventAt written) by the drain job right after it.
    const seen = await waitFor(
      async () =>
        (await gql('query ($id: ID!) { node(id: $id) { ... on WhatsAppWebhook { verifiedAt lastEventAt } } }', { id: webhookId })).data,
      (d) => (d.node as unknown as { lastEventAt: string | null } | null)?.lastEventAt != null,
      { what: 'the processed delivery', timeoutMs: 5_000, intervalMs: 50 },
    );
    expect(seen.node).toMatchObject({ verifiedAt: expect.any(String), lastEventAt: expect.any(String) });
  }, 120_000);
});
