/**
 * How group commits learn that what they committed is durable before they answer (webhook acks, sends, the call log).
 * SQLite defers a group's fsync to the connection's WalSync (platform/wal-sync.ts); PostgreSQL's COMMIT is durable
 * when it returns (synchronous_commit=on, checked at start), so there nothing is left to wait for.
 */
export interface CommitSync {
  /** A commit made now would wait for a sync in flight anyway. */
  readonly busy: boolean;
  /** Calls listener once a commit made then would no longer wait (at once when none would). */
  onSyncEnd(listener: () => void): void;
  /** Calls done once everything committed so far is durable (err when it is not: nothing may be acknowledged). */
  sync(done: (err: Error | null) => void): void;
  close(): Promise<void>;
}

/** PostgreSQL's: every commit is durable already. */
export const committedOnReturn: CommitSync = {
  busy: false,
  onSyncEnd: (listener) => listener(),
  sync: (done) => done(null),
  close: async () => {},
};
