import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inTransaction, openDatabase, type Database, type SqliteTx } from '../../src/platform/db.js';
import { ApiKeyAuthenticator, authenticate, bootstrapIfEmpty, createApiKey, hashApiKey } from '../../src/platform/tenancy/service.js';
// The SQLite store itself: prepared statements are the SQLite backend's.
import * as tenancy from '../../src/platform/tenancy/store.sqlite.js';

// Issue 17: a connection's prepared statements are an explicit helper created by openDatabase and carried by the
// database handle and its transaction handles (db.statements, tx.statements), not a registry keyed through drizzle's
// private fields. Two databases in one process (two services in a test) never answer from each other's statements.

const opened: Array<{ database: Database; dir: string }> = [];
afterEach(() => {
  for (const { database, dir } of opened.splice(0)) {
    database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

function open(): Database {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-statements-'));
  const database = openDatabase(path.join(dir, 'wcs.sqlite'));
  opened.push({ database, dir });
  return database;
}

describe('prepared statements per connection (platform/prepared.ts)', () => {
  it('two databases in one process each run their own statements', async () => {
    const a = open();
    const b = open();
    const keyA = (await bootstrapIfEmpty(a.db, []))!.key;
    const keyB = (await bootstrapIfEmpty(b.db, []))!.key;
    expect(a.db.statements).not.toBe(b.db.statements);
    // The same named statement, prepared on each connection: A's key is unknown to B and the reverse.
    expect(await authenticate(a.db, `Bearer ${keyA}`)).not.toBeNull();
    expect(await authenticate(b.db, `Bearer ${keyA}`)).toBeNull();
    expect(await authenticate(b.db, `Bearer ${keyB}`)).not.toBeNull();
    expect(await authenticate(a.db, `Bearer ${keyB}`)).toBeNull();
  });

  it('a transaction handle carries its database statements and sees its own uncommitted rows through them', async () => {
    const { db } = open();
    const boot = (await bootstrapIfEmpty(db, []))!;
    expect(tenancy.findActiveKeyByHash(db, hashApiKey(boot.key))).toBeDefined(); // prepared on the database
    const prepared = db.statements.size;
    const seenInside = await inTransaction(db, (handle) => {
      const tx = handle as SqliteTx;
      expect(tx.statements).toBe(db.statements);
      tenancy.revokeApiKey(tx, boot.record.id, new Date());
      return tenancy.findActiveKeyByHash(tx, hashApiKey(boot.key));
    });
    expect(seenInside).toBeUndefined(); // the revocation, not yet committed, was visible to the cached statement
    expect(db.statements.size).toBe(prepared); // nothing prepared again inside the transaction
    expect(await authenticate(db, `Bearer ${boot.key}`)).toBeNull();
  });

  it('repeated lookups prepare nothing new', async () => {
    const { db } = open();
    const { key } = (await bootstrapIfEmpty(db, []))!;
    await authenticate(db, `Bearer ${key}`);
    const prepared = db.statements.size;
    for (let i = 0; i < 5; i++) expect((await authenticate(db, `Bearer ${key}`))?.role).toBe('ADMIN');
    expect(db.statements.size).toBe(prepared);
  });
});

describe('API key last-used time (ApiKeyAuthenticator)', () => {
  const lastUsed = (database: Database, prefix: string) =>
    (database.sqlite.prepare('SELECT last_used_at AS at FROM api_keys WHERE prefix = ?').get(prefix) as { at: number | null }).at;
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

  it('reading a viewer writes nothing; the service authenticator writes once a minute per key, after the request', async () => {
    const database = open();
    const { db } = database;
    const boot = (await bootstrapIfEmpty(db, []))!;
    const other = await createApiKey(db, { organization: boot.organization.name, sandbox: boot.sandbox.name, role: 'VIEWER' });
    expect((await authenticate(db, `Bearer ${boot.key}`))?.apiKeyId).toBe(boot.record.id);
    await nextTurn();
    expect(lastUsed(database, boot.record.prefix)).toBeNull();

    const auth = new ApiKeyAuthenticator(db);
    const t0 = new Date('2026-01-01T10:00:00Z');
    expect((await auth.authenticate(`Bearer ${boot.key}`, t0))?.apiKeyId).toBe(boot.record.id);
    expect(lastUsed(database, boot.record.prefix)).toBeNull(); // not on the request path
    await nextTurn();
    expect(lastUsed(database, boot.record.prefix)).toBe(t0.getTime());
    await auth.authenticate(`Bearer ${boot.key}`, new Date(t0.getTime() + 30_000));
    await auth.authenticate(`Bearer ${other.key}`, new Date(t0.getTime() + 30_000));
    await nextTurn();
    expect(lastUsed(database, boot.record.prefix)).toBe(t0.getTime()); // within the minute: not again
    expect(lastUsed(database, other.record.prefix)).toBe(t0.getTime() + 30_000); // another key has its own minute
    await auth.authenticate(`Bearer ${boot.key}`, new Date(t0.getTime() + 61_000));
    await nextTurn();
    expect(lastUsed(database, boot.record.prefix)).toBe(t0.getTime() + 61_000);
    expect(await auth.authenticate('Bearer wcs_unknown_key', t0)).toBeNull();
  });
});
