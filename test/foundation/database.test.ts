import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrationsApplied, openDatabase, readPragmas } from '../../src/platform/db.js';

describe('SQLite storage', () => {
  it('opens with durable pragmas and applies every migration (the native build works)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-db-'));
    const db = openDatabase(path.join(dir, 'wcs.sqlite'));
    try {
      expect(readPragmas(db.sqlite)).toEqual({ journal_mode: 'wal', synchronous: 2, foreign_keys: 1, busy_timeout: 5000 });
      expect(migrationsApplied(db.sqlite)).toBe(true);
      const tables = db.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
      expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['organizations', 'sandboxes', 'api_keys', 'jobs', 'audit_log']));
    } finally {
      db.close();
    }
  });

  it('reopening an up-to-date database applies nothing twice', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-db-'));
    const file = path.join(dir, 'wcs.sqlite');
    openDatabase(file).close();
    const again = openDatabase(file);
    const applied = again.sqlite.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number };
    const journal = JSON.parse(fs.readFileSync('drizzle/meta/_journal.json', 'utf8')) as { entries: unknown[] };
    expect(applied.n).toBe(journal.entries.length);
    again.close();
  });
});
