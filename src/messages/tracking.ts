import type { AppDeps } from '../core/deps.js';
import type { Tx } from '../platform/db.js';
import { newId } from '../platform/ids.js';
import { store } from './store.js';
import type { TrackingEventType } from './tables.js';

declare module '../platform/pubsub.js' {
  interface PubSubEvents {
    /** A tracking event was recorded (ids only; subscribers re-read it through the sandbox-scoped store). */
    'tracking:event-added': { trackingEventId: string };
  }
}

/**
 * What a transaction produced that must be announced after it commits: new
 * tracking events (pubsub) and enqueued jobs (wake the workers).
 */
export class Effects {
  readonly trackingEventIds: string[] = [];
  jobsEnqueued = false;

  constructor(readonly sandboxId: string) {}

  /** Call after commit. */
  publish(deps: AppDeps): void {
    for (const trackingEventId of this.trackingEventIds) {
      deps.pubsub.publish(this.sandboxId, 'tracking:event-added', { trackingEventId });
    }
    if (this.jobsEnqueued) deps.jobs.notify();
  }
}

export interface NewTrackingEvent {
  type: TrackingEventType;
  at: Date;
  messageId?: string | null;
  contactId?: string | null;
  phoneNumber?: string | null;
  channelConfigurationId?: string | null;
  detail?: Record<string, unknown> | null;
  /** One event per key, however often the cause repeats (Meta redelivers). */
  dedupeKey: string | null;
}

/** Records the event unless one with the same dedupe key exists; returns its id, or null for a repeat. */
export async function addTrackingEvent(tx: Tx, effects: Effects, event: NewTrackingEvent): Promise<string | null> {
  const id = newId();
  const inserted = await store.insertTrackingEvent(tx, {
    id,
    sandboxId: effects.sandboxId,
    type: event.type,
    at: event.at,
    messageId: event.messageId ?? null,
    contactId: event.contactId ?? null,
    phoneNumber: event.phoneNumber ?? null,
    channelConfigurationId: event.channelConfigurationId ?? null,
    detail: event.detail ?? null,
    dedupeKey: event.dedupeKey,
  });
  if (!inserted) return null;
  effects.trackingEventIds.push(id);
  return id;
}
