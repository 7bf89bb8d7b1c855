/**
 * What code running inside a transaction (in the async scope of inTransaction's body) can attach to it: work to do
 * last inside it, and work to do once it committed. One set per outermost transaction, and on PostgreSQL per attempt
 * (a retried transaction starts with a fresh set, so only the attempt that commits runs its afterCommit hooks).
 * Nested inTransaction calls (savepoints) share the outermost transaction's set.
 *
 * `open` is true from the body's start until the transaction ends; work the body scheduled without awaiting (a
 * timer, a floating promise) keeps this scope after that, and must check `open` rather than attach to a
 * transaction that has already committed or rolled back (currentTransactionHooks does it for the caller).
 */
export class TransactionHooks<Tx = unknown> {
  private readonly before: Array<(tx: Tx) => Promise<void> | void> = [];
  private readonly after: Array<() => void> = [];
  private state: 'open' | 'committing' | 'committed' | 'rolled back' = 'open';

  constructor(
    /** Which backend runs the transaction (PostgreSQL hooks may write and NOTIFY in it). */
    readonly backend: 'sqlite' | 'pg',
    /** The connection's identity: the SQLite gate or the PostgreSQL root handle (a nested call on another is not nested). */
    readonly owner: object,
  ) {}

  /** Whether hooks can still be added: the body (or a beforeCommit hook) is running. */
  get open(): boolean {
    return this.state === 'open';
  }

  /**
   * Runs hook last inside the transaction, after the body and the transaction participant, in the order added (a
   * hook may add another; it runs too). A hook that throws rolls the transaction back and the caller gets its error.
   */
  beforeCommit(hook: (tx: Tx) => Promise<void> | void): void {
    this.check();
    this.before.push(hook);
  }

  /**
   * Runs hook once COMMIT has returned, in the order added; never when the transaction rolled back. A hook must not
   * throw: the transaction is committed, so an error is reported as a process warning, not to the caller.
   */
  afterCommit(hook: () => void): void {
    this.check();
    this.after.push(hook);
  }

  private check(): void {
    if (this.state !== 'open')
      throw new Error(`transaction hooks added after the transaction ${this.state === 'committing' ? 'began to commit' : 'ended'}`);
  }

  /** inTransaction: inside the transaction, after the body. */
  async runBeforeCommit(tx: Tx): Promise<void> {
    for (let i = 0; i < this.before.length; i++) await this.before[i]!(tx);
    this.state = 'committing';
  }

  /** inTransaction: the transaction ended without COMMIT (or this attempt will be retried). */
  rolledBack(): void {
    this.state = 'rolled back';
    this.before.length = 0;
    this.after.length = 0;
  }

  /** inTransaction: COMMIT returned. */
  committed(): void {
    this.state = 'committed';
    const hooks = this.after.splice(0);
    this.before.length = 0;
    for (const hook of hooks) {
      try {
        hook();
      } catch (err) {
        process.emitWarning(err instanceof Error ? err : new Error(String(err)), { code: 'WCS_AFTER_COMMIT' });
      }
    }
  }
}
