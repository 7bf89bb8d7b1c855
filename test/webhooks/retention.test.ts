import { afterEach, describe, expect, it } from 'vitest';
import { idFloor } from '../../src/platform/ids.js';
import { PRUNE_JOB } from '../../src/webhooks/module.js';
import { cleanup, connectedWorld } from '../helpers/world.js';
import { countRows, IDS, settledDeliveries, waitUntil } from './helpers.js';

// Deliveries carry bodies of up to 3 MB: processed ones are forgotten after the retention period (14 days by
// default, twice Meta's retry window, so a late retry is still recognised as a duplicate). PENDING ones never are.

afterEach(cleanup);

describe('webhook delivery retention', () => {
  it('the prune job removes processed deliveries older than the retention period, never pending or recent ones', async () => {
    const { sim, h, webhook, url } = await connectedWorld();
    await sim.sim.configureWebhook({ callbackUrl: url, verifyToken: webhook.verifyToken });
    await sim.sim.sendInboundText({ phoneNumberId: IDS.phone.acmeGreen, from: { waId: '16505550911' }, text: 'hello' });
    await settledDeliveries(h, webhook.id, 1);

    // Two deliveries from 20 days ago, one processed and one still pending (as left by an outage).
    const { config } = h.server.deps;
    const sqlite = h.server.sqlite!;
    const template = sqlite.prepare('SELECT * FROM webhook_deliveries LIMIT 1').get() as Record<string, unknown>;
    const old = Date.now() - 20 * 24 * 3600_000;
    const insert = (id: string, outcome: string) =>
      sqlite
        .prepare(
          `INSERT INTO webhook_deliveries (${Object.keys(template).join(', ')}) VALUES (${Object.keys(template)
            .map(() => '?')
            .join(', ')})`,
        )
        .run(...Object.entries(template).map(([k, v]) => (k === 'id' ? id : k === 'outcome' ? outcome : k === 'received_at' ? old : v)));
    insert(`${idFloor(old).slice(0, 10)}AAAAAAAAAAAAAAA1`, 'PROCESSED');
    insert(`${idFloor(old).slice(0, 10)}AAAAAAAAAAAAAAA2`, 'PENDING');
    expect(countRows(h, 'webhook_deliveries')).toBe(3);
    expect(config.webhookDeliveryRetentionMs).toBe(14 * 24 * 3600_000);

    await h.server.deps.jobs.enqueue(h.server.deps.db, PRUNE_JOB, {});
    h.server.deps.jobs.notify();
    await waitUntil(() => countRows(h, 'webhook_deliveries') === 2, 10_000, 'the old processed delivery to go');
    const left = sqlite.prepare('SELECT outcome FROM webhook_deliveries ORDER BY id').all() as { outcome: string }[];
    expect(left.map((r) => r.outcome).sort()).toEqual(['PENDING', 'PROCESSED']);
    // The recurring job keeps itself scheduled.
    expect(await h.server.deps.jobs.list({ kind: PRUNE_JOB, status: 'queued' })).toHaveLength(1);
  });
});
