import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { GraphQLFieldResolver } from 'graphql';
import { memoized } from '../platform/memo.js';

/**
 * The `id` field of a node type answered synchronously. The relay plugin resolves every global id through an async
 * function, so each node (and each object holding one, up to the page) completes asynchronously: a promise, a
 * microtask and an asynchronous object completion per node, profiled as a large share of a list request. When the
 * type's own id resolver answers synchronously, this encodes the global id the same way the relay plugin does
 * (its encodeGlobalID option, else encodeGlobalID of the type name and the id); otherwise the relay plugin's
 * resolver runs as before. Registered last, so it replaces only the relay plugin's resolver: every other plugin
 * wraps this one as it wrapped that one.
 */
type RelayOptions = { idFieldName?: string; encodeGlobalID?: (typename: string, id: string, ctx: unknown) => string };
type IdResolver = (parent: unknown, args: object, ctx: unknown, info: unknown) => unknown;

const isThenable = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';

/** Global ids a type's encoder remembers before it starts over (bounded memory; a list page repeats its rows' ids). */
const REMEMBERED_IDS = 2_000;

/**
 * The relay plugin's encodeGlobalID for one type, remembering recent ids: the same rows are listed again and again
 * (and a page repeats its references' ids), so most ids are looked up instead of base64-encoded anew (a string and a
 * Buffer per id). The encoding is a pure function of the id, so a remembered one is the same string.
 */
function rememberedEncoder(typename: string): (type: string, id: string) => string {
  const encode = memoized((id) => encodeGlobalID(typename, id), REMEMBERED_IDS);
  return (_type, id) => encode(id);
}

export class SyncGlobalIdPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    const relay = (this.builder.options as { relay?: RelayOptions }).relay;
    if (fieldConfig.kind !== 'Object' || fieldConfig.name !== (relay?.idFieldName ?? 'id')) return resolver;
    const typeConfig = this.buildCache.getTypeConfig(fieldConfig.parentType);
    const rawId = (typeConfig.pothosOptions as { id?: { resolve?: IdResolver } }).id?.resolve;
    if (typeof rawId !== 'function') return resolver;
    const typename = typeConfig.name;
    const encode = relay?.encodeGlobalID ?? rememberedEncoder(typename);
    return (parent, args, ctx, info) => {
      const id = rawId(parent, args, ctx, info);
      if (id === null || id === undefined || isThenable(id)) return resolver(parent, args, ctx, info);
      return encode(typename, String(id as string | number | bigint), ctx);
    };
  }
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  export namespace PothosSchemaTypes {
    interface Plugins<Types extends SchemaTypes> {
      syncGlobalId: SyncGlobalIdPlugin<Types>;
    }
  }
}

SchemaBuilder.registerPlugin('syncGlobalId', SyncGlobalIdPlugin);
