import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import { errorTypeMap } from '@pothos/plugin-errors';
import type { GraphQLFieldResolver } from 'graphql';
import { withTransactionParticipant, type TransactionParticipant, type Tx } from '../platform/db.js';
import { DomainError } from '../platform/errors.js';
import { amendAudit, recordAudit } from '../platform/tenancy/service.js';
import type { GraphQLContext } from './context.js';

/**
 * Writes one audit row for every mutation an authorised caller runs: who (key
 * prefix and role), what (the mutation), when, which object (the id of the
 * returned object, or the id in the input) and the outcome (SUCCESS or the
 * error code the caller received). Wraps inside scope-auth and outside the
 * errors plugin, so it sees domain errors as returned values.
 *
 * The row is written in the mutation's own transaction: the resolver runs with
 * a transaction participant (platform/db.ts) that adds the row to the first
 * transaction the mutation commits, so the change and its audit row commit
 * together or not at all. When the mutation ends otherwise than that row says
 * (a later step failed, or the returned object names another id), the row is
 * corrected; a mutation that committed nothing (refused before writing, or one
 * that only reads Meta) gets its row on its own, as before.
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

class MutationAudit implements TransactionParticipant {
  private entryId: string | null = null;
  private recorded: { objectId: string | null; outcome: string } | null = null;
  private open = true;

  constructor(
    private readonly ctx: GraphQLContext,
    private readonly action: string,
    private readonly objectType: string | null,
    private readonly args: Record<string, unknown>,
  ) {}

  /** Inside each transaction of the mutation, before it commits; a failure here rolls the change back. */
  async beforeCommit(tx: Tx, result: unknown): Promise<void> {
    if (!this.open) return;
    const objectId = objectIdOf(result, this.args);
    if (this.entryId === null) {
      this.entryId = await recordAudit(tx, this.ctx.viewer, {
        action: this.action,
        objectType: this.objectType,
        objectId,
        outcome: 'SUCCESS',
      });
      this.recorded = { objectId, outcome: 'SUCCESS' };
    } else if (this.recorded!.objectId === null && objectId !== null) {
      await amendAudit(tx, this.entryId, { objectId });
      this.recorded = { ...this.recorded!, objectId };
    }
  }

  /** After the resolver: the row says how it ended. */
  async settle(outcome: string, objectId: string | null): Promise<void> {
    this.open = false;
    const { db, pubsub, logger } = this.ctx.deps;
    try {
      if (this.entryId === null) {
        this.entryId = await recordAudit(db, this.ctx.viewer, { action: this.action, objectType: this.objectType, objectId, outcome });
      } else if (this.recorded!.outcome !== outcome || this.recorded!.objectId !== objectId) {
        await amendAudit(db, this.entryId, { objectId, outcome });
      }
      pubsub.publish(this.ctx.viewer.sandboxId, 'audit:entry-added', { auditLogEntryId: this.entryId });
    } catch (err) {
      logger.error({ err, action: this.action }, 'audit log write failed');
    }
  }
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
      const input = args as Record<string, unknown>;
      const audit = new MutationAudit(context as unknown as GraphQLContext, action, objectType, input);
      try {
        const result: unknown = await withTransactionParticipant(audit, () => resolver(parent, args, context, info));
        // The errors plugin returns handled errors as proxies it tracks in errorTypeMap.
        const handled = typeof result === 'object' && result !== null && errorTypeMap.has(result);
        const outcome = handled ? String((result as { code?: unknown }).code ?? 'ERROR') : 'SUCCESS';
        await audit.settle(outcome, objectIdOf(handled ? null : result, input));
        return result;
      } catch (err) {
        await audit.settle(err instanceof DomainError ? err.code : 'ERROR', objectIdOf(null, input));
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
