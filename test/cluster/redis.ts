import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { Redis } from 'ioredis';
import { spawnProcess, type Spawned } from '../helpers/spawn.js';

/**
 * Redis for the tests: WCS_TEST_REDIS_URL, default this machine's server on 127.0.0.1:6379. Suites that need
 * it use describe.skipIf(!redis.available)(redis.title(…)); CI (.ci/run) sets WCS_REQUIRE_REDIS, and there a
 * missing server fails the run instead of skipping. Tests on the shared server use a unique key prefix and
 * delete their keys; a test that flushes or restarts Redis starts a private redis-server of its own.
 */
export const REDIS_URL = process.env.WCS_TEST_REDIS_URL || 'redis://127.0.0.1:6379';

async function probe(): Promise<{ ok: true } | { ok: false; reason: string }> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, enableOfflineQueue: false, connectTimeout: 1_500, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return { ok: true };
  } catch (err) {
    return {
      ok: false,
      reason: `Redis at ${new URL(REDIS_URL).host} is not reachable: ${err instanceof Error ? err.message : String(err)}`,
    };
  } finally {
    client.disconnect();
  }
}

function redisServerBinary(): string | null {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

const probed = await probe();
const binary = redisServerBinary();
if (process.env.WCS_REQUIRE_REDIS) {
  if (!probed.ok) throw new Error(`WCS_REQUIRE_REDIS is set but ${probed.reason}`);
  if (!binary) throw new Error('WCS_REQUIRE_REDIS is set but redis-server is not installed (the restart tests start their own)');
}
if (!probed.ok) console.warn(`[redis tests skipped] ${probed.reason}`);

export const redis = {
  available: probed.ok,
  title: (name: string) => (probed.ok ? name : `${name} (skipped: ${probed.reason})`),
  /** redis-server can be started by the test (the flush and restart tests). */
  canStart: binary !== null,
  startTitle: (name: string) => (binary ? name : `${name} (skipped: redis-server is not installed)`),
};

/** Deletes every key under prefix on the shared server. */
export async function deleteKeys(prefix: string): Promise<void> {
  const client = new Redis(REDIS_URL);
  try {
    const keys = await client.keys(`${prefix}*`);
    if (keys.length) await client.del(...keys);
  } finally {
    client.disconnect();
  }
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A redis-server of the test's own on 127.0.0.1 (nothing on disk), which it may flush, kill and restart. */
export class PrivateRedis {
  private server: Spawned | null = null;
  private constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<PrivateRedis> {
    const r = new PrivateRedis(await freePort());
    await r.restart();
    return r;
  }

  /** Starts the server again on the same port (empty: it keeps nothing). */
  async restart(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'];
    this.server = spawnProcess(binary!, args, {});
    await this.server.waitFor(/Ready to accept connections/, 10_000);
  }

  async command(...args: string[]): Promise<unknown> {
    const client = new Redis(this.url);
    try {
      return await client.call(args[0]!, ...args.slice(1));
    } finally {
      client.disconnect();
    }
  }

  /** kill -9: the server is gone at once, with everything it held. */
  async kill(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.kill('SIGKILL');
    await server.exited;
  }
}
