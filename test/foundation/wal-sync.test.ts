import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inTransaction, openDatabase, type Database } from '../../src/platform/db.js';
import { WalSync, type WalSyncOptions } from '../../src/platform/wal-sync.js';

// The deferred disk sync shared by every group commit of a connection (inbox, processing, sends, call log).
// A writer that held its commit back while another writer's sync was in flight must be woken when that sync
// ends: the inbox once waited only for syncs of its own, and its requests hung while only sends were syncing.
// Group commits are `inTransaction(db, fn, { deferSync: true })` on a connection whose gate has the WalSync as its
// deferred-sync switch (as src/service/server.ts wires it): the gate calls enter() before BEGIN, leave() after.

const opened: Array<{ database: Database; dir: string }> = [];
afterEach(() => {
  for (const { database, dir } of opened.splice(0)) {
    database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

function walDatabase(): Database {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-walsync-'));
  const database = openDatabase(path.join(dir, 'test.sqlite'), { migrate: false });
  database.sqlite.exec('CREATE TABLE t (v INTEGER)');
  opened.push({ database, dir });
  return database;
}

/** The connection's WalSync, registered on its gate as the service does. */
function walSyncOf(database: Database, options?: WalSyncOptions): WalSync {
  const wal = new WalSync(database.sqlite, options);
  database.db.gate.deferredSync = wal;
  return wal;
}

const synchronous = (database: Database) => database.sqlite.pragma('synchronous', { simple: true });

/** A group commit: one deferred-sync transaction; resolves with the synchronous level its body ran at. */
const insert = (database: Database, v: number) =>
  inTransaction(
    database.db,
    () => {
      database.sqlite.prepare('INSERT INTO t (v) VALUES (?)').run(v);
      return synchronous(database);
    },
    { deferSync: true },
  );

describe('WalSync', () => {
  it('commits at NORMAL, restores FULL at once (also when the commit throws), and answers after the sync', async () => {
    const db = walDatabase();
    const wal = walSyncOf(db);
    expect(await insert(db, 1)).toBe(1); // NORMAL inside the transaction
    expect(synchronous(db)).toBe(2);
    await expect(
      inTransaction(
        db.db,
        () => {
          expect(synchronous(db)).toBe(1);
          throw new Error('boom');
        },
        { deferSync: true },
      ),
    ).rejects.toThrow('boom');
    expect(synchronous(db)).toBe(2);
    // An ordinary transaction on the same connection stays at FULL.
    expect(await inTransaction(db.db, () => synchronous(db))).toBe(2);
    const err = await new Promise<Error | null>((resolve) => wal.sync(resolve));
    expect(err).toBeNull();
    expect(db.sqlite.prepare('SELECT count(*) FROM t').pluck().get()).toBe(1);
  });

  it('wakes a writer waiting on the disk when a sync started by another writer ends', async () => {
    const db = walDatabase();
    // One sync at a time (a quick disk): the held-back writer is woken by the end of the sync.
    const wal = walSyncOf(db, { overlapAfterMs: Infinity });
    const order: string[] = [];
    await insert(db, 1);
    wal.sync(() => order.push('other writer synced'));
    expect(wal.busy).toBe(true);
    const woken = new Promise<void>((resolve) =>
      wal.onSyncEnd(() => {
        order.push('held-back writer woken');
        resolve();
      }),
    );
    await woken;
    expect(order).toEqual(['other writer synced', 'held-back writer woken']);
    expect(wal.busy).toBe(false);
    // With no sync in flight, the listener runs at once.
    let ranAtOnce = false;
    wal.onSyncEnd(() => (ranAtOnce = true));
    expect(ranAtOnce).toBe(true);
  });

  it('on a slow disk a second sync starts while the first is in flight; every caller is answered by a sync begun after it', async () => {
    const db = walDatabase();
    const log: string[] = [];
    let started = 0;
    // The real fdatasync, 250 ms late: a disk shared with other busy processes. The overlap (50 ms) is far above the
    // synchronous work between starting a sync and the checks below (opening the -wal file on first use, which a
    // loaded CI disk has made take more than 5 ms), and far below the slow sync.
    const slow = (fd: number, done: (err: Error | null) => void) => {
      const n = ++started;
      log.push(`sync ${n} starts`);
      setTimeout(() => fs.fdatasync(fd, (err) => (log.push(`sync ${n} ends`), done(err))), 250);
    };
    const wal = walSyncOf(db, { overlapAfterMs: 50, fdatasync: slow });
    const answered = (name: string) =>
      new Promise<Error | null>((resolve) => wal.sync((err) => (log.push(`${name} answered`), resolve(err))));
    await insert(db, 1);
    const first = answered('first');
    expect(wal.busy).toBe(true);
    await insert(db, 2);
    const second = answered('second'); // waits: the sync in flight is young
    expect(log).toEqual(['sync 1 starts']);
    const woken = new Promise<void>((resolve) => wal.onSyncEnd(resolve));
    await woken; // after overlapAfterMs, not after the 250 ms sync
    expect(log).toEqual(['sync 1 starts', 'sync 2 starts']);
    expect(wal.busy).toBe(true); // two in flight: nothing more starts
    expect(await Promise.all([first, second])).toEqual([null, null]);
    // Each caller is answered right after the sync that began after its commit ended, in commit order: the two syncs
    // may end in either order (on a busy machine sync 2 often does first), and then the second caller is answered
    // right after the first.
    expect(log.indexOf('first answered')).toBe(log.indexOf('sync 1 ends') + 1);
    expect(log.indexOf('second answered')).toBe(Math.max(log.indexOf('sync 2 ends'), log.indexOf('first answered')) + 1);
    expect(wal.busy).toBe(false);
    await wal.close();
  });

  it('answers in commit order even when a later sync ends first', async () => {
    const db = walDatabase();
    const log: string[] = [];
    const delays = [60, 5];
    let started = 0;
    const uneven = (fd: number, done: (err: Error | null) => void) => {
      const n = ++started;
      setTimeout(() => fs.fdatasync(fd, (err) => (log.push(`sync ${n} ends`), done(err))), delays[n - 1] ?? 0);
    };
    const wal = walSyncOf(db, { overlapAfterMs: 5, fdatasync: uneven });
    const answered = (name: string) =>
      new Promise<Error | null>((resolve) => wal.sync((err) => (log.push(`${name} answered`), resolve(err))));
    await insert(db, 1);
    const first = answered('first');
    await insert(db, 2);
    const second = answered('second');
    expect(await Promise.all([first, second])).toEqual([null, null]);
    expect(log).toEqual(['sync 2 ends', 'sync 1 ends', 'first answered', 'second answered']);
    await wal.close();
  });

  it('close waits for the sync in flight; afterwards commits stay FULL and sync answers at once', async () => {
    const db = walDatabase();
    const wal = walSyncOf(db);
    expect(await insert(db, 1)).toBe(1);
    let synced = false;
    wal.sync(() => (synced = true));
    await wal.close();
    expect(synced).toBe(true);
    expect(await insert(db, 2)).toBe(2); // FULL inside the transaction: the switch is off once closed
    expect(synchronous(db)).toBe(2);
    let answered = false;
    wal.sync(() => (answered = true));
    expect(answered).toBe(true);
  });
});
