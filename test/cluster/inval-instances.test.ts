import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revocationAnnouncer } from '../../src/cli/announce.js';
import { signWebhookBody } from '../../src/meta/index.js';
import { inboundTextPayload, startMetaSimulator, type RunningMetaSimulator } from '../../src/meta-simulator/index.js';
import * as tenancy from '../../src/platform/tenancy/service.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { AuditAddedDoc } from '../helpers/live-docs.js';
import { connectWs } from '../helpers/live.js';
import { pg } from '../helpers/pg.js';
import { sqlColumn, sqlRun, sqlValue } from '../helpers/sql.js';
import { sleep, waitUntil } from '../helpers/wait.js';
import { sandboxIdOf } from '../helpers/world.js';
import { CancelBatchDoc, configureSender, phoneOf, readBatch, sendBatch, sendOk } from '../sending-e2e/helpers.js';
import { createWebhook, DeleteWebhookDoc, IDS, localCallback, postRaw, UpdateWebhookDoc } from '../webhooks/helpers.js';

// Issue 19, "caches and stops invalidated across instances", with two real instances on one PostgreSQL database and one
// Meta simulator (acceptance 7, 8, 9 of research/SCALE-OUT.md §9, and key revocation). Instance A runs no jobs, so
// every send and check runs on B while the mutations are made on A.

const MESSAGES_PATH = '/v*/*/messages';
const OLD_SECRET = 'cluster-old-app-secret-0123456789abcd';
const NEW_SECRET = 'cluster-new-app-secret-dcba9876543210';
const template = { name: 'hello_world', languageCode: 'en_US' };

describe.skipIf(!pg.available)(pg.title('invalidations across two instances on PostgreSQL'), () => {
  let sim: RunningMetaSimulator;
  let a: Harness;
  let b: Harness;
  let configId: string;
  let credentialId: string;
  let sandboxId: string;

  beforeAll(async () => {
    sim = await startMetaSimulator({ port: 0 });
    const scenario = sim.sim.scenario;
    sim.sim.replaceScenario({ ...scenario, settings: { ...scenario.settings, enforceServiceWindow: false } });
    // A check interval far beyond the tests: only an announcement can end a stream in time.
    const env = { STREAM_KEY_RECHECK_MS: '600000' };
    a = await startHarness({ backend: 'pg', metaUrl: sim.baseUrl, startJobs: false, env });
    b = await startHarness({ backend: 'pg', metaUrl: sim.baseUrl, dataDir: a.dataDir, env });
    sandboxId = await sandboxIdOf(a);
    ({ configId, credentialId } = await configureSender(a, sim, 'sender'));
  }, 60_000);

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await sim?.close();
  });

  it('a secret rotated on A is refused by B at once; a webhook deleted on A is unknown to B at once', async () => {
    const webhook = await createWebhook(a, { name: 'cluster-hooks', apiCredentialId: credentialId, appSecret: OLD_SECRET });
    const onB = localCallback(b, webhook);
    let n = 0;
    const post = async (secret: string) => {
      const payload = inboundTextPayload(sim.sim.numberRef(IDS.phone.acmeGreen), { waId: '16505551111' }, `hi ${++n}`);
      const body = Buffer.from(JSON.stringify(payload));
      return (await postRaw(onB, body, { 'x-hub-signature-256': signWebhookBody(body, secret) })).status;
    };
    expect(await post(OLD_SECRET)).toBe(200);
    expect(b.server.deps.state.webhookRoutes.size).toBeGreaterThan(0);

    const rotatedAt = Date.now();
    const rotated = await a.gql(UpdateWebhookDoc, { input: { id: webhook.id, appSecret: NEW_SECRET } });
    expect(rotated.data?.updateWhatsAppWebhook.__typename).toBe('UpdateWhatsAppWebhookSuccess');
    // The cache keeps a route for 60 s: refused within seconds means B heard the change.
    await waitUntil(async () => (await post(OLD_SECRET)) === 401, 10_000, 'B refuses the old secret');
    expect(Date.now() - rotatedAt).toBeLessThan(10_000);
    expect(await post(NEW_SECRET)).toBe(200);

    const deleted = await a.gql(DeleteWebhookDoc, { input: { id: webhook.id } });
    expect(deleted.data?.deleteWhatsAppWebhook.__typename).toBe('DeleteWhatsAppWebhookSuccess');
    await waitUntil(async () => (await post(NEW_SECRET)) === 404, 10_000, 'B forgets the deleted webhook');
  }, 30_000);

  it('a cancel on A halts the runner on B and returns once the sends B has in flight were answered', async () => {
    const ids = Array.from({ length: 80 }, (_, i) => `x${i}`);
    await insertProfilesPg(
      a,
      sandboxId,
      ids.map((id, i) => ({ id, attributes: { mobilePhone: { number: phoneOf(7000 + i) } } })),
    );
    // Meta answers after 1.5 s and records a send only then: one still in flight when the cancel returns shows later.
    sim.sim.injectFault({ method: 'POST', path: MESSAGES_PATH, delayMs: 1_500, times: Infinity });
    try {
      const batch = await sendBatch(a, { channelConfigurationId: configId, profileIds: ids, template });
      const id = rawId(batch.id);
      await waitUntil(async () => (await inFlight(a, id)) >= 3, 15_000, 'sends in flight on B');
      const runner = b.server.deps.state.batchRunners.running(id);
      expect(runner).toBeDefined();
      expect(a.server.deps.state.batchRunners.running(id)).toBeUndefined();

      const res = await a.gql(CancelBatchDoc, { input: { id: batch.id } });
      expect(res.data?.cancelMessageBatch.__typename).toBe('CancelMessageBatchSuccess');
      const atReturn = await arrivals(a, sim, id);
      expect(await inFlight(a, id)).toBe(0);
      await waitUntil(() => runner!.halt.signal.aborted, 5_000, "B's runner halted");
      expect(atReturn).toBeGreaterThanOrEqual(3);
      expect(atReturn).toBeLessThan(ids.length);
      // Nothing reaches Meta after the cancel returned; B lets go of the batch.
      await sleep(2_500);
      expect(await arrivals(a, sim, id)).toBe(atReturn);
      await waitUntil(() => b.server.deps.state.batchRunners.running(id) === undefined, 10_000, 'B let go of the batch');
      expect(await readBatch(b, batch.id)).toMatchObject({ status: 'CANCELLED', sent: atReturn });
    } finally {
      sim.sim.clearFaults();
    }
  }, 60_000);

  it('a single send made on A, whose job runs on B, returns the settled message instead of waiting out its timeout', async () => {
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      const message = await sendOk(a, { channelConfigurationId: configId, phoneNumber: phoneOf(7500 + i), text: `hello ${i}` });
      expect(message.status).toBe('SENT');
      expect(message.wamid).toBeTruthy();
      // The wait's timeout is 15 s: settled well before it means A heard B's announcement.
      expect(Date.now() - started).toBeLessThan(10_000);
    }
  }, 60_000);

  it('a key revoked from the CLI ends its streams on both instances at once', async () => {
    const created = await tenancy.createApiKey(a.server.deps.db, { organization: 'acme', sandbox: 'prod', role: 'ADMIN' });
    const onA = connectWs(a.wsUrl, created.key);
    const onB = connectWs(b.wsUrl, created.key);
    onA.subscribe(AuditAddedDoc);
    onB.subscribe(AuditAddedDoc);
    await waitUntil(() => a.server.app.keyWatcher.size === 1 && b.server.app.keyWatcher.size === 1, 10_000, 'streams watched');
    // What `wcs api-key revoke` runs on PostgreSQL: the revocation and its NOTIFY in one transaction.
    const announce = await revocationAnnouncer(a.config);
    expect(announce).toBeDefined();
    await tenancy.revokeApiKey(b.server.deps.db, created.record.prefix, new Date(), announce);
    const [closedA, closedB] = await Promise.all([onA.closed, onB.closed]);
    expect(closedA.code).toBe(4403);
    expect(closedB.code).toBe(4403);
  }, 30_000);
});

function rawId(globalId: string): string {
  return Buffer.from(globalId, 'base64').toString('utf8').split(':')[1]!;
}

async function arrivals(h: Harness, sim: RunningMetaSimulator, batchId: string): Promise<number> {
  const sent = sim.sim.sentMessages();
  const ids = new Set(await sqlColumn<string>(h.server, 'SELECT id FROM whatsapp_messages WHERE batch_id = ?', batchId));
  return sent.filter((m) => m.bizOpaqueCallbackData && ids.has(m.bizOpaqueCallbackData)).length;
}

async function inFlight(h: Harness, batchId: string): Promise<number> {
  const n = await sqlValue<number | string>(
    h.server,
    "SELECT count(*) AS n FROM whatsapp_messages WHERE batch_id = ? AND status = 'QUEUED' AND wamid IS NULL AND send_attempted_at IS NOT NULL",
    batchId,
  );
  return Number(n);
}

/** Profiles straight into the PostgreSQL database (sending-e2e's insertProfiles follows WCS_TEST_BACKEND). */
async function insertProfilesPg(h: Harness, sandboxId: string, profiles: Array<{ id: string; attributes: Record<string, unknown> }>) {
  const now = new Date();
  await sqlRun(
    h.server,
    `INSERT INTO profiles (id, sandbox_id, profile_id, attributes, created_at, updated_at) VALUES ${profiles.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
    ...profiles.flatMap((p, k) => [
      `PROFILE${String(k).padStart(20, '0')}${p.id}`,
      sandboxId,
      p.id,
      JSON.stringify(p.attributes),
      now,
      now,
    ]),
  );
}
