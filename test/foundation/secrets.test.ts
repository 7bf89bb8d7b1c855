import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/platform/db.js';
import { rotateSecrets, secretKeyUsage } from '../../src/platform/secret-rotation.js';
import { SecretBox, SecretDecryptionError, generateKey, last4, loadSecretBox } from '../../src/platform/secrets.js';

const aad = { table: 'things', column: 'secret_enc', rowId: 'row-1' };

describe('secrets at rest (AES-256-GCM with key ids)', () => {
  const box = SecretBox.fromBase64(generateKey());

  it('round-trips unicode and empty values, with a fresh IV each time', () => {
    for (const value of ['', 'EAAB-token-123', 'Olá ünïcödé 😀', 'x'.repeat(4096)]) {
      const a = box.encrypt(value, aad);
      const b = box.encrypt(value, aad);
      expect(a).not.toBe(b);
      expect(a).not.toContain(value || '\u0000');
      expect(box.decrypt(a, aad)).toBe(value);
    }
  });

  it('refuses a ciphertext moved to another row, column or table', () => {
    const stored = box.encrypt('secret', aad);
    expect(() => box.decrypt(stored, { ...aad, rowId: 'row-2' })).toThrow(SecretDecryptionError);
    expect(() => box.decrypt(stored, { ...aad, column: 'other_enc' })).toThrow(SecretDecryptionError);
    expect(() => box.decrypt(stored, { ...aad, table: 'others' })).toThrow(SecretDecryptionError);
  });

  it('refuses tampering and truncated tags', () => {
    const stored = box.encrypt('secret', aad);
    const parts = stored.split('.');
    const flip = (s: string) => {
      const buf = Buffer.from(s, 'base64url');
      buf[0]! ^= 1;
      return buf.toString('base64url');
    };
    for (const i of [2, 3, 4]) {
      const copy = [...parts];
      copy[i] = flip(copy[i]!);
      expect(() => box.decrypt(copy.join('.'), aad)).toThrow(SecretDecryptionError);
    }
    for (const bytes of [4, 8, 12, 15]) {
      const copy = [...parts];
      copy[4] = Buffer.from(copy[4]!, 'base64url').subarray(0, bytes).toString('base64url');
      expect(() => box.decrypt(copy.join('.'), aad)).toThrow(/tag length/);
    }
    expect(() => SecretBox.fromBase64(generateKey()).decrypt(stored, aad)).toThrow(/not loaded/);
  });

  it('shows at most the last 4 characters', () => {
    expect(last4('EAAB1234567890abcd')).toBe('abcd');
    expect(last4('short')).toBe('rt');
  });

  it('rotation re-encrypts every stored secret; afterwards only the new key is needed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-rot-'));
    const db = openDatabase(path.join(dir, 'x.sqlite'), { migrate: false });
    db.sqlite.exec('CREATE TABLE vault (id TEXT PRIMARY KEY, secret_enc TEXT)');
    const oldBox = SecretBox.fromBase64(generateKey());
    const columns = [{ table: 'vault', idColumn: 'id', column: 'secret_enc' }];
    const insert = db.sqlite.prepare('INSERT INTO vault VALUES (?, ?)');
    for (let i = 0; i < 50; i++)
      insert.run(`r${i}`, oldBox.encrypt(`value-${i}`, { table: 'vault', column: 'secret_enc', rowId: `r${i}` }));
    insert.run('empty', null);
    const newBox = SecretBox.fromBase64(generateKey());
    expect(await rotateSecrets(db.db, columns, oldBox, newBox)).toBe(50);
    expect(await secretKeyUsage(db.db, columns)).toEqual({ [newBox.currentKid]: 50 });
    const rows = db.sqlite.prepare('SELECT id, secret_enc AS v FROM vault WHERE secret_enc IS NOT NULL').all() as {
      id: string;
      v: string;
    }[];
    for (const row of rows) {
      expect(newBox.decrypt(row.v, { table: 'vault', column: 'secret_enc', rowId: row.id })).toBe(`value-${row.id.slice(1)}`);
      expect(() => oldBox.decrypt(row.v, { table: 'vault', column: 'secret_enc', rowId: row.id })).toThrow();
    }
    db.close();
  });

  it('generates a development key once into the data folder; production needs ENCRYPTION_KEY', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-key-'));
    const first = loadSecretBox({ dataDir: dir, allowGenerate: true });
    expect(first.generatedFile).toBeDefined();
    const second = loadSecretBox({ dataDir: dir, allowGenerate: true });
    expect(second.generatedFile).toBeUndefined();
    expect(second.box.currentKid).toBe(first.box.currentKid);
    expect(() => loadSecretBox({ dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-key-')), allowGenerate: false })).toThrow(
      /ENCRYPTION_KEY/,
    );
  });
});
