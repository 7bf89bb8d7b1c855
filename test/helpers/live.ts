import { print, type ExecutionResult } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { createClient, type Client } from 'graphql-ws';
import { request } from 'undici';
import WebSocket from 'ws';

/** Real subscription clients: graphql-ws over a WebSocket, and yoga's SSE over HTTP. */

export class EventQueue<T> {
  private readonly items: T[] = [];
  private waiters: Array<(v: T) => void> = [];
  readonly all: T[] = [];
  error: unknown;

  push(item: T): void {
    this.all.push(item);
    const waiter = this.waiters.shift();
    if (waiter) waiter(item);
    else this.items.push(item);
  }

  /** The next event, or a rejection after timeoutMs. */
  next(timeoutMs = 10_000): Promise<T> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        reject(new Error(`no event within ${timeoutMs} ms (received ${this.all.length} so far)`));
      }, timeoutMs);
      const done = (v: T) => {
        clearTimeout(timer);
        resolve(v);
      };
      this.waiters.push(done);
    });
  }

  /** Resolves once an event satisfies the predicate (earlier events are consumed). */
  async until(predicate: (item: T) => boolean, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const item = await this.next(Math.max(1, deadline - Date.now()));
      if (predicate(item)) return item;
    }
  }

  /** Asserts that nothing arrives for ms milliseconds. */
  async none(ms: number): Promise<void> {
    const before = this.all.length;
    await new Promise((r) => setTimeout(r, ms));
    if (this.all.length !== before) throw new Error(`expected no event, got ${JSON.stringify(this.all.slice(before))}`);
  }
}

export interface WsConnection {
  client: Client;
  closed: Promise<{ code: number; reason: string }>;
  subscribe<TData, TVars>(
    doc: TypedDocumentNode<TData, TVars>,
    variables?: TVars,
  ): { events: EventQueue<ExecutionResult<TData>>; done: Promise<void>; unsubscribe: () => void };
  dispose(): Promise<void>;
}

export function connectWs(url: string, key: string | undefined, options: { lazy?: boolean } = {}): WsConnection {
  let resolveClosed!: (v: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((r) => (resolveClosed = r));
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    lazy: options.lazy ?? false,
    retryAttempts: 0,
    connectionParams: key === undefined ? {} : { authorization: `Bearer ${key}` },
    on: {
      closed: (event) =>
        resolveClosed({ code: (event as { code: number }).code, reason: String((event as { reason?: string }).reason ?? '') }),
    },
  });
  return {
    client,
    closed,
    subscribe<TData, TVars>(doc: TypedDocumentNode<TData, TVars>, variables?: TVars) {
      const events = new EventQueue<ExecutionResult<TData>>();
      let unsubscribe = () => {};
      const done = new Promise<void>((resolve, reject) => {
        unsubscribe = client.subscribe(
          { query: print(doc), variables: variables as Record<string, unknown> | undefined },
          {
            next: (value) => events.push(value as ExecutionResult<TData>),
            error: (err) => {
              events.error = err;
              reject(err instanceof Error ? err : new Error(JSON.stringify(err)));
            },
            complete: () => resolve(),
          },
        );
      });
      done.catch(() => {});
      return { events, done, unsubscribe };
    },
    dispose: () => client.dispose() as Promise<void>,
  };
}

/** Subscribes over SSE (yoga's built-in transport); events are parsed from the text/event-stream body. */
export async function subscribeSse<TData, TVars>(
  baseUrl: string,
  key: string,
  doc: TypedDocumentNode<TData, TVars>,
  variables?: TVars,
): Promise<{
  events: EventQueue<ExecutionResult<TData>>;
  close: () => void;
  status: number;
  /** Settles when the stream ends: `complete` when the server sent "complete", false when it broke off. */
  ended: Promise<{ complete: boolean }>;
}> {
  const controller = new AbortController();
  const res = await request(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: print(doc), variables }),
    signal: controller.signal,
  });
  const events = new EventQueue<ExecutionResult<TData>>();
  let complete = false;
  const ended = (async () => {
    let buffer = '';
    try {
      for await (const chunk of res.body) {
        buffer += (chunk as Buffer).toString('utf8');
        let index;
        while ((index = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, index);
          buffer = buffer.slice(index + 2);
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).trimStart())
            .join('\n');
          const event = /^event: (\w+)/m.exec(block)?.[1];
          if (event === 'complete') complete = true;
          if (data && event !== 'complete') events.push(JSON.parse(data) as ExecutionResult<TData>);
        }
      }
    } catch {
      // aborted by close(), or the server broke the stream off
    }
    return { complete };
  })();
  return { events, close: () => controller.abort(), status: res.statusCode, ended };
}
