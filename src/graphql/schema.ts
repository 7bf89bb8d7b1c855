import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { builder } from './builder.js';
import './errors.js';
import './viewer.js';
import './node-fields.js';
import '../settings/graphql.js';
import '../credentials/graphql.js';
import '../webhooks/graphql.js';
import '../messaging/graphql.js';
import '../profiles/graphql.js';
import '../channel-configurations/graphql.js';
import '../messaging/send/graphql.js';

/** Each domain's graphql.ts registers its types on import; this file only gathers them. */
let schema: GraphQLSchema | undefined;

export function getSchema(): GraphQLSchema {
  schema ??= builder.toSchema({ sortSchema: false });
  return schema;
}

export function printSortedSchema(): string {
  return `${printSchema(lexicographicSortSchema(getSchema()))}\n`;
}
