import { startMetaSimulator, type RunningMetaSimulator } from '../../src/meta-simulator/index.js';
import { startHarness, type Harness, type HarnessOptions } from './harness.js';

/**
 * Several instances of the service in this process on ONE PostgreSQL database (the harness keys its databases by
 * data folder, so every instance after the first reuses the first one's folder, database and encryption key) and
 * one Meta simulator: what a deployment behind a load balancer looks like, for the tests of issue 19.
 */
export interface InstancesOptions {
  /** Environment of every instance (e.g. JOB_POLL_INTERVAL_MS). */
  env?: Record<string, string>;
  /** Environment of instance i only, on top of env. */
  envOf?: (i: number) => Record<string, string> | undefined;
  /** Whether instance i runs its job workers (default all). */
  startJobs?: (i: number) => boolean;
}

export interface Instances {
  /** Started in order; all[0] created the database. Each has its own ADMIN key of organization "acme", sandbox "prod". */
  all: Harness[];
  simulator: RunningMetaSimulator;
  /** Stops every instance still running (in reverse order), then the simulator. Safe to call twice. */
  stop(): Promise<void>;
}

export async function startInstances(n: number, options: InstancesOptions = {}): Promise<Instances> {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`startInstances needs at least one instance, got ${n}`);
  const simulator = await startMetaSimulator({ port: 0, host: '127.0.0.1' });
  const all: Harness[] = [];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const h of [...all].reverse()) await h.stop();
    await simulator.close();
  };
  try {
    for (let i = 0; i < n; i++) {
      const harnessOptions: HarnessOptions = {
        backend: 'pg',
        metaUrl: simulator.baseUrl,
        dataDir: all[0]?.dataDir,
        env: { ...options.env, ...options.envOf?.(i) },
        startJobs: options.startJobs?.(i) ?? true,
      };
      all.push(await startHarness(harnessOptions));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { all, simulator, stop };
}
