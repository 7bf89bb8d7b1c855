import { isAbstractType, lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { builder } from '../graphql/builder.js';
import '../graphql/errors.js';
import '../graphql/viewer.js';
import '../graphql/node-fields.js';
import { cacheableFields as settingsFields } from '../settings/graphql.js';
import { cacheableFields as credentialFields } from '../credentials/graphql.js';
import { cacheableFields as webhookFields } from '../webhooks/graphql.js';
import '../messages/graphql.js';
import '../profiles/graphql.js';
import { cacheableFields as configurationFields } from '../channel-configurations/graphql.js';
import '../sending/graphql.js';

/** Each domain's graphql.ts registers its types on import; this file only gathers them. */
let schema: GraphQLSchema | undefined;

export function getSchema(): GraphQLSchema {
  schema ??= builder.toSchema({ sortSchema: false });
  return schema;
}

/**
 * "Type.field" of every field read only from the versioned configuration tables, as each domain lists them: the
 * queries the response cache may answer (graphql/response-cache.ts).
 */
export function cacheableFields(): ReadonlySet<string> {
  const pageInfo = ['hasNextPage', 'hasPreviousPage', 'startCursor', 'endCursor'].map((f) => `PageInfo.${f}`);
  return new Set([...pageInfo, ...settingsFields, ...credentialFields, ...webhookFields, ...configurationFields]);
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
