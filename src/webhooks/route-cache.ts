/**
 * Callback path id → webhook id, sandbox and decrypted app secret, so a POST
 * neither reads the row nor decrypts the secret every time. The service forgets
 * an entry when the webhook's secret changes or the webhook is deleted; the TTL
 * only bounds how long a change made outside this process could go unseen.
 * One per running service (deps.state.webhookRoutes, created by the composition).
 */
export interface RouteEntry {
  webhookId: string;
  sandboxId: string;
  appSecret: string;
  expiresAt: number;
}

const TTL_MS = 60_000;
const MAX_ENTRIES = 10_000;

declare module '../core/deps.js' {
  interface SliceState {
    webhookRoutes: RouteCache;
  }
}

export class RouteCache {
  private readonly entries = new Map<string, RouteEntry>();

  find(pathId: string, now = Date.now()): RouteEntry | undefined {
    const entry = this.entries.get(pathId);
    if (entry && entry.expiresAt > now) return entry;
    if (entry) this.entries.delete(pathId);
    return undefined;
  }

  remember(pathId: string, entry: Omit<RouteEntry, 'expiresAt'>, now = Date.now()): RouteEntry {
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    const stored = { ...entry, expiresAt: now + TTL_MS };
    this.entries.set(pathId, stored);
    return stored;
  }

  forget(pathId: string): void {
    this.entries.delete(pathId);
  }
}
