import type { PubSubEvents, Topic } from '../pubsub.js';

/**
 * The cross-instance event bus under the local PubSub (research/SCALE-OUT.md §4). A transaction buffers its
 * events (TxEvents.notify); the bus sends them with the transaction, so they are delivered to every instance's
 * local PubSub only if it commits, and never for a rolled-back one. Subscribers keep using PubSub.subscribe
 * (synchronous registration), so "listener first, then current state" holds across instances unchanged.
 *
 * Transport-neutral: LocalEventBus (one process, SQLite) publishes after COMMIT; PgNotifyBus sends one
 * pg_notify inside the transaction and feeds every instance from one LISTEN connection, in commit order.
 * Events carry ids, enums and versions, as PubSub events do: plain JSON only.
 */

export type BusErrorCode =
  /** notify() was given something that is not an event: an empty sandbox or topic, or a payload that is not plain JSON. */
  | 'BUS_BAD_EVENT'
  /** start(): the LISTEN connection could not be established. */
  | 'BUS_UNREACHABLE'
  /** A notification on the channel that is not a bus message, or a payload reference that no longer exists. */
  | 'BUS_BAD_MESSAGE'
  /** Events were buffered in a nested transaction, which could publish before (or without) the outer commit. */
  | 'BUS_NESTED_TRANSACTION'
  /** The bus was used after close(). */
  | 'BUS_CLOSED';

export class BusError extends Error {
  constructor(
    readonly code: BusErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BusError';
  }
}

/** Why the local streams must re-read current state: events may have been missed. */
export interface ResyncInfo {
  reason: string;
  /** Consecutive failed attempts before the connection came back. */
  attempts: number;
}

export type ResyncListener = (info: ResyncInfo) => void;

/**
 * The events of one transaction (one attempt of it: a retried transaction starts a new buffer). Each is checked
 * and encoded when it is buffered, so a bad event fails the transaction that tried to send it.
 */
export class TxEvents {
  private readonly encoded: string[] = [];

  notify<T extends Topic>(sandboxId: string, topic: T, payload: PubSubEvents[T]): void {
    if (typeof sandboxId !== 'string' || sandboxId.length === 0) throw new BusError('BUS_BAD_EVENT', 'bus event needs a sandbox id');
    if (typeof topic !== 'string' || topic.length === 0) throw new BusError('BUS_BAD_EVENT', 'bus event needs a topic');
    const problem = notPlainJson(payload, 0);
    if (problem) throw new BusError('BUS_BAD_EVENT', `bus event ${topic}: payload ${problem}`);
    this.encoded.push(JSON.stringify([sandboxId, topic, payload]));
  }

  get size(): number {
    return this.encoded.length;
  }

  /** Each event as its wire entry: the JSON array [sandboxId, topic, payload]. */
  get entries(): readonly string[] {
    return this.encoded;
  }
}

/**
 * What a transaction runner calls around each transaction. `Tx` is the transport's transaction handle
 * (drizzle's PostgreSQL transaction for PgNotifyBus; unused by LocalEventBus).
 */
export interface EventBus<Tx = unknown> {
  readonly transport: 'local' | 'postgres';
  /** Before the instance serves: opens what delivery needs (the LISTEN connection). */
  start(): Promise<void>;
  /** Last inside the transaction: sends its events with it (PostgreSQL: pg_notify, delivered at COMMIT). */
  beforeCommit(tx: Tx, events: TxEvents): Promise<void> | void;
  /** Once COMMIT has returned (local delivery; nothing to do where the transport delivers at COMMIT). */
  afterCommit(events: TxEvents): void;
  /** Told when delivery resumed after a gap (a lost LISTEN connection): live streams re-read current state. */
  onResync(listener: ResyncListener): () => void;
  close(): Promise<void>;
}

/** Listeners of resync, for the implementations. */
export class ResyncListeners {
  private readonly listeners = new Set<ResyncListener>();

  add(listener: ResyncListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(info: ResyncInfo): void {
    for (const listener of [...this.listeners]) listener(info);
  }
}

const MAX_DEPTH = 32;

/** Why value does not survive JSON unchanged (undefined when it does). */
function notPlainJson(value: unknown, depth: number): string | undefined {
  if (depth > MAX_DEPTH) return `nests deeper than ${MAX_DEPTH} levels`;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `holds a non-finite number`;
  if (Array.isArray(value)) {
    for (const item of value) {
      const problem = notPlainJson(item, depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) return `holds a ${value.constructor?.name ?? 'non-plain'} object (plain JSON only)`;
    for (const [key, item] of Object.entries(value)) {
      const problem = item === undefined ? `has undefined at ${key}` : notPlainJson(item, depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }
  return `holds a ${typeof value} (plain JSON only)`;
}
