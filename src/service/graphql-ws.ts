import type http from 'node:http';
import { getOperationAST, GraphQLError, type ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Config } from '../core/config.js';
import type { GraphQLContext } from '../graphql/context.js';
import { fanoutKey, type FanoutTarget, type SharedFanout } from '../graphql/fanout.js';
import { judgeOrigin, type OriginPolicy } from '../http/browser-edge.js';
import type { ConnectionCaps } from '../http/live-connections.js';
import { newRequestId } from '../http/request-context.js';
import type { ApiKeyAuthenticator } from '../platform/tenancy/service.js';
import type { Viewer } from '../platform/tenancy/viewer.js';
import type { ServerContext } from './server-context.js';

/**
 * GraphQL over WebSocket (graphql-ws) on the HTTP server's port and /graphql path, through yoga's envelop so that
 * armor, error masking and auth apply as over HTTP: the Origin rule at the upgrade, the connection caps, the API key
 * in connection_init (re-checked while the socket lives), the per-connection operation limit, and subscriptions
 * sharing one execution per event (graphql/fanout.ts).
 */
export interface GraphqlWsOptions {
  yoga: YogaServerInstance<ServerContext, GraphQLContext>;
  config: Config;
  originPolicy: OriginPolicy;
  auth: ApiKeyAuthenticator;
  caps: ConnectionCaps;
  watchKey: (authorization: string | undefined, onRevoked: () => void) => () => void;
  fanout: SharedFanout;
}

export function attachGraphqlWs(
  server: http.Server,
  { yoga, config, originPolicy, auth, caps, watchKey, fanout }: GraphqlWsOptions,
): { close(): Promise<void>; interrupt(reason: string): void } {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: config.limits.wsMaxPayloadBytes,
    perMessageDeflate: false,
  });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // A browser page may open a WebSocket to any site (no CORS for WebSockets): the Origin rule of HTTP applies here.
    if (url.pathname !== '/graphql' || judgeOrigin(req, originPolicy) === 'refused') {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    const refusal = caps.refuseUpgrade(wss.clients.size);
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (refusal) ws.close(refusal.code, refusal.reason);
      else wss.emit('connection', ws, req);
    });
  });

  type WsExtra = {
    viewer?: Viewer;
    stopWatchingKey?: () => void;
  };
  type EnvelopedRoot = {
    execute: (args: ExecutionArgs) => unknown;
    subscribe: (args: ExecutionArgs) => unknown;
    fanout?: FanoutTarget;
  };

  const wsDisposable = useServer<{ authorization?: unknown; Authorization?: unknown }, WsExtra>(
    {
      connectionInitWaitTimeout: 3_000,
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args) as never,
      subscribe: (args) => {
        // Subscribers of the same operation, variables and visibility share one execution per event (fanout.ts).
        const root = args.rootValue as EnvelopedRoot;
        return (root.fanout ? fanout.subscribe(args, root.subscribe, root.fanout) : root.subscribe(args)) as never;
      },
      onConnect: async (ctx) => {
        const raw = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        const authorization = typeof raw === 'string' ? raw : undefined;
        const viewer = await auth.authenticate(authorization);
        if (!viewer) return false; // graphql-ws closes with 4403 Forbidden
        const refusal = caps.acquire(viewer.apiKeyId);
        if (refusal) {
          ctx.extra.socket.close(refusal.code, refusal.reason);
          return false;
        }
        ctx.extra.viewer = viewer;
        ctx.extra.stopWatchingKey = watchKey(authorization, () => ctx.extra.socket.close(4403, 'Forbidden'));
        return true;
      },
      onClose: (ctx) => {
        ctx.extra.stopWatchingKey?.();
        if (ctx.extra.viewer) caps.release(ctx.extra.viewer.apiKeyId);
      },
      onSubscribe: async (ctx, id, payload) => {
        if (Object.keys(ctx.subscriptions).length > config.limits.wsMaxSubscriptionsPerConnection) {
          return [
            new GraphQLError(`At most ${config.limits.wsMaxSubscriptionsPerConnection} operations may run at once on one connection.`, {
              extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' },
            }),
          ];
        }
        const requestId = newRequestId();
        const enveloped = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params: payload,
          viewer: ctx.extra.viewer,
          requestId,
        });
        // Armor's limits may throw from parse or validate; either way the operation gets errors, the socket stays up.
        // Errors are rebuilt with this module's GraphQLError so graphql-ws recognises them whatever copy made them.
        const asErrors = (err: unknown) => {
          const list = Array.isArray(err) ? err : [err];
          return list.map(
            (e: Partial<GraphQLError>) => new GraphQLError(e?.message ?? 'Invalid operation.', { extensions: e?.extensions }),
          );
        };
        let document;
        try {
          document = enveloped.parse(payload.query);
          const errors = enveloped.validate(enveloped.schema, document);
          if (errors.length) return asErrors(errors);
        } catch (err) {
          return asErrors(err);
        }
        return {
          schema: enveloped.schema,
          operationName: payload.operationName,
          document,
          variableValues: payload.variables,
          contextValue: await enveloped.contextFactory(),
          rootValue: {
            execute: enveloped.execute,
            subscribe: enveloped.subscribe,
            fanout:
              getOperationAST(document, payload.operationName)?.operation === 'subscription'
                ? { key: fanoutKey(ctx.extra.viewer!, payload), socket: ctx.extra.socket, id }
                : undefined,
          } satisfies EnvelopedRoot,
        };
      },
    },
    wss,
    12_000,
  );

  return {
    /**
     * Closes every socket with 1012 (Service Restart): graphql-ws clients take it as retryable, reconnect and subscribe
     * again, so each live stream starts over with the current state. The reason is at most 123 bytes (WebSocket limit).
     */
    interrupt: (reason) => {
      const text = Buffer.from(reason).subarray(0, 123).toString();
      for (const ws of wss.clients as Set<WebSocket>) ws.close(1012, text);
    },
    /** Closes every socket (1001) and waits for graphql-ws to finish its operations. */
    close: async () => {
      for (const ws of wss.clients as Set<WebSocket>) ws.close(1001, 'Server shutting down');
      await wsDisposable.dispose();
    },
  };
}
