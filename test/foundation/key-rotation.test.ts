import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startMetaSimulator, DEFAULT_IDS, type RunningMetaSimulator } from '../../src/meta-simulator/index.js';
import { keyId } from '../../src/platform/secrets.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { sqlValue } from '../helpers/sql.js';
import { runProcess } from '../helpers/spawn.js';

// Issue 2 acceptance 5, end to end: `wcs secrets rotate` re-encrypts the real stored secrets (a Meta token)
// and the service keeps working with only the new key.

let sim: RunningMetaSimulator | undefined;
let h: Harness | undefined;
afterAll(async () => {
  await h?.stop();
  await sim?.close();
});

const CREATE = `mutation($i: CreateWhatsAppApiCredentialInput!) { createWhatsAppApiCredential(input: $i) { __typename ... on CreateWhatsAppApiCredentialSuccess { data { id } } } }`;
const STATUS = `query($id: ID!) { node(id: $id) { ... on WhatsAppApiCredential { status } } }`;
const TEST = `mutation($id: ID!) { testWhatsAppApiCredential(input: { id: $id }) { __typename ... on TestWhatsAppApiCredentialSuccess { data { passed } } } }`;

async function gql(harness: Harness, query: string, variables: Record<string, unknown>) {
  const res = await harness.post({ query, variables }, { authorization: `Bearer ${harness.adminKey}` });
  return JSON.parse(res.body) as {
    data: Record<string, { __typename?: string; data?: { id?: string; passed?: boolean }; status?: string }>;
  };
}

describe('wcs secrets rotate on a database with real secrets', () => {
  it('re-encrypts the stored Meta token under a new key; the restarted service decrypts it with that key alone', async () => {
    sim = await startMetaSimulator({ port: 0 });
    h = await startHarness({ metaUrl: sim.baseUrl });
    const created = await gql(h, CREATE, {
      i: {
        name: 'rotated',
        apiToken: DEFAULT_IDS.token.systemUser,
        businessAccountId: DEFAULT_IDS.business.acme,
        whatsAppBusinessAccountId: DEFAULT_IDS.waba.acmeMain,
        phoneNumberId: DEFAULT_IDS.phone.acmeGreen,
      },
    });
    const id = created.data.createWhatsAppApiCredential!.data!.id!;
    const deadline = Date.now() + 10_000;
    while ((await gql(h, STATUS, { id })).data.node?.status !== 'ACTIVE') {
      if (Date.now() > deadline) throw new Error('credential did not become ACTIVE');
      await new Promise((r) => setTimeout(r, 50));
    }
    const dataDir = h.dataDir;
    // The CLI opens the service's database: the SQLite file in the data folder, or the harness's PostgreSQL database
    // (its key file still lives in the data folder).
    const location = h.config.database;
    const databaseEnv: Record<string, string> =
      location.kind === 'postgres'
        ? { DATABASE_URL: location.url, DATA_DIR: dataDir }
        : { DATABASE_URL: `file:${path.join(dataDir, 'wcs.sqlite')}` };
    const keyFile = path.join(dataDir, 'encryption.key');
    const oldKey = fs.readFileSync(keyFile, 'utf8').trim();
    await h.stop();
    h = undefined;

    const res = await runProcess('node', ['bin/wcs.js', 'secrets', 'rotate'], databaseEnv);
    expect(res.stderr).toMatch(/re-encrypted 1 secret\(s\) under key [0-9a-f]{12}/);
    expect(res.code).toBe(0);
    const newKey = fs.readFileSync(keyFile, 'utf8').trim();
    expect(newKey).not.toBe(oldKey);
    expect(res.stdout).not.toContain(newKey); // the data-folder key stays in its file

    h = await startHarness({ metaUrl: sim.baseUrl, dataDir });
    const stored = await sqlValue<string>(h.server, 'SELECT api_token_enc AS v FROM whatsapp_api_credentials');
    expect(stored.split('.')[1]).toBe(keyId(Buffer.from(newKey, 'base64')));
    const tested = await gql(h, TEST, { id });
    expect(tested.data.testWhatsAppApiCredential).toEqual({ __typename: 'TestWhatsAppApiCredentialSuccess', data: { passed: true } });
  });
});
