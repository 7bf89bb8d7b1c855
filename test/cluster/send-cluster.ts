import fs from 'node:fs';
import { startHarness, type Harness } from '../helpers/harness.js';
import { sqlRun } from '../helpers/sql.js';
import { sandboxIdOf } from '../helpers/world.js';
import { configureSender, IDS, phoneOf, sendBatch } from '../sending-e2e/helpers.js';
import { startMetaSimulator, type RunningMetaSimulator } from '../../src/meta-simulator/index.js';

/**
 * Several instances of the real service on one PostgreSQL database (harnesses sharing a data folder), one Meta
 * simulator they all send to, and the pacing environment given (REDIS_URL, or none for the PostgreSQL fallback).
 * The simulator's sentMessages() is Meta's record of arrivals; it refuses (130429) what exceeds the tier.
 */
export interface Cluster {
  sim: RunningMetaSimulator;
  instances: Harness[];
  /** Global id of the ACTIVE configuration through Acme's green number (STANDARD: 80 messages/s). */
  configId: string;
  sandboxId: string;
  stop(): Promise<void>;
}

/**
 * mps: the sender's tier in messages per second instead of STANDARD's 80, at the simulator and on the credential
 * (a tier this busy machine can certainly fill, so the limiter is what holds the sends back).
 */
export async function startCluster(count: number, pacingEnv: Record<string, string>, mps?: number): Promise<Cluster> {
  // Info, not the harness's debug: three instances logging every send would cost this busy machine more than the sends.
  // A 20 s lease gives 5 s batch slices (a quarter of it), as in production: each slice's hand-over waits for its
  // sends in flight, which on a busy machine take a second or more, and 1.5 s slices would spend half their time so.
  const env = { LOG_LEVEL: 'info', JOB_LEASE_MS: '20000', ...pacingEnv };
  const sim = await startMetaSimulator({ port: 0 });
  if (mps) {
    const scenario = sim.sim.scenario;
    for (const waba of scenario.wabas) {
      for (const phone of waba.phoneNumbers) if (phone.id === IDS.phone.acmeGreen) phone.mpsOverride = mps;
    }
    sim.sim.replaceScenario(scenario);
  }
  const instances: Harness[] = [];
  try {
    const first = await startHarness({ backend: 'pg', metaUrl: sim.baseUrl, env });
    instances.push(first);
    for (let i = 1; i < count; i++) {
      instances.push(await startHarness({ backend: 'pg', metaUrl: sim.baseUrl, env, dataDir: first.dataDir }));
    }
    const { configId } = await configureSender(first, sim, 'cluster');
    if (mps) await sqlRun(first.server, 'UPDATE whatsapp_api_credentials SET messages_per_second = ?', mps);
    return {
      sim,
      instances,
      configId,
      sandboxId: await sandboxIdOf(first),
      stop: async () => {
        await Promise.allSettled(instances.map((h) => h.stop()));
        await sim.close();
      },
    };
  } catch (err) {
    await Promise.allSettled(instances.map((h) => h.stop()));
    await sim.close();
    throw err;
  }
}

/** `count` profiles `${prefix}${i}` with distinct numbers from `from` on, straight into the database. */
export async function insertRecipients(cluster: Cluster, prefix: string, from: number, count: number): Promise<string[]> {
  const now = new Date();
  const ids = Array.from({ length: count }, (_, i) => `${prefix}${i}`);
  for (let at = 0; at < count; at += 500) {
    const chunk = ids.slice(at, at + 500);
    await sqlRun(
      cluster.instances[0]!.server,
      `INSERT INTO profiles (id, sandbox_id, profile_id, attributes, created_at, updated_at) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
      ...chunk.flatMap((id, k) => [
        `PROFILE${prefix.toUpperCase()}${String(at + k).padStart(12, '0')}`,
        cluster.sandboxId,
        id,
        JSON.stringify({ mobilePhone: { number: phoneOf(from + at + k) } }),
        now,
        now,
      ]),
    );
  }
  return ids;
}

/** One batch per instance, each created through that instance (so its first slice most likely runs there). */
export async function batchPerInstance(cluster: Cluster, perBatch: number): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, h] of cluster.instances.entries()) {
    const profileIds = await insertRecipients(cluster, `b${i}-`, i * perBatch, perBatch);
    const batch = await sendBatch(h, {
      channelConfigurationId: cluster.configId,
      profileIds,
      template: { name: 'hello_world', languageCode: 'en_US' },
    });
    ids.push(batch.id);
  }
  return ids;
}

/** Requests this instance made to Meta's send endpoint (its wcs_whatsapp_sends_total). */
export async function sendsBy(h: Harness): Promise<number> {
  const metric = h.server.deps.metrics.registry.getSingleMetric('wcs_whatsapp_sends_total');
  if (!metric) return 0;
  const { values } = await metric.get();
  return values.reduce((sum, v) => sum + v.value, 0);
}

/** A gauge or counter of this instance, summed over its labels. */
export async function metricOf(h: Harness, name: string): Promise<number | undefined> {
  const metric = h.server.deps.metrics.registry.getSingleMetric(name);
  if (!metric) return undefined;
  const { values } = await metric.get();
  return values.reduce((sum, v) => sum + v.value, 0);
}

/** Arrivals at the simulator per full second from the first one, over the rate: how much of the tier was used. */
export function utilization(times: readonly number[], rate: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  if (sorted.length < 2) return 0;
  const seconds = Math.floor((sorted.at(-1)! - sorted[0]!) / 1000);
  if (seconds < 1) return 0;
  const end = sorted[0]! + seconds * 1000;
  return sorted.filter((t) => t < end).length / seconds / rate;
}

/** The machine's CPU time counters (/proc/stat's first line, in ticks): every core together. */
export function cpuTimes(): { idle: number; total: number } {
  const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return { idle: fields[3]! + fields[4]!, total: fields.reduce((a, b) => a + b, 0) };
}

/** The share of CPU time the machine spent idle between two readings. */
export function idleShare(before: { idle: number; total: number }, after: { idle: number; total: number }): number {
  return (after.idle - before.idle) / Math.max(1, after.total - before.total);
}
