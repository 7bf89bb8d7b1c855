/**
 * `npm run cluster`: N instances of the service (real processes) on one PostgreSQL database, behind a small
 * round-robin front on one port, for trying the cluster by hand (docs/cluster.md). Not for production: there
 * a real load balancer stands in front.
 *
 *   npm run cluster                          # 3 instances, the front on :4000, instances on :4001…
 *   npm run cluster -- --instances 5 --port 8080
 *
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/wcs_cluster, created when missing), REDIS_URL
 * (default redis://127.0.0.1:6379 when it answers; --no-redis: none), META_GRAPH_URL (default: one simulator here, shared by
 * every instance) and the service's other settings come from the environment.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { Redis } from 'ioredis';
import { hidePassword, parsePgUrl } from '../src/platform/pg/url.js';
import { simulatorGuide } from '../src/meta-simulator/guide.js';
import { startCluster, type Cluster } from './cluster/cluster.js';

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/wcs_cluster';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

function usage(problem?: string): never {
  if (problem) console.error(`${problem}\n`);
  console.error('usage: npm run cluster -- [--instances N] [--port FRONT_PORT] [--base-port FIRST_INSTANCE_PORT] [--no-redis]');
  process.exit(problem ? 2 : 0);
}

function positiveInt(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > max) usage(`--${name} must be a whole number from 1 to ${max}, not ${JSON.stringify(value)}`);
  return n;
}

/** Creates the database of url when the server does not have it yet. */
async function ensureDatabase(url: string): Promise<void> {
  const location = parsePgUrl(url);
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name))
    throw new Error(`DATABASE_URL: use a plain database name (letters, digits, _), not "${name}"`);
  target.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: target.toString(), connectionTimeoutMillis: 5_000 });
  admin.on('error', () => undefined);
  try {
    await admin.connect();
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!found.rowCount) {
      await admin.query(`CREATE DATABASE "${name}"`);
      console.log(`created database ${name} on ${location.display}`);
    }
  } catch (err) {
    throw new Error(`cannot prepare ${location.display}: ${hidePassword(err instanceof Error ? err.message : String(err), location)}`);
  } finally {
    await admin.end().catch(() => undefined);
  }
}

async function redisAnswers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, connectTimeout: 1_000, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        instances: { type: 'string' },
        port: { type: 'string' },
        'base-port': { type: 'string' },
        'no-redis': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
  } catch (err) {
    usage(err instanceof Error ? err.message : String(err));
  }
  if (parsed.values.help) usage();
  const instances = positiveInt('instances', parsed.values.instances, 3, 32);
  const frontPort = positiveInt('port', parsed.values.port, 4000, 65535);
  const basePort = positiveInt('base-port', parsed.values['base-port'], frontPort + 1, 65535 - instances);

  const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
  const databaseUrl = env.DATABASE_URL || DEFAULT_DATABASE_URL;
  if (!/^postgres(ql)?:\/\//.test(databaseUrl))
    usage('DATABASE_URL must be a postgres:// URL: instances share one PostgreSQL database (SQLite runs one instance)');
  await ensureDatabase(databaseUrl);
  let redisUrl = parsed.values['no-redis'] ? undefined : env.REDIS_URL;
  if (!redisUrl && !parsed.values['no-redis'] && (await redisAnswers(DEFAULT_REDIS_URL))) redisUrl = DEFAULT_REDIS_URL;
  // The instances read REDIS_URL themselves: with --no-redis none of them may see one from this environment.
  if (parsed.values['no-redis']) delete env.REDIS_URL;

  const pretty = Boolean(process.stdout.isTTY);
  const running: { cluster?: Cluster } = {};
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping every instance…`);
    const done = running.cluster ? running.cluster.stop() : Promise.resolve();
    done.then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  const cluster = (running.cluster = await startCluster({
    instances,
    databaseUrl,
    redisUrl,
    metaGraphUrl: env.META_GRAPH_URL,
    frontPort,
    frontHost: env.HOST,
    basePort,
    // Every instance keeps its generated development key in the same folder (instance 1 writes it first).
    baseEnv: { DATA_DIR: 'data/cluster', LOG_PRETTY: String(pretty), ...env },
    onLine: (index, line) => console.log(`[i${index}] ${line}`),
  }));
  if (stopping) return;
  const { display } = parsePgUrl(databaseUrl);
  console.log('');
  console.log(
    `Cluster of ${instances} instances on ${display}${redisUrl ? `, pacing on Redis ${new URL(redisUrl).host}` : ' (no Redis: pacing on PostgreSQL)'}`,
  );
  for (const i of cluster.instances) console.log(`  instance ${i.spec.index}: ${i.url}  (pid ${i.pid})`);
  console.log(`  front (round robin, HTTP and WebSocket): ${cluster.publicUrl}   <- use this one: ${cluster.publicUrl}/graphql`);
  if (cluster.ownSimulator) {
    console.log('');
    console.log(simulatorGuide(cluster.ownSimulator.url).join('\n'));
  }
  console.log('');
  console.log(
    cluster.bootstrapKey
      ? 'The ADMIN key instance 1 printed above (first start) is the only copy: keep it.'
      : 'The database was set up before: use the ADMIN key printed at its first start, or make one: DATABASE_URL=… npm run wcs -- api-key create --org default --sandbox prod --role ADMIN',
  );
  console.log('Ctrl-C stops everything.');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
