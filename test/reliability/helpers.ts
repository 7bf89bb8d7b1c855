import Database from 'better-sqlite3';
import pg from 'pg';
import { request } from 'undici';
import { startHarness } from '../helpers/harness.js';
import { spawnProcess, type Spawned } from '../helpers/spawn.js';
import { onCleanup, sandboxIdOf } from '../helpers/world.js';
import { createWebhook } from '../channel-configurations/helpers.js';
import { configureSender, insertProfiles, phoneOf } from '../sending-e2e/helpers.js';
import type { RunningMetaSimulator } from '../../src/meta-simulator/index.js';

/**
 * Crash tests: the set-up is done by an in-process service that then stops;
 * the service that gets killed is a real child process (kill -9 of its whole
 * process group) on the same data folder.
 */

export interface Prepared {
  dataDir: string;
  /** The data folder's database (a SQLite file in it, or the PostgreSQL database the harness made for it). */
  databaseUrl: string;
  adminKey: string;
  configId: string;
  sandboxId: string;
  webhookPath: string;
  verifyToken: string;
  profileIds: string[];
}

/** An ACTIVE credential, a verified webhook and an ACTIVE configuration, plus `profiles` profiles p0..p(n-1). */
export async function prepare(sim: RunningMetaSimulator, profiles: number): Promise<Prepared> {
  const input = sim.sim.scenario;
  sim.sim.replaceScenario({ ...input, settings: { ...input.settings, enforceServiceWindow: false } });
  const h = await startHarness({ metaUrl: sim.baseUrl });
  try {
    const { configId, credentialId } = await configureSender(h, sim, 'crash');
    const webhook = await createWebhook(h, credentialId, 'crash-hooks', sim);
    const sandboxId = await sandboxIdOf(h);
    const profileIds = Array.from({ length: profiles }, (_, i) => `p${i}`);
    await insertProfiles(
      h,
      sandboxId,
      profileIds.map((id, i) => ({ id, attributes: { mobilePhone: { number: phoneOf(i) } } })),
    );
    const callback = sim.sim.webhookCallbackUrl();
    if (!callback) throw new Error('no verified webhook');
    const db = h.config.database;
    return {
      dataDir: h.dataDir,
      databaseUrl: db.kind === 'postgres' ? db.url : `file:${db.file}`,
      adminKey: h.adminKey,
      configId,
      sandboxId,
      webhookPath: new URL(callback).pathname,
      verifyToken: webhook.verifyToken,
      profileIds,
    };
  } finally {
    await h.stop();
  }
}

export interface Service {
  proc: Spawned;
  url: string;
}

type Place = Pick<Prepared, 'dataDir' | 'databaseUrl'>;

/** The real service as a child process on the data folder (and its database), with the simulator as Meta. */
export async function spawnService(place: Place, sim: RunningMetaSimulator, env: Record<string, string> = {}): Promise<Service> {
  const proc = spawnProcess(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    NODE_ENV: 'test',
    DATABASE_URL: place.databaseUrl,
    // The dev encryption key the set-up generated lives in the data folder (on PostgreSQL too).
    DATA_DIR: place.dataDir,
    META_GRAPH_URL: sim.baseUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_PRETTY: 'false',
    LOG_LEVEL: 'info',
    JOB_POLL_INTERVAL_MS: '50',
    JOB_LEASE_MS: '60000',
    ...env,
  });
  onCleanup(async () => {
    proc.kill('SIGKILL');
    await proc.exited;
  });
  const [, url] = await proc.waitFor(/"url":"(http:\/\/[^"]+)"/, 60_000);
  return { proc, url: url! };
}

/** kill -9 of the service's process group; resolves when it is gone. */
export async function crash(service: Service): Promise<void> {
  service.proc.kill('SIGKILL');
  await service.proc.exited;
}

/** Points the simulator's webhook at a (re)started service: Meta's handshake on its new port. */
export async function pointWebhookAt(
  sim: RunningMetaSimulator,
  url: string,
  p: Prepared,
  retry?: { maxAttempts: number; retryDelayMs: number },
): Promise<void> {
  const result = await sim.sim.configureWebhook({ callbackUrl: `${url}${p.webhookPath}`, verifyToken: p.verifyToken, ...retry });
  if (!result.verified) throw new Error('webhook handshake failed');
}

export async function gqlAt<T>(url: string, key: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await request(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.body.json()) as { data?: T; errors?: unknown };
  if (!body.data) throw new Error(`GraphQL error: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/**
 * Rows of the data folder's database, read from outside the service (which may be dead or running): a read-only
 * SQLite connection (WAL readers do not disturb a live writer), or a PostgreSQL client of its own. Write SQL both
 * accept; counts come back as numbers and times as epoch ms on both.
 */
export async function peek<T = Record<string, unknown>>(place: Place, text: string, ...params: unknown[]): Promise<T[]> {
  if (place.databaseUrl.startsWith('file:')) {
    const db = new Database(place.databaseUrl.slice('file:'.length), { readonly: true, fileMustExist: true });
    try {
      return db.prepare(text).all(...params) as T[];
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({
    connectionString: place.databaseUrl,
    types: { getTypeParser: ((oid: number, format?: 'text') => (oid === PG_INT8 ? Number : pg.types.getTypeParser(oid, format))) as never },
  });
  await client.connect();
  try {
    let n = 0;
    const result = await client.query({ text: text.replace(/\?/g, () => `$${++n}`), values: params });
    return result.rows.map((row: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.getTime() : v])),
    ) as T[];
  } finally {
    await client.end();
  }
}
const PG_INT8 = 20;

/** The first column of the first row. */
export async function peekValue<T = unknown>(place: Place, text: string, ...params: unknown[]): Promise<T> {
  const [row] = await peek<Record<string, unknown>>(place, text, ...params);
  return (row ? Object.values(row)[0] : undefined) as T;
}

export const START_BATCH = `mutation($input: SendWhatsAppMessagesInput!) {
  sendWhatsAppMessages(input: $input) { __typename ... on SendWhatsAppMessagesSuccess { data { id } } }
}`;
export const BATCH = `query($id: ID!) { node(id: $id) { ... on MessageBatch { id status statusReason total queued sent failed blocked unknown } } }`;
export interface BatchView {
  id: string;
  status: string;
  statusReason: string | null;
  total: number;
  queued: number;
  sent: number;
  failed: number;
  blocked: number;
  unknown: number;
}
