import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';

/**
 * One limits profile for every transport: HTTP, SSE and WebSocket all run the
 * same envelop plugins (the WebSocket path goes through yoga.getEnveloped), so a
 * document rejected over HTTP is rejected over WebSocket too, before any resolver.
 */
export const GRAPHQL_LIMITS = {
  maxDepth: 10,
  maxAliases: 15,
  maxTokens: 2_000,
  maxDirectives: 20,
  maxCost: 8_000,
} as const;

export function armorPlugin(options: { exposeLimits: boolean; production: boolean }) {
  return EnvelopArmorPlugin({
    maxDepth: { n: GRAPHQL_LIMITS.maxDepth, ignoreIntrospection: true, flattenFragments: true, exposeLimits: options.exposeLimits },
    maxAliases: { n: GRAPHQL_LIMITS.maxAliases, allowList: ['__typename'], exposeLimits: options.exposeLimits },
    maxTokens: { n: GRAPHQL_LIMITS.maxTokens, exposeLimits: options.exposeLimits },
    maxDirectives: { n: GRAPHQL_LIMITS.maxDirectives, exposeLimits: options.exposeLimits },
    costLimit: {
      maxCost: GRAPHQL_LIMITS.maxCost,
      objectCost: 2,
      scalarCost: 1,
      depthCostFactor: 1.5,
      ignoreIntrospection: true,
      exposeLimits: options.exposeLimits,
    },
    blockFieldSuggestion: { enabled: options.production },
  });
}
