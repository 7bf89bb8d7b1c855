import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusError } from '../../src/platform/bus/bus.js';
import { ClusterPubSub } from '../../src/platform/bus/cluster.js';
import { currentTransactionHooks, inTransaction, openDatabase, type Database } from '../../src/platform/db.js';
import { createFreshPgDatabase, type FreshPgDatabase } from '../../src/platform/pg/fresh-database.js';
import type { PgTxDb } from '../../src/platform/pg/handle.js';
import { openServicePg, type ServicePgDatabase } from '../../src/platform/pg/open-service-db.js';
import { PubSub } from '../../src/platform/pubsub.js';
import { PG_ADMIN_URL, pg } from '../helpers/pg.js';

/**
 * PubSub.publish inside inTransaction: delivered once the transaction committed, never when it rolled back, and
 * as before outside one. SQLite's PubSub delivers in process after COMMIT; PostgreSQL's ClusterPubSub sends a NOTIFY
 * inside the transaction and every instance (the publisher's too) hears it from its LISTEN connection.
 */

declare module '../../src/platform/pubsub.js' {
  interface PubSubEvents {
    'tx-test:event': { n: number };
  }
}

const SANDBOX = 'sbx_tx_test';
const TOPIC = 'tx-test:event';
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Everything delivered to a subscriber within settleMs after the last event, or until n events arrived. */
async function collect(events: AsyncIterator<{ n: number }>, n: number, settleMs = 300): Promise<number[]> {
  const got: number[] = [];
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const quiet = new Promise<'quiet'>((resolve) => (timer = setTimeout(() => resolve('quiet'), got.length >= n ? settleMs : 10_000)));
    const next = await Promise.race([events.next(), quiet]);
    clearTimeout(timer);
    if (next === 'quiet' || next.done) return got;
    got.push(next.value.n);
  }
}

describe('SQLite: PubSub inside a transaction', () => {
  let dir: string;
  let lite: Database;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-pubsub-tx-'));
    lite = openDatabase(path.join(dir, 'wcs.sqlite'));
  });
  afterAll(() => {
    lite?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('delivers after COMMIT, in publish order, and nothing of a rolled-back transaction', async () => {
    const pubsub = new PubSub();
    const events = pubsub.subscribe(SANDBOX, TOPIC);
    let deliveredBeforeCommit = false;
    const peek = pubsub.subscribe(SANDBOX, TOPIC);
    void peek.next().then(() => {
      if (currentTransactionHooks() !== undefined) deliveredBeforeCommit = true;
    });
    await inTransaction(lite.db, async () => {
      pubsub.publish(SANDBOX, TOPIC, { n: 1 });
      await turn();
      await turn();
      // A whole turn later and still inside: nothing delivered yet.
      expect(pubsub.listenerCount(SANDBOX, TOPIC)).toBe(2);
      pubsub.publish(SANDBOX, TOPIC, { n: 2 });
      // A savepoint publishes with the outer transaction.
      await inTransaction(lite.db, () => pubsub.publish(SANDBOX, TOPIC, { n: 3 }));
    });
    await expect(
      inTransaction(lite.db, async () => {
        pubsub.publish(SANDBOX, TOPIC, { n: 99 });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    pubsub.publish(SANDBOX, TOPIC, { n: 4 });
    expect(await collect(events, 4)).toEqual([1, 2, 3, 4]);
    expect(deliveredBeforeCommit).toBe(false);
  });

  it('nothing is delivered while the transaction is open; a rolled-back savepoint keeps the outer events', async () => {
    const pubsub = new PubSub();
    const events = pubsub.subscribe(SANDBOX, TOPIC);
    const received: number[] = [];
    void (async () => {
      for await (const e of events) received.push(e.n);
    })();
    await inTransaction(lite.db, async () => {
      pubsub.publish(SANDBOX, TOPIC, { n: 1 });
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(received).toEqual([]);
      await inTransaction(lite.db, () => pubsub.publish(SANDBOX, TOPIC, { n: 2 }));
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(received).toEqual([1, 2]);
    await events.return?.();
  });

  it('work the body left behind publishes at once, not into the closed transaction', async () => {
    const pubsub = new PubSub();
    const events = pubsub.subscribe(SANDBOX, TOPIC);
    let later: Promise<void> | undefined;
    await inTransaction(lite.db, () => {
      later = new Promise<void>((resolve) =>
        setTimeout(() => {
          expect(currentTransactionHooks()).toBeUndefined();
          pubsub.publish(SANDBOX, TOPIC, { n: 7 });
          resolve();
        }, 20),
      );
    });
    await later;
    expect(await collect(events, 1)).toEqual([7]);
  });

  it('hooks: beforeCommit runs inside (and its error rolls back), afterCommit only after COMMIT', async () => {
    const order: string[] = [];
    await inTransaction(lite.db, () => {
      const hooks = currentTransactionHooks()!;
      hooks.afterCommit(() => order.push(`after:${lite.sqlite.inTransaction}`));
      hooks.beforeCommit(() => void order.push(`before:${lite.sqlite.inTransaction}`));
      order.push('body');
    });
    expect(order).toEqual(['body', 'before:true', 'after:false']);
    let after = false;
    await expect(
      inTransaction(lite.db, () => {
        currentTransactionHooks()!.afterCommit(() => (after = true));
        currentTransactionHooks()!.beforeCommit(() => {
          throw new Error('refused');
        });
      }),
    ).rejects.toThrow('refused');
    expect(after).toBe(false);
    expect(currentTransactionHooks()).toBeUndefined();
  });
});

describe.skipIf(!pg.available)(pg.title('PostgreSQL: ClusterPubSub, NOTIFY inside the transaction'), () => {
  let fresh: FreshPgDatabase;
  let a: ServicePgDatabase;
  let b: ServicePgDatabase;
  let pubA: ClusterPubSub;
  let pubB: ClusterPubSub;
  const errors: BusError[] = [];

  beforeAll(async () => {
    fresh = await createFreshPgDatabase(PG_ADMIN_URL, 'wcs_txps');
    a = await openServicePg(fresh.url, { poolSize: 3 });
    b = await openServicePg(fresh.url, { poolSize: 3 });
    pubA = new ClusterPubSub({ db: a.db, url: fresh.url, onError: (e) => errors.push(e) });
    pubB = new ClusterPubSub({ db: b.db, url: fresh.url, onError: (e) => errors.push(e) });
    await pubA.start();
    await pubB.start();
    await a.db.execute(sql`CREATE TABLE tx_test (n int)`);
  });
  afterAll(async () => {
    await pubA?.close();
    await pubB?.close();
    await a?.close();
    await b?.close();
    await fresh?.drop();
  });

  it('both instances hear a committed transaction, neither a rolled-back one, and outside events too', async () => {
    const onA = pubA.subscribe(SANDBOX, TOPIC);
    const onB = pubB.subscribe(SANDBOX, TOPIC);
    await inTransaction(a.db, async (tx) => {
      pubA.publish(SANDBOX, TOPIC, { n: 1 });
      await (tx as PgTxDb).execute(sql`INSERT INTO tx_test VALUES (1)`);
      pubA.publish(SANDBOX, TOPIC, { n: 2 });
    });
    await expect(
      inTransaction(a.db, async (tx) => {
        pubA.publish(SANDBOX, TOPIC, { n: 99 });
        await (tx as PgTxDb).execute(sql`INSERT INTO tx_test VALUES (99)`);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    pubB.publish(SANDBOX, TOPIC, { n: 3 });
    expect(await collect(onA, 3)).toEqual([1, 2, 3]);
    expect(await collect(onB, 3)).toEqual([1, 2, 3]);
    expect(errors).toEqual([]);
    expect(pubA.unavailable()).toBeNull();
  });

  it('a retried attempt sends only the events of the attempt that committed', async () => {
    const onB = pubB.subscribe(SANDBOX, TOPIC);
    let attempts = 0;
    await inTransaction(a.db, async () => {
      attempts++;
      pubA.publish(SANDBOX, TOPIC, { n: 100 + attempts });
      if (attempts === 1) throw Object.assign(new Error('could not serialize access'), { code: '40001' });
    });
    expect(attempts).toBe(2);
    expect(await collect(onB, 1)).toEqual([102]);
  });

  it('a payload that is not plain JSON fails the transaction with a BusError, and nothing commits', async () => {
    await expect(
      inTransaction(a.db, async (tx) => {
        await (tx as PgTxDb).execute(sql`INSERT INTO tx_test VALUES (500)`);
        pubA.publish(SANDBOX, TOPIC, { n: new Date() as unknown as number });
      }),
    ).rejects.toBeInstanceOf(BusError);
    const { rows } = await a.db.execute(sql`SELECT count(*)::int AS n FROM tx_test WHERE n = 500`);
    expect(rows[0]).toEqual({ n: 0 });
  });
});
