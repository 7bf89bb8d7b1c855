import type { AppDeps } from '../core/deps.js';

/**
 * Callback path id → webhook id, sandbox and decrypted app secret, so a POST
 * neither reads the row nor decrypts the secret every time. The service forgets
 * an entry when the webhook's secret changes or the webhook is deleted; the TTL
 * only bounds how long a change made outside this process could go unseen.
 */
export interface RouteEntry {
  webhookId: string;
  sandboxId: string;
  appSecret: string;
  expiresAt: number;
}

const TTL_MS = 60_000;
const MAX_ENTRIES = 10_000;
const caches = new WeakMap<AppDeps, Map<string, RouteEntry>>();

function cacheOf(deps: AppDeps): Map<string, RouteEntry> {
  let cache = caches.get(deps);
  if (!cache) {
    cache = new Map();
    caches.set(deps, cache);
  }
  return cache;
}

export function cachedRoute(deps: AppDeps, pathId: string, now = Date.now()): RouteEntry | undefined {
  const cache = cacheOf(deps);
  const entry = cache.get(pathId);
  if (entry && entry.expiresAt > now) return entry;
  if (entry) cache.delete(pathId);
  return undefined;
}

export function rememberRoute(deps: AppDeps, pathId: string, entry: Omit<RouteEntry, 'expiresAt'>, now = Date.now()): RouteEntry {
  const cache = cacheOf(deps);
  if (cache.size >= MAX_ENTRIES) cache.clear();
  const stored = { ...entry, expiresAt: now + TTL_MS };
  cache.set(pathId, stored);
  return stored;
}

export function forgetRoute(deps: AppDeps, pathId: string): void {
  caches.get(deps)?.delete(pathId);
}
