import { AsyncResource } from 'node:async_hooks';
import type { AppDeps } from '../core/deps.js';
import type { MetaApiCallRecord } from '../meta/index.js';
import { inTransaction } from '../platform/db.js';
import { newId } from '../platform/ids.js';
import type { CommitSync } from '../platform/commit-sync.js';
import { tokenRejectedMessage } from './meta-errors.js';
import { failOnRejectedToken } from './service.js';
import { store } from './store.js';
import type { MetaApiCallRow } from './store.js';

/** The call records reach the disk within this, with the next sync of any commit or their own. */
const SYNC_WITHIN_MS = 1_000;

/** Calls kept per credential for recentApiCalls. */
export const KEEP_CALLS_PER_CREDENTIAL = 200;

/** The newest KEEP_CALLS_PER_CREDENTIAL records of each credential, in order: older ones would be pruned at once. */
function newestPerCredential(records: MetaApiCallRecord[]): MetaApiCallRecord[] {
  const counts = new Map<string, number>();
  const kept: MetaApiCallRecord[] = [];
  for (let i = records.length - 1; i >= 0; i--) {
    const id = records[i]!.tag.credentialId!;
    const n = counts.get(id) ?? 0;
    if (n >= KEEP_CALLS_PER_CREDENTIAL) continue;
    counts.set(id, n + 1);
    kept.push(records[i]!);
  }
  return kept.reverse();
}

/**
 * The sink for the Meta client's call records. Sends can make a thousand calls
 * a second, so records are buffered and written once per event-loop turn in one
 * transaction, and each credential's log is trimmed to its newest calls in the
 * same flush. A 190 on any tagged call fails that credential: this is how a
 * token revoked after verification is noticed, whoever made the call.
 */
export class MetaCallLog {
  private buffer: MetaApiCallRecord[] = [];
  private scheduled = false;
  private syncTimer: NodeJS.Timeout | null = null;
  /**
   * The flush writes every caller's records, so it runs in the log's own async context, not in that of the call that
   * scheduled it: a mutation's audit row (a transaction participant, platform/db.ts) must not land in it.
   */
  private readonly flushSoon = AsyncResource.bind(async () => {
    this.scheduled = false;
    // One flush at a time, in order: ids are given as records are written, so an older call never gets a newer id
    // than a later one (on PostgreSQL an overlapping flush could finish first), and pruning sees the earlier flush.
    const run = this.flushing.then(() => this.flush());
    this.flushing = run.catch(() => undefined);
    await run;
  });
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly deps: AppDeps) {}

  record(rec: MetaApiCallRecord): void {
    if (!rec.tag.credentialId || !rec.tag.sandboxId) return;
    this.buffer.push(rec);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.flushSoon);
  }

  async flush(): Promise<void> {
    const batch = this.buffer;
    if (!batch.length) return;
    this.buffer = [];
    const wal = this.deps.walSync;
    try {
      // Diagnostics: nobody waits for them to reach the disk (the next sync, or any FULL commit, takes them along).
      await this.insert(batch);
      this.syncSoon(wal);
    } catch (err) {
      // Losing log lines must never break the calls they describe (nor the shutdown that closed the database).
      this.deps.logger.error({ err, records: batch.length }, 'could not store Meta call records');
    }
    for (const rec of batch) {
      if (rec.metaCode !== 190) continue;
      try {
        await failOnRejectedToken(
          this.deps,
          rec.tag.credentialId!,
          rec.tag.tokenFp,
          tokenRejectedMessage(`Meta answered ${rec.method} ${rec.path.split('?')[0]} with an invalid or expired token error`),
        );
      } catch (err) {
        this.deps.logger.error({ err, credentialId: rec.tag.credentialId }, 'could not mark credential FAILED after a 190');
      }
    }
  }

  /**
   * One disk sync for the records within SYNC_WITHIN_MS, if no other commit synced them before: a sync
   * per flush was a second fdatasync for every group of sends (their outcome commits sync anyway).
   */
  private syncSoon(wal: CommitSync): void {
    if (this.syncTimer) return;
    this.syncTimer = setTimeout(() => {
      this.syncTimer = null;
      wal.sync(() => undefined);
    }, SYNC_WITHIN_MS);
    this.syncTimer.unref();
  }

  private async insert(batch: MetaApiCallRecord[]): Promise<void> {
    await inTransaction(
      this.deps.db,
      async (tx) => {
        // A call may finish after its credential was deleted; its record has nowhere to go.
        const live = await store.existingCredentialIds(tx, [...new Set(batch.map((r) => r.tag.credentialId!))]);
        const rows = newestPerCredential(batch.filter((r) => live.has(r.tag.credentialId!))).map((r): MetaApiCallRow => ({
          id: newId(r.at.getTime()),
          sandboxId: r.tag.sandboxId!,
          credentialId: r.tag.credentialId!,
          at: r.at,
          method: r.method,
          path: r.path,
          httpStatus: r.httpStatus,
          metaCode: r.metaCode,
          fbtraceId: r.fbtraceId,
          durationMs: Math.round(r.durationMs),
          outcome: r.outcome,
        }));
        await store.insertApiCalls(tx, rows);
        for (const credentialId of new Set(rows.map((r) => r.credentialId)))
          await store.pruneApiCalls(tx, credentialId, KEEP_CALLS_PER_CREDENTIAL);
      },
      { deferSync: true },
    );
  }
}
