import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { parsePgUrl } from './url.js';

/** The server the tests, CI and benches use: this machine's PostgreSQL with trust auth. */
export const LOCAL_PG_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface FreshPgDatabase {
  /** The URL of the new, empty database. */
  url: string;
  name: string;
  /** Drops the database, closing any connection still open to it. */
  drop(): Promise<void>;
}

/**
 * Creates a uniquely named, empty database on the server of adminUrl (a URL whose database may be
 * connected to for CREATE DATABASE), so each test file or CI run starts from nothing and leaves nothing.
 */
export async function createFreshPgDatabase(adminUrl = LOCAL_PG_ADMIN_URL, prefix = 'wcs_test'): Promise<FreshPgDatabase> {
  if (!/^[a-z_][a-z0-9_]{0,30}$/.test(prefix)) throw new Error(`database name prefix must be a short lower-case identifier: ${prefix}`);
  parsePgUrl(adminUrl);
  const name = `${prefix}_${process.pid}_${randomBytes(5).toString('hex')}`;
  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await withAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

/** Whether the server answers within timeoutMs; the reason when it does not (tests skip with it). */
export async function probePg(adminUrl = LOCAL_PG_ADMIN_URL, timeoutMs = 2_000): Promise<{ ok: true } | { ok: false; reason: string }> {
  let location = 'the given URL';
  try {
    location = parsePgUrl(adminUrl).display;
    await withAdmin(adminUrl, (client) => client.query('SELECT 1'), timeoutMs);
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: `PostgreSQL at ${location} is not reachable: ${err instanceof Error ? err.message : String(err)}` };
  }
}

async function withAdmin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>, timeoutMs = 5_000): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
