import pgDriver from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusError, TxEvents } from '../../src/platform/bus/bus.js';
import { BUS_CHANNEL, PgNotifyBus, pgTransactionWithEvents } from '../../src/platform/bus/pg-notify.js';
import { createFreshPgDatabase, type FreshPgDatabase } from '../../src/platform/pg/fresh-database.js';
import { migratePg } from '../../src/platform/pg/migrate.js';
import { pgTransaction } from '../../src/platform/pg/transaction.js';
import { PubSub } from '../../src/platform/pubsub.js';
import { PG_ADMIN_URL, pg } from '../helpers/pg.js';
import { waitUntil } from '../helpers/wait.js';
import { closeInstance, openInstance, SANDBOX, take, type Instance } from './bus-instances.js';

/** What the bus delivers, and what it does not, on a real PostgreSQL with two instances. */
describe.skipIf(!pg.available)(pg.title('event bus on PostgreSQL: rollback, large events, lost LISTEN connection'), () => {
  let fresh: FreshPgDatabase;
  let a: Instance;
  let b: Instance;
  /** A plain LISTEN of our own, to count the NOTIFYs a transaction sends. */
  let raw: pgDriver.Client;
  const notifications: string[] = [];

  beforeAll(async () => {
    fresh = await createFreshPgDatabase(PG_ADMIN_URL);
    a = await openInstance(fresh.url, 'a');
    await migratePg(a.pg.pool);
    b = await openInstance(fresh.url, 'b');
    raw = new pgDriver.Client({ connectionString: fresh.url });
    await raw.connect();
    raw.on('notification', (msg) => notifications.push(msg.payload ?? ''));
    await raw.query(`LISTEN ${BUS_CHANNEL}`);
  });
  afterAll(async () => {
    await raw?.end();
    await closeInstance(a);
    await closeInstance(b);
    await fresh?.drop();
  });

  const blob = (n: number, text = `event ${n}`) => ({ n, text });
  const publish = (x: Instance, ...items: { n: number; text: string }[]) =>
    pgTransactionWithEvents(x.pg.db, x.bus, async (_tx, events) => {
      for (const item of items) events.notify(SANDBOX, 'bus-test:blob', item);
    });

  it('a rolled-back transaction delivers nothing; a retried one (40001) delivers its events once', async () => {
    const heard = b.pubsub.subscribe(SANDBOX, 'bus-test:blob');
    const failed = pgTransactionWithEvents(a.pg.db, a.bus, async (_tx, events) => {
      events.notify(SANDBOX, 'bus-test:blob', blob(1, 'rolled back'));
      throw new Error('the transaction fails after buffering its event');
    });
    await expect(failed).rejects.toThrow('after buffering');
    let attempt = 0;
    await pgTransactionWithEvents(a.pg.db, a.bus, async (_tx, events) => {
      events.notify(SANDBOX, 'bus-test:blob', blob(2, `attempt ${++attempt}`));
      if (attempt === 1) throw Object.assign(new Error('could not serialize access'), { code: '40001' });
    });
    await publish(a, blob(3, 'after'));
    expect(await take(heard, 2)).toEqual([blob(2, 'attempt 2'), blob(3, 'after')]);
    await heard.return!();
  });

  it('a 20 KB event goes by reference and arrives intact, in order with the small events of its transaction', async () => {
    const heard = b.pubsub.subscribe(SANDBOX, 'bus-test:blob');
    const large = blob(2, 'ünïcødé ✓ '.repeat(1_800));
    expect(Buffer.byteLength(JSON.stringify(large))).toBeGreaterThan(20_000);
    await publish(a, blob(1, 'ref-1'), large, blob(3, 'ref-3'));
    await publish(a, blob(4, 'ref-4'));
    expect(await take(heard, 4)).toEqual([blob(1, 'ref-1'), large, blob(3, 'ref-3'), blob(4, 'ref-4')]);
    // One NOTIFY per transaction; the large event's is its row id.
    const mine = () => notifications.filter((n) => n.includes('ref-'));
    await waitUntil(() => mine().length >= 2, 5_000, 'raw notifications');
    expect(mine().map((n) => [Buffer.byteLength(n) < 7_900, n.includes('ref-1') && n.includes('ref-3')])).toEqual([
      [true, true],
      [true, false],
    ]);
    const { rows } = await a.pg.pool.query<{ entry: string }>('SELECT entry FROM bus_payloads');
    expect(rows.map((r) => JSON.parse(r.entry) as unknown)).toEqual([[SANDBOX, 'bus-test:blob', large]]);
    await heard.return!();
  });

  it('events committed after a large one wait until its row is read: receive order is kept', async () => {
    const heard = b.pubsub.subscribe(SANDBOX, 'bus-test:blob');
    const large = blob(1, 'L'.repeat(12_000));
    const locker = await a.pg.pool.connect();
    let release!: () => void;
    let inserted!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const rowWritten = new Promise<void>((resolve) => (inserted = resolve));
    try {
      // The large event's transaction holds its bus_payloads row until the gate opens; meanwhile `locker` queues an
      // exclusive lock on the table behind it, so the listeners' read of the row waits until `locker` lets go.
      const publishing = pgTransaction(a.pg.db, async (tx) => {
        const events = new TxEvents();
        events.notify(SANDBOX, 'bus-test:blob', large);
        await a.bus.beforeCommit(tx, events);
        inserted();
        await gate;
      });
      await rowWritten;
      await locker.query('BEGIN');
      const locked = locker.query('LOCK TABLE bus_payloads IN ACCESS EXCLUSIVE MODE');
      await waitUntil(async () => {
        const { rows } = await a.pg.pool.query(`SELECT 1 FROM pg_locks WHERE relation = 'bus_payloads'::regclass AND NOT granted`);
        return rows.length > 0;
      });
      release();
      await publishing;
      await locked;
      await publish(a, blob(2, 'behind-2'));
      await publish(a, blob(3, 'behind-3'));
      // PostgreSQL has delivered both (to B's listener as to ours) while the large event's row is still locked.
      await waitUntil(() => notifications.some((n) => n.includes('behind-3')), 5_000, 'raw notifications');
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      release();
      await locker.query('ROLLBACK');
      locker.release();
    }
    expect(await take(heard, 3)).toEqual([large, blob(2, 'behind-2'), blob(3, 'behind-3')]);
    await heard.return!();
  });

  it('events that do not fit one NOTIFY are split under 7,900 bytes and arrive in order', async () => {
    const heard = b.pubsub.subscribe(SANDBOX, 'bus-test:blob');
    const many = Array.from({ length: 120 }, (_, i) => blob(i, `split-${i}:`.padEnd(300, 'x')));
    await publish(a, ...many);
    expect(await take(heard, 120)).toEqual(many);
    const split = () => notifications.filter((n) => n.includes('split-'));
    await waitUntil(() => split().length >= 5, 5_000, 'raw notifications');
    expect(split().every((n) => Buffer.byteLength(n) < 7_900)).toBe(true);
    await heard.return!();
  });

  it('the LISTEN connection killed: it reconnects, emits resync, and later events arrive', async () => {
    const heard = b.pubsub.subscribe(SANDBOX, 'bus-test:blob');
    const pid = b.bus.listenerPid;
    expect(pid).toBeTypeOf('number');
    const before = b.resyncs;
    const { rows } = await a.pg.pool.query<{ ok: boolean }>('SELECT pg_terminate_backend($1) AS ok', [pid]);
    expect(rows[0]!.ok).toBe(true);
    await waitUntil(() => b.resyncs > before, 10_000, 'resync after reconnect');
    expect(b.bus.listening).toBe(true);
    expect(b.bus.listenerPid).not.toBe(pid);
    expect(b.errors.map((e) => e.code)).toContain('BUS_UNREACHABLE');
    await publish(a, blob(7, 'after the reconnect'));
    expect(await take(heard, 1)).toEqual([blob(7, 'after the reconnect')]);
    await heard.return!();
  });

  it('a notification that is not the bus format, or a reference that is gone, is a typed error; later events still arrive', async () => {
    const heard = b.pubsub.subscribe(SANDBOX, 'bus-test:blob');
    b.errors.length = 0;
    const resyncs = b.resyncs;
    await a.pg.pool.query(
      `SELECT pg_notify($1, 'not json'), pg_notify($1, '{"e":[["", "t", 1]]}'), pg_notify($1, '{"n":0,"e":[987654321]}')`,
      [BUS_CHANNEL],
    );
    await publish(a, blob(8));
    expect(await take(heard, 1)).toEqual([blob(8)]);
    expect(b.errors.map((e) => [e.code, e.message])).toEqual([
      ['BUS_BAD_MESSAGE', expect.stringContaining('not JSON')],
      ['BUS_BAD_MESSAGE', expect.stringContaining('[sandboxId, topic, payload]')],
      ['BUS_BAD_MESSAGE', expect.stringContaining('987654321 is no longer in bus_payloads')],
    ]);
    expect(b.resyncs).toBe(resyncs + 1);
    await heard.return!();
  });

  it('bad events are refused in the transaction, which then rolls back', async () => {
    const cases: [string, unknown][] = [
      ['a Date', { at: new Date() }],
      ['undefined', { id: undefined }],
      ['NaN', { version: Number.NaN }],
      ['a BigInt', { n: 1n }],
      [
        'a cycle',
        (() => {
          const o: Record<string, unknown> = {};
          o.self = o;
          return o;
        })(),
      ],
    ];
    for (const [what, payload] of cases) {
      const run = pgTransactionWithEvents(a.pg.db, a.bus, async (tx, events) => {
        await tx.execute('CREATE TABLE bus_should_not_exist (id int)');
        events.notify(SANDBOX, 'bus-test:blob', payload as never);
      });
      const err = await run.catch((e: unknown) => e);
      expect(err, what).toBeInstanceOf(BusError);
      expect((err as BusError).code, what).toBe('BUS_BAD_EVENT');
    }
    const { rows } = await a.pg.pool.query(`SELECT to_regclass('bus_should_not_exist') AS t`);
    expect(rows[0]).toEqual({ t: null });
  });

  it('start() against a server that does not answer is BUS_UNREACHABLE, without the password', async () => {
    const bus = new PgNotifyBus({ url: 'postgres://wcs:s3cret-Pa55@127.0.0.1:1/wcs', pubsub: new PubSub(), connectTimeoutMs: 2_000 });
    const err = (await bus.start().catch((e: unknown) => e)) as BusError;
    expect(err).toBeInstanceOf(BusError);
    expect(err.code).toBe('BUS_UNREACHABLE');
    expect(err.message).toContain('127.0.0.1:1/wcs');
    expect(`${err.message} ${String(err.stack)}`).not.toContain('s3cret-Pa55');
    expect(bus.listening).toBe(false);
    await bus.close();
  });

  it('start() twice at once opens one LISTEN connection', async () => {
    const bus = new PgNotifyBus({ url: fresh.url, pubsub: new PubSub(), applicationName: 'wcs-bus-twice' });
    try {
      await Promise.all([bus.start(), bus.start()]);
      await bus.start();
      const { rows } = await a.pg.pool.query(`SELECT pid FROM pg_stat_activity WHERE application_name = 'wcs-bus-twice'`);
      expect(rows).toEqual([{ pid: bus.listenerPid }]);
    } finally {
      await bus.close();
    }
  });
});
