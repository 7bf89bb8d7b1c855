import SchemaBuilder from '@pothos/core';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin, { AuthScopeFailureType, type AuthFailure } from '@pothos/plugin-scope-auth';
import ValidationPlugin from '@pothos/plugin-validation';
import { GraphQLError, GraphQLScalarType } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import './audit-plugin.js';
import './sync-global-id.js';
import './tenant-guard.js';
import type { GraphQLContext } from './context.js';
import { JSONScalar } from './json-scalar.js';

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** True when the failed check was the ADMIN role (FORBIDDEN), not the tenant guard (not found). */
function needsAdmin(failure: AuthFailure): boolean {
  if (failure.kind === AuthScopeFailureType.AuthScope) return failure.scope === 'admin';
  if (failure.kind === AuthScopeFailureType.AnyAuthScopes || failure.kind === AuthScopeFailureType.AllAuthScopes) {
    return failure.failures.some(needsAdmin);
  }
  return false;
}

export interface SchemaTypesShape {
  Context: GraphQLContext;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
    ID: { Input: string; Output: string };
  };
  AuthScopes: {
    /** The caller's key has the ADMIN role. */
    admin: boolean;
    /** The object belongs to the caller's sandbox. */
    sandbox: string;
  };
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  /** Every connection carries totalCount (contract: cursor connections with totalCount). */
  Connection: { totalCount: number };
}

/**
 * The one SchemaBuilder. Plugin order matters: relay, tenantGuard, scope-auth, audit, errors,
 * validation, syncGlobalId (each wraps the next, so auth runs before auditing, and auditing
 * sees the typed errors the errors plugin turns into union members; tenantGuard only wraps
 * scope-auth's type guard).
 */
export const builder = new SchemaBuilder<SchemaTypesShape>({
  // syncGlobalId last: it replaces only the relay plugin's async id resolver (sync-global-id.ts). tenantGuard just
  // before ScopeAuth: it receives scope-auth's type guard and lets a passing row through without it (tenant-guard.ts).
  plugins: [RelayPlugin, 'tenantGuard', ScopeAuthPlugin, 'audit', ErrorsPlugin, ValidationPlugin, 'syncGlobalId'],
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    edgesFieldOptions: { nullable: false },
    // Every connection also offers `nodes` beside `edges` (as GitHub's API does) for clients that need no cursors.
    nodesOnConnection: { description: 'The items of this page, in order: the `node` of each edge, for when no cursor is needed.' },
    nodeFieldOptions: { nullable: false },
    idFieldOptions: { description: 'Opaque global id; pass it to node(id:) or to mutations.' },
    hasNextPageFieldOptions: { description: 'Whether more items follow this page.' },
    hasPreviousPageFieldOptions: { description: 'Whether items come before this page.' },
    startCursorFieldOptions: { description: 'Cursor of the first item of this page.' },
    endCursorFieldOptions: { description: 'Cursor of the last item of this page; pass it as `after` for the next page.' },
    nodeTypeOptions: { description: 'An object with a global id; fetch any of them with node(id:).' },
    pageInfoTypeOptions: { description: 'Where a page sits in a cursor-paginated list.' },
    // node/nodes are defined in node-fields.ts: the plugin's versions fail the whole field on one malformed id.
    nodeQueryOptions: false,
    nodesQueryOptions: false,
  },
  scopeAuth: {
    authScopes: (ctx) => ({
      admin: ctx.viewer.role === 'ADMIN',
      sandbox: (sandboxId: string) => sandboxId === ctx.viewer.sandboxId,
    }),
    // A failed scope is a top-level error (never a 500, never data).
    unauthorizedError: (_parent, _ctx, info, result) => {
      if (info.parentType.name === 'Mutation' || needsAdmin(result.failure)) {
        return new GraphQLError('This operation needs an ADMIN API key.', { extensions: { code: 'FORBIDDEN' } });
      }
      // Tenant guard: another sandbox's object does not exist for this caller.
      return new GraphQLError('Not found', { extensions: { code: 'NOT_FOUND' } });
    },
  },
  errors: {
    defaultTypes: [],
    defaultResultOptions: {
      name: ({ fieldName }) => `${capitalize(fieldName)}Success`,
      description: 'The operation succeeded; data holds its result.',
    },
    defaultUnionOptions: {
      name: ({ fieldName }) => `${capitalize(fieldName)}Result`,
      description: 'What the mutation returns: its success type, or one of the typed errors it can fail with.',
    },
  },
  validation: {
    validationError: (result) =>
      new GraphQLError(
        `Invalid argument: ${result.issues.map((i) => `${(i.path ?? []).map((p) => (typeof p === 'object' ? String(p.key) : String(p))).join('.')} ${i.message}`.trim()).join('; ')}`,
        { extensions: { code: 'BAD_USER_INPUT' } },
      ),
  },
});

/**
 * graphql-scalars' DateTime, answering its ISO string instead of the Date it validated. The response is the same
 * JSON (a Date serializes through its toJSON, which is toISOString), but a Date in the result makes JSON.stringify
 * call toJSON on it and leave its fast path: the 20-row list's result took twice as long to serialize (profiled).
 */
const DateTimeScalar = new GraphQLScalarType<Date, string>({
  ...DateTimeResolver.toConfig(),
  serialize: (value) => {
    const serialized: unknown = DateTimeResolver.serialize(value);
    return serialized instanceof Date ? serialized.toISOString() : (serialized as string);
  },
});

builder.addScalarType('DateTime', DateTimeScalar, { description: 'An ISO-8601 date-time in UTC.' });
builder.addScalarType('JSON', JSONScalar, { description: 'Any JSON value.' });

builder.queryType({ description: 'Everything a key can read in its sandbox.' });
builder.mutationType({
  description: 'Changes; every mutation needs an ADMIN key.',
  authScopes: { admin: true },
});
builder.subscriptionType({ description: "Live updates over graphql-ws or SSE, scoped to the key's sandbox." });

builder.globalConnectionField('totalCount', (t) =>
  t.int({ description: 'How many items match, across all pages.', resolve: (connection) => connection.totalCount }),
);
