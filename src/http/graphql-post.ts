import type { IncomingMessage, ServerResponse } from 'node:http';
import { getOperationAST, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { isAsyncIterable, processRegularResult, type YogaServerInstance } from 'graphql-yoga';
import type { Viewer } from '../platform/tenancy/viewer.js';

/**
 * The everyday GraphQL request, a JSON POST of a query answered as JSON, run through yoga's own envelop (the same
 * parse and validation cache, armor limits, error hygiene, masked errors and metrics plugins as every transport) but
 * without yoga's Fetch-API round trip: a Request, an AbortSignal, a Response and a stream pipeline per request were
 * most of the CPU of a small query (profiled: a `{ viewer }` request spent more there than in GraphQL itself).
 *
 * Only what yoga would answer the same way takes this path; anything else returns false before a resolver runs, and
 * app.ts hands the request to yoga as before:
 * - an Accept for which yoga would not answer a plain result as `application/graphql-response+json` or
 *   `application/json` (regularMediaType below; SSE and multipart stay yoga's), or a Content-Type yoga would not
 *   parse as JSON (it is stricter than the edge about case and spaces);
 * - a body that is not `{ query, variables?, operationName? }` (batches, extensions, extra or mistyped parameters:
 *   yoga's own request validation answers those);
 * - a document that does not parse or validate (yoga answers with its status codes; both results are cached);
 * - a mutation or subscription (mutations keep yoga's path whole: their side effects must run exactly once).
 * A query whose execution throws (rather than returning errors) is handed to yoga as well, which runs it again and
 * masks the error its own way: a query has no side effects to repeat. A result with errors is answered by yoga's
 * own result processor, so its status code and the error shapes are yoga's.
 */

/** What app.ts gives yoga as the server context; yoga adds `request` and `params`. */
export interface PostServerContext {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  /** The caller, authenticated before the body was read. */
  viewer: Viewer;
}

interface Params {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

/** The media types of yoga's regular (not streamed) result processor, in its order. */
const REGULAR_MEDIA_TYPES = ['application/graphql-response+json', 'application/json'] as const;
type RegularMediaType = (typeof REGULAR_MEDIA_TYPES)[number];

/**
 * The media type yoga answers a plain query result with for this Accept header, or null when it would not answer
 * with its regular processor (yoga 5's result-processor/accept.js and use-result-processor.js, step by step): the
 * Accept entries are walked last first, entries with a charset other than utf-8 are skipped, `q` is ignored, and
 * every match of the regular processor's types replaces the one before, so the first entry listed that matches
 * decides, and within one entry (`*\/*`, `application/*`) application/json comes last and wins. The regular
 * processor is yoga's last, so any match of it is what yoga ends with. What urql (`application/graphql-response+json,
 * application/graphql+json, application/json, text/event-stream, multipart/mixed`) and Apollo Client
 * (`application/graphql-response+json,application/json;q=0.9`) send gives application/graphql-response+json.
 */
export function regularMediaType(accept: string | undefined): RegularMediaType | null {
  const entries = (accept || '*/*').replace(/\s/g, '').toLowerCase().split(',').reverse();
  let chosen: RegularMediaType | null = null;
  for (const entry of entries) {
    const [mediaType, ...params] = entry.split(';');
    if (!mediaType) continue;
    if ((params.find((p) => p.includes('charset=')) ?? 'charset=utf-8') !== 'charset=utf-8') continue;
    const [pre, suf] = mediaType.split('/');
    for (const type of REGULAR_MEDIA_TYPES) {
      const [typePre, typeSuf] = type.split('/');
      if ((pre === '*' || pre === typePre) && (suf === '*' || suf === typeSuf)) chosen = type;
    }
  }
  return chosen;
}

/** The content types yoga parses as a JSON body, matched as yoga matches them (first of a list, case as sent). */
function isYogaJsonContentType(header: string | undefined): boolean {
  const first = header?.split(',')[0];
  return ['application/json', 'application/graphql+json'].some((type) => first === type || !!first?.startsWith(`${type};`));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{ query, variables?, operationName? }` with the types yoga requires, nothing else; null otherwise. */
export function plainQueryParams(body: unknown): Params | null {
  if (!isPlainObject(body) || typeof body.query !== 'string') return null;
  for (const key in body) if (key !== 'query' && key !== 'variables' && key !== 'operationName') return null;
  const { variables, operationName } = body;
  if (variables !== undefined && variables !== null && !isPlainObject(variables)) return null;
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return null;
  return body as unknown as Params;
}

/**
 * Kept answers of reads (graphql/response-cache.ts, given by the composition): asked once a query is known valid
 * and its caller known; a 'miss' is kept with the text answered.
 */
export interface PostResponseCache<M> {
  lookup(
    schema: GraphQLSchema,
    document: DocumentNode,
    viewer: Viewer,
    params: Params,
  ): { kind: 'skip' } | { kind: 'hit'; text: string } | M;
  keep(miss: M, text: string): void;
  /** A query answered from the cache (its operation is counted as if it ran: metrics, logs). */
  served(document: DocumentNode, operationName: string | null | undefined, seconds: number): void;
}

/** A 200 JSON answer's headers; `x-wcs-cache` says whether a cacheable query was answered from the cache. */
function jsonHeaders(
  mediaType: RegularMediaType,
  text: string,
  requestId: string,
  cache: 'hit' | 'miss' | undefined,
): Record<string, string | number> {
  const headers: Record<string, string | number> = {
    'content-type': `${mediaType}; charset=utf-8`,
    'content-length': Buffer.byteLength(text),
    'x-request-id': requestId,
  };
  if (cache) headers['x-wcs-cache'] = cache;
  return headers;
}

export interface GraphQLPostFastPath<S> {
  /** Answers the request and resolves true, or resolves false (nothing written) when yoga must answer it. */
  serve(serverContext: S, body: unknown): Promise<boolean>;
  /** Requests answered here so far (tests tell the two paths apart by it). */
  readonly answered: number;
}

export function graphqlPostFastPath<S extends PostServerContext, C extends object, M extends { kind: 'miss' } = { kind: 'miss' }>(
  yoga: YogaServerInstance<S, C>,
  /** Answers of configuration reads kept while their tables are unchanged. */
  cache?: PostResponseCache<M>,
): GraphQLPostFastPath<S> {
  let answered = 0;
  const reply = (res: ServerResponse, status: number, headers: Record<string, string | number>, text: string) => {
    res.writeHead(status, headers);
    res.end(text);
    answered++;
    return true;
  };
  async function serve(serverContext: S, body: unknown): Promise<boolean> {
    const { req, res, requestId } = serverContext;
    const started = performance.now();
    const mediaType = regularMediaType(req.headers.accept);
    if (!mediaType) return false;
    if (!isYogaJsonContentType(req.headers['content-type'])) return false;
    const params = plainQueryParams(body);
    if (!params) return false;
    // `request` stands for yoga's Request where its plugins look: the method (mutations over GET) and a per-request key.
    const enveloped = yoga.getEnveloped({ ...serverContext, request: { method: 'POST' }, params } as never);
    let document;
    try {
      // Armor's limits may throw from parse or validate as well as report.
      document = enveloped.parse(params.query);
      if (getOperationAST(document, params.operationName)?.operation !== 'query') return false;
      if (enveloped.validate(enveloped.schema, document).length) return false;
    } catch {
      return false;
    }
    // Asked once the document is known valid and before anything runs; the key was checked by the caller.
    const cached = cache?.lookup(enveloped.schema, document, serverContext.viewer, params);
    if (cached?.kind === 'hit') {
      reply(res, 200, jsonHeaders(mediaType, cached.text, requestId, 'hit'), cached.text);
      cache!.served(document, params.operationName, (performance.now() - started) / 1000);
      return true;
    }
    let result: ExecutionResult;
    try {
      const contextValue = await enveloped.contextFactory();
      const executed: unknown = await enveloped.execute({
        schema: enveloped.schema,
        document,
        contextValue,
        variableValues: params.variables,
        operationName: params.operationName,
      });
      if (isAsyncIterable(executed)) return false; // not reached: the schema has no @defer or @stream
      result = executed as ExecutionResult;
    } catch {
      return false;
    }
    if (!result.errors?.length && !result.extensions) {
      // A result may bring its own serializer (as yoga's processor honours too).
      const text = ((result as { stringify?: (r: unknown) => string }).stringify ?? JSON.stringify)(result);
      if (cached?.kind === 'miss') cache!.keep(cached as M, text);
      return reply(res, 200, jsonHeaders(mediaType, text, requestId, cached?.kind === 'miss' ? 'miss' : undefined), text);
    }
    const response = processRegularResult(result, yoga.fetchAPI, mediaType);
    const headers: Record<string, string> = { 'x-request-id': requestId };
    response.headers.forEach((value, name) => (headers[name] = value));
    const text = await response.text();
    headers['content-length'] = String(Buffer.byteLength(text));
    return reply(res, response.status, headers, text);
  }
  return {
    serve,
    get answered() {
      return answered;
    },
  };
}
