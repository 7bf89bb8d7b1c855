import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inTransaction, openDatabase, type Database, type Tx } from '../../src/platform/db.js';
import { openPg, type PgDatabase } from '../../src/platform/pg/database.js';
import { createFreshPgDatabase, type FreshPgDatabase } from '../../src/platform/pg/fresh-database.js';
import type { PgRootDb } from '../../src/platform/pg/handle.js';
import { migratePg } from '../../src/platform/pg/migrate.js';
import * as pgTenancy from '../../src/platform/tenancy/tables.pg.js';
import * as sqliteTenancy from '../../src/platform/tenancy/tables.js';
import { store } from '../../src/settings/store.js';
import { PG_ADMIN_URL, pg } from '../helpers/pg.js';

/**
 * The async transaction contract of platform/db.ts on real databases, through a slice's dialect store (settings):
 * on SQLite the connection's gate (one transaction at a time, outsiders wait for the commit, the transaction's own
 * async scope passes, nesting is a savepoint, store.now only when nobody else holds a transaction); on PostgreSQL the
 * ambient transaction (a root-handle store call inside inTransaction runs in it) and savepoints; and the dispatch of
 * one store function to the backend of the handle it is given. Holds of a few ms only create overlap: the assertions
 * are about order and values, never durations.
 */

const T0 = new Date('2024-05-01T10:00:00.000Z');
const SANDBOXES = ['SB1', 'SB2', 'SB3'];
const row = (sandboxId: string, field: string) => ({ sandboxId, whatsAppExecutionField: field, updatedAt: T0 });
const hold = (ms = 50) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const fieldOf = async (found: Promise<{ whatsAppExecutionField: string } | undefined>) => (await found)?.whatsAppExecutionField;

/** Fails fast instead of at the 30 s test timeout when a call never settles (a gate that deadlocks). */
function settles<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} never settled`)), 3_000)));
  return Promise.race([promise, stuck]).finally(() => clearTimeout(timer));
}

function seedSqlite(lite: Database): void {
  lite.db.insert(sqliteTenancy.organizations).values({ id: 'ORG1', name: 'acme', createdAt: T0 }).run();
  lite.db
    .insert(sqliteTenancy.sandboxes)
    .values(SANDBOXES.map((id) => ({ id, organizationId: 'ORG1', name: id, createdAt: T0 })))
    .run();
}

describe('SQLite: async transactions behind the connection gate', () => {
  let dir: string;
  let lite: Database;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-async-tx-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  beforeEach((ctx) => {
    lite = openDatabase(path.join(dir, `${ctx.task.id}.sqlite`));
    seedSqlite(lite);
  });
  afterEach(() => lite.close());

  it('transactions started together never interleave, and each sees only its own writes', async () => {
    const { db } = lite;
    const log: string[] = [];
    const run = (name: string) =>
      inTransaction(db, async (tx) => {
        log.push(`${name}:enter`);
        for (const sandboxId of SANDBOXES) {
          await store.upsertGeneralSettings(tx, row(sandboxId, name));
          await hold(5);
          // Through the root handle too: from the transaction's own scope it runs on the transaction.
          expect(await fieldOf(store.findGeneralSettings(db, sandboxId))).toBe(name);
          log.push(`${name}:${sandboxId}`);
        }
        log.push(`${name}:exit`);
        return name;
      });
    expect(await settles(Promise.all([run('A'), run('B'), run('C')]), 'three transactions')).toEqual(['A', 'B', 'C']);

    const steps = (name: string) => [`${name}:enter`, ...SANDBOXES.map((s) => `${name}:${s}`), `${name}:exit`];
    // Strictly one after the other, in the order they asked (the gate is first come, first served here).
    expect(log).toEqual([...steps('A'), ...steps('B'), ...steps('C')]);
    for (const sandboxId of SANDBOXES) expect(await fieldOf(store.findGeneralSettings(db, sandboxId))).toBe('C');
  });

  it('an outside root-handle read waits for the commit and sees the committed value', async () => {
    const { db } = lite;
    await store.upsertGeneralSettings(db, row('SB1', 'old'));
    const log: string[] = [];
    const tx = inTransaction(db, async (t) => {
      await store.upsertGeneralSettings(t, row('SB1', 'new'));
      await hold();
      log.push('body done');
    });
    // inTransaction ran its body up to the first hold synchronously: the write is made, the transaction open.
    expect(lite.sqlite.inTransaction).toBe(true);
    const read = store.findGeneralSettings(db, 'SB1').then((found) => {
      log.push('outside read');
      // Synchronous better-sqlite3 work cannot straddle a commit: no transaction is open when the read answers.
      expect(lite.sqlite.inTransaction).toBe(false);
      return found?.whatsAppExecutionField;
    });
    await settles(tx, 'transaction');
    expect(await settles(read, 'outside read')).toBe('new');
    expect(log).toEqual(['body done', 'outside read']);
  });

  it('an outside read during a transaction that rolls back sees the old value; an outside write is not rolled back with it', async () => {
    const { db } = lite;
    await store.upsertGeneralSettings(db, row('SB1', 'old'));
    const log: string[] = [];
    const tx = inTransaction(db, async (t) => {
      await store.upsertGeneralSettings(t, row('SB1', 'doomed'));
      await hold();
      log.push('body throws');
      throw new Error('refused');
    });
    const read = store.findGeneralSettings(db, 'SB1').then((found) => {
      log.push('outside read');
      return found?.whatsAppExecutionField;
    });
    const write = store.upsertGeneralSettings(db, row('SB2', 'outside')).then(() => log.push('outside write'));
    await expect(settles(tx, 'transaction')).rejects.toThrow('refused');
    expect(await settles(read, 'outside read')).toBe('old');
    await settles(write, 'outside write');
    expect(log).toEqual(['body throws', 'outside read', 'outside write']);
    expect(await fieldOf(store.findGeneralSettings(db, 'SB1'))).toBe('old');
    expect(await fieldOf(store.findGeneralSettings(db, 'SB2'))).toBe('outside');
  });

  it('a root-handle call from inside the transaction scope runs at once and sees the uncommitted write', async () => {
    const { db } = lite;
    await store.upsertGeneralSettings(db, row('SB1', 'old'));
    const seen = await settles(
      inTransaction(db, async (tx) => {
        await store.upsertGeneralSettings(tx, row('SB1', 'uncommitted'));
        const direct = await fieldOf(store.findGeneralSettings(db, 'SB1'));
        // Still the transaction's scope after a timer: AsyncLocalStorage follows the body's awaits.
        await hold(5);
        await store.upsertGeneralSettings(db, row('SB2', 'via root'));
        const afterTimer = await fieldOf(store.findGeneralSettings(tx, 'SB2'));
        return { direct, afterTimer, open: lite.sqlite.inTransaction };
      }),
      'transaction calling the root handle',
    );
    expect(seen).toEqual({ direct: 'uncommitted', afterTimer: 'via root', open: true });
    expect(await fieldOf(store.findGeneralSettings(db, 'SB2'))).toBe('via root');
  });

  it('a nested transaction is a savepoint: an inner throw rolls back only the inner writes', async () => {
    const { db } = lite;
    await store.upsertGeneralSettings(db, row('SB1', 'old'));
    await settles(
      inTransaction(db, async (tx) => {
        await store.upsertGeneralSettings(tx, row('SB1', 'outer'));
        // Nested on the transaction handle, rolled back.
        await expect(
          inTransaction(tx, async (inner: Tx) => {
            await store.upsertGeneralSettings(inner, row('SB1', 'inner'));
            await store.upsertGeneralSettings(inner, row('SB2', 'inner'));
            await hold(5);
            throw new Error('inner refused');
          }),
        ).rejects.toThrow('inner refused');
        expect(lite.sqlite.inTransaction).toBe(true);
        expect(await fieldOf(store.findGeneralSettings(tx, 'SB1'))).toBe('outer');
        expect(await store.findGeneralSettings(tx, 'SB2')).toBeUndefined();
        // Nested on the root handle from the transaction's scope: a savepoint too (not a wait for itself), kept.
        await inTransaction(db, async (inner) => {
          await store.upsertGeneralSettings(inner, row('SB3', 'inner kept'));
        });
        // A savepoint rolled back inside a kept one.
        await inTransaction(db, async () => {
          await store.upsertGeneralSettings(db, row('SB2', 'kept'));
          await inTransaction(db, async () => {
            await store.upsertGeneralSettings(db, row('SB2', 'deepest'));
            throw new Error('deepest refused');
          }).catch(() => undefined);
        });
      }),
      'nested transactions',
    );
    expect(lite.sqlite.inTransaction).toBe(false);
    expect(await fieldOf(store.findGeneralSettings(db, 'SB1'))).toBe('outer');
    expect(await fieldOf(store.findGeneralSettings(db, 'SB2'))).toBe('kept');
    expect(await fieldOf(store.findGeneralSettings(db, 'SB3'))).toBe('inner kept');
  });

  it('store.now: the sync store when no transaction is open or from inside it, undefined to outsiders meanwhile', async () => {
    const { db } = lite;
    await store.upsertGeneralSettings(db, row('SB1', 'old'));
    const idle = store.now(db);
    expect(idle).toBeDefined();
    // Synchronous: a value, not a promise.
    expect(idle?.findGeneralSettings(db, 'SB1')?.whatsAppExecutionField).toBe('old');

    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let inside: string | undefined;
    const tx = inTransaction(db, async (t) => {
      await store.upsertGeneralSettings(t, row('SB1', 'uncommitted'));
      await released;
      inside = store.now(db)?.findGeneralSettings(db, 'SB1')?.whatsAppExecutionField;
    });
    expect(store.now(db)).toBeUndefined();
    expect(store.now(lite.db)).toBeUndefined();
    await hold(5);
    expect(store.now(db)).toBeUndefined();
    release();
    await settles(tx, 'transaction');
    expect(inside).toBe('uncommitted');
    expect(store.now(db)?.findGeneralSettings(db, 'SB1')?.whatsAppExecutionField).toBe('uncommitted');
  });

  it('a body that throws (asynchronously, synchronously, or in SQL) leaves no transaction open, and the next one works', async () => {
    const { db } = lite;
    await store.upsertGeneralSettings(db, row('SB1', 'old'));
    const failures: Array<(tx: Tx) => Promise<unknown> | unknown> = [
      async (tx) => {
        await store.upsertGeneralSettings(tx, row('SB1', 'async throw'));
        throw new Error('async throw');
      },
      (tx) => {
        void store.upsertGeneralSettings(tx, row('SB1', 'sync throw'));
        throw new Error('sync throw');
      },
      async (tx) => {
        await store.upsertGeneralSettings(tx, row('SB1', 'sql error'));
        // No such sandbox: the foreign key refuses the row.
        await store.upsertGeneralSettings(tx, row('nope', 'sql error'));
      },
    ];
    for (const body of failures) {
      await expect(settles(inTransaction(db, body), 'failing transaction')).rejects.toThrow();
      expect(lite.sqlite.inTransaction).toBe(false);
      expect(store.now(db)).toBeDefined();
      expect(await fieldOf(store.findGeneralSettings(db, 'SB1'))).toBe('old');
    }
    await settles(
      inTransaction(db, async (tx) => {
        await store.upsertGeneralSettings(tx, row('SB1', 'next'));
      }),
      'next transaction',
    );
    expect(lite.sqlite.inTransaction).toBe(false);
    expect(await fieldOf(store.findGeneralSettings(db, 'SB1'))).toBe('next');
  });

  it('work scheduled from a committed transaction is outside the next one: it waits for it like any outsider', async () => {
    const { db } = lite;
    await store.upsertGeneralSettings(db, row('SB1', 'old'));
    let otherOpen!: () => void;
    const otherIsOpen = new Promise<void>((resolve) => (otherOpen = resolve));
    let later!: Promise<string | undefined>;
    await inTransaction(db, async () => {
      // Fire-and-forget work (a .then, setImmediate, a timer: pubsub delivery, the job queue's wake-up) keeps this
      // body's async context, but runs after the commit: here, while another transaction is open.
      later = otherIsOpen.then(() => fieldOf(store.findGeneralSettings(db, 'SB1')));
    });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const other = inTransaction(db, async (tx) => {
      await store.upsertGeneralSettings(tx, row('SB1', 'uncommitted, then rolled back'));
      otherOpen();
      await released;
      throw new Error('rolled back');
    });
    await otherIsOpen;
    await hold(5);
    release();
    await expect(settles(other, 'other transaction')).rejects.toThrow('rolled back');
    // An outsider to the open transaction: it waits for its end and never sees its rolled-back row.
    expect(await settles(later, 'read scheduled from the committed transaction')).toBe('old');
  });
});

describe.skipIf(!pg.available)(pg.title('PostgreSQL: the ambient transaction, savepoints, and dispatch by handle'), () => {
  let fresh: FreshPgDatabase;
  let opened: PgDatabase<Record<string, never>>;
  let pgRoot: PgRootDb;
  let dir: string;
  let lite: Database;

  beforeAll(async () => {
    fresh = await createFreshPgDatabase(PG_ADMIN_URL);
    opened = await openPg(fresh.url, { schema: {} as Record<string, never>, poolSize: 3 });
    await migratePg(opened.pool);
    // Tagged as the composition tags it (`backend`, not drizzle's own internal `dialect`).
    pgRoot = Object.assign(opened.db, { backend: 'pg' as const, role: 'root' as const, $client: opened.pool });
    await pgRoot.insert(pgTenancy.organizations).values({ id: 'ORG1', name: 'acme', createdAt: T0 });
    await pgRoot.insert(pgTenancy.sandboxes).values(SANDBOXES.map((id) => ({ id, organizationId: 'ORG1', name: id, createdAt: T0 })));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-async-tx-pg-'));
    lite = openDatabase(path.join(dir, 'wcs.sqlite'));
    seedSqlite(lite);
  });
  afterAll(async () => {
    lite?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    await opened?.close();
    await fresh?.drop();
  });

  it('a root-handle store call inside inTransaction runs in that transaction, and rolls back with it', async () => {
    await store.upsertGeneralSettings(pgRoot, row('SB1', 'old'));
    const seen = await settles(
      inTransaction(pgRoot, async (tx) => {
        await store.upsertGeneralSettings(pgRoot, row('SB1', 'uncommitted'));
        const viaTx = await fieldOf(store.findGeneralSettings(tx, 'SB1'));
        const viaRoot = await fieldOf(store.findGeneralSettings(pgRoot, 'SB1'));
        return { viaTx, viaRoot };
      }),
      'pg transaction',
    );
    expect(seen).toEqual({ viaTx: 'uncommitted', viaRoot: 'uncommitted' });
    expect(await fieldOf(store.findGeneralSettings(pgRoot, 'SB1'))).toBe('uncommitted');

    await store.upsertGeneralSettings(pgRoot, row('SB1', 'old'));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const doomed = inTransaction(pgRoot, async () => {
      await store.upsertGeneralSettings(pgRoot, row('SB1', 'doomed'));
      await store.upsertGeneralSettings(pgRoot, row('SB2', 'doomed'));
      await released;
      throw new Error('refused');
    });
    await hold(20);
    // From this test's own scope (outside the transaction) the pool answers with the committed rows.
    expect(await fieldOf(store.findGeneralSettings(pgRoot, 'SB1'))).toBe('old');
    release();
    await expect(settles(doomed, 'pg transaction')).rejects.toThrow('refused');
    expect(await fieldOf(store.findGeneralSettings(pgRoot, 'SB1'))).toBe('old');
    expect(await store.findGeneralSettings(pgRoot, 'SB2')).toBeUndefined();
  });

  it('a nested inTransaction is a savepoint: an inner throw rolls back only the inner writes', async () => {
    await store.upsertGeneralSettings(pgRoot, row('SB1', 'old'));
    await settles(
      inTransaction(pgRoot, async (tx) => {
        await store.upsertGeneralSettings(tx, row('SB1', 'outer'));
        await expect(
          inTransaction(tx, async (inner) => {
            await store.upsertGeneralSettings(inner, row('SB1', 'inner'));
            await store.upsertGeneralSettings(inner, row('SB3', 'inner'));
            throw new Error('inner refused');
          }),
        ).rejects.toThrow('inner refused');
        expect(await fieldOf(store.findGeneralSettings(pgRoot, 'SB1'))).toBe('outer');
        // The root handle from the transaction's scope nests too, and its root-handle calls land in the savepoint.
        await expect(
          inTransaction(pgRoot, async () => {
            await store.upsertGeneralSettings(pgRoot, row('SB1', 'inner via root'));
            throw new Error('inner via root refused');
          }),
        ).rejects.toThrow('inner via root refused');
        await inTransaction(pgRoot, async (inner) => {
          await store.upsertGeneralSettings(inner, row('SB2', 'inner kept'));
        });
        expect(await fieldOf(store.findGeneralSettings(tx, 'SB1'))).toBe('outer');
      }),
      'nested pg transactions',
    );
    expect(await fieldOf(store.findGeneralSettings(pgRoot, 'SB1'))).toBe('outer');
    expect(await fieldOf(store.findGeneralSettings(pgRoot, 'SB2'))).toBe('inner kept');
    expect(await store.findGeneralSettings(pgRoot, 'SB3')).toBeUndefined();
  });

  it('work scheduled from a committed transaction writes through the pool, not into the connection it used', async () => {
    await store.upsertGeneralSettings(pgRoot, row('SB1', 'old'));
    let otherOpen!: () => void;
    const otherIsOpen = new Promise<void>((resolve) => (otherOpen = resolve));
    let later!: Promise<void>;
    await inTransaction(pgRoot, async (tx) => {
      await store.findGeneralSettings(tx, 'SB1');
      // Keeps this body's async context (pgScope) but runs after the commit gave the client back to the pool.
      later = otherIsOpen.then(() => store.upsertGeneralSettings(pgRoot, row('SB1', 'written after the commit')));
    });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    // node-postgres's pool hands out the client released last: this transaction runs on the one above used.
    const other = inTransaction(pgRoot, async (tx) => {
      await store.findGeneralSettings(tx, 'SB2');
      otherOpen();
      await released;
      throw new Error('rolled back');
    });
    await settles(later, 'write scheduled from the committed transaction');
    release();
    await expect(settles(other, 'other transaction')).rejects.toThrow('rolled back');
    // The write was acknowledged: it must not have joined (and been rolled back with) another transaction.
    expect(await fieldOf(store.findGeneralSettings(pgRoot, 'SB1'))).toBe('written after the commit');
  });

  it('one store function dispatches to the backend of the handle it is given', async () => {
    const action = (id: string, key: string) => ({
      id,
      sandboxId: 'SB1',
      key,
      name: key,
      description: null,
      consentPolicy: null,
      createdAt: T0,
    });
    await store.insertMarketingAction(lite.db, action('MA-LITE', 'only-in-sqlite'));
    await store.insertMarketingAction(pgRoot, action('MA-PG', 'only-in-pg'));
    expect((await store.listMarketingActions(lite.db, 'SB1')).map((a) => a.id)).toEqual(['MA-LITE']);
    expect((await store.listMarketingActions(pgRoot, 'SB1')).map((a) => a.id)).toEqual(['MA-PG']);
    expect(await store.findMarketingActionByKey(pgRoot, 'SB1', 'only-in-sqlite')).toBeUndefined();
    expect(await store.findMarketingActionByKey(lite.db, 'SB1', 'only-in-pg')).toBeUndefined();
    // PostgreSQL has no synchronous path.
    expect(store.now(pgRoot)).toBeUndefined();
    expect(store.now(lite.db)).toBeDefined();
  });
});
