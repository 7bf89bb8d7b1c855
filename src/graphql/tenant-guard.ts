import SchemaBuilder, { BasePlugin, isThenable, type PothosTypeConfig, type SchemaTypes } from '@pothos/core';
import { getNamedType, type GraphQLIsTypeOfFn } from 'graphql';

/**
 * The type-level tenant guard (`authScopes: (row) => ({ sandbox: row.sandboxId })` with `runScopesOnType`) passed
 * without scope-auth's generic machinery when it passes. Scope-auth evaluates a type's scopes for every object it
 * completes through a per-request cache of maps, a rest-spread of the scope map, a failure record and closures:
 * about 2 µs per object, ~10% of a 20-row list (60 guarded objects; profiled). Here, for an object of the field's own
 * type whose scope map is exactly `{ sandbox: id }`, the builder's own `sandbox` scope is asked once and a `true`
 * answer lets the object through; anything else (another sandbox, another map, a promise, an object completed
 * through an interface or union, where scope-auth answers for resolveType differently) goes to scope-auth as before,
 * which decides and makes the error. So the guard can only be passed where scope-auth would pass it too.
 *
 * Registered just before ScopeAuth in the plugin list, so the isTypeOf it receives is scope-auth's own.
 */

type ScopeMap = Record<string, unknown>;
type SandboxScope = (sandboxId: unknown) => unknown;

/**
 * The builder's scopes of a request, built once and kept on the request's context object itself (the builder's
 * authScopes is a pure function of it): gone with the request, no registry beside it.
 */
const SCOPES = Symbol('wcs.tenantGuardScopes');
type WithScopes = { [SCOPES]?: ScopeMap | null };

/** The one scope map the fast path knows: `{ sandbox: <id> }` and nothing else. */
function onlySandbox(map: unknown): map is { sandbox: unknown } {
  if (typeof map !== 'object' || map === null || isThenable(map)) return false;
  let keys = 0;
  for (const key in map) {
    if (key !== 'sandbox') return false;
    keys++;
  }
  return keys === 1;
}

export class TenantGuardPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapIsTypeOf(
    isTypeOf: GraphQLIsTypeOfFn<unknown, Types['Context']> | undefined,
    typeConfig: PothosTypeConfig,
  ): GraphQLIsTypeOfFn<unknown, Types['Context']> | undefined {
    if (!isTypeOf || typeConfig.kind !== 'Object') return isTypeOf;
    const options = typeConfig.pothosOptions as {
      authScopes?: unknown;
      runScopesOnType?: boolean;
      grantScopes?: unknown;
      isTypeOf?: unknown;
    };
    // A type with its own isTypeOf keeps scope-auth's path (scope-auth answers that one's result once scopes pass).
    const ownIsTypeOf = options.isTypeOf ?? (typeConfig as { isTypeOf?: unknown }).isTypeOf;
    if (options.runScopesOnType !== true || typeof options.authScopes !== 'function' || options.grantScopes || ownIsTypeOf) {
      return isTypeOf;
    }
    // Scopes of an interface run too (scope-auth's steps): such a type keeps scope-auth's path.
    if (
      typeConfig.interfaces.some(
        (i) => (this.buildCache.getTypeConfig(i, 'Interface').pothosOptions as { authScopes?: unknown }).authScopes,
      )
    ) {
      return isTypeOf;
    }
    const builderScopes = (this.builder.options as { scopeAuth?: { authScopes?: (ctx: object) => unknown } }).scopeAuth?.authScopes;
    if (!builderScopes) return isTypeOf;
    const typeScopes = options.authScopes as (parent: unknown, ctx: object) => unknown;
    const typeName = typeConfig.name;
    const sandboxScopeOf = (ctx: object): SandboxScope | null => {
      const holder = ctx as WithScopes;
      let scopes = holder[SCOPES];
      if (scopes === undefined) {
        const built = builderScopes(ctx);
        scopes = typeof built === 'object' && built !== null && !isThenable(built) ? (built as ScopeMap) : null;
        holder[SCOPES] = scopes;
      }
      const sandbox = scopes?.sandbox;
      return typeof sandbox === 'function' ? (sandbox as SandboxScope) : null;
    };
    return (parent, ctx, info) => {
      // Only for an object completed as the field's own type: from resolveType (interfaces, unions) scope-auth answers.
      if (getNamedType(info.returnType).name === typeName && typeof ctx === 'object' && ctx !== null) {
        const map = typeScopes(parent, ctx);
        if (onlySandbox(map) && sandboxScopeOf(ctx)?.(map.sandbox) === true) return true;
      }
      return isTypeOf(parent, ctx, info);
    };
  }
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  export namespace PothosSchemaTypes {
    interface Plugins<Types extends SchemaTypes> {
      tenantGuard: TenantGuardPlugin<Types>;
    }
  }
}

SchemaBuilder.registerPlugin('tenantGuard', TenantGuardPlugin);
