import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import { errorTypeMap } from '@pothos/plugin-errors';
import type { GraphQLFieldResolver } from 'graphql';
import { DomainError } from '../platform/errors.js';
import { recordAudit } from '../platform/tenancy/service.js';
import type { GraphQLContext } from './context.js';

/**
 * Writes one audit row for every mutation an authorised caller runs: who (key
 * prefix and role), what (the mutation), when, which object (the id of the
 * returned object, or the id in the input) and the outcome (SUCCESS or the
 * error code the caller received). Wraps inside scope-auth and outside the
 * errors plugin, so it sees domain errors as returned values.
 */
const VERB = /^[a-z]+/;

function objectIdOf(result: unknown, args: Record<string, unknown>): string | null {
  if (result && typeof result === 'object' && 'id' in result && typeof result.id === 'string') return result.id;
  const input = args.input;
  if (input && typeof input === 'object') {
    for (const key of ['id', 'credentialId', 'webhookId', 'channelConfigurationId']) {
      const value = (input as Record<string, unknown>)[key];
      if (typeof value === 'string') return value;
    }
  }
  return null;
}

export class AuditPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    if (fieldConfig.parentType !== 'Mutation') return resolver;
    const action = fieldConfig.name;
    const objectType = action.replace(VERB, '') || null;
    return async (parent, args, context, info) => {
      const ctx = context as unknown as GraphQLContext;
      const write = (outcome: string, objectId: string | null) => {
        try {
          const auditLogEntryId = recordAudit(ctx.deps.db, ctx.viewer, { action, objectType, objectId, outcome });
          ctx.deps.pubsub.publish(ctx.viewer.sandboxId, 'audit:entry-added', { auditLogEntryId });
        } catch (err) {
          ctx.deps.logger.error({ err, action }, 'audit log write failed');
        }
      };
      try {
        const result: unknown = await resolver(parent, args, context, info);
        // The errors plugin returns handled errors as proxies it tracks in errorTypeMap.
        const handled = typeof result === 'object' && result !== null && errorTypeMap.has(result);
        const outcome = handled ? String((result as { code?: unknown }).code ?? 'ERROR') : 'SUCCESS';
        write(outcome, objectIdOf(handled ? null : result, args as Record<string, unknown>));
        return result;
      } catch (err) {
        write(err instanceof DomainError ? err.code : 'ERROR', objectIdOf(null, args as Record<string, unknown>));
        throw err;
      }
    };
  }
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  export namespace PothosSchemaTypes {
    interface Plugins<Types extends SchemaTypes> {
      audit: AuditPlugin<Types>;
    }
  }
}

SchemaBuilder.registerPlugin('audit', AuditPlugin);
