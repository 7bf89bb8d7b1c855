import type { AppDeps } from '../core/deps.js';
import { inTransaction, type Tx } from '../platform/db.js';
import type { CommitSync } from '../platform/commit-sync.js';

/**
 * Group commit for the send path. With synchronous=FULL every commit waits for
 * an fsync (about 0.4 ms here), so one commit per state change would cap a
 * sender far below Meta's 1,000 messages/s. Writes queued during one
 * event-loop turn share one transaction, and its disk sync runs off the event
 * loop (platform/wal-sync.ts). A write's promise resolves only after that sync:
 * "marked as attempted" is on disk before the message goes to Meta.
 *
 * If any write throws, the group's transaction is rolled back and every write
 * of the group runs again in a transaction of its own, so one failing write
 * fails alone (no per-write savepoints on the common path: they cost two
 * statements each).
 */

/** Registers work to run after the transaction commits (publish events, wake jobs); dropped if the write rolls back. */
export type AfterCommit = (fn: () => void) => void;

/** Values read once per transaction and shared by its writes (e.g. a batch's status for the send guard). */
export type TxMemo = Map<string, unknown>;

export type GroupWrite<T> = (tx: Tx, after: AfterCommit, memo: TxMemo) => T | Promise<T>;

interface Pending {
  write: GroupWrite<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

const MAX_WRITES_PER_COMMIT = 500;

class GroupFailed extends Error {}

type Outcome = { ok: true; value: unknown; after: Array<() => void> } | { ok: false; error: unknown };

export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly wal: CommitSync;

  constructor(private readonly deps: AppDeps) {
    this.wal = deps.walSync;
  }

  /** Runs write in the next group transaction; resolves with its result once that transaction is on disk. */
  run<T>(write: GroupWrite<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ write: write as GroupWrite<unknown>, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(async () => {
      this.scheduled = false;
      await this.flush();
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, MAX_WRITES_PER_COMMIT);
    if (this.queue.length) this.schedule();
    if (!batch.length) return;
    const outcomes = await this.commitGroup(batch);
    // Nothing is answered before the commits are on disk; a failed sync fails the writes it covers.
    this.wal.sync((syncError) => {
      batch.forEach((item, i) => {
        const outcome = outcomes[i]!;
        if (!outcome.ok) item.reject(outcome.error);
        else if (syncError) item.reject(syncError);
        else this.settle(item, outcome);
      });
    });
  }

  /** The whole group in one transaction; if a write throws, each again in its own, so only that one fails. */
  private async commitGroup(batch: Pending[]): Promise<Outcome[]> {
    try {
      return await this.commit(batch);
    } catch (err) {
      if (!(err instanceof GroupFailed) || batch.length === 1) {
        const error = err instanceof GroupFailed ? err.cause : err;
        return batch.map(() => ({ ok: false, error }));
      }
      const outcomes: Outcome[] = [];
      for (const item of batch) {
        try {
          outcomes.push((await this.commit([item]))[0]!);
        } catch (inner) {
          outcomes.push({ ok: false, error: inner instanceof GroupFailed ? inner.cause : inner });
        }
      }
      return outcomes;
    }
  }

  private async commit(batch: Pending[]): Promise<Outcome[]> {
    return await inTransaction(
      this.deps.db,
      async (tx) => {
        const memo: TxMemo = new Map();
        const outcomes: Outcome[] = [];
        for (const item of batch) {
          const after: Array<() => void> = [];
          try {
            outcomes.push({ ok: true, value: await item.write(tx, (fn) => after.push(fn), memo), after });
          } catch (error) {
            throw new GroupFailed('a write of the group failed', { cause: error });
          }
        }
        return outcomes;
      },
      { deferSync: true },
    );
  }

  private settle(item: Pending, result: { value: unknown; after: Array<() => void> }): void {
    for (const fn of result.after) {
      try {
        fn();
      } catch (err) {
        this.deps.logger.error({ err }, 'after-commit work of a send failed');
      }
    }
    item.resolve(result.value);
  }
}
