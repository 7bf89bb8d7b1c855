import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { PgDatabaseError } from './errors.js';
import { hidePassword, parsePgUrl, type PgLocation } from './url.js';

/**
 * The PostgreSQL connection of one instance: a node-postgres Pool and drizzle's node-postgres client over
 * it. The schema is the caller's (the composition or a test hands in its tables): this module knows tables by type only.
 */
export interface PgDatabase<S extends Record<string, unknown>> {
  db: NodePgDatabase<S>;
  pool: pg.Pool;
  location: PgLocation;
  close(): Promise<void>;
}

export interface OpenPgOptions<S extends Record<string, unknown>> {
  schema: S;
  /** Connections this instance keeps at most (docs/operations.md: size it with max_connections in mind). */
  poolSize?: number;
  connectTimeoutMs?: number;
  /** Shown in pg_stat_activity. */
  applicationName?: string;
  /** Errors of idle pooled connections (server restart, network): without a listener they would end the process. */
  onIdleError?: (err: Error) => void;
}

/** Settings that must hold for an acknowledged write to survive a crash, as synchronous=FULL does on SQLite. */
export interface PgDurability {
  synchronous_commit: string;
  fsync: string;
}

/**
 * Opens a pool, proves the server answers and that commits are durable (synchronous_commit not off, fsync
 * on), and returns drizzle over the pool. A malformed URL is PG_BAD_URL, a server that does not answer
 * PG_UNREACHABLE, unsafe settings PG_UNSAFE_SETTING; none of the messages carries the password.
 */
export async function openPg<S extends Record<string, unknown>>(url: string, options: OpenPgOptions<S>): Promise<PgDatabase<S>> {
  const location = parsePgUrl(url);
  const pool = new pg.Pool({
    connectionString: location.connectionString,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    application_name: options.applicationName ?? 'wcs',
  });
  pool.on('error', (err) => options.onIdleError?.(err));
  // A client checked out of the pool (a transaction, a drain's session) has no 'error' listener of the pool's: when the
  // server goes away under it (a restart, a crash, pg_terminate_backend), node-postgres fails its query and also emits
  // 'error', which without a listener would end the process. The query's caller handles the failure; the pool drops
  // the broken client when it is released.
  pool.on('connect', (client) => client.on('error', () => undefined));
  try {
    const durability = await readDurability(pool);
    if (durability.synchronous_commit === 'off' || durability.fsync !== 'on') {
      throw new PgDatabaseError(
        'PG_UNSAFE_SETTING',
        `PostgreSQL at ${location.display} may lose acknowledged commits (synchronous_commit=${durability.synchronous_commit}, fsync=${durability.fsync}); set synchronous_commit=on and fsync=on`,
      );
    }
  } catch (err) {
    await pool.end().catch(() => undefined);
    if (err instanceof PgDatabaseError) throw err;
    throw new PgDatabaseError('PG_UNREACHABLE', `cannot use PostgreSQL at ${location.display}: ${describe(err, location)}`, {
      cause: err,
    });
  }
  const db = drizzle({ client: pool, schema: options.schema });
  let closed = false;
  return {
    db,
    pool,
    location,
    close: async () => {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}

async function readDurability(pool: pg.Pool | pg.ClientBase): Promise<PgDurability> {
  const { rows } = await pool.query<{ name: string; setting: string }>(
    `SELECT name, setting FROM pg_settings WHERE name IN ('synchronous_commit', 'fsync')`,
  );
  const get = (name: string) => rows.find((r) => r.name === name)?.setting ?? 'unknown';
  return { synchronous_commit: get('synchronous_commit'), fsync: get('fsync') };
}

/** The driver's reason, with anything that could echo the URL's password removed. */
function describe(err: unknown, location: PgLocation): string {
  const text = hidePassword(err instanceof Error ? err.message : String(err), location);
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? `${text} (${code})` : text;
}
