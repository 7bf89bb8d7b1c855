import { Client, fetchExchange, subscriptionExchange, type AnyVariables, type CombinedError, type TypedDocumentNode } from '@urql/core';
import { LiveTransport, type TransportEvents } from './transport';

/**
 * One urql client per signed-in key: queries and mutations over POST (the Authorization header is also what
 * proves the request is not a cross-site forgery), subscriptions through the live transport. Any 401 ends the
 * session: the key was revoked or never existed.
 */

export interface Api {
  client: Client;
  transport: LiveTransport;
  dispose(): void;
}

export function createApi(key: string, events: TransportEvents): Api {
  const transport = new LiveTransport(key, events);
  const fetchWithAuth: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${key}`);
    const response = await fetch(input, { ...init, headers });
    if (response.status === 401) events.onUnauthorized();
    return response;
  };
  const client = new Client({
    url: '/graphql',
    // POST only: a GET without the CSRF header yoga asks for would be refused.
    preferGetMethod: false,
    fetch: fetchWithAuth,
    requestPolicy: 'network-only',
    exchanges: [
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (observer) => {
            const stop = transport.subscribe(
              { query: request.query ?? '', variables: request.variables as Record<string, unknown>, operationName: request.operationName },
              {
                next: (v) => observer.next(v as never),
                error: (e) => observer.error(e),
                complete: () => observer.complete(),
              },
            );
            return { unsubscribe: stop };
          },
        }),
      }),
    ],
  });
  return { client, transport, dispose: () => transport.dispose() };
}

/** A query or mutation's data, or throws with a message fit for the page. */
export async function run<D, V extends AnyVariables>(
  client: Client,
  doc: TypedDocumentNode<D, V>,
  variables: V,
  mutation = false,
): Promise<D> {
  const result = mutation ? await client.mutation(doc, variables).toPromise() : await client.query(doc, variables).toPromise();
  if (result.error) throw new Error(describeError(result.error));
  if (!result.data) throw new Error('The service returned no data.');
  return result.data;
}

export function describeError(error: CombinedError): string {
  const first = error.graphQLErrors[0];
  if (first) {
    const code = first.extensions?.code;
    if (code === 'FORBIDDEN') return 'Your API key is read-only (VIEWER): ask an administrator.';
    return first.message;
  }
  return error.networkError ? `The service could not be reached (${error.networkError.message}).` : error.message;
}
