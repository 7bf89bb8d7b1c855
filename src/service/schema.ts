import { isAbstractType, lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { builder } from '../graphql/builder.js';
import '../graphql/errors.js';
import '../graphql/viewer.js';
import '../graphql/node-fields.js';
import '../settings/graphql.js';
import '../credentials/graphql.js';
import '../webhooks/graphql.js';
import '../messages/graphql.js';
import '../profiles/graphql.js';
import '../channel-configurations/graphql.js';
import '../sending/graphql.js';

/** Each domain's graphql.ts registers its types on import; this file only gathers them. */
let schema: GraphQLSchema | undefined;

export function getSchema(): GraphQLSchema {
  schema ??= builder.toSchema({ sortSchema: false });
  return schema;
}

export function printSortedSchema(): string {
  return `${printSchema(lexicographicSortSchema(getSchema()))}\n`;
}

/**
 * Every interface and union with the object types that can stand for it, in the shape Apollo's InMemoryCache
 * and urql's graphcache take as `possibleTypes`: without it a normalised cache cannot match a fragment on
 * `Error` (or `Node`) against the member of a result union it reads back. Written next to the SDL by
 * `npm run schema:print` and checked for drift the same way.
 */
export function possibleTypes(): Record<string, string[]> {
  const schema = getSchema();
  const out: Record<string, string[]> = {};
  const abstract = Object.values(schema.getTypeMap()).filter((t) => isAbstractType(t) && !t.name.startsWith('__'));
  for (const type of abstract.sort((a, b) => a.name.localeCompare(b.name))) {
    if (!isAbstractType(type)) continue;
    out[type.name] = schema
      .getPossibleTypes(type)
      .map((t) => t.name)
      .sort();
  }
  return out;
}

export function printPossibleTypes(): string {
  return `${JSON.stringify(possibleTypes(), null, 2)}\n`;
}
