import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/platform/db.js';
import { Metrics } from '../../src/platform/metrics.js';
import { openPg } from '../../src/platform/pg/database.js';
import { createFreshPgDatabase } from '../../src/platform/pg/fresh-database.js';
import type { PgRootDb } from '../../src/platform/pg/handle.js';
import { migratePg } from '../../src/platform/pg/migrate.js';
import { webhookMetrics } from '../../src/webhooks/metrics.js';
import { PG_ADMIN_URL, pg } from '../helpers/pg.js';

/** The webhook backlog gauges read from either backend at scrape time: PENDING count and the oldest one's age. */

const NOW = Date.now();

interface Backend {
  db: Db;
  /** Adds a delivery received ageMs ago (foreign keys off: the gauges read this table alone). */
  deliver(id: string, outcome: string, ageMs: number): Promise<void>;
}

function gaugeValue(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`${name} not in the scrape`);
  return Number(line.split(' ')[1]);
}

function contract(name: string, open: () => Promise<Backend>) {
  it(name, async () => {
    const backend = await open();
    const metrics = new Metrics();
    webhookMetrics(metrics, backend.db);
    const scrape = async () => {
      const { body } = await metrics.render();
      return {
        backlog: gaugeValue(body, 'wcs_webhook_inbox_backlog'),
        age: gaugeValue(body, 'wcs_webhook_inbox_oldest_pending_age_seconds'),
      };
    };
    expect(await scrape()).toEqual({ backlog: 0, age: 0 });
    await backend.deliver('d1', 'PROCESSED', 600_000);
    await backend.deliver('d2', 'PENDING', 90_000);
    await backend.deliver('d3', 'PENDING', 5_000);
    const { backlog, age } = await scrape();
    expect(backlog).toBe(2);
    // The oldest PENDING one (d2), not the older processed one; a little more than 90 s by the time it is read.
    expect(age).toBeGreaterThanOrEqual(90);
    expect(age).toBeLessThan(120);
  });
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-whm-'));
const closers: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('webhook backlog gauges', () => {
  contract('on SQLite', async () => {
    const database = openDatabase(path.join(dir, 'metrics.sqlite'));
    closers.push(() => database.close());
    database.sqlite.pragma('foreign_keys = OFF');
    const insert = database.sqlite.prepare(
      "INSERT INTO webhook_deliveries (id, sandbox_id, webhook_id, received_at, body, body_sha256, outcome) VALUES (?, 's', 'w', ?, x'00', 'h', ?)",
    );
    return {
      db: database.db,
      deliver: async (id, outcome, ageMs) => void insert.run(id, NOW - ageMs, outcome),
    };
  });

  describe.skipIf(!pg.available)(pg.title('on a real PostgreSQL server'), () => {
    contract('on PostgreSQL', async () => {
      const fresh = await createFreshPgDatabase(PG_ADMIN_URL);
      closers.push(() => fresh.drop());
      const pgdb = await openPg(fresh.url, { schema: {} });
      closers.push(() => pgdb.close());
      await migratePg(pgdb.pool);
      return {
        db: Object.assign(pgdb.db, { backend: 'pg' as const, role: 'root' as const }) as PgRootDb,
        deliver: async (id, outcome, ageMs) => {
          const client = await pgdb.pool.connect();
          try {
            // replica: foreign-key triggers do not fire for this session (the test has no webhook row to point at).
            await client.query('SET session_replication_role = replica');
            await client.query(
              "INSERT INTO webhook_deliveries (id, sandbox_id, webhook_id, received_at, body, body_sha256, outcome) VALUES ($1, 's', 'w', $2, '\\x00', 'h', $3)",
              [id, new Date(NOW - ageMs), outcome],
            );
            await client.query('RESET session_replication_role');
          } finally {
            client.release();
          }
        },
      };
    });
  });
});
