import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startMetaSimulator } from '../../src/meta-simulator/index.js';
import { IDS } from '../helpers/world.js';
import { phoneOf } from '../sending-e2e/helpers.js';
import {
  BATCH,
  crash,
  gqlAt,
  peek,
  peekValue,
  pointWebhookAt,
  prepare,
  spawnService,
  START_BATCH,
  type BatchView,
  type Prepared,
  type Service,
} from './helpers.js';

/**
 * kill -9 during webhook ingest and during a batch, repeatedly, on one data
 * folder (the service listens on one fixed port, so Meta's retries reach the
 * restarted process). Shared by test/reliability/chaos.test.ts (small counts)
 * and `npm run chaos` (large counts, prints the figures).
 */

export interface ChaosOptions {
  webhooks: number;
  recipients: number;
  kills: number;
  /** JOB_LEASE_MS of the services (default 60 s: a restart on SQLite must not wait for it). */
  leaseMs?: number;
  log?: (line: string) => void;
}

export interface ChaosFigures {
  kills: number;
  webhooksPosted: number;
  webhooksAcknowledged: number;
  acknowledgedLost: number;
  duplicateEffects: number;
  recipients: number;
  recipientsSentTwice: number;
  batch: BatchView;
  /** Per restart: ms from the new process listening to its first new send or processed delivery. */
  resumeMs: number[];
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

const processed = (p: Prepared): Promise<number> =>
  peekValue<number>(p, "SELECT count(*) AS n FROM webhook_deliveries WHERE outcome <> 'PENDING'");

export async function runChaos(opts: ChaosOptions): Promise<ChaosFigures & { close: () => Promise<void> }> {
  const log = opts.log ?? (() => undefined);
  const sim = await startMetaSimulator({ port: 0 });
  const services: Service[] = [];
  const close = async () => {
    for (const s of services) await crash(s).catch(() => undefined);
    await sim.close();
  };
  const p = await prepare(sim, opts.recipients);
  const env = { PORT: String(await freePort()), JOB_LEASE_MS: String(opts.leaseMs ?? 60_000) };
  let service = await spawnService(p, sim, env);
  services.push(service);
  // Meta retries a delivery for days; here up to 10 times a second apart, which covers a restart.
  await pointWebhookAt(sim, service.url, p, { maxAttempts: 10, retryDelayMs: 1_000 });
  const started = await gqlAt<{ sendWhatsAppMessages: { data: { id: string } } }>(service.url, p.adminKey, START_BATCH, {
    input: { channelConfigurationId: p.configId, profileIds: p.profileIds, template: { name: 'hello_world', languageCode: 'en_US' } },
  });
  const batchId = started.sendWhatsAppMessages.data.id;

  // Meta posting inbound messages all along, a few at a time; its own retries cover a restart's gap.
  const acknowledged: string[] = [];
  const refusals = new Map<string, number>();
  let posted = 0;
  const poster = (async () => {
    const inFlight = new Set<Promise<void>>();
    for (let i = 0; i < opts.webhooks; i++) {
      const waId = `1415555${String(i % 10_000).padStart(4, '0')}`;
      const task = sim.sim
        .sendInboundText({ phoneNumberId: IDS.phone.acmeGreen, from: { waId }, text: `chaos ${i}` })
        .then((r) => {
          posted++;
          if (r.delivery.status === 200) acknowledged.push(r.wamid);
          else
            refusals.set(
              `${r.delivery.status}: ${r.delivery.error ?? ''}`.slice(0, 120),
              (refusals.get(`${r.delivery.status}: ${r.delivery.error ?? ''}`.slice(0, 120)) ?? 0) + 1,
            );
        })
        .finally(() => inFlight.delete(task));
      inFlight.add(task);
      if (inFlight.size >= 8) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  })();

  const resumeMs: number[] = [];
  const gap = Math.max(300, Math.floor((opts.webhooks * 4) / Math.max(1, opts.kills + 1)));
  for (let k = 0; k < opts.kills; k++) {
    await sleep(gap);
    await crash(service);
    log(`kill -9 #${k + 1}: ${acknowledged.length} webhooks acknowledged, ${sim.sim.sentMessages().length} sends so far`);
    const sendsBefore = sim.sim.sentMessages().length;
    const processedBefore = await processed(p);
    service = await spawnService(p, sim, env);
    services.push(service);
    const up = Date.now();
    // Resumed: a new send for the batch, or a delivery processed that was not before.
    for (;;) {
      if (sim.sim.sentMessages().length > sendsBefore || (await processed(p)) > processedBefore) break;
      const b = (await gqlAt<{ node: BatchView }>(service.url, p.adminKey, BATCH, { id: batchId })).node;
      if (b.status === 'COMPLETED' && (await processed(p)) >= posted) break;
      if (Date.now() - up > 60_000) throw new Error('processing did not resume within 60 s');
      await sleep(10);
    }
    resumeMs.push(Date.now() - up);
  }
  await poster;
  if (refusals.size) log(`unacknowledged deliveries: ${JSON.stringify(Object.fromEntries(refusals))}`);

  let batch: BatchView;
  const deadline = Date.now() + 180_000;
  for (;;) {
    batch = (await gqlAt<{ node: BatchView }>(service.url, p.adminKey, BATCH, { id: batchId })).node;
    const pending = await peekValue<number>(p, "SELECT count(*) AS n FROM webhook_deliveries WHERE outcome = 'PENDING'");
    if (batch.status === 'COMPLETED' && pending === 0) break;
    if (Date.now() > deadline) throw new Error(`not settled: batch ${JSON.stringify(batch)}, ${pending} deliveries pending`);
    await sleep(100);
  }

  const stored = await peek<{ wamid: string; n: number }>(
    p,
    "SELECT wamid, count(*) AS n FROM whatsapp_messages WHERE direction = 'INBOUND' GROUP BY wamid",
  );
  const seen = new Map(stored.map((r) => [r.wamid, r.n]));
  const acknowledgedLost = acknowledged.filter((w) => !seen.has(w)).length;
  const duplicateEffects = stored.filter((r) => r.n > 1).length;
  let recipientsSentTwice = 0;
  for (let i = 0; i < opts.recipients; i++) if (sim.sim.sentMessages({ to: phoneOf(i) }).length > 1) recipientsSentTwice++;
  return {
    kills: opts.kills,
    webhooksPosted: posted,
    webhooksAcknowledged: acknowledged.length,
    acknowledgedLost,
    duplicateEffects,
    recipients: opts.recipients,
    recipientsSentTwice,
    batch,
    resumeMs,
    close,
  };
}
