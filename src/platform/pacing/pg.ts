import pg from 'pg';
import { hidePassword } from '../pg/url.js';
import { planGrants, waitAfter } from './plan.js';
import { checkGrants, checkKey, checkTake, checkTimestamps, checkUntil, PacingError, type PacingStore, type PacingTake } from './store.js';

/** The database's clock in epoch ms (microseconds kept): every instance paces on it. */
const CLOCK = `(extract(epoch FROM clock_timestamp()) * 1000)::float8`;

/** A checked finite number as an SQL literal. */
const num = (x: number): string => {
  if (!Number.isFinite(x)) throw new PacingError('PACING_BAD_INPUT', `not a finite number: ${x}`);
  return String(x);
};

interface TakeRow {
  t: number;
  seeded: boolean;
  paused: number;
  n: number;
  recent: number;
  m: number;
  first: string;
  wa: number | null;
  sa: number | null;
}

/**
 * Cluster-wide pacing without Redis: each call is one transaction that takes a transaction-scoped advisory
 * lock on the key, then reads and writes the UNLOGGED log (tables.pg.ts) on clock_timestamp(). take() is one
 * call of the function wcs_pacing_take (prepared, one round trip, the lock held only while the server runs
 * it); the rarer calls send their transaction as one multi-statement query (the simple protocol, so values
 * are inlined as checked literals). It still costs one write transaction per take on the primary
 * (SCALE-OUT.md §5: 73–105 per second per hot sender). A connection or query failure rejects with
 * PACING_UNAVAILABLE, and nothing is granted.
 */
export class PgPacingStore implements PacingStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly options: { display?: string; lockTimeoutMs?: number } = {},
  ) {}

  async take(key: string, rate: number, windowMs: number, maxBurst: number, k: number): Promise<PacingTake> {
    const p = checkTake(key, rate, windowMs, maxBurst, k);
    // The rule and the lock run in the function wcs_pacing_take (drizzle/pg/0001_pacing.sql), one round trip.
    let row: TakeRow;
    try {
      const { rows } = await this.pool.query<TakeRow>({
        name: 'wcs_pacing_take',
        text: `SELECT r_t AS t, r_seeded AS seeded, r_paused AS paused, r_n AS n, r_recent AS recent, r_m AS m, r_first::text AS first, r_wa AS wa, r_sa AS sa
               FROM wcs_pacing_take($1, $2, $3, $4, $5)`,
        values: [key, p.rate, p.windowMs, p.burst, p.k],
      });
      row = rows[0]!;
    } catch (err) {
      throw this.unavailable(err);
    }
    const t = row.t;
    if (!row.seeded) return { granted: 0, waitMs: 0, at: t, grants: [], needsSeed: true };
    if (row.paused > t) return { granted: 0, waitMs: row.paused - t, at: t, grants: [], needsSeed: false };
    const plan = planGrants({ n: row.n, recent: row.recent }, p.rate, p.windowMs, p.burst, p.k);
    if (plan.m !== row.m) throw new Error(`pacing: the SQL granted ${row.m} where the rule gives ${plan.m}`);
    // A grant the wait depends on either existed (its time came back) or was made now, at t.
    const at = (index: number | null, value: number | null) => (index === null ? null : index < row.n ? value : t);
    const waitMs = waitAfter(plan, t, p.windowMs, at(plan.windowIndex, row.wa), at(plan.spreadIndex, row.sa), row.paused);
    const first = Number(row.first);
    return { granted: plan.m, waitMs, at: t, grants: Array.from({ length: plan.m }, (_, i) => String(first + i)), needsSeed: false };
  }

  async restamp(key: string, grants: readonly string[]): Promise<string[]> {
    checkKey(key);
    const ids = checkGrants(grants);
    if (!ids.length) return [];
    const rows = await this.locked<{ seq: string }>(
      key,
      `UPDATE pacing_grants SET at = GREATEST(at, ${CLOCK}) WHERE key = ${pg.escapeLiteral(key)} AND seq IN (${ids.join(',')})
       RETURNING seq::text AS seq`,
    );
    const held = new Set(rows.map((r) => String(Number(r.seq))));
    return ids.filter((g) => !held.has(String(Number(g))));
  }

  async pauseUntil(key: string, until: number): Promise<void> {
    checkKey(key);
    checkUntil(until);
    await this.locked(
      key,
      `INSERT INTO pacing_state (key, paused_until) VALUES (${pg.escapeLiteral(key)}, ${num(until)})
       ON CONFLICT (key) DO UPDATE SET paused_until = GREATEST(pacing_state.paused_until, EXCLUDED.paused_until)`,
    );
  }

  async seed(key: string, timestamps: readonly number[]): Promise<boolean> {
    checkKey(key);
    const times = checkTimestamps(timestamps);
    const lit = pg.escapeLiteral(key);
    const count = num(times.length);
    // Only an unseeded key (no row, or a row made by pauseUntil) is seeded; next_seq moves past the seeded ids.
    const rows = await this.locked<{ seeded: boolean }>(
      key,
      `WITH st AS (
         INSERT INTO pacing_state (key, seeded, next_seq) VALUES (${lit}, true, 1 + ${count})
         ON CONFLICT (key) DO UPDATE SET seeded = true, next_seq = pacing_state.next_seq + ${count} WHERE NOT pacing_state.seeded
         RETURNING next_seq - ${count} AS first),
       ins AS (
         INSERT INTO pacing_grants (key, seq, at)
         SELECT ${lit}, st.first + u.ord - 1, u.at FROM st, unnest('{${times.map(num).join(',')}}'::float8[]) WITH ORDINALITY AS u(at, ord)
         WHERE u.at <= ${CLOCK})
       SELECT true AS seeded FROM st`,
    );
    return rows.length > 0;
  }

  async ping(): Promise<void> {
    try {
      await this.pool.query('SELECT 1');
    } catch (err) {
      throw this.unavailable(err);
    }
  }

  /** The pool is the caller's (the instance's PostgreSQL connection): nothing to close here. */
  async close(): Promise<void> {}

  /**
   * Runs one statement in a transaction holding the key's advisory lock, all sent as one query; returns
   * the statement's rows. Any failure is PACING_UNAVAILABLE.
   */
  private async locked<R>(key: string, statement: string): Promise<R[]> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw this.unavailable(err);
    }
    let broken: Error | undefined;
    // The server may end the connection while it is checked out (restart, terminate): the query fails, and
    // the client's 'error' event must not end the process.
    const onError = (err: Error) => (broken = err);
    client.on('error', onError);
    try {
      const lockTimeout = Math.max(1, Math.floor(this.options.lockTimeoutMs ?? 2_000));
      // The two-key form of the lock: its key space is apart from the one-key locks (migrations: hashtext('wcs:migrate')).
      const results = (await client.query(
        `BEGIN; SET LOCAL lock_timeout = ${lockTimeout}; SET LOCAL statement_timeout = ${lockTimeout * 2};
         SELECT pg_advisory_xact_lock(hashtext('wcs:pacing'), hashtext(${pg.escapeLiteral(key)}));
         ${statement};
         COMMIT`,
      )) as unknown as pg.QueryResult[];
      return results[4]!.rows as R[];
    } catch (err) {
      broken = err instanceof Error ? err : new Error(String(err));
      await client.query('ROLLBACK').catch(() => undefined);
      throw this.unavailable(err);
    } finally {
      client.off('error', onError);
      // A connection that failed mid-transaction is closed rather than reused.
      client.release(broken);
    }
  }

  private unavailable(err: unknown): PacingError {
    const raw = err instanceof Error ? err.message : String(err);
    // Defence in depth, as the adapter and the Redis store do: a driver message never carries the URL's password out.
    const { connectionString } = this.pool.options;
    const reason = connectionString ? hidePassword(raw, { connectionString }) : raw;
    const where = this.options.display ? ` at ${this.options.display}` : '';
    return new PacingError('PACING_UNAVAILABLE', `pacing store PostgreSQL${where} is unavailable: ${reason}`, { cause: err });
  }
}
