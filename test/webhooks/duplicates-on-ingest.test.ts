import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';
import { sqlRows, sqlValue } from '../helpers/sql.js';
import { startMetaSimulator } from '../../src/meta-simulator/index.js';
import { DRAIN_JOB } from '../../src/webhooks/ingest.js';
import { activeCredential, cleanup, onCleanup } from '../helpers/world.js';
import { createWebhook, deliveries, IDS, localCallback, postRaw, repliesTo, settledDeliveries, waitUntil } from './helpers.js';

// Redeliveries (identical bytes) are recognised in the transaction that stores them: stored DUPLICATE with no
// processing and no drain job, even while the original still waits; they learn the original's change count
// when it is processed.

afterEach(cleanup);

interface Row {
  outcome: string;
  changes: number | null;
  attempts: number;
  processed: number;
}

function rows(h: Harness): Promise<Row[]> {
  return sqlRows<Row>(
    h.server,
    'SELECT outcome, changes, attempts, processed_at IS NOT NULL AS processed FROM webhook_deliveries ORDER BY id',
  );
}

const drainJobs = (h: Harness): Promise<number> => sqlValue<number>(h.server, 'SELECT count(*) FROM jobs WHERE kind = ?', DRAIN_JOB);

describe('identical redeliveries are decided when they are stored', () => {
  it('copies of a PENDING delivery are DUPLICATE at once, need no drain, and take its change count once it is processed', async () => {
    const sim = await startMetaSimulator({ port: 0 });
    onCleanup(() => sim.close());
    const start = async (options: { dataDir?: string; startJobs?: boolean }): Promise<Harness> => {
      const h = await startHarness({ metaUrl: sim.baseUrl, ...options });
      onCleanup(() => h.stop());
      return h;
    };
    const first = await start({});
    const webhook = await createWebhook(first, { apiCredentialId: await activeCredential(first) });
    const dataDir = first.dataDir;
    await first.stop();

    // Processing paused: the original stays PENDING; two redeliveries of its bytes arrive meanwhile.
    const paused = await start({ dataDir, startJobs: false });
    const url = localCallback(paused, webhook);
    expect((await sim.sim.configureWebhook({ callbackUrl: url, verifyToken: webhook.verifyToken })).verified).toBe(true);
    const waId = '16505550808';
    const r = await sim.sim.sendInboundText({ phoneNumberId: IDS.phone.acmeGreen, from: { waId }, text: 'HELP' });
    expect(r.delivery.status).toBe(200);
    const headers = { 'x-hub-signature-256': r.delivery.signature };
    expect((await postRaw(url, r.delivery.rawBody, headers)).status).toBe(200);
    expect((await postRaw(url, r.delivery.rawBody, headers)).status).toBe(200);
    expect(await rows(paused)).toEqual([
      { outcome: 'PENDING', changes: null, attempts: 0, processed: 0 },
      { outcome: 'DUPLICATE', changes: null, attempts: 1, processed: 1 },
      { outcome: 'DUPLICATE', changes: null, attempts: 1, processed: 1 },
    ]);
    // Only the original's commit asked for processing; a copy is a notification Meta posted all the same.
    expect(await drainJobs(paused)).toBe(1);
    const listed = await deliveries(paused, webhook.id);
    expect(listed.map((d) => [d.outcome, d.changes])).toEqual([
      ['DUPLICATE', 0],
      ['DUPLICATE', 0],
      ['PENDING', 0],
    ]);
    expect(listed[0]!.detail).toContain('same bytes');
    await paused.stop();

    // Processing on: the original is applied once, and its copies now report its change count.
    const restarted = await start({ dataDir });
    const settled = await settledDeliveries(restarted, webhook.id, 3, 15_000);
    expect(settled.map((d) => [d.outcome, d.changes])).toEqual([
      ['PROCESSED', 1],
      ['DUPLICATE', 1],
      ['DUPLICATE', 1],
    ]);
    await waitUntil(() => repliesTo(sim, waId).length === 1, 10_000, 'one reply');
    await restarted.server.deps.jobs.idle();
    expect(repliesTo(sim, waId)).toHaveLength(1);

    // A copy of a processed delivery is complete the moment it is acknowledged.
    const late = await postRaw(localCallback(restarted, webhook), r.delivery.rawBody, headers);
    expect(late.status).toBe(200);
    expect((await rows(restarted)).at(-1)).toEqual({ outcome: 'DUPLICATE', changes: 1, attempts: 1, processed: 1 });
    await restarted.server.deps.jobs.idle();
    expect(repliesTo(sim, waId)).toHaveLength(1);
  }, 60_000);
});
