/**
 * "Current state first, then every change, each once", for status subscriptions.
 * The listener is registered before the current state is read, so a change that
 * lands in between is not lost; a per-object version drops anything already sent.
 */
export interface LiveStreamOptions<E, R> {
  /** Must register its listener synchronously (PubSub.subscribe does). */
  events: AsyncIterableIterator<E>;
  /** The current state of every object the subscriber watches. */
  initial: () => R[] | Promise<R[]>;
  /** Turns an event into what is sent (re-reading through tenant-guarded stores); null skips it. */
  fromEvent: (event: E) => R | null | Promise<R | null>;
  key: (item: R) => string;
  version: (item: R) => number;
}

export async function* liveStream<E, R>(options: LiveStreamOptions<E, R>): AsyncGenerator<R> {
  const sent = new Map<string, number>();
  const shouldSend = (item: R): boolean => {
    const key = options.key(item);
    const version = options.version(item);
    if ((sent.get(key) ?? -1) >= version) return false;
    sent.set(key, version);
    return true;
  };
  try {
    for (const item of await options.initial()) {
      if (shouldSend(item)) yield item;
    }
    for await (const event of options.events) {
      const item = await options.fromEvent(event);
      if (item !== null && shouldSend(item)) yield item;
    }
  } finally {
    await options.events.return?.();
  }
}

/** Plain event stream (no current state), mapped through a loader; null results are skipped. */
export async function* mapEvents<E, R>(
  events: AsyncIterableIterator<E>,
  load: (event: E) => R | null | Promise<R | null>,
): AsyncGenerator<R> {
  try {
    for await (const event of events) {
      const item = await load(event);
      if (item !== null) yield item;
    }
  } finally {
    await events.return?.();
  }
}
