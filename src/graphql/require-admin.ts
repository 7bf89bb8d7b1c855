import { GraphQLError } from 'graphql';
import type { GraphQLContext } from './context.js';

/** For subscribe functions: field auth scopes only run when an event is resolved, which is too late to refuse. */
export function requireAdmin(ctx: GraphQLContext): void {
  if (ctx.viewer.role !== 'ADMIN') {
    throw new GraphQLError('This operation needs an ADMIN API key.', { extensions: { code: 'FORBIDDEN' } });
  }
}
