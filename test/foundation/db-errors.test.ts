import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DrizzleError, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { errorReason, withoutQueryText } from '../../src/platform/db-errors.js';
import { createLogger } from '../../src/platform/logger.js';
import { openDatabase } from '../../src/platform/sqlite.js';
import { LogCapture } from '../helpers/harness.js';
import { PG_ADMIN_URL, pg } from '../helpers/pg.js';
import { openPg } from '../../src/platform/pg/database.js';
import { createFreshPgDatabase } from '../../src/platform/pg/fresh-database.js';

/**
 * drizzle wraps a failed statement in DrizzleQueryError, whose message spells out the SQL and every value it wrote.
 * Those values are people's data (numbers, message texts, webhook bodies): logs, stored details and job errors must
 * carry the database's own reason only.
 */
describe('database errors without the statement text', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-dberr-'));
  const database = openDatabase(path.join(dir, 'x.sqlite'));
  afterAll(() => {
    database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function failingInsert(): unknown {
    try {
      // organizations.name is NOT NULL: the insert fails, with a value that must not be shown.
      database.db.run(
        sql`INSERT INTO organizations (id, name, entitlements, created_at) VALUES (${'+14155550123 private text'}, NULL, '[]', 0)`,
      );
    } catch (err) {
      return err;
    }
    throw new Error('the insert should have failed');
  }

  it("a wrapped error gives the database's reason, without the values", () => {
    const err = failingInsert();
    expect(err).toBeInstanceOf(DrizzleError);
    expect(errorReason(err)).toMatch(/NOT NULL constraint failed: organizations.name/);
    expect(errorReason(err)).not.toContain('+14155550123');
    expect(withoutQueryText(new Error('plain'))).toEqual(new Error('plain'));
  });

  it('the logger writes the inner error for `err`, never the query values', () => {
    const logs = new LogCapture();
    const logger = createLogger({ level: 'info', destination: logs });
    logger.error({ err: failingInsert() }, 'write failed');
    const line = logs.text();
    expect(line).toContain('NOT NULL constraint failed');
    expect(line).not.toContain('+14155550123');
  });
});

describe.skipIf(!pg.available)(pg.title('database errors without the statement values (PostgreSQL)'), () => {
  it("DrizzleQueryError's message carries the values; the reason and the log line do not", async () => {
    const fresh = await createFreshPgDatabase(PG_ADMIN_URL, 'wcs_dberr');
    const opened = await openPg(fresh.url, { schema: {}, poolSize: 1 });
    try {
      await opened.db.execute(sql`CREATE TABLE t (id text PRIMARY KEY, n int NOT NULL)`);
      const err = await opened.db.execute(sql`INSERT INTO t (id, n) VALUES (${'+14155550123 private text'}, NULL)`).then(
        () => null,
        (e: unknown) => e,
      );
      expect((err as Error).message).toContain('+14155550123'); // what would leak
      expect(errorReason(err)).toMatch(/null value in column "n"/);
      expect(errorReason(err)).not.toContain('+14155550123');
      const logs = new LogCapture();
      createLogger({ level: 'info', destination: logs }).error({ err }, 'write failed');
      expect(logs.text()).toContain('null value in column');
      expect(logs.text()).not.toContain('+14155550123');
    } finally {
      await opened.close();
      await fresh.drop();
    }
  });
});
