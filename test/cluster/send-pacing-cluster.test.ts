import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from '../helpers/harness.js';
import { pg } from '../helpers/pg.js';
import { waitUntil } from '../helpers/wait.js';
import { phoneOf, send, waitForBatch, worstWindow } from '../sending-e2e/helpers.js';
import { batchPerInstance, cpuTimes, idleShare, metricOf, sendsBy, startCluster, utilization, type Cluster } from './send-cluster.js';
import { PrivateRedis, redis } from './redis.js';

// Issue 19, acceptance 5: one sender's sends paced across 3 instances on one PostgreSQL database. Three
// batches on the same sender at once (each created through another instance, and every 1.5 s slice leased by
// whichever instance comes first) load all three; Meta's record (the simulator) must never show more than the
// STANDARD tier's 80 in any 1,000 ms, and most of the tier must be used (the goal is 90%; see the judgement below). Redis is a private
// redis-server, so nothing of the shared one is touched.

const RATE = 80;
const PER_BATCH = 200;
const SINGLES = 5;
const TOTAL = 3 * PER_BATCH + 3 * SINGLES;
const HELLO = { name: 'hello_world', languageCode: 'en_US' };

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

    it('no 1 s window above 80 at Meta, several instances sent, and at least 85% of the tier used when the machine can carry it', async () => {
      const loadBefore = os.loadavg()[0]!;
      const cpuBefore = cpuTimes();
      const batches = await batchPerInstance(cluster, PER_BATCH);
      // A batch runs as one slice job at a time, and any instance may lease it: single sends through each instance
      // (whose jobs that instance wakes for at once) make sure every one of them sends during the batches too.
      const singles = cluster.instances.flatMap((h, i) =>
        Array.from({ length: SINGLES }, (_, j) =>
          send(h, { channelConfigurationId: cluster.configId, phoneNumber: phoneOf(9_000 + i * SINGLES + j), template: HELLO }),
        ),
      );
      for (const id of batches) {
        const done = await waitForBatch(cluster.instances[0]!, id, (b) => b.status === 'COMPLETED', 60_000);
        expect(done).toMatchObject({ total: PER_BATCH, sent: PER_BATCH, failed: 0, unknown: 0 });
      }
      for (const single of await Promise.all(singles)) expect(single.__typename).toBe('SendWhatsAppMessageSuccess');
      await waitUntil(() => cluster.sim.sim.sentMessages().length >= TOTAL, 30_000, 'every single send at Meta');
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
      expect(sent).toHaveLength(TOTAL);
      expect(new Set(sent.map((m) => m.to)).size).toBe(TOTAL);
      expect(worst).toBeLessThanOrEqual(RATE);
      // The use of the tier is judged when the machine can carry the sends: three PostgreSQL instances in this one
      // process do about a dozen statements per send, and on a 2-core machine shared with a load average of 10 they
      // reach 20 to 30 sends/s whatever paces them (in-process pacing measured the same there). The tier above is
      // judged always. The windows (1,050 / 1,045 ms) allow at most 95% of the tier; three instances sharing this one
      // process and its event loop reach 88.8–88.9% on a quiet machine (3 instance processes reach 92.6%:
      // send-pacing-processes.test.ts, which judges the 90%), so 85% is judged here when the cores had room
      // (≥ 30% idle over the run); with them saturated (a slower VM measured 86.4%) 80% still catches gross under-use.
      const load = Math.max(loadBefore, os.loadavg()[0]!);
      const idle = idleShare(cpuBefore, cpuTimes());
      console.info(`[cluster pacing, redis] the machine was idle ${(idle * 100).toFixed(0)}% of the run`);
      if (load <= 1.5 * os.cpus().length) expect(used).toBeGreaterThanOrEqual(idle >= 0.3 ? 0.85 : 0.8);
      else console.warn(`[cluster pacing] use of the tier not judged: load average ${load.toFixed(1)} on ${os.cpus().length} CPUs`);
      // The jobs really ran on different instances: at least two made requests to Meta. Which instance leases which
      // slice job is the queue's choice; CI saw 0 / 377 / 238 and 227 / 378 / 10 (every send still within the tier).
      expect(perInstance.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
      expect(perInstance.reduce((a, b) => a + b, 0)).toBe(TOTAL);
    }, 120_000);
  },
);

describe.skipIf(!pg.available || !redis.canStart)(
  pg.title(redis.startTitle('a sender at a tier of 12/s across 3 instances on Redis: the limiter holds them back')),
  () => {
    const MPS = 12;
    let server: PrivateRedis;
    let cluster: Cluster;
    beforeAll(async () => {
      server = await PrivateRedis.start();
      cluster = await startCluster(3, { REDIS_URL: server.url }, MPS);
    }, 120_000);
    afterAll(async () => {
      await cluster?.stop();
      await server?.kill();
    }, 60_000);

    it('a tier even a busy machine fills: never above it at Meta, at least 85% of it used', async () => {
      const batches = await batchPerInstance(cluster, 60);
      // From here on all three batches want to send: the limiter alone holds them back.
      const loadedFrom = Date.now();
      for (const id of batches) {
        const done = await waitForBatch(cluster.instances[0]!, id, (b) => b.status === 'COMPLETED', 60_000);
        expect(done).toMatchObject({ total: 60, sent: 60, failed: 0, unknown: 0 });
      }
      const sent = cluster.sim.sim.sentMessages();
      expect(sent).toHaveLength(180);
      // While every batch still has recipients: from the third batch on until the last tenth of the sends.
      const times = sent.map((m) => m.at.getTime()).sort((a, b) => a - b);
      const used = utilization(
        times.slice(0, Math.floor(times.length * 0.9)).filter((t) => t >= loadedFrom),
        MPS,
      );
      const perInstance = await Promise.all(cluster.instances.map((h) => sendsBy(h)));
      console.info(
        `[cluster pacing, redis, ${MPS}/s] ${sent.length} sends, max ${worstWindow(sent)} in 1 s, ${(used * 100).toFixed(1)}% of the tier, per instance ${perInstance.join(' / ')}`,
      );
      expect(worstWindow(sent)).toBeLessThanOrEqual(MPS);
      expect(cluster.sim.sim.rejectedSends()).toHaveLength(0);
      // The schedule and gate windows (1,050 and 1,045 ms) leave at most 95% of the tier, and on a busy event loop
      // each pump wakes a little late (the store stamps a grant when the call arrives): measured 88–95% at a load
      // average of 11–13 on 2 CPUs, 95–96% at the store alone (pacing-redis.test.ts).
      expect(used).toBeGreaterThanOrEqual(0.85);
      expect(perInstance.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
    }, 120_000);
  },
);

describe.skipIf(!pg.available)(pg.title('a sender paced across 2 instances on PostgreSQL (no REDIS_URL: the fallback)'), () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster(2, {});
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);

  it('paces on PostgreSQL and never above 80 in any 1 s window at Meta', async () => {
    for (const h of cluster.instances) expect(h.server.deps.state.sends.shared?.kind).toBe('pg');
    const batches = await batchPerInstance(cluster, 150);
    for (const id of batches) {
      const done = await waitForBatch(cluster.instances[0]!, id, (b) => b.status === 'COMPLETED', 60_000);
      expect(done).toMatchObject({ total: 150, sent: 150, failed: 0, unknown: 0 });
    }
    const sent = cluster.sim.sim.sentMessages();
    expect(sent).toHaveLength(300);
    const perInstance = await Promise.all(cluster.instances.map((h) => sendsBy(h)));
    console.info(
      `[cluster pacing, pg] ${sent.length} sends, max ${worstWindow(sent)} in 1 s, ${(
        utilization(
          sent.map((m) => m.at.getTime()),
          RATE,
        ) * 100
      ).toFixed(1)}% of the tier, per instance ${perInstance.join(' / ')}`,
    );
    expect(worstWindow(sent)).toBeLessThanOrEqual(RATE);
    expect(cluster.sim.sim.rejectedSends()).toHaveLength(0);
  }, 120_000);
});

describe('SQLite (the default) keeps pacing in process', () => {
  it('REDIS_URL is ignored there, with a warning: no shared store, nothing connects to Redis', async () => {
    const h = await startHarness({ backend: 'sqlite', env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    try {
      expect(h.server.deps.state.sends.shared).toBeNull();
      expect(await h.server.deps.state.sends.limiterProblem(true)).toBeNull();
      expect(h.logs.text()).toContain('REDIS_URL is set but the service runs on SQLite');
    } finally {
      await h.stop();
    }
  }, 60_000);
});
