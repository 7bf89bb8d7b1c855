import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, connectedWorld } from '../helpers/world.js';
import { countRows, IDS, repliesTo, settledDeliveries, waitUntil } from './helpers.js';

// RELIABILITY C1: a 200 only after the raw event is committed. When the inbox cannot be written the answer is
// 503, so Meta retries, and the retry after recovery is processed once.

afterEach(cleanup);

describe('webhook inbox durability', () => {
  it('answers 503 when the delivery cannot be stored, and a retry after recovery is stored and processed', async () => {
    const { sim, h, webhook, url } = await connectedWorld();
    // Meta retries non-200 answers; the simulator too (a short schedule here).
    await sim.sim.configureWebhook({ callbackUrl: url, verifyToken: webhook.verifyToken, maxAttempts: 10, retryDelayMs: 100 });

    h.server.sqlite!.pragma('query_only = ON'); // every write now fails
    const waId = '16505550909';
    const pending = sim.sim.sendInboundText({ phoneNumberId: IDS.phone.acmeGreen, from: { waId }, text: 'STOP' });
    await waitUntil(
      () => sim.sim.webhook.deliveries.length > 0 || h.logs.text().includes('webhook delivery could not be stored'),
      5_000,
      'a refused attempt',
    );
    expect(countRows(h, 'webhook_deliveries')).toBe(0);
    h.server.sqlite!.pragma('query_only = OFF');

    const result = await pending;
    expect(result.delivery.status).toBe(200);
    expect(result.delivery.attempts).toBeGreaterThan(1);
    const [delivery] = await settledDeliveries(h, webhook.id, 1);
    expect(delivery).toMatchObject({ outcome: 'PROCESSED' });
    await waitUntil(() => repliesTo(sim, waId).length === 1, 10_000, 'one reply');
    await h.server.deps.jobs.idle();
    expect(repliesTo(sim, waId)).toHaveLength(1);
  });
});
