import { currentTransactionHooks, type TransactionHooks, type Tx } from '../db.js';
import { SYSTEM_SANDBOX, type PubSub } from '../pubsub.js';

declare module '../pubsub.js' {
  interface PubSubEvents {
    /** SYSTEM_SANDBOX: a transaction that enqueued jobs committed; every instance's queue looks for work. */
    'jobs:ready': Record<string, never>;
  }
}

/**
 * Job wake-ups across instances on one database (PostgreSQL): a transaction that enqueued jobs announces it once,
 * with its commit (pubsub's SYSTEM_SANDBOX 'jobs:ready', sent with the transaction), and every instance's queue looks
 * for work at once instead of at its next poll. The poll stays as the safety net; a resync (events possibly missed)
 * wakes the queue too.
 */
export class BusWakeups {
  private bus: PubSub | undefined;
  /** Transactions (attempts) that already announced their jobs: one wake-up per commit is enough. */
  private readonly announced = new WeakSet<TransactionHooks<Tx>>();

  attach(pubsub: PubSub, wake: () => void): () => void {
    this.bus = pubsub;
    const stop = new AbortController();
    const events = pubsub.subscribe(SYSTEM_SANDBOX, 'jobs:ready', stop.signal);
    void (async () => {
      for await (const _ready of events) wake();
    })();
    const offResync = pubsub.onResync(wake);
    return () => {
      stop.abort();
      offResync();
      this.bus = undefined;
    };
  }

  /** Tells every instance, once per transaction (or at once for an enqueue outside one); nothing until attached. */
  announce(): void {
    if (!this.bus) return;
    const hooks = currentTransactionHooks();
    if (hooks) {
      if (this.announced.has(hooks)) return;
      this.announced.add(hooks);
    }
    this.bus.publish(SYSTEM_SANDBOX, 'jobs:ready', {});
  }
}
