import { sql, type SQL } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { parsePgUrl } from '../pg/url.js';
import { pgTransaction, type PgTransactionOptions, type PgTx } from '../pg/transaction.js';
import type { PubSub } from '../pubsub.js';
import { BusError, ResyncListeners, TxEvents, type EventBus, type ResyncListener } from './bus.js';
import { PgListener, type ReconnectOptions } from './pg-listener.js';
import { busPayloads } from './tables.pg.js';
import { NOTIFY_LIMIT_BYTES, packNotifications, tooLargeInline } from './wire.js';

/** The channel every instance LISTENs on. */
export const BUS_CHANNEL = 'wcs_events';

/** What the bus needs of a transaction: drizzle's PostgreSQL transaction (or database) satisfies it. */
export interface PgNotifyTx {
  execute(query: SQL): PromiseLike<{ rows: Record<string, unknown>[] }>;
}

export interface PgNotifyBusOptions {
  /** The instance's PostgreSQL URL; the LISTEN connection is its own Client, not one of the pool's. */
  url: string;
  /** The instance's local PubSub, fed in the order PostgreSQL delivers (commit order). */
  pubsub: PubSub;
  channel?: string;
  /** Shown in pg_stat_activity for the LISTEN connection. */
  applicationName?: string;
  connectTimeoutMs?: number;
  reconnect?: ReconnectOptions;
  /** How long a large event's row is kept for the listeners (default 10 minutes). */
  payloadRetentionMs?: number;
  /** Problems in the background: a lost connection, a message that is not the bus's, a payload row gone. */
  onError?: (err: BusError) => void;
}

/**
 * The bus across instances on PostgreSQL LISTEN/NOTIFY (research/SCALE-OUT.md §4). beforeCommit sends the
 * transaction's events with pg_notify inside it: PostgreSQL delivers them at COMMIT, in commit order, and never
 * for a rolled-back transaction. Usually one NOTIFY per transaction (a JSON array); more only when the events do not
 * fit in 7,900 bytes, and an event that alone does not fit goes by reference (a bus_payloads row).
 * Every instance, the publishing one included, hears its events only through its LISTEN connection, so all
 * instances see one order per topic.
 */
export class PgNotifyBus implements EventBus<PgNotifyTx> {
  readonly transport = 'postgres' as const;
  readonly channel: string;
  private readonly resyncs = new ResyncListeners();
  private readonly listener: PgListener;
  private readonly retentionMs: number;
  private closed = false;

  constructor(options: PgNotifyBusOptions) {
    const location = parsePgUrl(options.url);
    this.channel = options.channel ?? BUS_CHANNEL;
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(this.channel)) throw new BusError('BUS_BAD_EVENT', `bus channel must be a lower-case identifier`);
    this.retentionMs = Math.max(60_000, options.payloadRetentionMs ?? 600_000);
    this.listener = new PgListener({
      location,
      channel: this.channel,
      pubsub: options.pubsub,
      applicationName: options.applicationName ?? 'wcs-bus',
      connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
      reconnect: options.reconnect ?? {},
      onError: options.onError ?? (() => undefined),
      onResync: (info) => this.resyncs.emit(info),
    });
  }

  /** Establishes LISTEN; call before the instance serves. A server that does not answer is BUS_UNREACHABLE. */
  start(): Promise<void> {
    if (this.closed) return Promise.reject(new BusError('BUS_CLOSED', 'event bus is closed'));
    return this.listener.start();
  }

  /** Whether the LISTEN connection is up (readiness). */
  get listening(): boolean {
    return this.listener.listening;
  }

  /** The server process of the LISTEN connection (operations; tests end it to prove the reconnect). */
  get listenerPid(): number | undefined {
    return this.listener.backendPid;
  }

  async beforeCommit(tx: PgNotifyTx, events: TxEvents): Promise<void> {
    if (this.closed) throw new BusError('BUS_CLOSED', 'event bus is closed');
    if (!events.size) return;
    const items: string[] = [];
    let stored = false;
    for (const entry of events.entries) {
      if (!tooLargeInline(entry)) {
        items.push(entry);
        continue;
      }
      const { rows } = await tx.execute(sql`INSERT INTO ${busPayloads} (entry) VALUES (${entry}) RETURNING id`);
      items.push(String(rows[0]!.id));
      stored = true;
    }
    if (stored) {
      await tx.execute(sql`DELETE FROM ${busPayloads} WHERE created_at < now() - make_interval(secs => ${this.retentionMs / 1000})`);
    }
    for (const payload of packNotifications(items, NOTIFY_LIMIT_BYTES)) {
      await tx.execute(sql`SELECT pg_notify(${this.channel}, ${payload})`);
    }
  }

  /** Nothing: PostgreSQL delivers at COMMIT, to this instance's listener too. */
  afterCommit(): void {}

  onResync(listener: ResyncListener): () => void {
    return this.resyncs.add(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.listener.close();
  }
}

/**
 * pgTransaction (retried on 40001/40P01) with an event buffer: each attempt starts a new one, and the events of
 * the attempt that commits are sent inside it, last.
 */
export async function pgTransactionWithEvents<S extends Record<string, unknown>, T>(
  db: NodePgDatabase<S>,
  bus: EventBus<PgNotifyTx>,
  fn: (tx: PgTx<S>, events: TxEvents) => Promise<T>,
  options?: PgTransactionOptions,
): Promise<T> {
  let sent: TxEvents | undefined;
  const result = await pgTransaction(
    db,
    async (tx) => {
      const events = new TxEvents();
      const value = await fn(tx, events);
      await bus.beforeCommit(tx, events);
      sent = events;
      return value;
    },
    options,
  );
  if (sent?.size) bus.afterCommit(sent);
  return result;
}
