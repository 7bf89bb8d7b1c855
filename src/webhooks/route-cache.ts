import type { AppDeps } from '../core/deps.js';
import { SYSTEM_SANDBOX } from '../platform/pubsub.js';

/**
 * Callback path id → webhook id, sandbox and decrypted app secret, so a POST
 * neither reads the row nor decrypts the secret every time. Every instance
 * forgets an entry as soon as the webhook's secret changes or the webhook is
 * deleted on any instance: the change publishes 'webhook:route-changed' in its
 * transaction, and each instance's cache hears it (watchRouteChanges). The TTL
 * stays as the safety net for an event that never arrived (a bus outage).
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

declare module '../platform/pubsub.js' {
  interface PubSubEvents {
    /** Instance-wide (SYSTEM_SANDBOX): a webhook's app secret changed or it was deleted; caches forget its route. */
    'webhook:route-changed': { webhookId: string };
  }
}

export class RouteCache {
  private readonly entries = new Map<string, RouteEntry>();
  /** +1 per forget: a fill whose read started before a forget must not store what it read (it may be the old secret). */
  private generation = 0;

  find(pathId: string, now = Date.now()): RouteEntry | undefined {
    const entry = this.entries.get(pathId);
    if (entry && entry.expiresAt > now) return entry;
    if (entry) this.entries.delete(pathId);
    return undefined;
  }

  /** Taken before reading the row a later remember() stores. */
  ticket(): number {
    return this.generation;
  }

  /**
   * The entry for this request; kept for later requests only when nothing was forgotten since `ticket` (the row
   * may have been read before a change committed, and the change's forget came before this fill).
   */
  remember(pathId: string, entry: Omit<RouteEntry, 'expiresAt'>, ticket = this.generation, now = Date.now()): RouteEntry {
    const stored = { ...entry, expiresAt: now + TTL_MS };
    if (ticket !== this.generation) return stored;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(pathId, stored);
    return stored;
  }

  forget(pathId: string): void {
    this.generation++;
    this.entries.delete(pathId);
  }

  /** Forgets the webhook's route, whatever its path (the event carries the id only). */
  forgetWebhook(webhookId: string): void {
    this.generation++;
    for (const [pathId, entry] of this.entries) if (entry.webhookId === webhookId) this.entries.delete(pathId);
  }

  /** Forgets everything (events may have been missed). */
  clear(): void {
    this.generation++;
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * Tells every instance's route cache (this one's included) to forget the webhook's route. Called inside the
 * transaction that changes the secret or deletes the webhook: on PostgreSQL the event rides that transaction's
 * NOTIFY, so it is delivered at its COMMIT, and never for a rolled-back change.
 */
export function publishRouteChanged(deps: AppDeps, webhookId: string): void {
  deps.pubsub.publish(SYSTEM_SANDBOX, 'webhook:route-changed', { webhookId });
}

/**
 * Forgets routes as the instances announce changes, for the life of the service. Subscribed before it serves. When
 * the bus says events may have been missed (its connection was lost), every route is forgotten.
 */
export function watchRouteChanges(deps: AppDeps, signal?: AbortSignal): void {
  const events = deps.pubsub.subscribe(SYSTEM_SANDBOX, 'webhook:route-changed', signal);
  const offResync = deps.pubsub.onResync(() => deps.state.webhookRoutes.clear());
  signal?.addEventListener('abort', offResync, { once: true });
  void (async () => {
    for await (const { webhookId } of events) deps.state.webhookRoutes.forgetWebhook(webhookId);
  })();
}
