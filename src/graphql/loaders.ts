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
  /**
   * The rows of these keys in this sandbox, in any order (missing ones left out). An array returned at once (a
   * synchronous read, see platform/db.ts readNow) lets a page's fields complete without a promise per row.
   */
  load(deps: AppDeps, sandboxId: string, keys: K[]): V[] | Promise<V[]>;
  /** The key a loaded row answers. */
  keyOf(row: V): K;
}

/** What this request keeps under `name` (its loaders), made by `create` on first use; a field of the context. */
export function perRequest<T>(ctx: GraphQLContext, name: string, create: () => T): T {
  const kept = (ctx.loaders ??= new Map());
  let found = kept.get(name) as T | undefined;
  if (found === undefined) kept.set(name, (found = create()));
  return found;
}

/** The rows of these keys through the caller's sandbox, by key (no statement for no keys). */
function rowsByKey<K, V>(ctx: GraphQLContext, source: BatchSource<K, V>, keys: K[]): Map<K, V> | Promise<Map<K, V>> {
  if (!keys.length) return new Map();
  return whenLoaded(source.load(ctx.deps, ctx.viewer.sandboxId, keys), (rows) => new Map(rows.map((row) => [source.keyOf(row), row])));
}

export function loaderOf<K, V>(ctx: GraphQLContext, source: BatchSource<K, V>): DataLoader<K, V | null> {
  return perRequest(
    ctx,
    source.name,
    () =>
      new DataLoader<K, V | null>(
        async (keys) => {
          const byKey = await rowsByKey(ctx, source, [...new Set(keys)]);
          return keys.map((key) => byKey.get(key) ?? null);
        },
        { cache: false },
      ),
  );
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
  find: (deps: AppDeps, sandboxId: string, ids: string[]) => V[] | Promise<V[]>,
): BatchSource<string, V> {
  return {
    name,
    load: (deps, sandboxId, ids) => whenLoaded(find(deps, sandboxId, ids), (rows) => rows.filter((row) => row.sandboxId === sandboxId)),
    keyOf: (row) => row.id,
  };
}

// ---- page batches: a field of one row of a page loads for the whole page, synchronously --------------------------

/**
 * The rows of one page (toConnection registers them). When a field of one of them asks for its reference, the
 * references of every row of the page are read at once, in one statement, and answered synchronously: no promise,
 * no batch loader, no asynchronous completion per row (the executor's costliest path, profiled on the list of 20).
 * Results live with the page's rows, one execution's worth: a subscription's next event reads fresh rows.
 */
interface PageBatch {
  rows: readonly object[];
  loaded: Map<string, Map<unknown, unknown> | Promise<Map<unknown, unknown>>>;
}
/**
 * A side table from a row to its page, living exactly as long as the rows (a WeakMap on purpose: a subscription
 * keeps its context for every event, so a map on the context would keep every page it ever answered).
 */
const pageOfRow = new WeakMap<object, PageBatch>();

/** Marks rows as one page: their page-batched fields load together. */
export function registerPage(rows: readonly object[]): void {
  if (rows.length < 2) return; // a page of one gains nothing over the loader
  const batch: PageBatch = { rows, loaded: new Map() };
  for (const row of rows) pageOfRow.set(row, batch);
}

/**
 * A value per row computed for the row's whole page by `loadPage` (once per page and name), or by `single` for a
 * row that is not part of a page (node(id:), a mutation's result, a subscription event).
 */
export function perPage<R extends object, V>(
  row: R,
  name: string,
  loadPage: (rows: R[]) => Map<R, V> | Promise<Map<R, V>>,
  single: () => V | Promise<V>,
): V | Promise<V> {
  const batch = pageOfRow.get(row);
  if (!batch) return single();
  let values = batch.loaded.get(name) as Map<R, V> | Promise<Map<R, V>> | undefined;
  if (!values) batch.loaded.set(name, (values = loadPage(batch.rows as R[])));
  return whenLoaded(values, (byRow) => byRow.get(row) as V);
}

/** The row's reference (`keyOf(row)`) through the caller's sandbox, for its whole page at once; null when missing. */
export function pageRef<R extends object, V>(
  ctx: GraphQLContext,
  source: BatchSource<string, V>,
  row: R,
  keyOf: (row: R) => string | null | undefined,
): V | null | Promise<V | null> {
  return perPage(
    row,
    source.name,
    (rows) => {
      const keys = [...new Set(rows.map(keyOf).filter((k): k is string => !!k))];
      return whenLoaded(rowsByKey(ctx, source, keys), (byKey) => new Map(rows.map((r) => [r, byKey.get(keyOf(r) ?? '') ?? null])));
    },
    () => loadRef(ctx, source, keyOf(row)),
  );
}

/** The row's references (`keysOf(row)`), in the order listed, missing ones left out; for its whole page at once. */
export function pageRefs<R extends object, V>(
  ctx: GraphQLContext,
  source: BatchSource<string, V>,
  row: R,
  keysOf: (row: R) => readonly string[],
): V[] | Promise<V[]> {
  return perPage(
    row,
    `${source.name}[]`,
    (rows) => {
      const keys = [...new Set(rows.flatMap(keysOf))];
      return whenLoaded(
        rowsByKey(ctx, source, keys),
        (byKey) => new Map(rows.map((r) => [r, keysOf(r).flatMap((k) => (byKey.has(k) ? [byKey.get(k)!] : []))])),
      );
    },
    () => loadRefs(ctx, source, keysOf(row)),
  );
}

/** `f(value)`, now when the value is here, later when it is a promise (page-batched values are here). */
export function whenLoaded<T, U>(value: T | Promise<T>, f: (value: T) => U): U | Promise<U> {
  return value instanceof Promise ? value.then(f) : f(value);
}
