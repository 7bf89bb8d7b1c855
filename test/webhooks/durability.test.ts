import { afterEach, describe, expect, it } from 'vitest';
import { TEST_BACKEND, type Harness } from '../helpers/harness.js';
import { sqlRun } from '../helpers/sql.js';
import { cleanup, connectedWorld } from '../helpers/world.js';
import { countRows, IDS, repliesTo, settledDeliveries, waitUntil } from './helpers.js';

// RELIABILITY C1: a 200 only after the raw event is committed. When the inbox cannot be written the answer is
// 503, so Meta retries, and the retry after recovery is processed once.

afterEach(cleanup);

/**
 * Every write to the database fails while on. SQLite: the connection turns query_only. PostgreSQL has no such switch
 * for a pool's open sessions, so a statement trigger on every table refuses each INSERT, UPDATE and DELETE.
 */
async function refuseWrites(h: Harness, on: boolean): Promise<void> {
  if (TEST_BACKEND === 'sqlite') {
    h.server.sqlite!.pragma(`query_only = ${on ? 'ON' : 'OFF'}`);
    return;
  }
  if (on) {
    await sqlRun(
      h.server,
      `CREATE FUNCTION refuse_writes() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'writes refused (test)'; END $$`,
    );
  }
  await sqlRun(
    h.server,
    `DO $$ DECLARE t text; BEGIN
       FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() LOOP
         EXECUTE format(${
           on
             ? `'CREATE TRIGGER refuse_writes BEFORE INSERT OR UPDATE OR DELETE ON %I FOR EACH STATEMENT EXECUTE FUNCTION refuse_writes()'`
             : `'DROP TRIGGER refuse_writes ON %I'`
         }, t);
       END LOOP;
     END $$`,
  );
  if (!on) await sqlRun(h.server, 'DROP FUNCTION refuse_writes()');
}

describe('webhook inbox durability', () => {
  it('answers 503 when the delivery cannot be stored, and a retry after recovery is stored and processed', async () => {
    const { sim, h, webhook, url } = await connectedWorld();
    // Meta retries non-200 answers; the simulator too (a short schedule here).
    await sim.sim.configureWebhook({ callbackUrl: url, verifyToken: webhook.verifyToken, maxAttempts: 10, retryDelayMs: 100 });

    await refuseWrites(h, true); // every write now fails
    const waId = '16505550909';
    const pending = sim.sim.sendInboundText({ phoneNumberId: IDS.phone.acmeGreen, from: { waId }, text: 'STOP' });
    await waitUntil(
      () => sim.sim.webhook.deliveries.length > 0 || h.logs.text().includes('webhook delivery could not be stored'),
      5_000,
      'a refused attempt',
    );
    expect(await countRows(h, 'webhook_deliveries')).toBe(0);
    await refuseWrites(h, false);

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
