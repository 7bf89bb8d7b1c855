import type pg from 'pg';
import type { PgRootDb, PgTxDb } from '../platform/pg/handle.js';
import { claimFreshPending } from './inbox-locks.pg.js';
import type { PreparedDelivery } from './processor.js';

/** Advisory lock space (two-int form) of one delivery being applied by a drain; see inbox-locks.pg.ts for the others. */
const DELIVERY_SPACE = 0x77637370; // 'wcsp'

/**
 * A PostgreSQL drain's hold on the deliveries it applies, so that two drains (on any instances) never both apply one.
 * A big delivery is applied over several transactions (apply-slices.ts), so a row lock, which ends with each of them,
 * is not enough: the drain keeps one pooled connection for its run and holds a session advisory lock per delivery
 * from before its first step until the transaction that writes its outcome has committed. A delivery is taken only
 * when that lock is free and then, in the applying transaction, only if it is still fresh and PENDING (claimFreshPending;
 * its row lock also keeps a retry hand-over off it). If the connection is lost, the locks go with it, and so does
 * every transaction of the drain: nothing it held stays half-applied behind a lock.
 */
export class SharedDrainClaims {
  /** Delivery ids whose session lock this drain holds. */
  private readonly held = new Set<string>();
  /** Deliveries that began applying in a transaction that committed. */
  private begun = new Set<PreparedDelivery>();

  private constructor(private readonly session: pg.PoolClient) {}

  static async open(db: PgRootDb): Promise<SharedDrainClaims> {
    return new SharedDrainClaims(await db.$client.connect());
  }

  /** Session locks on those of `ids` no other drain holds; returns the ids now held. */
  private async lock(ids: readonly string[]): Promise<string[]> {
    const fresh = ids.filter((id) => !this.held.has(id));
    if (!fresh.length) return [];
    const { rows } = await this.session.query<{ id: string }>(
      'SELECT id FROM unnest($1::text[]) AS id WHERE pg_try_advisory_lock($2::int, hashtext(id))',
      [fresh, DELIVERY_SPACE],
    );
    for (const r of rows) this.held.add(r.id);
    return rows.map((r) => r.id);
  }

  private async unlock(ids: readonly string[]): Promise<void> {
    const mine = ids.filter((id) => this.held.delete(id));
    if (!mine.length) return;
    await this.session.query('SELECT pg_advisory_unlock($2::int, hashtext(id)) FROM unnest($1::text[]) AS id', [mine, DELIVERY_SPACE]);
  }

  /**
   * In the transaction about to apply the head of `queue`: keeps the deliveries this drain holds and that are still
   * fresh and PENDING, and drops the rest (another drain holds, applied or handed them over). One that began in an
   * attempt of this transaction that rolled back (a deadlock run again) is dropped too: its steps went with that
   * attempt, and a later read of the inbox starts it over.
   */
  async claimTurn(tx: PgTxDb, queue: PreparedDelivery[]): Promise<void> {
    const drop = new Set<PreparedDelivery>(queue.filter((p) => p.applying && !this.begun.has(p)));
    const candidates = queue.filter((p) => !p.applying);
    const locked = new Set(await this.lock(candidates.map((p) => p.delivery.id)));
    const fresh = await claimFreshPending(
      tx,
      candidates.filter((p) => locked.has(p.delivery.id)).map((p) => p.delivery.id),
    );
    for (const p of candidates) if (!fresh.has(p.delivery.id)) drop.add(p);
    for (let i = queue.length - 1; i >= 0; i--) if (drop.has(queue[i]!)) queue.splice(i, 1);
    // Not applied by this drain after all: free for others now (a lock on a row this transaction holds is harmless).
    await this.unlock([...this.held].filter((id) => !queue.some((p) => p.delivery.id === id)));
  }

  /** After the transaction committed: deliveries it finished are let go; those it began and cut stay held. */
  async committed(queue: readonly PreparedDelivery[]): Promise<void> {
    this.begun = new Set(queue.filter((p) => p.applying));
    await this.unlock([...this.held].filter((id) => !queue.some((p) => p.delivery.id === id)));
  }

  /** Runs `fn` holding the delivery (false when another drain holds it: then `fn` does not run). */
  async whileHeld(id: string, fn: () => Promise<void>): Promise<boolean> {
    if (!(await this.lock([id])).length) return false;
    try {
      await fn();
      return true;
    } finally {
      await this.unlock([id]);
    }
  }

  /** Gives every lock back with the connection; a connection that failed is closed rather than pooled (its locks go with it). */
  async close(): Promise<void> {
    try {
      await this.session.query('SELECT pg_advisory_unlock_all()');
      this.session.release();
    } catch (err) {
      this.session.release(err instanceof Error ? err : true);
    } finally {
      this.held.clear();
    }
  }
}
