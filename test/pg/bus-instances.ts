import { sql } from 'drizzle-orm';
import * as schema from '../helpers/db-schema.pg.js';
import type { BusError } from '../../src/platform/bus/bus.js';
import { PgNotifyBus, pgTransactionWithEvents } from '../../src/platform/bus/pg-notify.js';
import { openPg, type PgDatabase } from '../../src/platform/pg/database.js';
import { PubSub } from '../../src/platform/pubsub.js';

/** Topics of the bus tests only: a versioned object and a free-form blob. */
declare module '../../src/platform/pubsub.js' {
  interface PubSubEvents {
    'bus-test:object': { id: string; version: number };
    'bus-test:blob': { n: number; text: string };
  }
}

export const SANDBOX = 'sbx_bus_test';

/** One "instance": its own pool, its own PubSub and its own bus with its own LISTEN connection. */
export interface Instance {
  name: string;
  pg: PgDatabase<typeof schema>;
  pubsub: PubSub;
  bus: PgNotifyBus;
  errors: BusError[];
  resyncs: number;
}

export async function openInstance(url: string, name: string): Promise<Instance> {
  const pg = await openPg(url, { schema, poolSize: 3, applicationName: `wcs-${name}` });
  const pubsub = new PubSub();
  const errors: BusError[] = [];
  const bus = new PgNotifyBus({
    url,
    pubsub,
    applicationName: `wcs-bus-${name}`,
    reconnect: { initialMs: 50, maxMs: 500 },
    onError: (e) => errors.push(e),
  });
  const instance: Instance = { name, pg, pubsub, bus, errors, resyncs: 0 };
  bus.onResync(() => instance.resyncs++);
  await bus.start();
  return instance;
}

export async function closeInstance(instance: Instance | undefined): Promise<void> {
  await instance?.bus.close();
  await instance?.pg.close();
}

/** The next n items of a stream, or an error naming how many came within timeoutMs. */
export async function take<T>(events: AsyncIterator<T>, n: number, timeoutMs = 10_000): Promise<T[]> {
  const got: T[] = [];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`received ${got.length} of ${n} events within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    while (got.length < n) {
      const next = await Promise.race([events.next(), timeout]);
      if (next.done) throw new Error(`stream ended after ${got.length} of ${n} events`);
      got.push(next.value);
    }
    return got;
  } finally {
    clearTimeout(timer);
  }
}

export const createObjects = (admin: Instance) =>
  admin.pg.pool.query('CREATE TABLE IF NOT EXISTS bus_objects (id text PRIMARY KEY, version integer NOT NULL)');

/**
 * One version-fenced transition of object id on instance x, with its event in the same transaction: reads the
 * version, moves it on only if nobody else did in between. Returns the new version, or null when fenced off.
 */
export function transition(x: Instance, id: string): Promise<number | null> {
  return pgTransactionWithEvents(x.pg.db, x.bus, async (tx, events) => {
    const { rows } = await tx.execute<{ version: number }>(sql`SELECT version FROM bus_objects WHERE id = ${id}`);
    const version = rows[0]!.version;
    const moved = await tx.execute(
      sql`UPDATE bus_objects SET version = ${version + 1} WHERE id = ${id} AND version = ${version} RETURNING version`,
    );
    if (!moved.rows.length) return null;
    events.notify(SANDBOX, 'bus-test:object', { id, version: version + 1 });
    return version + 1;
  });
}

/** Count of places where a version is not above the one before it. */
export function inversions(versions: number[]): number {
  let n = 0;
  for (let i = 1; i < versions.length; i++) if (versions[i]! <= versions[i - 1]!) n++;
  return n;
}
