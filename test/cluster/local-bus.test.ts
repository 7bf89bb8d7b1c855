import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusError, TxEvents } from '../../src/platform/bus/bus.js';
import { LocalEventBus, transactionWithEvents } from '../../src/platform/bus/local.js';
import { packNotifications } from '../../src/platform/bus/wire.js';
import { inTransaction, openDatabase, type Database, type SqliteTx, type Tx } from '../../src/platform/db.js';
import { PubSub } from '../../src/platform/pubsub.js';

declare module '../../src/platform/pubsub.js' {
  interface PubSubEvents {
    'local-bus-test:object': { id: string; version: number };
  }
}

const SANDBOX = 'sbx_local_bus';
/** This suite runs on SQLite: its transaction handle is drizzle's better-sqlite3 client. */
const lite = (tx: Tx) => tx as SqliteTx;
const TOPIC = 'local-bus-test:object';

/** The bus of the single-process mode on a real SQLite file: events after COMMIT, none after a rollback. */
describe('local event bus (SQLite mode)', () => {
  let dir: string;
  let database: Database;
  const pubsub = new PubSub();
  const bus = new LocalEventBus(pubsub);

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-bus-'));
    database = openDatabase(path.join(dir, 'bus.db'), { migrate: false });
    database.db.run(sql`CREATE TABLE objects (id text PRIMARY KEY, version integer NOT NULL)`);
  });
  afterAll(async () => {
    await bus.close();
    database?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const move = (id: string, version: number, fail = false) =>
    transactionWithEvents(database.db, bus, (tx, events) => {
      lite(tx).run(sql`INSERT INTO objects VALUES (${id}, ${version}) ON CONFLICT (id) DO UPDATE SET version = excluded.version`);
      events.notify(SANDBOX, TOPIC, { id, version });
      if (fail) throw new Error('rolled back after buffering');
      return version;
    });

  const next = async (events: AsyncIterator<unknown>) => {
    const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('no event within 2 s')), 2_000));
    return ((await Promise.race([events.next(), timeout])) as IteratorResult<unknown>).value;
  };

  it('a committed transaction publishes its events after COMMIT, in order, as copies; a rolled-back one publishes nothing', async () => {
    const events = pubsub.subscribe(SANDBOX, TOPIC);
    const payload = { id: 'o1', version: 1 };
    await transactionWithEvents(database.db, bus, (_tx, buffer) => {
      buffer.notify(SANDBOX, TOPIC, payload);
      buffer.notify(SANDBOX, TOPIC, { id: 'o1', version: 2 });
    });
    await expect(move('o1', 3, true)).rejects.toThrow('rolled back after buffering');
    expect(await move('o1', 4)).toBe(4);
    const got = [await next(events), await next(events), await next(events)];
    expect(got).toEqual([payload, { id: 'o1', version: 2 }, { id: 'o1', version: 4 }]);
    expect(got[0]).not.toBe(payload);
    expect(database.sqlite.prepare('SELECT version FROM objects').get()).toEqual({ version: 4 });
    await events.return!();
  });

  it('bad events are typed errors and roll the transaction back; a nested transaction is refused', async () => {
    const refused = async (payload: unknown) => {
      try {
        await transactionWithEvents(database.db, bus, (tx, events) => {
          lite(tx).run(sql`UPDATE objects SET version = 99`);
          events.notify(SANDBOX, TOPIC, payload as never);
        });
      } catch (err) {
        return err instanceof BusError ? `${err.code}: ${err.message}` : String(err);
      }
      return 'accepted';
    };
    expect(await refused({ id: 'x', at: new Date(0) })).toBe(
      `BUS_BAD_EVENT: bus event ${TOPIC}: payload holds a Date object (plain JSON only)`,
    );
    expect(await refused({ id: undefined })).toMatch(/^BUS_BAD_EVENT: .*undefined at id/);
    expect(await refused({ v: Infinity })).toMatch(/^BUS_BAD_EVENT: .*non-finite/);
    expect(await refused(() => 1)).toMatch(/^BUS_BAD_EVENT: .*function/);
    expect(database.sqlite.prepare('SELECT version FROM objects').get()).toEqual({ version: 4 });
    expect(() => new TxEvents().notify('', TOPIC, { id: 'x', version: 1 })).toThrow(/sandbox id/);

    const nested = () => inTransaction(database.db, () => move('o1', 5));
    await expect(nested()).rejects.toThrow(expect.objectContaining({ code: 'BUS_NESTED_TRANSACTION' }) as Error);
    expect(database.sqlite.prepare('SELECT version FROM objects').get()).toEqual({ version: 4 });
  });

  it('NOTIFY packing: items stay in order, each payload under the limit, identical payloads told apart', () => {
    const items = Array.from({ length: 50 }, () => JSON.stringify([SANDBOX, TOPIC, { id: 'same', version: 1 }]));
    const packed = packNotifications(items, 600);
    expect(packed.length).toBeGreaterThan(1);
    expect(packed.every((p) => Buffer.byteLength(p) <= 600)).toBe(true);
    expect(new Set(packed).size).toBe(packed.length);
    expect(packed.flatMap((p) => (JSON.parse(p) as { e: unknown[] }).e)).toEqual(items.map((i) => JSON.parse(i) as unknown));
  });

  const moveWith = (target: LocalEventBus) =>
    transactionWithEvents(database.db, target, (tx, events) => {
      lite(tx).run(sql`UPDATE objects SET version = 50`);
      events.notify(SANDBOX, TOPIC, { id: 'o1', version: 50 });
    });

  it('after close() the bus refuses to publish and the transaction rolls back', async () => {
    const closed = new LocalEventBus(pubsub);
    await closed.close();
    await expect(moveWith(closed)).rejects.toThrow(expect.objectContaining({ code: 'BUS_CLOSED' }) as Error);
    expect(database.sqlite.prepare('SELECT version FROM objects').get()).toEqual({ version: 4 });
  });
});
