import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startMetaSimulator, type RunningMetaSimulator } from '../../src/meta-simulator/index.js';
import { startFront, type RunningFront } from './front.js';
import { InstanceProcess } from './instance.js';

/**
 * N service instances as real processes on one database, one Meta (the caller's META_GRAPH_URL, or one
 * simulator in this process that every instance shares) and, optionally, the round-robin front on one port.
 * `npm run cluster` (scripts/cluster.ts) and the tests (test/helpers/cluster.ts) both start clusters with it.
 */

export interface ClusterOptions {
  instances: number;
  databaseUrl: string;
  /** Passed to every instance as REDIS_URL (cluster-wide pacing); unset: none. */
  redisUrl?: string;
  /** Meta's Graph API for every instance; unset: one simulator is started here (or `simulator` is used). */
  metaGraphUrl?: string;
  /** A simulator the caller runs (tests keep it in their process to read what it received). */
  simulator?: RunningMetaSimulator;
  /** The front's port (0: any free one); null: no front, PUBLIC_URL is then instance 1's own address. */
  frontPort: number | null;
  frontHost?: string;
  /** The first instance's port (the others follow it); 0: free ports chosen here. */
  basePort: number;
  /** The environment every instance starts from (PATH, HOME, LOG_LEVEL, ENCRYPTION_KEY …); the cluster's own settings win. */
  baseEnv: Record<string, string>;
  /** Every output line of instance i (1-based); default: kept only (InstanceProcess.text()). */
  onLine?: (index: number, line: string) => void;
  nodeArgs?: string[];
  /** How long one instance may take to become ready (tsx compiles the service at start: slow on a busy machine). */
  readyTimeoutMs?: number;
}

export interface Cluster {
  instances: InstanceProcess[];
  front: RunningFront | null;
  /** The address clients use: the front's, or instance 1's without a front. */
  publicUrl: string;
  metaUrl: string;
  /** The simulator started here (not the caller's); closed by stop(). */
  ownSimulator: RunningMetaSimulator | null;
  /** The ADMIN key instance 1 printed when it bootstrapped an empty database; undefined when the database was not empty. */
  bootstrapKey: string | undefined;
  /** kill -<signal> of instance i (1-based); resolves when it is gone. */
  kill(index: number, signal?: NodeJS.Signals): Promise<void>;
  /** Starts instance i again on its port and waits until it is ready. */
  restart(index: number): Promise<void>;
  /** Graceful stop of every instance (SIGKILL after graceMs), the front and an own simulator. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

const KEY_PATTERN = /ADMIN API key:\s*\n\s*\n\s*(wcs_[A-Za-z0-9]+_[A-Za-z0-9]+)/;

/** A port free on 127.0.0.1 right now. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  if (!Number.isInteger(options.instances) || options.instances < 1)
    throw new Error(`instances must be a whole number ≥ 1, not ${options.instances}`);
  const readyTimeoutMs = options.readyTimeoutMs ?? 90_000;
  const instances: InstanceProcess[] = [];
  let front: RunningFront | null = null;
  let ownSimulator: RunningMetaSimulator | null = null;
  const stopAll = async (graceMs = 15_000) => {
    await Promise.all(instances.map((i) => i.stop(graceMs)));
    await front?.close();
    await ownSimulator?.close();
  };
  try {
    let metaUrl = options.metaGraphUrl;
    if (!metaUrl) {
      const simulator = options.simulator ?? (ownSimulator = await startMetaSimulator({ port: 0, host: '127.0.0.1' }));
      metaUrl = simulator.baseUrl;
    }
    const ports: number[] = [];
    for (let i = 0; i < options.instances; i++) ports.push(options.basePort ? options.basePort + i : await freePort());
    // The front first: its address is every instance's PUBLIC_URL (webhook callbacks, tracked links).
    if (options.frontPort !== null) {
      front = await startFront({
        port: options.frontPort,
        host: options.frontHost,
        targets: () => instances.filter((i) => i.running).map((i) => ({ host: '127.0.0.1', port: i.spec.port })),
      });
    }
    const publicUrl = front?.url ?? `http://127.0.0.1:${ports[0]}`;
    const envOf = (index: number): Record<string, string> => ({
      ...options.baseEnv,
      HOST: '127.0.0.1',
      DATABASE_URL: options.databaseUrl,
      META_GRAPH_URL: metaUrl,
      PUBLIC_URL: publicUrl,
      ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
      INSTANCE_ID: `i${index}`,
    });
    for (let k = 0; k < options.instances; k++) {
      const index = k + 1;
      instances.push(
        new InstanceProcess({
          index,
          port: ports[k]!,
          env: envOf(index),
          nodeArgs: options.nodeArgs,
          onLine: options.onLine ? (line) => options.onLine!(index, line) : undefined,
        }),
      );
    }
    // Instance 1 alone first: it applies the migrations and, on an empty database, bootstraps the organization
    // and prints the ADMIN key, exactly once; the others then find both done.
    const first = instances[0]!;
    first.start();
    await first.waitReady(readyTimeoutMs);
    // main.ts prints the key right after the "listening" log line (absent when LOG_LEVEL hides it).
    await first.waitForOutput(/ADMIN API key:\s*\n\s*\n\s*wcs_\S+|whatsapp-channel-service listening/, 10_000).catch(() => undefined);
    if (!KEY_PATTERN.test(first.text())) await sleep(500);
    const bootstrapKey = first.text().match(KEY_PATTERN)?.[1];
    for (const other of instances.slice(1)) other.start();
    await Promise.all(instances.slice(1).map((i) => i.waitReady(readyTimeoutMs)));
    await front?.refreshHealth();

    const at = (index: number): InstanceProcess => {
      const instance = instances[index - 1];
      if (!instance) throw new Error(`no instance ${index} (the cluster has ${instances.length})`);
      return instance;
    };
    let stopping: Promise<void> | undefined;
    return {
      instances,
      front,
      publicUrl,
      metaUrl,
      ownSimulator,
      bootstrapKey,
      kill: async (index, signal = 'SIGKILL') => {
        const instance = at(index);
        instance.kill(signal);
        await instance.exited();
        await front?.refreshHealth();
      },
      restart: async (index) => {
        const instance = at(index);
        await instance.stop();
        instance.start();
        await instance.waitReady(readyTimeoutMs);
        await front?.refreshHealth();
      },
      stop: (graceMs) => (stopping ??= stopAll(graceMs)),
    };
  } catch (err) {
    await stopAll(2_000).catch(() => undefined);
    throw err;
  }
}
