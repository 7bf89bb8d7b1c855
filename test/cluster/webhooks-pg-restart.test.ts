import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { signWebhookBody } from '../../src/meta/signature.js';
import { inboundTextPayload, startMetaSimulator } from '../../src/meta-simulator/index.js';
import { createFreshPgDatabase } from '../../src/platform/pg/fresh-database.js';
import { startHarness } from '../helpers/harness.js';
import { pg } from '../helpers/pg.js';
import { startPrivatePg, privatePg, type PrivatePg } from '../helpers/private-pg.js';
import { sqlRows, sqlValue } from '../helpers/sql.js';
import { sleep } from '../helpers/wait.js';
import { activeCredential, cleanup, onCleanup } from '../helpers/world.js';
import { createWebhook, IDS, localCallback, waitUntil } from '../webhooks/helpers.js';

// Issue 19 acceptance 6a: PostgreSQL crashes and comes back (pg_ctl stop -m immediate, then start) while Meta keeps
// posting. Every delivery answered 200 was committed before the answer, so it is in the inbox after the crash and gets
// processed; a POST during the outage gets a clean 503 (Meta retries), never a 500 and never an answer that does not
// come; and the service recovers by itself: new connections after the restart, /readyz ready again, drains resume.
// The server is a private one on its own port (test/helpers/private-pg.ts): the shared one is never restarted.

let server: PrivatePg | undefined;
afterAll(async () => {
  await cleanup();
  await server?.destroy();
}, 120_000);

interface Outcome {
  sha: string;
  status: number | 'no answer' | 'error';
  at: number;
}

// The harness also makes its usual database on the shared server (unused here): it needs that server too.
describe.skipIf(!privatePg.available || !pg.available)(
  privatePg.available
    ? pg.title('webhook ingest while PostgreSQL restarts')
    : `webhook ingest while PostgreSQL restarts (skipped: ${privatePg.reason})`,
  () => {
    it('no acknowledged delivery is lost, the outage answers 503, and the service recovers by itself', async () => {
      server = await startPrivatePg();
      const database = await createFreshPgDatabase(server.url('postgres'), 'wcs_restart');
      const sim = await startMetaSimulator({ port: 0 });
      onCleanup(() => sim.close());
      const h = await startHarness({ backend: 'pg', metaUrl: sim.baseUrl, env: { DATABASE_URL: database.url } });
      onCleanup(() => h.stop());
      expect(await sqlValue<string>(h.server, 'SELECT current_setting(?)', 'port')).toBe(String(server.port));
      const credentialId = await activeCredential(h);
      const webhook = await createWebhook(h, { apiCredentialId: credentialId });
      // A second webhook no POST has reached yet: its route is not cached, so a POST in the outage needs the database.
      const uncached = localCallback(h, await createWebhook(h, { apiCredentialId: credentialId, name: 'second' }));
      const url = localCallback(h, webhook);
      expect((await sim.sim.configureWebhook({ callbackUrl: url, verifyToken: webhook.verifyToken })).verified).toBe(true);

      const ref = sim.sim.numberRef(IDS.phone.acmeGreen);
      const outcomes: Outcome[] = [];
      let posting = true;
      let n = 0;
      const poster = async () => {
        while (posting) {
          const i = n++;
          const body = Buffer.from(JSON.stringify(inboundTextPayload(ref, { waId: `1650200${String(i).padStart(5, '0')}` }, `hello ${i}`)));
          const sha = createHash('sha256').update(body).digest('hex');
          try {
            // Nothing may hang: an answer within 30 s (the pool's connect timeout is 5 s).
            const res = await request(url, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhookBody(body, IDS.appSecret) },
              body,
              headersTimeout: 30_000,
              bodyTimeout: 30_000,
            });
            await res.body.text();
            outcomes.push({ sha, status: res.statusCode, at: Date.now() });
          } catch (err) {
            outcomes.push({
              sha,
              status: (err as { code?: string }).code === 'UND_ERR_HEADERS_TIMEOUT' ? 'no answer' : 'error',
              at: Date.now(),
            });
          }
          await sleep(5);
        }
      };
      const posters = Array.from({ length: 6 }, poster);
      const ok = () => outcomes.filter((o) => o.status === 200).length;
      await waitUntil(() => ok() >= 50, 30_000, '50 acknowledged deliveries before the crash');

      await server.crash();
      const crashedAt = Date.now();
      // Down long enough for POSTs to find it down (each fails fast: connection refused).
      await waitUntil(
        () => outcomes.filter((o) => o.at > crashedAt && o.status !== 200).length >= 10,
        30_000,
        'POSTs refused during the outage',
      );
      // The first POST to a webhook whose route is not cached: the lookup fails, and that too is a 503.
      const body = Buffer.from(JSON.stringify(inboundTextPayload(ref, { waId: '16502999999' }, 'during the outage')));
      const first = await request(uncached, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhookBody(body, IDS.appSecret) },
        body,
        headersTimeout: 30_000,
      });
      await first.body.text();
      expect([first.statusCode, first.headers['retry-after']]).toEqual([503, '5']);
      await server.start();
      const restartedAt = Date.now();
      await waitUntil(
        () => outcomes.filter((o) => o.at > restartedAt && o.status === 200).length >= 50,
        60_000,
        '50 acknowledged after the restart',
      );
      posting = false;
      await Promise.all(posters);

      // Every answer was a 200 or a clean 503; each came.
      const statuses = new Set(outcomes.map((o) => o.status));
      expect([...statuses].sort()).toEqual([200, 503]);
      const acked = outcomes.filter((o) => o.status === 200).map((o) => o.sha);

      // Ready again, and every acknowledged delivery stored and processed (drains resumed by themselves).
      await waitUntil(
        async () => {
          const res = await request(`${h.url}/readyz`);
          await res.body.text();
          return res.statusCode === 200;
        },
        30_000,
        '/readyz ready again',
      );
      await waitUntil(
        async () => (await sqlValue<number>(h.server, "SELECT count(*) FROM webhook_deliveries WHERE outcome = 'PENDING'")) === 0,
        60_000,
        'every stored delivery processed',
      );
      const stored = new Map(
        (await sqlRows<{ sha: string; outcome: string }>(h.server, 'SELECT body_sha256 AS sha, outcome FROM webhook_deliveries')).map(
          (r) => [r.sha, r.outcome],
        ),
      );
      const lost = acked.filter((sha) => !stored.has(sha));
      expect(lost, `acknowledged but not stored (of ${acked.length}); server log:\n${server.log().slice(-2000)}`).toEqual([]);
      expect(acked.filter((sha) => stored.get(sha) !== 'PROCESSED')).toEqual([]);
      // Applied: one inbound message per acknowledged delivery (a 503'd one may have committed too: Meta's retry is a copy).
      expect(await sqlValue<number>(h.server, "SELECT count(*) FROM whatsapp_messages WHERE direction = 'INBOUND'")).toBeGreaterThanOrEqual(
        acked.length,
      );
      // No connection was lost to the pool in the crash: once quiet, none is checked out (a transaction whose BEGIN
      // failed on a dropped connection used to keep its connection forever, and enough of them starve the instance).
      await h.server.deps.jobs.idle();
      const pool = h.server.deps.db.backend === 'pg' ? h.server.deps.db.$client : undefined;
      await waitUntil(() => pool !== undefined && pool.totalCount === pool.idleCount, 30_000, 'every pooled connection given back');
      // The outage is in the log as a storage failure, never with the URL's password (trust here) or a stack in the answer.
      expect(h.logs.text()).toContain('webhook delivery could not be stored');
    }, 240_000);
  },
);
