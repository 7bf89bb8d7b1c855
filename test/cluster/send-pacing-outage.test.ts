import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pg } from '../helpers/pg.js';
import { waitUntil } from '../helpers/wait.js';
import { readBatch, send, sendBatch, waitForBatch, worstWindow } from '../sending-e2e/helpers.js';
import { batchPerInstance, insertRecipients, metricOf, startCluster, type Cluster } from './send-cluster.js';
import { PrivateRedis, redis } from './redis.js';

// Issue 19, acceptance 6 (Redis half) and the limiter outage: a private redis-server (never the shared one) is
// killed and restarted under batches paced across instances. Redis keeps nothing, so each sender's window is
// seeded again from the messages table; the tier must hold at Meta through it all, sending must pause while the
// limiter does not answer (saying so) and resume by itself.

const RATE = 80;
const HELLO = { name: 'hello_world', languageCode: 'en_US' };
const PAUSED = /^Paused: the send-rate limiter is unreachable \(Redis at 127\.0\.0\.1:\d+: .+\); sending resumes by itself/;

describe.skipIf(!pg.available || !redis.canStart)(pg.title(redis.startTitle('shared send pacing when Redis goes away')), () => {
  let server: PrivateRedis;
  let cluster: Cluster;
  beforeAll(async () => {
    server = await PrivateRedis.start();
    cluster = await startCluster(2, { REDIS_URL: server.url });
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
    await server?.kill();
  }, 60_000);

  it('Redis restarted (kill -9) during the batches: never above the tier at Meta, and sending resumes', async () => {
    const before = cluster.sim.sim.sentMessages().length;
    const batches = await batchPerInstance(cluster, 150);
    await waitUntil(() => cluster.sim.sim.sentMessages().length >= before + 60, 30_000, 'sends before the restart');
    await server.kill();
    await delay(300);
    await server.restart();
    for (const id of batches) {
      const done = await waitForBatch(cluster.instances[0]!, id, (b) => b.status === 'COMPLETED', 90_000);
      expect(done).toMatchObject({ total: 150, sent: 150, failed: 0, unknown: 0 });
    }
    const sent = cluster.sim.sim.sentMessages().slice(before);
    expect(sent).toHaveLength(300);
    expect(new Set(sent.map((m) => m.to)).size).toBe(300);
    console.info(`[cluster pacing, redis restart] ${sent.length} sends, max ${worstWindow(sent)} in 1 s`);
    expect(worstWindow(sent)).toBeLessThanOrEqual(RATE);
    expect(cluster.sim.sim.rejectedSends()).toHaveLength(0);
  }, 150_000);

  it('limiter unreachable: the batch pauses with the reason, a single send gets a typed error, a log line and a metric say so; all resumes by itself', async () => {
    const [a, b] = cluster.instances as [Cluster['instances'][0], Cluster['instances'][0]];
    const before = cluster.sim.sim.sentMessages().length;
    const profileIds = await insertRecipients(cluster, 'outage-', 5_000, 120);
    const { id: batchId } = await sendBatch(a, { channelConfigurationId: cluster.configId, profileIds, template: HELLO });
    await waitUntil(() => cluster.sim.sim.sentMessages().length >= before + 20, 30_000, 'sends before the outage');
    await server.kill();
    const paused = await waitForBatch(a, batchId, (x) => x.status === 'PAUSED', 30_000);
    expect(paused.statusReason).toMatch(PAUSED);
    const sentWhenPaused = cluster.sim.sim.sentMessages().length;

    // A single send through either instance: a typed error saying why, and nothing recorded.
    const refused = await send(b, { channelConfigurationId: cluster.configId, phoneNumber: '+16505559999', template: HELLO });
    expect(refused).toMatchObject({ __typename: 'InvalidStateError' });
    expect((refused as { message: string }).message).toMatch(/send-rate limiter is unreachable \(Redis at 127\.0\.0\.1:\d+/);
    expect(await metricOf(a, 'wcs_send_pacing_limiter_up')).toBe(0);
    expect(await metricOf(a, 'wcs_send_pacing_limiter_failures_total')).toBeGreaterThan(0);
    expect(a.logs.text()).toContain('send pacing: the rate limiter is unreachable; sending is paused until it answers');
    // Paused means paused: nothing more reaches Meta while Redis is down.
    await delay(1_500);
    expect(cluster.sim.sim.sentMessages().length).toBe(sentWhenPaused);
    expect((await readBatch(a, batchId)).status).toBe('PAUSED');

    await server.restart();
    const done = await waitForBatch(a, batchId, (x) => x.status === 'COMPLETED', 90_000);
    expect(done).toMatchObject({ total: 120, sent: 120, failed: 0, unknown: 0, statusReason: null });
    // Every instance that saw the outage says it is over, whether or not it ran the batch's last slices.
    await waitUntil(async () => (await metricOf(a, 'wcs_send_pacing_limiter_up')) === 1, 10_000, 'the limiter up again on A');
    expect(a.logs.text()).toContain('send pacing: the rate limiter answers again; sending resumes');
    const ok = await send(b, { channelConfigurationId: cluster.configId, phoneNumber: '+16505559999', template: HELLO });
    expect(ok.__typename).toBe('SendWhatsAppMessageSuccess');
    const sent = cluster.sim.sim.sentMessages().slice(before);
    expect(worstWindow(sent)).toBeLessThanOrEqual(RATE);
    expect(cluster.sim.sim.rejectedSends()).toHaveLength(0);
  }, 150_000);
});
