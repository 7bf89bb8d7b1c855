import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';
import { sqlRows, sqlValue } from '../helpers/sql.js';
import { startMetaSimulator } from '../../src/meta-simulator/index.js';
import { activeCredential, cleanup, onCleanup } from '../helpers/world.js';
import { createWebhook, IDS, localCallback, repliesTo, settledDeliveries, waitUntil } from './helpers.js';

// Acceptance 7: a delivery acknowledged by a server that stopped before processing it is processed after a restart
// on the same data folder (the inbox is durable; processing is a durable job).

afterEach(cleanup);

describe('webhook inbox across restarts', () => {
  it('a server stopped after the 200 and before processing processes the delivery after restart, once', async () => {
    const sim = await startMetaSimulator({ port: 0 });
    onCleanup(() => sim.close());
    const start = async (options: { dataDir?: string; startJobs?: boolean }): Promise<Harness> => {
      const h = await startHarness({ metaUrl: sim.baseUrl, ...options });
      onCleanup(() => h.stop());
      return h;
    };

    // 1. Configure (credential checked with Meta, webhook created).
    const first = await start({});
    const credentialId = await activeCredential(first);
    const webhook = await createWebhook(first, { apiCredentialId: credentialId });
    const dataDir = first.dataDir;
    await first.stop();

    // 2. Processing paused: Meta posts, gets its 200, the server stops.
    const paused = await start({ dataDir, startJobs: false });
    expect(
      (await sim.sim.configureWebhook({ callbackUrl: localCallback(paused, webhook), verifyToken: webhook.verifyToken })).verified,
    ).toBe(true);
    const waId = '16505550707';
    const r = await sim.sim.sendInboundText({ phoneNumberId: IDS.phone.acmeGreen, from: { waId }, text: 'STOP' });
    expect(r.delivery.status).toBe(200);
    const stored = await sqlRows(paused.server, 'SELECT outcome, length(body) AS bytes FROM webhook_deliveries');
    expect(stored).toEqual([{ outcome: 'PENDING', bytes: r.delivery.rawBody.length }]);
    await paused.stop();
    expect(repliesTo(sim, waId)).toEqual([]);

    // 3. Restart on the same data folder: the delivery is processed, its reply sent once.
    const restarted = await start({ dataDir });
    const [delivery] = await settledDeliveries(restarted, webhook.id, 1, 15_000);
    expect(delivery).toMatchObject({ outcome: 'PROCESSED', changes: 1, attempts: 1 });
    await waitUntil(() => repliesTo(sim, waId).length === 1, 10_000, 'reply after restart');
    await restarted.server.deps.jobs.idle();
    expect(repliesTo(sim, waId)).toEqual(['You are unsubscribed. Reply START to come back.']);
    const consent = await sqlValue(restarted.server, 'SELECT consent_status FROM whatsapp_contacts WHERE wa_id = ?', waId);
    expect(consent).toBe('OPTED_OUT');
  });
});
