import { GraphQLScalarType } from 'graphql';
import { JSONResolver } from 'graphql-scalars';

/**
 * graphql-scalars' JSON scalar builds null-prototype objects from literals written in the query, while
 * variables arrive as ordinary objects from JSON.parse. Code below the schema (drizzle, validation, audit)
 * may rely on Object.prototype, so literals are rebuilt as ordinary objects: any JSON input, literal or
 * variable, reaches the services in the same shape (issue 12 point 7).
 */
export function toPlainJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toPlainJson);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    // defineProperty keeps a "__proto__" key as data (as JSON.parse does) so validation can refuse it.
    Object.defineProperty(out, key, { value: toPlainJson(child), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

export const JSONScalar = new GraphQLScalarType({
  ...JSONResolver.toConfig(),
  parseLiteral: (ast, variables) => toPlainJson(JSONResolver.parseLiteral(ast, variables)),
});
