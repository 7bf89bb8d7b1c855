import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import pgDriver from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgPacingStore } from '../../src/platform/pacing/pg.js';
import { openPacingStore } from '../../src/platform/pacing/select.js';
import { openPg, type PgDatabase } from '../../src/platform/pg/database.js';
import { createFreshPgDatabase, type FreshPgDatabase } from '../../src/platform/pg/fresh-database.js';
import { migratePg } from '../../src/platform/pg/migrate.js';
import { PG_ADMIN_URL, pg } from '../helpers/pg.js';
import { pacingContract, pacingError } from './pacing-conformance.js';
import { runWorkers, type RunReport } from './pacing-harness.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-pacing-pg-'));

describe('PgPacingStore without a server', () => {
  it('a database that does not answer: take fails closed with PACING_UNAVAILABLE', async () => {
    const pool = new pgDriver.Pool({ connectionString: 'postgres://wcs:s3cret-pw@127.0.0.1:1/wcs', connectionTimeoutMillis: 1_000 });
    pool.on('error', () => undefined);
    try {
      const store = new PgPacingStore(pool, { display: '127.0.0.1:1/wcs' });
      const err = await pacingError(store.take('k', 10, 1000, 10, 1));
      expect(err.code).toBe('PACING_UNAVAILABLE');
      expect(err.retryable).toBe(true);
      expect(err.message).toMatch(/127\.0\.0\.1:1\/wcs .*ECONNREFUSED/);
      expect(`${err.message} ${String(err.stack)}`).not.toContain('s3cret-pw');
    } finally {
      await pool.end();
    }
  });
});

describe.skipIf(!pg.available)(pg.title('PgPacingStore on a real PostgreSQL'), () => {
  let fresh: FreshPgDatabase;
  let db: PgDatabase<Record<string, never>>;
  let store: PgPacingStore;
  beforeAll(async () => {
    fresh = await createFreshPgDatabase(PG_ADMIN_URL, 'wcs_pacing');
    db = await openPg(fresh.url, { schema: {}, poolSize: 4 });
    await migratePg(db.pool);
    // No REDIS_URL: an instance on PostgreSQL paces on it.
    const chosen = await openPacingStore({ pgPool: db.pool });
    expect(chosen.kind).toBe('pg');
    store = chosen.store as PgPacingStore;
  });
  afterAll(async () => {
    await db?.close();
    await fresh?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  let n = 0;
  pacingContract(
    'pg',
    () => store,
    () => `contract-${++n}`,
  );

  let runs = 0;
  function run(rate: number, durationMs: number, during?: (elapsed: () => number) => Promise<void>): Promise<RunReport> {
    runs++;
    return runWorkers(
      3,
      {
        PACING_STORE: 'pg',
        PACING_URL: fresh.url,
        PACING_KEY: `sender-${runs}`,
        PACING_RATE: String(rate),
        PACING_DURATION_MS: String(durationMs),
        PACING_SEND_LOG: path.join(dir, `sends-${runs}.log`),
      },
      during,
    );
  }

  it('the pacing tables are UNLOGGED (no WAL at the send rate; a crash empties them and they are seeded again)', async () => {
    const { rows } = await db.pool.query<{ relname: string; relpersistence: string }>(
      `SELECT relname, relpersistence FROM pg_class WHERE relname IN ('pacing_state', 'pacing_grants') ORDER BY relname`,
    );
    expect(rows).toEqual([
      { relname: 'pacing_grants', relpersistence: 'u' },
      { relname: 'pacing_state', relpersistence: 'u' },
    ]);
  });

  it.each([
    { rate: 1000, durationMs: 3_000 },
    { rate: 80, durationMs: 3_000 },
  ])(
    '3 processes pumping one key at rate $rate: never above the tier in any 1,000 ms, at least 88 percent of it used',
    async ({ rate, durationMs }) => {
      const report = await run(rate, durationMs);
      expect(report.workers.every((w) => w.grants.length > 0)).toBe(true);
      expect(report.maxInSecond).toBeLessThanOrEqual(rate);
      expect(report.utilization).toBeGreaterThanOrEqual(0.88);
      console.info(
        `[pg pacing] rate ${rate}: ${report.grants.length} grants, max ${report.maxInSecond} in 1 s, ${(report.utilization * 100).toFixed(1)}% of the tier, ${report.workers.reduce((a, w) => a + w.takes, 0)} takes`,
      );
    },
  );

  it('the log emptied mid-run (as crash recovery empties UNLOGGED tables), then the database unreachable for 300 ms: seeded again, closed meanwhile, the window holds', async () => {
    const admin = new pgDriver.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    try {
      const report = await run(1000, 3_500, async (elapsed) => {
        await delay(1_200 - elapsed());
        await db.pool.query('TRUNCATE pacing_state, pacing_grants');
        await delay(2_200 - elapsed());
        // The workers' database refuses connections and loses the open ones: every instance's store is down.
        await admin.query(`ALTER DATABASE "${fresh.name}" ALLOW_CONNECTIONS false`);
        await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'wcs-pacing-test'`,
          [fresh.name],
        );
        await delay(300);
        await admin.query(`ALTER DATABASE "${fresh.name}" ALLOW_CONNECTIONS true`);
      });
      expect(report.maxInSecond).toBeLessThanOrEqual(1000);
      expect(report.workers.reduce((a, w) => a + w.seeds, 0)).toBeGreaterThanOrEqual(2);
      expect(report.workers.some((w) => w.unavailable > 0)).toBe(true);
      expect(report.grants.at(-1)! - report.grants[0]!).toBeGreaterThan(3_000);
      console.info(`[pg pacing] truncate + database down: ${report.grants.length} grants, max ${report.maxInSecond} in 1 s`);
    } finally {
      await admin.query(`ALTER DATABASE "${fresh.name}" ALLOW_CONNECTIONS true`).catch(() => undefined);
      await admin.end();
    }
  });
});
