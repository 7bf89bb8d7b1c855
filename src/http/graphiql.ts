import type { GraphiQLOptions } from 'graphql-yoga';

/**
 * GraphiQL as the service serves it outside production. Its assets come from @graphql-yoga/render-graphiql (an
 * npm dependency, inlined into the page) instead of yoga's default CDN page: it works offline and under a strict
 * network policy. Subscriptions run over SSE, so they carry the key from the Headers tab like every other request
 * (a WebSocket's connection_init would need it elsewhere, and GraphiQL sends none).
 */

const DEFAULT_QUERY = `# Paste your API key into the Headers tab below:  { "Authorization": "Bearer wcs_..." }
# Queries, mutations and subscriptions (over SSE) all send it.

query Me {
  viewer {
    organization { name }
    sandbox { name }
    role
    entitlements
  }
}

# A live view: the current status of every channel configuration first, then each change.
subscription ChannelStatus {
  channelConfigurationStatusChanged {
    previousStatus
    status
    at
    channelConfiguration { id name }
  }
}
`;

export const GRAPHIQL_OPTIONS: GraphiQLOptions = {
  title: 'whatsapp-channel-service',
  headers: JSON.stringify({ Authorization: 'Bearer <paste your API key>' }, null, 2),
  defaultQuery: DEFAULT_QUERY,
  subscriptionsProtocol: 'SSE',
};

/** The page is ~9 MB of inlined assets: loaded on first use (never in production) and rendered once per options. */
const pages = new Map<string, Promise<string>>();

export function renderOwnGraphiQL(options: GraphiQLOptions): Promise<string> {
  const key = JSON.stringify(options);
  let page = pages.get(key);
  if (!page) {
    page = import('@graphql-yoga/render-graphiql').then(({ renderGraphiQL }) => renderGraphiQL(options));
    page.catch(() => pages.delete(key));
    pages.set(key, page);
  }
  return page;
}
