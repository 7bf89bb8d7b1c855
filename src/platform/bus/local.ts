import { inTransaction, type Db, type Tx } from '../db.js';
import type { PubSub } from '../pubsub.js';
import { BusError, ResyncListeners, TxEvents, type EventBus, type ResyncListener } from './bus.js';
import { publishEntry } from './wire.js';

/**
 * The bus of the single-process (SQLite) mode: a committed transaction's events go to the local PubSub once
 * COMMIT has returned, in the order they were buffered; a rolled-back one's are dropped with its buffer. Each
 * subscriber gets a decoded copy of the payload, as it would from PostgreSQL, so both modes hand out the same.
 */
export class LocalEventBus implements EventBus<Tx> {
  readonly transport = 'local' as const;
  private readonly resyncs = new ResyncListeners();
  private closed = false;

  constructor(private readonly pubsub: PubSub) {}

  start(): Promise<void> {
    return Promise.resolve();
  }

  /** Refuses a closed bus inside the transaction, so it rolls back instead of committing events nobody gets. */
  beforeCommit(): void {
    if (this.closed) throw new BusError('BUS_CLOSED', 'event bus is closed');
  }

  afterCommit(events: TxEvents): void {
    for (const entry of events.entries) publishEntry(this.pubsub, JSON.parse(entry) as unknown);
  }

  /** Never called here: one process misses nothing. */
  onResync(listener: ResyncListener): () => void {
    return this.resyncs.add(listener);
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

/** A bus whose in-transaction step is synchronous, as a better-sqlite3 transaction must be. */
export type SyncEventBus = EventBus<Tx> & { beforeCommit(tx: Tx, events: TxEvents): void };

/**
 * Runs fn in one SQLite transaction (platform/db.ts inTransaction) with an event buffer; the events reach the
 * bus after COMMIT, and nothing does when fn throws. Only for an outermost transaction.
 */
export async function transactionWithEvents<T>(db: Db, bus: SyncEventBus, fn: (tx: Tx, events: TxEvents) => T): Promise<T> {
  // Events of an inner (savepoint) transaction would go out before the outer one commits, or despite its rollback.
  if ((db as { $client?: { inTransaction?: boolean } }).$client?.inTransaction)
    throw new BusError('BUS_NESTED_TRANSACTION', 'transactionWithEvents must run the outermost transaction');
  const events = new TxEvents();
  const result = await inTransaction(db, (tx) => {
    const value = fn(tx, events);
    if (events.size) bus.beforeCommit(tx, events);
    return value;
  });
  if (events.size) bus.afterCommit(events);
  return result;
}
