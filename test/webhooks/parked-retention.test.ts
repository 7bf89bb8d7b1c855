import { afterEach, describe, expect, it } from 'vitest';
import { statusPayload } from '../../src/meta-simulator/index.js';
import { idFloor } from '../../src/platform/ids.js';
import { PRUNE_JOB } from '../../src/webhooks/module.js';
import { sqlColumn, sqlValue } from '../helpers/sql.js';
import { cleanup, connectedWorld } from '../helpers/world.js';
import { copyRow, IDS, settledDeliveries, waitUntil } from './helpers.js';

// Issue 15 point 11: statuses for messages this service never sent (another app on the same number) are parked
// waiting for their message, which never comes. They follow the delivery retention (WEBHOOK_DELIVERY_RETENTION_DAYS)
// and the recurring prune job removes them with the old deliveries.

afterEach(cleanup);

describe('parked statuses retention', () => {
  it('the prune job removes parked statuses older than the delivery retention, never recent ones', async () => {
    const { sim, h, webhook } = await connectedWorld();
    const green = sim.sim.numberRef(IDS.phone.acmeGreen);
    expect((await sim.sim.emitPayload(statusPayload(green, [{ wamid: 'wamid.other-app-1', status: 'delivered' }]))).status).toBe(200);
    await settledDeliveries(h, webhook.id, 1);
    const { config, jobs, db } = h.server.deps;
    const parked = () => sqlColumn<string>(h.server, 'SELECT wamid FROM pending_statuses ORDER BY wamid');
    expect(await parked()).toEqual(['wamid.other-app-1']);

    // One parked 20 days ago (past the 14-day retention), one 10 days ago (within it).
    const templateId = await sqlValue<string>(h.server, 'SELECT id FROM pending_statuses LIMIT 1');
    const insert = async (daysAgo: number, wamid: string) => {
      const at = Date.now() - daysAgo * 24 * 3600_000;
      const id = `${idFloor(at).slice(0, 10)}AAAAAAAAAAAAAAA${daysAgo % 10}`;
      await copyRow(h, 'pending_statuses', templateId, { id, wamid, received_at: new Date(at) });
    };
    await insert(20, 'wamid.other-app-old');
    await insert(10, 'wamid.other-app-recent');
    expect(await parked()).toHaveLength(3);
    expect(config.webhookDeliveryRetentionMs).toBe(14 * 24 * 3600_000);

    await jobs.enqueue(db, PRUNE_JOB, {});
    jobs.notify();
    await waitUntil(async () => (await parked()).length === 2, 10_000, 'the old parked status to go');
    expect(await parked()).toEqual(['wamid.other-app-1', 'wamid.other-app-recent']);
    await waitUntil(() => h.logs.text().includes('pruned old parked statuses'), 5_000, 'the prune logged');
  });
});
