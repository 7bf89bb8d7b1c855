import { GraphQLError } from 'graphql';
import { registerPage } from './loaders.js';
import { encodeCursor, PageArgsError, toWindow, type Page, type PageArgs, type PageWindow } from '../platform/pagination.js';

/** Relay connection arguments -> a store page window; bad arguments are a top-level BAD_USER_INPUT error. */
export function pageWindow(args: PageArgs): PageWindow {
  try {
    return toWindow(args);
  } catch (err) {
    if (err instanceof PageArgsError) throw new GraphQLError(err.message, { extensions: { code: 'BAD_USER_INPUT' } });
    throw err;
  }
}

export interface ConnectionResult<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number;
}

/** The page's rows are registered as one page: their page-batched fields (loaders.ts) load together, synchronously. */
export function toConnection<T extends { id: string }>(page: Page<T>): ConnectionResult<T> {
  registerPage(page.items);
  const edges = page.items.map((node) => ({ cursor: encodeCursor(node.id), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: page.totalCount,
  };
}
