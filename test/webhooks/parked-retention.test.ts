import { afterEach, describe, expect, it } from 'vitest';
import { statusPayload } from '../../src/meta-simulator/index.js';
import { idFloor } from '../../src/platform/ids.js';
import { PRUNE_JOB } from '../../src/webhooks/module.js';
import { cleanup, connectedWorld } from '../helpers/world.js';
import { IDS, settledDeliveries, waitUntil } from './helpers.js';

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
    const sqlite = h.server.sqlite!;
    const parked = () => sqlite.prepare('SELECT wamid FROM pending_statuses ORDER BY wamid').pluck().all();
    expect(parked()).toEqual(['wamid.other-app-1']);

    // One parked 20 days ago (past the 14-day retention), one 10 days ago (within it).
    const template = sqlite.prepare('SELECT * FROM pending_statuses LIMIT 1').get() as Record<string, unknown>;
    const insert = (daysAgo: number, wamid: string) => {
      const at = Date.now() - daysAgo * 24 * 3600_000;
      const row = { ...template, id: `${idFloor(at).slice(0, 10)}AAAAAAAAAAAAAAA${daysAgo % 10}`, wamid, received_at: at };
      sqlite
        .prepare(
          `INSERT INTO pending_statuses (${Object.keys(row).join(', ')}) VALUES (${Object.keys(row)
            .map(() => '?')
            .join(', ')})`,
        )
        .run(...Object.values(row));
    };
    insert(20, 'wamid.other-app-old');
    insert(10, 'wamid.other-app-recent');
    expect(parked()).toHaveLength(3);
    expect(config.webhookDeliveryRetentionMs).toBe(14 * 24 * 3600_000);

    await jobs.enqueue(db, PRUNE_JOB, {});
    jobs.notify();
    await waitUntil(() => parked().length === 2, 10_000, 'the old parked status to go');
    expect(parked()).toEqual(['wamid.other-app-1', 'wamid.other-app-recent']);
    await waitUntil(() => h.logs.text().includes('pruned old parked statuses'), 5_000, 'the prune logged');
  });
});
