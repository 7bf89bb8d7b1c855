import type { PubSub, Topic } from '../pubsub.js';
import { BusError } from './bus.js';

/**
 * The NOTIFY payloads of PgNotifyBus. One notification is `{"n":<index in its transaction>,"e":[…]}` where each
 * item is an event entry `[sandboxId, topic, payload]` or, for an event too large to ride inline, the id of its
 * row in bus_payloads (a number). PostgreSQL refuses payloads of 8,000 bytes or more, so items are packed into
 * notifications of at most NOTIFY_LIMIT_BYTES; `n` keeps two notifications of one transaction distinct
 * (PostgreSQL folds identical payloads of one transaction into one).
 */
export const NOTIFY_LIMIT_BYTES = 7_900;

/** Room for the envelope around the items. */
const ENVELOPE_BYTES = 32;

/** True when an encoded entry cannot ride inline and goes by reference. */
export function tooLargeInline(entry: string, limit = NOTIFY_LIMIT_BYTES): boolean {
  return Buffer.byteLength(entry) > limit - ENVELOPE_BYTES;
}

/** Packs items (encoded entries and reference ids, in order) into as few notifications as fit under limit. */
export function packNotifications(items: readonly string[], limit = NOTIFY_LIMIT_BYTES): string[] {
  const out: string[] = [];
  let current: string[] = [];
  let bytes = 0;
  const flush = () => {
    if (current.length) out.push(`{"n":${out.length},"e":[${current.join(',')}]}`);
    current = [];
    bytes = 0;
  };
  for (const item of items) {
    const size = Buffer.byteLength(item) + 1;
    if (size > limit - ENVELOPE_BYTES) throw new RangeError(`bus item of ${size} bytes cannot ride inline`);
    if (bytes + size > limit - ENVELOPE_BYTES) flush();
    current.push(item);
    bytes += size;
  }
  flush();
  return out;
}

/** A notification, decoded: each item an entry to publish or a reference to fetch. */
export type WireItem = { entry: unknown } | { ref: number };

export function decodeNotification(payload: string): WireItem[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    throw new BusError('BUS_BAD_MESSAGE', `notification is not JSON (${payload.length} characters)`);
  }
  const items = (parsed as { e?: unknown } | null)?.e;
  if (!Array.isArray(items)) throw new BusError('BUS_BAD_MESSAGE', 'notification is not a bus message (no event list)');
  return items.map((item: unknown) => {
    if (typeof item === 'number') {
      if (!Number.isSafeInteger(item) || item <= 0) throw new BusError('BUS_BAD_MESSAGE', 'notification holds a bad payload reference');
      return { ref: item };
    }
    checkEntry(item);
    return { entry: item };
  });
}

function checkEntry(entry: unknown): asserts entry is [string, string, unknown] {
  if (
    !Array.isArray(entry) ||
    entry.length !== 3 ||
    typeof entry[0] !== 'string' ||
    !entry[0] ||
    typeof entry[1] !== 'string' ||
    !entry[1]
  ) {
    throw new BusError('BUS_BAD_MESSAGE', 'bus event is not [sandboxId, topic, payload]');
  }
}

/** Delivers one decoded entry to the local PubSub's listeners (never back onto the bus). */
export function publishEntry(pubsub: PubSub, entry: unknown): void {
  checkEntry(entry);
  pubsub.deliverLocally(entry[0], entry[1] as Topic, entry[2] as never);
}
