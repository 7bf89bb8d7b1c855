import type { DbOrTx } from './db.js';
import type { JobQueue } from './jobs/queue.js';

/**
 * Durable domain events between slices, without import cycles: a slice emits in
 * the same transaction as the change (one job per registered listener), and
 * listeners run at least once, after commit, even across a restart. Slices add
 * their events to DomainEventMap by declaration merging.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DomainEventMap {}

export type DomainEventName = keyof DomainEventMap & string;

export class DomainEvents {
  private readonly listeners = new Map<string, string[]>();

  constructor(private readonly jobs: JobQueue) {}

  /** Registers a listener (at start-up, before anything emits). Handlers must be idempotent. */
  on<K extends DomainEventName>(
    name: K,
    listener: string,
    handler: (payload: DomainEventMap[K]) => Promise<void>,
    options: { concurrency?: number } = {},
  ): void {
    const kind = `event:${name}:${listener}`;
    this.jobs.define<DomainEventMap[K]>({ kind, run: (payload) => handler(payload), concurrency: options.concurrency ?? 2 });
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), kind]);
  }

  /** Call inside the transaction that made the change; call jobs.notify() after commit. */
  async emit<K extends DomainEventName>(tx: DbOrTx, name: K, payload: DomainEventMap[K], sandboxId?: string): Promise<void> {
    for (const kind of this.listeners.get(name) ?? []) await this.jobs.enqueue(tx, kind, payload, { sandboxId });
  }
}
