import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pgDriver from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/platform/db.js';
import { openPg, type PgDatabase } from '../../src/platform/pg/database.js';
import { sqlState } from '../../src/platform/pg/errors.js';
import { createFreshPgDatabase, type FreshPgDatabase } from '../../src/platform/pg/fresh-database.js';
import type { PgRootDb } from '../../src/platform/pg/handle.js';
import { rotateSecrets, secretKeyUsage, type SecretColumn } from '../../src/platform/secret-rotation.js';
import { SecretBox, generateKey } from '../../src/platform/secrets.js';
import { PG_ADMIN_URL, pg } from '../helpers/pg.js';

/**
 * Secret rotation on both backends: one transaction that moves every value to the new key or none, the check that
 * no old key remains runs inside it, and on PostgreSQL the secret tables are locked so no write under the old key
 * can land while it runs.
 */

const COLUMNS: SecretColumn[] = [
  { table: 'vault', idColumn: 'id', column: 'secret_enc' },
  { table: 'vault', idColumn: 'id', column: 'other_enc' },
];
const aad = (column: string, rowId: string) => ({ table: 'vault', column, rowId });

interface Backend {
  db: Db;
  exec(text: string): Promise<void>;
  insert(id: string, secret: string | null, other: string | null): Promise<void>;
  values(): Promise<Array<{ id: string; secret_enc: string | null; other_enc: string | null }>>;
}

async function fill(backend: Backend, box: SecretBox, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const id = `r${i}`;
    await backend.insert(
      id,
      box.encrypt(`value-${i}`, aad('secret_enc', id)),
      i % 2 ? box.encrypt(`other-${i}`, aad('other_enc', id)) : null,
    );
  }
  await backend.insert('empty', null, null);
}

interface ContractState {
  backend: Backend;
  /** The key every stored value is under now. */
  key: SecretBox;
  rotated(to: SecretBox): void;
}

function contract(name: string, open: () => Promise<Backend>, extra?: (state: () => ContractState) => void) {
  describe(name, () => {
    let backend: Backend;
    const oldBox = SecretBox.fromBase64(generateKey());
    let key = oldBox;
    beforeAll(async () => {
      backend = await open();
      await backend.exec('CREATE TABLE vault (id TEXT PRIMARY KEY, secret_enc TEXT, other_enc TEXT)');
      await fill(backend, oldBox, 20);
    });

    it('refuses a column name it would have to splice into SQL unchecked', async () => {
      const bad = [{ table: 'vault; DROP TABLE vault', idColumn: 'id', column: 'secret_enc' }];
      await expect(rotateSecrets(backend.db, bad, oldBox, oldBox)).rejects.toThrow(/bad secret column/);
      await expect(secretKeyUsage(backend.db, bad)).rejects.toThrow(/bad secret column/);
    });

    it('a failed check inside the transaction rolls the whole rotation back', async () => {
      const before = await backend.values();
      const next = SecretBox.fromBase64(generateKey());
      const seen: Array<Record<string, number>> = [];
      const rotation = rotateSecrets(backend.db, COLUMNS, oldBox, next, {
        verify: (usage) => {
          seen.push(usage);
          throw new Error('refused');
        },
      });
      await expect(rotation).rejects.toThrow('refused');
      // The check saw the rotated state (inside the transaction), and none of it was kept.
      expect(seen).toEqual([{ [next.currentKid]: 30 }]);
      expect(await backend.values()).toEqual(before);
      expect(await secretKeyUsage(backend.db, COLUMNS)).toEqual({ [oldBox.currentKid]: 30 });
    });

    it('moves every value to the new key, which alone then decrypts them', async () => {
      const next = SecretBox.fromBase64(generateKey());
      expect(await rotateSecrets(backend.db, COLUMNS, oldBox, next, { verify: () => undefined })).toBe(30);
      key = next;
      expect(await secretKeyUsage(backend.db, COLUMNS)).toEqual({ [next.currentKid]: 30 });
      for (const row of await backend.values()) {
        if (row.id === 'empty') {
          expect([row.secret_enc, row.other_enc]).toEqual([null, null]);
          continue;
        }
        const i = row.id.slice(1);
        expect(next.decrypt(row.secret_enc!, aad('secret_enc', row.id))).toBe(`value-${i}`);
        if (row.other_enc) expect(next.decrypt(row.other_enc, aad('other_enc', row.id))).toBe(`other-${i}`);
        expect(() => oldBox.decrypt(row.secret_enc!, aad('secret_enc', row.id))).toThrow();
      }
    });

    extra?.(() => ({
      backend,
      key,
      rotated: (to) => {
        key = to;
      },
    }));
  });
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-rotate-'));
const closers: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
  fs.rmSync(dir, { recursive: true, force: true });
});

contract('secret rotation on SQLite', async () => {
  const database = openDatabase(path.join(dir, 'rotate.sqlite'), { migrate: false });
  closers.push(() => database.close());
  return {
    db: database.db,
    exec: async (text) => void database.sqlite.exec(text),
    insert: async (id, secret, other) => void database.sqlite.prepare('INSERT INTO vault VALUES (?, ?, ?)').run(id, secret, other),
    values: async () =>
      database.sqlite.prepare('SELECT id, secret_enc, other_enc FROM vault ORDER BY id').all() as Awaited<ReturnType<Backend['values']>>,
  };
});

describe.skipIf(!pg.available)(pg.title('on a real PostgreSQL server'), () => {
  let fresh: FreshPgDatabase;
  let pgdb: PgDatabase<Record<string, never>>;

  contract(
    'secret rotation on PostgreSQL',
    async () => {
      fresh = await createFreshPgDatabase(PG_ADMIN_URL);
      pgdb = await openPg(fresh.url, { schema: {} });
      closers.push(() => fresh.drop());
      closers.push(() => pgdb.close());
      return {
        db: Object.assign(pgdb.db, { backend: 'pg' as const, role: 'root' as const }) as PgRootDb,
        exec: async (text) => void (await pgdb.pool.query(text)),
        insert: async (id, secret, other) => void (await pgdb.pool.query('INSERT INTO vault VALUES ($1, $2, $3)', [id, secret, other])),
        values: async () => (await pgdb.pool.query('SELECT id, secret_enc, other_enc FROM vault ORDER BY id')).rows,
      };
    },
    (state) => {
      it('locks the secret tables for the whole rotation: a write under the old key cannot land while it runs', async () => {
        const { backend, key } = state();
        const outsider = new pgDriver.Client({ connectionString: fresh.url });
        await outsider.connect();
        try {
          // Without the lock this insert would commit at once, under a key the operator is about to retire.
          await outsider.query("SET lock_timeout = '300ms'");
          const attempts: Array<string | undefined> = [];
          const next = SecretBox.fromBase64(generateKey());
          await rotateSecrets(backend.db, COLUMNS, key, next, {
            verify: async () => {
              const late = key.encrypt('late', aad('secret_enc', 'late'));
              const err = await outsider.query('INSERT INTO vault VALUES ($1, $2, NULL)', ['late', late]).then(
                () => undefined,
                (e: unknown) => e,
              );
              attempts.push(sqlState(err));
            },
          });
          state().rotated(next);
          expect(attempts).toEqual(['55P03']); // lock_not_available: it waited for the rotation's lock
          expect(await secretKeyUsage(backend.db, COLUMNS)).toEqual({ [next.currentKid]: 30 });
        } finally {
          await outsider.end();
        }
      });
    },
  );
});
