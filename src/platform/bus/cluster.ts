import { currentTransactionHooks, type TransactionHooks, type Tx } from '../db.js';
import type { PgRootDb } from '../pg/handle.js';
import { PubSub, type PubSubEvents, type Topic } from '../pubsub.js';
import { BusError, TxEvents } from './bus.js';
import { PgNotifyBus, type PgNotifyBusOptions, type PgNotifyTx } from './pg-notify.js';

export interface ClusterPubSubOptions extends Omit<PgNotifyBusOptions, 'pubsub' | 'onError'> {
  /** The instance's pool: events published outside a transaction are sent on it, one autocommit NOTIFY at a time. */
  db: PgRootDb;
  /** Problems in the background (a lost LISTEN connection, an autocommit NOTIFY that failed): logged, never thrown. */
  onError: (err: BusError) => void;
}

/**
 * PubSub across instances on PostgreSQL (research/SCALE-OUT.md §4), with PubSub's API unchanged:
 *
 * - publish inside an open transaction buffers the event with the transaction; the bus sends it with pg_notify as
 *   the transaction's last statement, so every instance gets it at COMMIT, in commit order, and nobody gets it when
 *   the transaction rolls back (or when the attempt is retried: the retry buffers again). A payload that is not
 *   plain JSON throws a BusError there, and the transaction rolls back.
 * - publish outside a transaction sends one autocommit pg_notify; such events are coalesced and sent one NOTIFY at a
 *   time on the pool (in publish order), and a failure is reported to onError, never to the caller.
 * - subscribers of this instance hear every event (this instance's own too) only from its LISTEN connection, so all
 *   instances see one order. subscribe still registers synchronously, so "listen, then read the current state"
 *   misses nothing once start() resolved.
 * - when the LISTEN connection was lost and is back, onResync listeners are told (events in the gap are lost).
 */
export class ClusterPubSub extends PubSub {
  readonly bus: PgNotifyBus;
  private readonly db: PgRootDb;
  private readonly onError: (err: BusError) => void;
  /** The events of each open transaction (attempt) that published. */
  private readonly buffers = new WeakMap<TransactionHooks<Tx>, TxEvents>();
  /** Events published outside a transaction that the next autocommit NOTIFY will send. */
  private unsent: TxEvents | null = null;
  private sending: Promise<void> = Promise.resolve();

  constructor(options: ClusterPubSubOptions) {
    super();
    const { db, onError, ...busOptions } = options;
    this.db = db;
    this.onError = onError;
    this.bus = new PgNotifyBus({ ...busOptions, pubsub: this, onError });
    this.bus.onResync((info) => this.resync({ reason: info.reason }));
  }

  /** Establishes LISTEN; call before the instance serves. Throws BusError BUS_UNREACHABLE when it cannot. */
  start(): Promise<void> {
    return this.bus.start();
  }

  override publish<T extends Topic>(sandboxId: string, topic: T, payload: PubSubEvents[T]): void {
    const hooks = currentTransactionHooks();
    if (hooks?.backend === 'pg') {
      this.buffered(hooks).notify(sandboxId, topic, payload);
      return;
    }
    if (hooks) hooks.afterCommit(() => this.sendAlone(sandboxId, topic, payload));
    else this.sendAlone(sandboxId, topic, payload);
  }

  override unavailable(): string | null {
    return this.bus.listening ? null : 'event bus disconnected';
  }

  /** Waits for the autocommit NOTIFYs queued so far, then closes the LISTEN connection. */
  async close(): Promise<void> {
    await this.sending;
    await this.bus.close();
  }

  private buffered(hooks: TransactionHooks<Tx>): TxEvents {
    let events = this.buffers.get(hooks);
    if (events) return events;
    const created = new TxEvents();
    this.buffers.set(hooks, created);
    hooks.beforeCommit(async (tx) => {
      // An event published by a later beforeCommit hook starts a buffer (and a hook) of its own.
      this.buffers.delete(hooks);
      await this.bus.beforeCommit(tx as unknown as PgNotifyTx, created);
    });
    events = created;
    return events;
  }

  private sendAlone<T extends Topic>(sandboxId: string, topic: T, payload: PubSubEvents[T]): void {
    let batch = this.unsent;
    if (!batch) {
      const created = (batch = this.unsent = new TxEvents());
      this.sending = this.sending.then(async () => {
        // From here on new events go to the next NOTIFY.
        if (this.unsent === created) this.unsent = null;
        try {
          await this.bus.beforeCommit(this.db as unknown as PgNotifyTx, created);
        } catch (err) {
          this.onError(
            err instanceof BusError
              ? err
              : new BusError('BUS_UNREACHABLE', `${created.size} event(s) published outside a transaction were not sent`, { cause: err }),
          );
        }
      });
    }
    try {
      batch.notify(sandboxId, topic, payload);
    } catch (err) {
      this.onError(err as BusError);
    }
  }
}
