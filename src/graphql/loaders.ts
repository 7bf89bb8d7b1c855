import DataLoader from 'dataloader';
import type { GraphQLContext } from './context.js';

/** The app's dependencies as the context carries them (the kernel names no composition file). */
type AppDeps = GraphQLContext['deps'];

/**
 * Per-request batch loaders for the kernel: every row a resolver asks for by id within one tick of execution is read
 * in ONE statement for the page (not one per row), through the caller's sandbox.
 *
 * The sandbox guard is built in: a source is only ever asked for the caller's sandbox, and a row that is not in it
 * (or missing) loads as null. Loaders batch but do not cache: a subscription reuses its context for every event,
 * and each event must see fresh rows.
 */

export interface BatchSource<K, V> {
  /** Unique per source (the key of its loader in a request). */
  name: string;
  /** The rows of these keys in this sandbox, in any order (missing ones left out). */
  load(deps: AppDeps, sandboxId: string, keys: K[]): V[];
  /** The key a loaded row answers. */
  keyOf(row: V): K;
}

const perContext = new WeakMap<object, Map<string, DataLoader<unknown, unknown>>>();

export function loaderOf<K, V>(ctx: GraphQLContext, source: BatchSource<K, V>): DataLoader<K, V | null> {
  let loaders = perContext.get(ctx);
  if (!loaders) perContext.set(ctx, (loaders = new Map()));
  let loader = loaders.get(source.name) as DataLoader<K, V | null> | undefined;
  if (!loader) {
    loader = new DataLoader<K, V | null>(
      async (keys) => {
        const rows = source.load(ctx.deps, ctx.viewer.sandboxId, [...new Set(keys)]);
        const byKey = new Map(rows.map((row) => [source.keyOf(row), row]));
        return keys.map((key) => byKey.get(key) ?? null);
      },
      { cache: false },
    );
    loaders.set(source.name, loader as DataLoader<unknown, unknown>);
  }
  return loader;
}

/** A row by id through the caller's sandbox, batched with the rest of the page; null/undefined ids load as null. */
export function loadRef<V>(ctx: GraphQLContext, source: BatchSource<string, V>, id: string | null | undefined): Promise<V | null> {
  return id ? loaderOf(ctx, source).load(id) : Promise.resolve(null);
}

/** Several rows by id, in the order asked, missing ones left out. */
export async function loadRefs<V>(ctx: GraphQLContext, source: BatchSource<string, V>, ids: readonly string[]): Promise<V[]> {
  if (!ids.length) return [];
  const rows = await loaderOf(ctx, source).loadMany(ids);
  return rows.filter((r): r is Awaited<V> => r !== null && !(r instanceof Error)) as V[];
}

/** Sources whose rows carry their sandbox: rows of another sandbox are dropped even if the store returned them. */
export function sandboxed<V extends { id: string; sandboxId: string }>(
  name: string,
  find: (deps: AppDeps, sandboxId: string, ids: string[]) => V[],
): BatchSource<string, V> {
  return {
    name,
    load: (deps, sandboxId, ids) => find(deps, sandboxId, ids).filter((row) => row.sandboxId === sandboxId),
    keyOf: (row) => row.id,
  };
}
