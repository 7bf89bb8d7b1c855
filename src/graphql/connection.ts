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

/**
 * An edge whose cursor is encoded only when a query asks for it: a list query that selects `edges { node }` (the
 * common one) encodes no cursor per row, only the page's start and end cursors.
 */
class Edge<T extends { id: string }> {
  constructor(readonly node: T) {}
  get cursor(): string {
    return encodeCursor(this.node.id);
  }
}

/** The page's rows are registered as one page: their page-batched fields (loaders.ts) load together, synchronously. */
export function toConnection<T extends { id: string }>(page: Page<T>): ConnectionResult<T> {
  registerPage(page.items);
  const edges = page.items.map((node) => new Edge(node));
  const first = page.items[0];
  const last = page.items.at(-1);
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: first ? encodeCursor(first.id) : null,
      endCursor: last ? encodeCursor(last.id) : null,
    },
    totalCount: page.totalCount,
  };
}
