import { getOperationAST, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Metrics } from '../platform/metrics.js';
import { inSharedExecution } from './live.js';

/**
 * Counts and times every GraphQL operation by name and type, over HTTP, SSE
 * and WebSocket alike (they all run through yoga's envelop), and keeps the
 * number of running subscription streams.
 */

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> =>
  typeof value === 'object' && value !== null && Symbol.asyncIterator in value;

function describe(metrics: Metrics, document: DocumentNode, operationName: string | null | undefined) {
  const operation = getOperationAST(document, operationName);
  return { operation: metrics.operationLabel(operation?.name?.value), type: operation?.operation ?? 'unknown' };
}

/** A graphql-ws operation's context carries its socket (app.ts passes it to getEnveloped); HTTP ones do not. */
const transportOf = (context: unknown) => (context && typeof context === 'object' && 'socket' in context ? 'websocket' : 'sse');

/**
 * A query answered from the response cache (response-cache.ts) ran no execution: it is counted here as an operation
 * that did, and in wcs_graphql_response_cache_hits_total.
 */
export function cachedOperationMetrics(
  metrics: Metrics,
): (document: DocumentNode, operationName: string | null | undefined, seconds: number) => void {
  const hits = metrics.counter(
    'wcs_graphql_response_cache_hits_total',
    'GraphQL queries answered from the response cache, by operation name.',
    ['operation'],
  );
  return (document, operationName, seconds) => {
    const { operation, type } = describe(metrics, document, operationName);
    metrics.observeOperation(operation, type, 'ok', seconds);
    hits.inc({ operation });
  };
}

export function graphqlMetricsPlugin(metrics: Metrics): Plugin {
  return {
    onExecute({ args }) {
      const started = performance.now();
      const { operation, type } = describe(metrics, args.document, args.operationName);
      return {
        onExecuteDone({ result }) {
          const failed = !isAsyncIterable(result) && Boolean(result.errors?.length);
          metrics.observeOperation(operation, type, failed ? 'error' : 'ok', (performance.now() - started) / 1000);
        },
      };
    },
    onSubscribe({ args }) {
      // A graphql-ws subscriber is counted by its own subscribe (fanout.ts, 'initial' mode); the execution its group
      // starts on the first subscriber's behalf would count it twice.
      if (inSharedExecution()) return;
      const started = performance.now();
      const { operation } = describe(metrics, args.document, args.operationName);
      return {
        onSubscribeResult({ result }) {
          const streaming = isAsyncIterable(result);
          metrics.observeOperation(operation, 'subscription', streaming ? 'ok' : 'error', (performance.now() - started) / 1000);
          // WebSocket subscribers are counted where they share executions (fanout); here the SSE streams.
          if (!streaming || transportOf(args.contextValue) === 'websocket') return;
          metrics.live('subscriptions', 'sse', 1);
          metrics.live('connections', 'sse', 1);
          return {
            onEnd() {
              metrics.live('subscriptions', 'sse', -1);
              metrics.live('connections', 'sse', -1);
            },
          };
        },
      };
    },
  };
}
