import { createClient as createSseClient, NetworkError, type Client as SseClient } from 'graphql-sse';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';

/**
 * Live updates: graphql-ws first (one socket for every subscription); when the WebSocket cannot be opened at all
 * (a proxy or firewall that blocks upgrades), the same subscriptions move to SSE (yoga's built-in, one stream each).
 * The key goes where the server reads it: connection_init `{ authorization }` on the socket, the Authorization
 * header on SSE. A refused key (4403 on the socket, 401 on a stream) ends the session.
 */

export type ConnectionState = 'connecting' | 'live' | 'reconnecting';
export type TransportKind = 'websocket' | 'sse';

export interface Request {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

export interface Sink {
  next(value: { data?: unknown; errors?: readonly unknown[] }): void;
  error(err: unknown): void;
  complete(): void;
}

export interface TransportEvents {
  onState(state: ConnectionState, kind: TransportKind): void;
  onUnauthorized(): void;
}

/** Failed openings before the socket ever connected that make us give up on WebSocket for this session. */
const WS_FAILURES_BEFORE_SSE = 2;
const SSE_RETRY_MS = 2_000;

interface Active {
  request: Request;
  sink: Sink;
  stop: () => void;
}

export class LiveTransport {
  private kind: TransportKind = 'websocket';
  private ws: WsClient | undefined;
  private sse: SseClient | undefined;
  private wsEverConnected = false;
  private wsFailures = 0;
  private readonly active = new Set<Active>();
  private disposed = false;

  constructor(
    private readonly key: string,
    private readonly events: TransportEvents,
  ) {
    this.ws = this.openWebSocket();
  }

  subscribe(request: Request, sink: Sink): () => void {
    const entry: Active = { request, sink, stop: () => undefined };
    this.active.add(entry);
    this.start(entry);
    return () => {
      this.active.delete(entry);
      entry.stop();
    };
  }

  dispose(): void {
    this.disposed = true;
    for (const entry of this.active) entry.stop();
    this.active.clear();
    this.ws?.dispose();
    this.sse?.dispose();
  }

  private start(entry: Active): void {
    if (this.kind === 'websocket' && this.ws) {
      const ws = this.ws;
      let current = true;
      const stop = ws.subscribe(entry.request, {
        next: (v) => current && entry.sink.next(v as never),
        error: (e) => current && entry.sink.error(e),
        complete: () => current && entry.sink.complete(),
      });
      entry.stop = () => {
        current = false;
        stop();
      };
      return;
    }
    this.startSse(entry);
  }

  private startSse(entry: Active): void {
    const sse = (this.sse ??= createSseClient({
      url: '/graphql',
      headers: { authorization: `Bearer ${this.key}` },
      retryAttempts: 3,
    }));
    let current = true;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const stop = sse.subscribe(
      entry.request,
      {
        next: (v) => current && entry.sink.next(v as never),
        error: (err) => {
          if (!current) return;
          if (err instanceof NetworkError && err.response?.status === 401) return this.events.onUnauthorized();
          // A broken stream (server restart, key re-check): show it and open it again.
          this.events.onState('reconnecting', 'sse');
          retry = setTimeout(() => current && this.active.has(entry) && this.startSse(entry), SSE_RETRY_MS);
        },
        complete: () => current && entry.sink.complete(),
      },
      { connected: () => current && this.events.onState('live', 'sse') },
    );
    entry.stop = () => {
      current = false;
      clearTimeout(retry);
      stop();
    };
  }

  private openWebSocket(): WsClient {
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
    return createWsClient({
      url,
      lazy: false,
      connectionParams: { authorization: `Bearer ${this.key}` },
      retryAttempts: Infinity,
      shouldRetry: (event) => (event as CloseEvent | undefined)?.code !== 4403,
      keepAlive: 15_000,
      on: {
        connecting: () => this.events.onState(this.wsEverConnected ? 'reconnecting' : 'connecting', 'websocket'),
        connected: () => {
          this.wsEverConnected = true;
          this.wsFailures = 0;
          this.events.onState('live', 'websocket');
        },
        closed: (event) => {
          if (this.disposed || this.kind !== 'websocket') return;
          if ((event as CloseEvent | undefined)?.code === 4403) return this.events.onUnauthorized();
          this.events.onState('reconnecting', 'websocket');
          if (!this.wsEverConnected && ++this.wsFailures >= WS_FAILURES_BEFORE_SSE) this.fallBackToSse();
        },
      },
    });
  }

  private fallBackToSse(): void {
    this.kind = 'sse';
    const ws = this.ws;
    this.ws = undefined;
    this.events.onState('connecting', 'sse');
    for (const entry of this.active) {
      entry.stop();
      this.startSse(entry);
    }
    // After moving the subscriptions: disposing tells their old sinks, which no longer listen.
    queueMicrotask(() => ws?.dispose());
  }
}
