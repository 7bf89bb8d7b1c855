import { snapshotReadsPlugin } from '../graphql/snapshot-plugin.js';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { GraphQLError } from 'graphql';
import { createYoga, maskError as yogaMaskError, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { AppDeps } from '../core/deps.js';
import type { GraphQLContext } from '../graphql/context.js';
import { SharedFanout } from '../graphql/fanout.js';
import { errorHygienePlugin } from '../graphql/error-hygiene.js';
import { armorPlugin } from '../graphql/limits.js';
import { cachedOperationMetrics, graphqlMetricsPlugin } from '../graphql/metrics-plugin.js';
import { ResponseCache } from '../graphql/response-cache.js';
import { cacheableFields, getSchema } from './schema.js';
import { attachGraphqlWs } from './graphql-ws.js';
import type { ServerContext } from './server-context.js';
import { applyBrowserRules, postContentTypeProblem, sendUnsupportedContentType } from '../http/browser-edge.js';
import { consoleRoutes } from '../http/console-route.js';
import { ConnectionCaps, KeyWatcher } from '../http/live-connections.js';
import { GRAPHIQL_OPTIONS, renderOwnGraphiQL } from '../http/graphiql.js';
import { currentRequestId, newRequestId, requestContext, requestContextFor } from '../http/request-context.js';
import { attachBody, MALFORMED, MALFORMED_JSON_BODY, malformedJson, parseJsonBody, readBodyUpTo } from '../http/request-body.js';
import { graphqlPostFastPath, type GraphQLPostFastPath } from '../http/graphql-post.js';
import { storageProblem } from '../http/storage-readiness.js';
import { sendJson, type HttpRoute } from '../http/respond.js';
import { databaseReadiness } from '../platform/readiness.js';
import { readVersion } from '../platform/read-versions/version.js';
import { SYSTEM_SANDBOX } from '../platform/pubsub.js';
import { ApiKeyAuthenticator } from '../platform/tenancy/service.js';
import type { Viewer } from '../platform/tenancy/viewer.js';

/**
 * The thin edge: one node:http server carrying GraphQL (POST/GET and SSE via
 * yoga, WebSocket via graphql-ws on the same path: graphql-ws.ts), the health probes, and the
 * domain routes (Meta's webhook callbacks, tracked-link redirects).
 * Building it has no side effects; main.ts decides when to listen.
 */

export interface App {
  server: http.Server;
  yoga: YogaServerInstance<ServerContext, GraphQLContext>;
  /** Plain JSON queries answered without yoga's Fetch-API round trip (http/graphql-post.ts). */
  fastPost: GraphQLPostFastPath<ServerContext>;
  /** Kept answers of configuration reads (counts for tests and metrics). */
  responseCache: ResponseCache;
  /** graphql-ws subscriptions sharing one execution per event (counts for tests and metrics). */
  fanout: SharedFanout;
  keyWatcher: KeyWatcher;
  listen(port: number, host: string): Promise<AddressInfo>;
  /** Stops accepting, closes WebSockets, and waits for in-flight HTTP requests. */
  close(timeoutMs?: number): Promise<void>;
  /**
   * Ends every live stream because events may have been missed (the event bus's resync): WebSockets close with 1012
   * and the reason (graphql-ws clients reconnect and subscribe again, current state first), SSE responses end.
   */
  interruptLive(reason: string): void;
}

const UNAUTHENTICATED_BODY = {
  errors: [
    {
      message: 'Missing or invalid API key. Send "Authorization: Bearer <key>" (create one with `wcs api-key create`).',
      extensions: { code: 'UNAUTHENTICATED' },
    },
  ],
};

/** Sets the request id as a response header so a support ticket can quote it. */
function requestIdHeaderPlugin(): Plugin<ServerContext> {
  return {
    onResponse({ response, serverContext }) {
      const requestId = (serverContext as Partial<ServerContext> | undefined)?.requestId;
      if (requestId) response.headers.set('x-request-id', requestId);
    },
  };
}

/** Responses yoga streams (SSE, incremental delivery): they live as long as a WebSocket does. */
const STREAMED_CONTENT_TYPES = /^(text\/event-stream|multipart\/mixed)/i;

/**
 * Every streamed response is watched, whatever the request's Accept said: yoga streams a subscription to a client
 * that sent no Accept or "*\/*" too, and such a stream must also end when its key is revoked.
 */
function streamKeyWatchPlugin(watch: (authorization: string | undefined, onRevoked: () => void) => () => void): Plugin<ServerContext> {
  return {
    onResponse({ response, serverContext }) {
      if (!STREAMED_CONTENT_TYPES.test(response.headers.get('content-type') ?? '')) return;
      const { req, res } = serverContext as Partial<ServerContext>;
      if (!req || !res) return;
      const stop = watch(req.headers.authorization, () => res.destroy());
      res.once('close', stop);
    },
  };
}

export function buildApp(deps: AppDeps, routes: HttpRoute[] = []): App {
  const { config, logger } = deps;
  const production = config.isProduction;
  const originPolicy = { corsOrigins: config.corsOrigins, publicUrl: config.publicUrl };

  /** Live streams re-check their key: a revoked key stops receiving within streamKeyRecheckMs (WebSocket and SSE alike). */
  const auth = new ApiKeyAuthenticator(deps.db);
  const keyWatcher = new KeyWatcher(config.limits.streamKeyRecheckMs, async (authorization) => !!(await auth.authenticate(authorization)));
  const watchKey = (authorization: string | undefined, onRevoked: () => void) => keyWatcher.watch(authorization, onRevoked);
  // A key revoked anywhere (another instance, the CLI on PostgreSQL) ends its streams here at once.
  const revocations = new AbortController();
  void (async () => {
    for await (const _revoked of deps.pubsub.subscribe(SYSTEM_SANDBOX, 'api-key:revoked', revocations.signal)) keyWatcher.checkNow();
  })();
  // Events may have been missed (the bus lost its connection): a revocation among them is found by checking now.
  revocations.signal.addEventListener(
    'abort',
    deps.pubsub.onResync(() => keyWatcher.checkNow()),
    { once: true },
  );
  const caps = new ConnectionCaps({ total: config.limits.wsMaxConnections, perKey: config.limits.wsMaxConnectionsPerKey });
  const fanout = new SharedFanout();

  const yoga = createYoga<ServerContext, GraphQLContext>({
    schema: getSchema(),
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: production ? false : GRAPHIQL_OPTIONS,
    renderGraphiQL: renderOwnGraphiQL,
    batching: false,
    logging: {
      debug: (...args) => logger.debug({ yoga: yogaLogArgs(args) }, 'yoga'),
      info: (...args) => logger.info({ yoga: yogaLogArgs(args) }, 'yoga'),
      warn: (...args) => logger.warn({ yoga: yogaLogArgs(args) }, 'yoga'),
      // Yoga logs at error every error our maskError rewrites, a client's invalid variable included: that one is the
      // client's mistake, not the operator's (unexpected errors are logged at error by maskError itself).
      error: (...args) =>
        args.length > 0 && args.every((a) => withoutEchoedVariable(a) !== null)
          ? logger.info({ yoga: yogaLogArgs(args) }, 'yoga: invalid variables (client error)')
          : logger.error({ yoga: yogaLogArgs(args) }, 'yoga'),
    },
    maskedErrors: {
      // Unexpected errors become "Unexpected error." with the request id; the original is logged, never returned.
      maskError(error, message) {
        const withoutValue = withoutEchoedVariable(error);
        if (withoutValue) return withoutValue;
        const masked = yogaMaskError(error, message, false);
        if (masked === error) return masked;
        const requestId = currentRequestId();
        logger.error({ err: error, requestId }, 'unexpected error in GraphQL operation');
        return new GraphQLError('Unexpected error.', { extensions: { code: 'INTERNAL_SERVER_ERROR', requestId } });
      },
    },
    // CORS is answered by the edge (applyBrowserRules) before the key is checked: preflights never carry one.
    cors: false,
    context: ({ viewer, requestId }): GraphQLContext => ({ viewer, requestId, deps }),
    plugins: [
      armorPlugin({ exposeLimits: !production, production }),
      // A cross-site page cannot send Authorization without a preflight that CORS_ORIGINS must allow: the key is the
      // CSRF proof (GET from @urql/core, EventSource clients, graphql-sse work). The edge requires it before yoga.
      useCSRFPrevention({ requestHeaders: ['authorization', 'x-graphql-yoga-csrf'] }),
      // Introspection off in production and no echoed literals or suggestions, on every transport.
      errorHygienePlugin({ production }),
      requestIdHeaderPlugin(),
      graphqlMetricsPlugin(deps.metrics),
      streamKeyWatchPlugin(watchKey),
      snapshotReadsPlugin(),
    ],
  });

  const healthRoutes: HttpRoute[] = [
    {
      name: 'healthz',
      match: (p) => (p === '/healthz' ? {} : null),
      handle: (_req, res) => sendJson(res, 200, { status: 'ok' }),
    },
    {
      name: 'readyz',
      match: (p) => (p === '/readyz' ? {} : null),
      handle: (_req, res) => {
        void (async () => {
          try {
            const problem = await databaseReadiness(deps.db, { onError: (err) => logger.warn({ err }, 'readiness check failed') });
            if (problem) return sendJson(res, 503, { status: 'unavailable', reason: problem });
            // Without its LISTEN connection (PostgreSQL) an instance would serve subscriptions that hear nothing.
            const bus = deps.pubsub.unavailable();
            if (bus) return sendJson(res, 503, { status: 'unavailable', reason: bus });
            // The SQLite file's disk; a PostgreSQL server watches its own.
            const storage = config.database.kind === 'sqlite' ? storageProblem(config.database.file, config.readyzMinFreeBytes) : null;
            if (storage) return sendJson(res, 503, { status: 'unavailable', reason: storage });
            sendJson(res, 200, { status: 'ready' });
          } catch (err) {
            logger.warn({ err }, 'readiness check failed');
            sendJson(res, 503, { status: 'unavailable', reason: 'database unreachable' });
          }
        })();
      },
    },
  ];
  const allRoutes = [...healthRoutes, ...consoleRoutes({ rootRedirect: config.consoleRootRedirect }), ...routes];

  // requestListener sends the response (handleNodeRequestAndResponse only builds it); its typing omits the server context.
  const serveYoga = yoga.requestListener as unknown as (
    req: IncomingMessage,
    res: ServerResponse,
    context: Pick<ServerContext, 'viewer' | 'requestId'>,
  ) => Promise<void>;

  async function handleGraphQL(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    if (applyBrowserRules(req, res, originPolicy)) return;
    const method = req.method ?? 'GET';
    // As yoga decides: a browser navigating here (a ?query= link included) gets GraphiQL, never a result.
    const wantsGraphiQL = method === 'GET' && String(req.headers.accept ?? '').includes('text/html');
    if (wantsGraphiQL && !production) {
      // The GraphiQL page itself needs no key; every request it sends does.
      await serveYoga(req, res, { viewer: undefined as unknown as Viewer, requestId });
      return;
    }
    const viewer = await auth.authenticate(req.headers.authorization);
    if (!viewer) return sendJson(res, 401, UNAUTHENTICATED_BODY, { 'www-authenticate': 'Bearer' });
    if (method === 'POST') {
      const problem = postContentTypeProblem(req);
      if (problem) return sendUnsupportedContentType(res, problem);
      const tooLarge = () =>
        sendJson(
          res,
          413,
          { errors: [{ message: `Request body larger than ${config.limits.graphqlMaxBodyBytes} bytes.` }] },
          { connection: 'close' },
        );
      if (Number(req.headers['content-length'] ?? 0) > config.limits.graphqlMaxBodyBytes) return tooLarge();
      // Chunked bodies (no Content-Length) are counted as they arrive, against the same limit.
      const read = await readBodyUpTo(req, config.limits.graphqlMaxBodyBytes);
      if (read.kind === 'aborted') return;
      if (read.kind === 'too-large') return tooLarge();
      const body = parseJsonBody(read.body);
      if (body === MALFORMED) return sendJson(res, 400, MALFORMED_JSON_BODY);
      if (await fastPost.serve({ req, res, viewer, requestId }, body)) return;
      attachBody(req, read.body);
    } else if (malformedJson(req, null)) return sendJson(res, 400, MALFORMED_JSON_BODY);
    if (String(req.headers.accept ?? '').includes('text/event-stream')) {
      eventStreams.add(res);
      res.once('close', () => eventStreams.delete(res));
    }
    await serveYoga(req, res, { viewer, requestId });
  }

  /** SSE responses in flight (interruptLive ends them). */
  const eventStreams = new Set<ServerResponse>();

  // Plain JSON queries skip yoga's Fetch-API round trip (graphql-post.ts); everything else is yoga's as before.
  const responseCache = new ResponseCache({
    maxBytes: config.limits.graphqlResponseCacheBytes,
    cacheableFields: cacheableFields(),
    version: () => readVersion(deps.db, 'configuration'),
    onServed: cachedOperationMetrics(deps.metrics),
  });
  const fastPost = graphqlPostFastPath(yoga, responseCache);

  const fastRoutes = allRoutes.flatMap((r) => (r.fast ? [r.fast] : []));

  const server = http.createServer((req, res) => {
    const rawUrl = req.url ?? '/';
    for (const fast of fastRoutes) {
      if (!rawUrl.startsWith(fast.prefix)) continue;
      try {
        if (fast.handle(req, res)) return;
      } catch (err) {
        logger.error({ err, path: rawUrl.split('?')[0] }, 'request failed');
        if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Internal error.' }] });
        else res.destroy();
        return;
      }
    }
    const requestId = newRequestId();
    requestContext.run(requestContextFor(req, requestId), () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const done = (err: unknown) => {
        logger.error({ err, requestId, path: url.pathname }, 'request failed');
        if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Internal error.', extensions: { requestId } }] });
        else res.destroy();
      };
      try {
        if (url.pathname === '/graphql') {
          handleGraphQL(req, res, requestId).catch(done);
          return;
        }
        for (const route of allRoutes) {
          const params = route.match(url.pathname);
          if (params) {
            Promise.resolve(route.handle(req, res, params, url)).catch(done);
            return;
          }
        }
        sendJson(res, 404, { error: 'not found' });
      } catch (err) {
        done(err);
      }
    });
  });
  server.headersTimeout = 15_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;

  // graphql-ws on the same port and path, through yoga's envelop so armor, masking and auth apply as over HTTP.
  const webSockets = attachGraphqlWs(server, { yoga, config, originPolicy, auth, caps, watchKey, fanout });

  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  return {
    server,
    yoga,
    fastPost,
    responseCache,
    fanout,
    keyWatcher,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      }),
    close: async (timeoutMs = 10_000) => {
      // No key check may run once the service stops (the database closes after this).
      keyWatcher.stop();
      revocations.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await webSockets.close();
      server.closeIdleConnections();
      const timer = setTimeout(() => {
        for (const socket of sockets) socket.destroy();
      }, timeoutMs);
      await closed;
      clearTimeout(timer);
    },
    interruptLive: (reason) => {
      webSockets.interrupt(reason);
      // An SSE client sees its stream end without "complete" and reconnects, current state first.
      for (const res of eventStreams) res.destroy();
      eventStreams.clear();
    },
  };
}

/** Yoga's own log lines carry the original errors: without the echoed variable values too. */
const yogaLogArgs = (args: unknown[]): string[] => args.map((a) => String(withoutEchoedVariable(a) ?? a));

/**
 * graphql-js reports a variable it cannot coerce with the whole value printed
 * ("Variable "$input" got invalid value { apiToken: "EAAB…", … }; Field … was
 * not provided."): an API token or app secret would go back in the response.
 * Keep the path and the reason, drop the value.
 */
function withoutEchoedVariable(error: unknown): GraphQLError | null {
  if (!(error instanceof GraphQLError)) return null;
  const head = /^Variable "(\$[^"]+)" got invalid value /.exec(error.message);
  const reason = error.originalError?.message;
  if (!head || !reason || !error.message.endsWith(`; ${reason}`)) return null;
  const beforeReason = error.message.slice(0, -(reason.length + 2));
  const at = / at "([^"]*)"$/.exec(beforeReason)?.[1];
  return new GraphQLError(`Variable "${head[1]}" got an invalid value${at ? ` at "${at}"` : ''}; ${reason}`, {
    nodes: error.nodes,
    extensions: error.extensions,
  });
}
