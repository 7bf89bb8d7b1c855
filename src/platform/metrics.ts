import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics of one running service (prom-client; one registry per
 * service, so that several services in one test process do not mix). This
 * file holds the generic instruments: HTTP requests, GraphQL operations, live
 * connections and subscriptions, and Node's own (event-loop lag, GC, memory).
 * Slices add their own instruments through `counter`/`gauge`/`histogram`
 * (webhooks, sending), so this file names no product concept.
 */

/** Seconds; from a health check (~1 ms) to a slow Meta-bound mutation (10 s). */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Distinct GraphQL operation names kept as labels; beyond that (or an odd name) they count as "other". */
const MAX_OPERATION_NAMES = 200;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export type LiveTransport = 'websocket' | 'sse';
type LiveKind = 'subscriptions' | 'connections';
const TRANSPORTS: LiveTransport[] = ['websocket', 'sse'];

export class Metrics {
  readonly registry = new Registry();
  private readonly operationNames = new Set<string>();
  private readonly httpRequests: Counter<'route' | 'method' | 'status'>;
  private readonly httpDuration: Histogram<'route' | 'method'>;
  private readonly gqlOperations: Counter<'operation' | 'type' | 'outcome'>;
  private readonly gqlDuration: Histogram<'operation' | 'type'>;
  private readonly subscriptions = new Map<LiveTransport, number>([
    ['websocket', 0],
    ['sse', 0],
  ]);
  private readonly connections = new Map<LiveTransport, number>([
    ['websocket', 0],
    ['sse', 0],
  ]);
  /** Counted elsewhere (e.g. subscribers sharing one execution): read at scrape time instead of the counter. */
  private readonly liveSources: Partial<Record<LiveKind, Partial<Record<LiveTransport, () => number>>>> = {};

  constructor(prefix = 'wcs_') {
    // Event-loop lag (nodejs_eventloop_lag_*), GC, heap, handles, CPU.
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 10 });
    this.httpRequests = this.counter(`${prefix}http_requests_total`, 'HTTP requests answered, by route, method and status.', [
      'route',
      'method',
      'status',
    ]);
    this.httpDuration = this.histogram(`${prefix}http_request_duration_seconds`, 'Time to answer an HTTP request, by route and method.', [
      'route',
      'method',
    ]);
    this.gqlOperations = this.counter(
      `${prefix}graphql_operations_total`,
      'GraphQL operations executed (HTTP and WebSocket), by operation name, type and outcome (ok, error).',
      ['operation', 'type', 'outcome'],
    );
    this.gqlDuration = this.histogram(
      `${prefix}graphql_operation_duration_seconds`,
      'Execution time of GraphQL queries and mutations (subscriptions: until the stream starts), by operation name and type.',
      ['operation', 'type'],
    );
    const liveCount = (kind: LiveKind, transport: LiveTransport) => this.liveCount(kind, transport);
    const live = (kind: LiveKind) =>
      function collect(this: Gauge<'transport'>) {
        for (const transport of TRANSPORTS) this.set({ transport }, liveCount(kind, transport));
      };
    this.gauge(
      `${prefix}live_subscriptions`,
      'GraphQL subscriptions running now, by transport (websocket: graphql-ws; sse: Server-Sent Events).',
      ['transport'],
      live('subscriptions'),
    );
    this.gauge(
      `${prefix}live_connections`,
      'Open connections, by transport (websocket: graphql-ws sockets; sse: Server-Sent Events streams).',
      ['transport'],
      live('connections'),
    );
  }

  counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  histogram<L extends string>(name: string, help: string, labelNames: readonly L[] = [], buckets = LATENCY_BUCKETS): Histogram<L> {
    return new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }

  /** A gauge read when scraped: `collect` sets its values (e.g. from a database query). */
  gauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    collect: (this: Gauge<L>) => void | Promise<void>,
  ): Gauge<L> {
    return new Gauge({ name, help, labelNames, registers: [this.registry], collect });
  }

  observeHttp(route: string, method: string, status: number, seconds: number): void {
    this.httpRequests.inc({ route, method, status: String(status) });
    this.httpDuration.observe({ route, method }, seconds);
  }

  /** A client-chosen name becomes a label only if it looks like one and the set of names is still small. */
  operationLabel(name: string | undefined): string {
    if (!name) return 'anonymous';
    if (this.operationNames.has(name)) return name;
    if (!OPERATION_NAME.test(name) || this.operationNames.size >= MAX_OPERATION_NAMES) return 'other';
    this.operationNames.add(name);
    return name;
  }

  observeOperation(operation: string, type: string, outcome: 'ok' | 'error', seconds: number): void {
    this.gqlOperations.inc({ operation, type, outcome });
    this.gqlDuration.observe({ operation, type }, seconds);
  }

  /** +1 when a live thing starts, -1 when it ends. */
  live(kind: LiveKind, transport: LiveTransport, delta: 1 | -1): void {
    const counts = kind === 'subscriptions' ? this.subscriptions : this.connections;
    counts.set(transport, counts.get(transport)! + delta);
  }

  /** Reads a live count from its owner at scrape time, added to what live() counted. */
  liveFrom(kind: LiveKind, transport: LiveTransport, read: () => number): void {
    (this.liveSources[kind] ??= {})[transport] = read;
  }

  private liveCount(kind: LiveKind, transport: LiveTransport): number {
    const counted = (kind === 'subscriptions' ? this.subscriptions : this.connections).get(transport)!;
    return counted + (this.liveSources[kind]?.[transport]?.() ?? 0);
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
