import { EventEmitter } from 'node:events';
import { currentTransactionHooks } from './db.js';

/**
 * Typed, sandbox-scoped publish/subscribe. Each domain adds its events to
 * PubSubEvents by declaration merging. Topics are named per sandbox, so a
 * subscriber can only ever hear its own sandbox. Events carry ids and enum
 * values only; subscribers re-read rows through the tenant-guarded stores.
 *
 * Delivery is on the next turn of the event loop: every event published during one turn is handed to the
 * listeners registered at publish time in ONE setImmediate, queued by the first publish of the turn. So the
 * publisher (typically a mutation) answers before any subscriber runs, and the subscribers run before work the
 * publisher queued after publishing (e.g. the job queue's wake-up), instead of behind it.
 *
 * Transaction-aware: published inside an open transaction (inTransaction's body, or anything it awaits), an event
 * is delivered only once that transaction committed, and never when it rolled back; outside one, at once as above.
 * This class is the embedded (single-process SQLite) mode; bus/cluster.ts's ClusterPubSub sends events across
 * instances on PostgreSQL with the same API.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface PubSubEvents {}

export type Topic = keyof PubSubEvents & string;

/** The sandbox id of instance-wide topics (cache invalidations, job wake-ups): no tenant ever has it. */
export const SYSTEM_SANDBOX = '_system';

/** Events buffered per subscriber before the oldest are dropped (a stuck client must not grow memory forever). */
const MAX_BUFFER = 10_000;

type Listener = (payload: never) => void;

/** Why events may have been missed (PubSub.onResync). */
export interface ResyncEvent {
  reason: string;
}

export class PubSub {
  private readonly emitter = new EventEmitter();
  private readonly resyncListeners = new Set<(event: ResyncEvent) => void>();
  /** Events published this turn, with the listeners they go to; delivered together on the next turn. */
  private queued: { listeners: Listener[]; payload: unknown }[] = [];

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish<T extends Topic>(sandboxId: string, topic: T, payload: PubSubEvents[T]): void {
    const hooks = currentTransactionHooks();
    if (hooks) hooks.afterCommit(() => this.deliverLocally(sandboxId, topic, payload));
    else this.deliverLocally(sandboxId, topic, payload);
  }

  /**
   * Hands the event to this process's listeners on the next turn, whatever transaction is open: the delivery
   * step of publish, and what an event bus calls with events it received.
   */
  deliverLocally<T extends Topic>(sandboxId: string, topic: T, payload: PubSubEvents[T]): void {
    const name = `${sandboxId}:${topic}`;
    if (this.emitter.listenerCount(name) === 0) return;
    if (this.queued.length === 0) setImmediate(this.deliver);
    this.queued.push({ listeners: this.emitter.listeners(name) as Listener[], payload });
  }

  private readonly deliver = (): void => {
    const events = this.queued;
    this.queued = [];
    for (const { listeners, payload } of events) for (const listener of listeners) listener(payload as never);
  };

  /**
   * Told when events may have been missed (a cluster bus lost its connection and is back): whoever keeps state
   * from events (live streams, caches, wake-ups) re-reads it. Never called in the single-process mode.
   */
  onResync(listener: (event: ResyncEvent) => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  protected resync(event: ResyncEvent): void {
    for (const listener of [...this.resyncListeners]) listener(event);
  }

  /** Why this instance cannot deliver events now (readiness), or null; the single-process mode always can. */
  unavailable(): string | null {
    return null;
  }

  listenerCount(sandboxId: string, topic: Topic): number {
    return this.emitter.listenerCount(`${sandboxId}:${topic}`);
  }

  /**
   * Registers the listener at once (not on first pull), so a caller can subscribe,
   * then read the current state, and miss nothing in between.
   */
  subscribe<T extends Topic>(sandboxId: string, topic: T, signal?: AbortSignal): AsyncIterableIterator<PubSubEvents[T]> {
    const name = `${sandboxId}:${topic}`;
    const buffer: PubSubEvents[T][] = [];
    let waiting: ((r: IteratorResult<PubSubEvents[T]>) => void) | undefined;
    let done = false;
    const listener = (payload: PubSubEvents[T]) => {
      // Delivered a turn after publish: a subscriber that finished in between hears nothing.
      if (done) return;
      if (waiting) {
        const resolve = waiting;
        waiting = undefined;
        resolve({ value: payload, done: false });
        return;
      }
      buffer.push(payload);
      if (buffer.length > MAX_BUFFER) buffer.shift();
    };
    const finish = (): IteratorResult<PubSubEvents[T]> => {
      if (!done) {
        done = true;
        this.emitter.off(name, listener);
        buffer.length = 0;
        if (waiting) {
          waiting({ value: undefined, done: true });
          waiting = undefined;
        }
      }
      return { value: undefined, done: true };
    };
    this.emitter.on(name, listener);
    signal?.addEventListener('abort', () => finish(), { once: true });
    const iterator: AsyncIterableIterator<PubSubEvents[T]> = {
      next: () => {
        if (buffer.length) return Promise.resolve({ value: buffer.shift()!, done: false });
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => {
          waiting = resolve;
        });
      },
      return: () => Promise.resolve(finish()),
      throw: (err?: unknown) => {
        finish();
        return Promise.reject(err);
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }
}
