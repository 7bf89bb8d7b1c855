import { getOperationAST, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Viewer } from '../platform/tenancy/viewer.js';

/**
 * The answers of configuration reads, kept while nothing they show has changed.
 *
 * A dashboard or a console lists the same channel configurations again and again; between two changes every such
 * request answers the same bytes. This cache keeps those bytes and answers with them for as long as the
 * configuration tables' read version (platform/read-versions) stays the same. The version is read BEFORE an
 * operation runs and its answer is kept under that version, so a write that commits while it runs makes the next
 * request look again: an answer is never kept under a version newer than what it read.
 *
 * What may be kept, and why it is safe:
 * - Only a query whose every field is in the allow-list the slices give (`cacheableFields`, "Type.field"): fields
 *   read from the versioned tables alone. A field read from elsewhere (delivery counts, a webhook's last event time,
 *   Meta's live catalog, the clock) keeps its query out of the cache, decided once per document.
 * - Only an answer without errors or extensions.
 * - Per visibility (sandbox, role, entitlements: what decides which rows and fields a caller may see), operation
 *   name, variables and query text. The caller's key is checked before the cache is asked, as for any request; the
 *   allowed fields show nothing of the key itself.
 * - Bounded by bytes, least recently used first out.
 */

export interface ResponseCacheOptions {
  /** Upper bound of the answers kept, in bytes of their text (UTF-16 length × 2, close enough). 0 turns it off. */
  maxBytes: number;
  /** "Type.field" coordinates a kept answer may contain. */
  cacheableFields: ReadonlySet<string>;
  /** The read version of what the allowed fields show; null when it cannot be known (nothing is kept then). */
  version: () => number | null;
  /** Called for each answer served from the cache (metrics count it as an operation that ran). */
  onServed?: (document: DocumentNode, operationName: string | null | undefined, seconds: number) => void;
}

/** Documents whose cacheability is remembered (yoga's parse and validation caches keep 1,000 too). */
const DECISIONS_KEPT = 1_000;

interface Entry {
  version: number;
  text: string;
  bytes: number;
}

export type CacheLookup = { kind: 'skip' } | { kind: 'hit'; text: string } | CacheMiss;
export interface CacheMiss {
  kind: 'miss';
  key: string;
  version: number;
}

export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  /** Whether a (query text, operation name) may be kept; bounded like yoga's parse cache. */
  private readonly decided = new Map<string, boolean>();
  private bytes = 0;
  /** Requests answered from the cache, and requests that could have been but were run (tests and metrics). */
  hits = 0;
  misses = 0;

  constructor(private readonly options: ResponseCacheOptions) {}

  get enabled(): boolean {
    return this.options.maxBytes > 0;
  }

  /** Bytes of text kept now. */
  get size(): number {
    return this.bytes;
  }

  /** Looks the request up: 'skip' (not cacheable, run it, keep nothing), 'hit' (answer this) or 'miss' (run and keep). */
  lookup(
    schema: GraphQLSchema,
    document: DocumentNode,
    viewer: Viewer,
    params: { query: string; operationName?: string | null; variables?: Record<string, unknown> | null },
  ): CacheLookup {
    if (!this.enabled || !this.cacheable(schema, document, params.query, params.operationName ?? null)) return { kind: 'skip' };
    const version = this.options.version();
    if (version === null) return { kind: 'skip' };
    const key = JSON.stringify([
      viewer.sandboxId,
      viewer.role,
      [...viewer.entitlements].sort(),
      params.operationName ?? null,
      params.variables ?? null,
      params.query,
    ]);
    const entry = this.entries.get(key);
    if (entry && entry.version === version) {
      // Most recently used last: a Map iterates in insertion order.
      this.entries.delete(key);
      this.entries.set(key, entry);
      this.hits++;
      return { kind: 'hit', text: entry.text };
    }
    this.misses++;
    return { kind: 'miss', key, version };
  }

  served(document: DocumentNode, operationName: string | null | undefined, seconds: number): void {
    this.options.onServed?.(document, operationName, seconds);
  }

  /** Keeps an answer of a 'miss' under the version read before it ran. */
  keep(miss: CacheMiss, text: string): void {
    const bytes = text.length * 2 + miss.key.length * 2;
    if (bytes > this.options.maxBytes / 4) return; // one answer never takes most of the room
    this.drop(miss.key);
    this.entries.set(miss.key, { version: miss.version, text, bytes });
    this.bytes += bytes;
    for (const [key] of this.entries) {
      if (this.bytes <= this.options.maxBytes) break;
      this.drop(key);
    }
  }

  private drop(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }

  /** True when the operation is a query and every field it selects is allowed; decided once per document. */
  private cacheable(schema: GraphQLSchema, document: DocumentNode, query: string, operationName: string | null): boolean {
    const key = `${operationName ?? ''}\n${query}`;
    let decision = this.decided.get(key);
    if (decision === undefined) {
      decision = onlyAllowedFields(schema, document, operationName, this.options.cacheableFields);
      if (this.decided.size >= DECISIONS_KEPT) this.decided.delete(this.decided.keys().next().value!);
      this.decided.set(key, decision);
    }
    return decision;
  }
}

function onlyAllowedFields(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null,
  allowed: ReadonlySet<string>,
): boolean {
  const operation = getOperationAST(document, operationName);
  if (operation?.operation !== 'query') return false;
  // Every field of the document (its fragments included: validation refuses unused ones), with its parent type.
  const typeInfo = new TypeInfo(schema);
  let ok = true;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      OperationDefinition(node) {
        // Another operation of the document is not run: its fields do not matter.
        return node === operation ? undefined : false;
      },
      Field(node) {
        if (node.name.value === '__typename') return;
        const parent = typeInfo.getParentType();
        if (!parent || !allowed.has(`${parent.name}.${node.name.value}`)) ok = false;
      },
    }),
  );
  return ok;
}
