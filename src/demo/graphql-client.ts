import { createClient, type Client } from 'graphql-ws';
import { request } from 'undici';
import WebSocket from 'ws';

/**
 * The smallest GraphQL client a script needs: queries and mutations over HTTP,
 * subscriptions over graphql-ws. It is what an admin script written against
 * the public API looks like; the demo uses nothing else to drive the service.
 */

export class GraphQLRequestError extends Error {}

export interface ScriptClient {
  query<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /**
   * Subscribes now; `done` resolves with every event seen up to the first one the predicate accepts (the stream is
   * closed then). Start watching before the mutation that causes the events, so none is missed.
   */
  watch<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown>,
    accept: (data: T) => boolean,
    timeoutMs?: number,
  ): { done: Promise<T[]> };
  close(): Promise<void>;
}

export function createScriptClient(baseUrl: string, apiKey: string): ScriptClient {
  let ws: Client | undefined;
  const wsClient = () =>
    (ws ??= createClient({
      url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${apiKey}` },
      retryAttempts: 0,
    }));

  return {
    async query<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
      const res = await request(`${baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ query, variables }),
      });
      const text = await res.body.text();
      if (res.statusCode !== 200) throw new GraphQLRequestError(`HTTP ${res.statusCode}: ${text.slice(0, 300)}`);
      const body = JSON.parse(text) as { data?: T; errors?: Array<{ message: string }> };
      if (body.errors?.length) throw new GraphQLRequestError(body.errors.map((e) => e.message).join('; '));
      return body.data as T;
    },

    watch<T>(query: string, variables: Record<string, unknown>, accept: (data: T) => boolean, timeoutMs = 20_000): { done: Promise<T[]> } {
      const seen: T[] = [];
      const done = new Promise<T[]>((resolve, reject) => {
        let unsubscribe = () => {};
        const timer = setTimeout(() => {
          unsubscribe();
          reject(new Error(`no matching event within ${timeoutMs} ms (saw ${seen.length})`));
        }, timeoutMs);
        unsubscribe = wsClient().subscribe<T>(
          { query, variables },
          {
            next: (result) => {
              if (result.errors?.length) {
                clearTimeout(timer);
                unsubscribe();
                reject(new GraphQLRequestError(result.errors.map((e) => e.message).join('; ')));
                return;
              }
              const data = result.data as T;
              seen.push(data);
              if (accept(data)) {
                clearTimeout(timer);
                unsubscribe();
                resolve(seen);
              }
            },
            error: (err) => {
              clearTimeout(timer);
              reject(err instanceof Error ? err : new Error(JSON.stringify(err)));
            },
            complete: () => {},
          },
        );
      });
      return { done };
    },

    async close() {
      await ws?.dispose();
    },
  };
}
