import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { WalSync } from '../../src/platform/wal-sync.js';

// The deferred disk sync shared by every group commit of a connection (inbox, processing, sends, call log).
// A writer that held its commit back while another writer's sync was in flight must be woken when that sync
// ends: the inbox once waited only for syncs of its own, and its requests hung while only sends were syncing.

const opened: Array<{ db: Sqlite.Database; dir: string }> = [];
afterEach(() => {
  for (const { db, dir } of opened.splice(0)) {
    if (db.open) db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

function walDatabase(): Sqlite.Database {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-walsync-'));
  const db = new Sqlite(path.join(dir, 'test.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE t (v INTEGER)');
  opened.push({ db, dir });
  return db;
}

const insert = (db: Sqlite.Database, v: number) => db.prepare('INSERT INTO t (v) VALUES (?)').run(v);
const synchronous = (db: Sqlite.Database) => db.pragma('synchronous', { simple: true });

describe('WalSync', () => {
  it('commits at NORMAL, restores FULL at once (also when the commit throws), and answers after the sync', async () => {
    const db = walDatabase();
    const wal = new WalSync(db);
    wal.commitDeferred(() => insert(db, 1));
    expect(synchronous(db)).toBe(2);
    expect(() =>
      wal.commitDeferred(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(synchronous(db)).toBe(2);
    const err = await new Promise<Error | null>((resolve) => wal.sync(resolve));
    expect(err).toBeNull();
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(1);
  });

  it('wakes a writer waiting on the disk when a sync started by another writer ends', async () => {
    const db = walDatabase();
    // One sync at a time (a quick disk): the held-back writer is woken by the end of the sync.
    const wal = new WalSync(db, { overlapAfterMs: Infinity });
    const order: string[] = [];
    wal.commitDeferred(() => insert(db, 1));
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
    // The real fdatasync, 40 ms late: a disk shared with other busy processes.
    const slow = (fd: number, done: (err: Error | null) => void) => {
      const n = ++started;
      log.push(`sync ${n} starts`);
      setTimeout(() => fs.fdatasync(fd, (err) => (log.push(`sync ${n} ends`), done(err))), 40);
    };
    const wal = new WalSync(db, { overlapAfterMs: 5, fdatasync: slow });
    const answered = (name: string) =>
      new Promise<Error | null>((resolve) => wal.sync((err) => (log.push(`${name} answered`), resolve(err))));
    wal.commitDeferred(() => insert(db, 1));
    const first = answered('first');
    expect(wal.busy).toBe(true);
    wal.commitDeferred(() => insert(db, 2));
    const second = answered('second'); // waits: the sync in flight is young
    expect(log).toEqual(['sync 1 starts']);
    const woken = new Promise<void>((resolve) => wal.onSyncEnd(resolve));
    await woken; // after overlapAfterMs, not after the 40 ms sync
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
    const wal = new WalSync(db, { overlapAfterMs: 5, fdatasync: uneven });
    const answered = (name: string) =>
      new Promise<Error | null>((resolve) => wal.sync((err) => (log.push(`${name} answered`), resolve(err))));
    wal.commitDeferred(() => insert(db, 1));
    const first = answered('first');
    wal.commitDeferred(() => insert(db, 2));
    const second = answered('second');
    expect(await Promise.all([first, second])).toEqual([null, null]);
    expect(log).toEqual(['sync 2 ends', 'sync 1 ends', 'first answered', 'second answered']);
    await wal.close();
  });

  it('close waits for the sync in flight; afterwards commits stay FULL and sync answers at once', async () => {
    const db = walDatabase();
    const wal = new WalSync(db);
    wal.commitDeferred(() => insert(db, 1));
    let synced = false;
    wal.sync(() => (synced = true));
    await wal.close();
    expect(synced).toBe(true);
    wal.commitDeferred(() => insert(db, 2));
    expect(synchronous(db)).toBe(2);
    let answered = false;
    wal.sync(() => (answered = true));
    expect(answered).toBe(true);
  });
});
