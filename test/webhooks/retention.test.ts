import { afterEach, describe, expect, it } from 'vitest';
import { idFloor } from '../../src/platform/ids.js';
import { PRUNE_JOB } from '../../src/webhooks/module.js';
import { sqlColumn, sqlValue } from '../helpers/sql.js';
import { cleanup, connectedWorld } from '../helpers/world.js';
import { copyRow, countRows, IDS, settledDeliveries, waitUntil } from './helpers.js';

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
    const templateId = await sqlValue<string>(h.server, 'SELECT id FROM webhook_deliveries LIMIT 1');
    const old = Date.now() - 20 * 24 * 3600_000;
    const insert = (id: string, outcome: string) =>
      copyRow(h, 'webhook_deliveries', templateId, { id, outcome, received_at: new Date(old) });
    await insert(`${idFloor(old).slice(0, 10)}AAAAAAAAAAAAAAA1`, 'PROCESSED');
    await insert(`${idFloor(old).slice(0, 10)}AAAAAAAAAAAAAAA2`, 'PENDING');
    expect(await countRows(h, 'webhook_deliveries')).toBe(3);
    expect(config.webhookDeliveryRetentionMs).toBe(14 * 24 * 3600_000);

    await h.server.deps.jobs.enqueue(h.server.deps.db, PRUNE_JOB, {});
    h.server.deps.jobs.notify();
    await waitUntil(async () => (await countRows(h, 'webhook_deliveries')) === 2, 10_000, 'the old processed delivery to go');
    const left = await sqlColumn<string>(h.server, 'SELECT outcome FROM webhook_deliveries ORDER BY id');
    expect(left.sort()).toEqual(['PENDING', 'PROCESSED']);
    // The recurring job keeps itself scheduled.
    expect(await h.server.deps.jobs.list({ kind: PRUNE_JOB, status: 'queued' })).toHaveLength(1);
  });
});
