import { asc, desc, gt, lt, type Column, type SQL } from 'drizzle-orm';

/**
 * Cursor pagination over time-ordered ids (see ids.ts), newest first.
 * "after" a cursor means older items; "before" means newer ones.
 */

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export interface PageWindow {
  afterId?: string;
  beforeId?: string;
  limit: number;
  /** desc walks from newest to oldest (first/after); asc the other way (last/before). */
  direction: 'desc' | 'asc';
}

export interface Page<T> {
  items: T[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  totalCount: number;
}

export class PageArgsError extends Error {}

export function encodeCursor(id: string): string {
  return Buffer.from(`c:${id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!raw.startsWith('c:') || raw.length < 3) throw new PageArgsError('invalid cursor');
  return raw.slice(2);
}

export function toWindow(args: PageArgs): PageWindow {
  if (args.first != null && args.last != null) throw new PageArgsError('pass either first or last, not both');
  for (const [name, value] of [
    ['first', args.first],
    ['last', args.last],
  ] as const) {
    if (value != null && (value < 0 || value > MAX_PAGE_SIZE)) {
      throw new PageArgsError(`${name} must be between 0 and ${MAX_PAGE_SIZE}`);
    }
  }
  const afterId = args.after ? decodeCursor(args.after) : undefined;
  const beforeId = args.before ? decodeCursor(args.before) : undefined;
  if (args.last != null) return { afterId, beforeId, limit: args.last, direction: 'asc' };
  return { afterId, beforeId, limit: args.first ?? DEFAULT_PAGE_SIZE, direction: 'desc' };
}

/** WHERE conditions and ORDER BY for a window; the store adds its own filters. Fetches one extra row. */
export function windowQuery(idColumn: Column, window: PageWindow): { conditions: SQL[]; orderBy: SQL; limit: number } {
  const conditions: SQL[] = [];
  if (window.afterId) conditions.push(lt(idColumn, window.afterId));
  if (window.beforeId) conditions.push(gt(idColumn, window.beforeId));
  return {
    conditions,
    orderBy: window.direction === 'desc' ? desc(idColumn) : asc(idColumn),
    limit: window.limit + 1,
  };
}

/** Turns the rows fetched for a window (one extra row included) into a page, newest first. */
export function toPage<T>(rows: T[], window: PageWindow, totalCount: number): Page<T> {
  const hasMore = rows.length > window.limit;
  const items = rows.slice(0, window.limit);
  if (window.direction === 'asc') {
    items.reverse();
    return { items, hasNextPage: Boolean(window.beforeId), hasPreviousPage: hasMore, totalCount };
  }
  return { items, hasNextPage: hasMore, hasPreviousPage: Boolean(window.afterId), totalCount };
}
