import pg from 'pg';
import { hidePassword, type PgLocation } from '../pg/url.js';
import type { PubSub } from '../pubsub.js';
import { BusError, type ResyncInfo } from './bus.js';
import { decodeNotification, publishEntry, type WireItem } from './wire.js';

export interface ReconnectOptions {
  /** First wait after a lost connection (default 100 ms); doubles per failed attempt, with jitter. */
  initialMs?: number;
  /** Longest wait between attempts (default 5 s). */
  maxMs?: number;
}

export interface PgListenerOptions {
  location: PgLocation;
  channel: string;
  pubsub: PubSub;
  applicationName: string;
  connectTimeoutMs: number;
  reconnect: ReconnectOptions;
  onError: (err: BusError) => void;
  onResync: (info: ResyncInfo) => void;
}

/**
 * The one LISTEN connection of an instance (a node-postgres Client of its own, never a pooled one). It publishes
 * every notification's events to the local PubSub in the order received; a message holding references waits
 * for its rows, and the messages after it wait behind it. When the connection is lost it reconnects with
 * backoff, LISTENs again and only then emits resync, so a stream that re-reads its state on resync misses nothing.
 */
export class PgListener {
  private client: pg.Client | undefined;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private attempts = 0;
  /** Messages waiting behind a reference fetch, in order. */
  private queue: Promise<void> = Promise.resolve();
  private waiting = 0;
  private starting: Promise<void> | undefined;
  backendPid: number | undefined;

  constructor(private readonly options: PgListenerOptions) {}

  get listening(): boolean {
    return this.client !== undefined;
  }

  /** Connects once; a second call while the first is under way waits for it instead of opening another connection. */
  start(): Promise<void> {
    this.starting ??= this.connect().catch((err: unknown) => {
      this.starting = undefined;
      throw new BusError('BUS_UNREACHABLE', `cannot LISTEN on PostgreSQL at ${this.options.location.display}: ${this.reason(err)}`, {
        cause: err,
      });
    });
    return this.starting;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const { location, channel } = this.options;
    const client = new pg.Client({
      connectionString: location.connectionString,
      application_name: this.options.applicationName,
      connectionTimeoutMillis: this.options.connectTimeoutMs,
      keepAlive: true,
      // Keepalive probes start after 10 s idle instead of the OS default of 2 hours, so a half-open connection (a peer
      // gone without a FIN) is noticed once the OS's probes run out (tcp_keepalive_intvl × tcp_keepalive_probes).
      keepAliveInitialDelayMillis: 10_000,
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    // Notifications can be parsed before the LISTEN's promise settles: take them from the moment it is sent.
    let listening = false;
    client.on('notification', (msg) => {
      if (listening && !this.closed && msg.channel === channel) this.receive(msg.payload ?? '');
    });
    try {
      await client.connect();
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      listening = true;
      await client.query(`LISTEN ${channel}`);
      if (this.closed) throw new BusError('BUS_CLOSED', 'event bus is closed');
      this.backendPid = rows[0]?.pid;
      this.client = client;
    } catch (err) {
      listening = false;
      await client.end().catch(() => undefined);
      throw err;
    }
  }

  private lost(client: pg.Client, err: Error): void {
    if (client !== this.client || this.closed) return;
    this.client = undefined;
    this.backendPid = undefined;
    client.end().catch(() => undefined);
    this.options.onError(
      new BusError('BUS_UNREACHABLE', `LISTEN connection to ${this.options.location.display} lost: ${this.reason(err)}; reconnecting`),
    );
    this.attempts = 0;
    this.schedule();
  }

  private schedule(): void {
    if (this.closed) return;
    const { initialMs = 100, maxMs = 5_000 } = this.options.reconnect;
    const wait = Math.min(maxMs, initialMs * 2 ** this.attempts) * (0.5 + Math.random() / 2);
    this.timer = setTimeout(() => void this.reconnect(), wait);
  }

  private async reconnect(): Promise<void> {
    try {
      await this.connect();
    } catch (err) {
      if (this.closed) return;
      this.attempts++;
      this.options.onError(
        new BusError(
          'BUS_UNREACHABLE',
          `LISTEN reconnect ${this.attempts} to ${this.options.location.display} failed: ${this.reason(err)}`,
        ),
      );
      this.schedule();
      return;
    }
    this.options.onResync({ reason: 'LISTEN connection re-established: events in the gap may be missing', attempts: this.attempts });
  }

  private receive(payload: string): void {
    let items: WireItem[];
    try {
      items = decodeNotification(payload);
    } catch (err) {
      this.options.onError(err as BusError);
      return;
    }
    if (this.waiting === 0 && items.every((item) => 'entry' in item)) {
      this.publish(items.map((item) => (item as { entry: unknown }).entry));
      return;
    }
    this.waiting++;
    this.queue = this.queue
      .then(async () => this.publish(await this.resolve(items)))
      .catch((err: unknown) => this.failed(err))
      .finally(() => this.waiting--);
  }

  /** The items with their references read from bus_payloads, in order. */
  private async resolve(items: WireItem[]): Promise<unknown[]> {
    const refs = items.flatMap((item) => ('ref' in item ? [item.ref] : []));
    const client = this.client;
    if (!client) throw new BusError('BUS_BAD_MESSAGE', `${refs.length} large event(s) lost with the LISTEN connection`);
    const { rows } = await client.query<{ id: string; entry: string }>(
      'SELECT id::text AS id, entry FROM bus_payloads WHERE id = ANY($1::bigint[])',
      [refs],
    );
    const byId = new Map(rows.map((r) => [Number(r.id), r.entry]));
    return items.map((item) => {
      if ('entry' in item) return item.entry;
      const entry = byId.get(item.ref);
      if (entry === undefined) throw new BusError('BUS_BAD_MESSAGE', `large event ${item.ref} is no longer in bus_payloads`);
      return JSON.parse(entry) as unknown;
    });
  }

  private publish(entries: unknown[]): void {
    for (const entry of entries) {
      try {
        publishEntry(this.options.pubsub, entry);
      } catch (err) {
        this.options.onError(err as BusError);
      }
    }
  }

  /** A message whose events could not be read: report it, and have the streams re-read their state. */
  private failed(err: unknown): void {
    this.options.onError(
      err instanceof BusError ? err : new BusError('BUS_BAD_MESSAGE', `large event could not be read: ${this.reason(err)}`, { cause: err }),
    );
    this.options.onResync({ reason: 'an event could not be read', attempts: 0 });
  }

  /** The driver's reason, without the URL's password. */
  private reason(err: unknown): string {
    return hidePassword(err instanceof Error ? err.message : String(err), this.options.location);
  }
}
