import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Live streams for subscriptions, in three modes.
 *
 * - No mode (SSE, or any caller outside the shared fan-out): current state first, then every change.
 * - 'initial': only the current state, then the stream ends. Each graphql-ws subscriber runs this alone.
 * - 'events': only the changes. The shared fan-out (fanout.ts) runs this ONCE per distinct
 *   (operation, variables, visibility) and sends the result to every subscriber of it.
 *
 * Every stream item carries a tag (key, version) so a subscriber can drop a shared event its own current state
 * already showed. PubSub delivers an event on the turn after it was published, so the request that published it (a
 * mutation) has answered before any stream reads anything for it. Streams also close at once: an async generator
 * suspended in `await events.next()` would only run its `finally` (and release its PubSub listener) at the next
 * event on the topic, so `return()` ends the event iterator first.
 */
export type LiveMode = 'initial' | 'events';

export interface LiveTag {
  key: string;
  version: number | string;
}

/** One per subscribe() call; the stream writes the tag of what it yields last, and of its current state. */
export interface LiveRun {
  mode: LiveMode;
  /** Tag of the item behind the result just produced (events mode). */
  last?: LiveTag;
  /** Tags of the current state sent (initial mode). */
  seen?: Map<string, number | string>;
}

const liveRuns = new AsyncLocalStorage<LiveRun>();

/** Runs `subscribe` (which calls the subscription's resolver) with streams created in it in `run.mode`. */
export function withLiveRun<T>(run: LiveRun, subscribe: () => T): T {
  return liveRuns.run(run, subscribe);
}

/**
 * True inside the shared fan-out's own execution ('events' mode): it runs on behalf of subscribers already counted
 * as operations, so it is no operation of its own (metrics-plugin.ts).
 */
export function inSharedExecution(): boolean {
  return liveRuns.getStore()?.mode === 'events';
}

/** True when the shared event stream has already shown `tag` to a subscriber whose current state was `seen`. */
export function alreadySeen(seen: Map<string, number | string> | undefined, tag: LiveTag | undefined): boolean {
  if (!seen || !tag) return false;
  const had = seen.get(tag.key);
  if (had === undefined) return false;
  if (typeof had === 'number' && typeof tag.version === 'number') return tag.version <= had;
  return had === tag.version;
}

function record(run: LiveRun | undefined, tag: LiveTag): void {
  if (!run) return;
  if (run.mode === 'initial') (run.seen ??= new Map()).set(tag.key, tag.version);
  else run.last = tag;
}

/** An async generator whose return() ends `events` first, so a pending `await events.next()` settles at once. */
function closable<T>(generator: AsyncGenerator<T>, events: AsyncIterator<unknown>): AsyncGenerator<T> {
  const generatorReturn = generator.return.bind(generator);
  generator.return = async (value?: unknown) => {
    await events.return?.();
    return generatorReturn(value as T);
  };
  return generator;
}

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

/** "Current state first, then every change, each once", for status subscriptions. */
export function liveStream<E, R>(options: LiveStreamOptions<E, R>): AsyncGenerator<R> {
  const run = liveRuns.getStore();
  return closable(liveGenerator(options, run), options.events);
}

async function* liveGenerator<E, R>(options: LiveStreamOptions<E, R>, run: LiveRun | undefined): AsyncGenerator<R> {
  // The listener is registered before the current state is read, so a change that lands in between is not lost;
  // a per-object version drops anything already sent.
  const sent = new Map<string, number>();
  const shouldSend = (item: R): boolean => {
    const key = options.key(item);
    const version = options.version(item);
    if ((sent.get(key) ?? -1) >= version) return false;
    sent.set(key, version);
    record(run, { key, version });
    return true;
  };
  try {
    if (run?.mode !== 'events') {
      for (const item of await options.initial()) {
        if (shouldSend(item)) yield item;
      }
    }
    if (run?.mode === 'initial') return;
    for await (const event of options.events) {
      const item = await options.fromEvent(event);
      if (item !== null && shouldSend(item)) yield item;
    }
  } finally {
    await options.events.return?.();
  }
}

/** Plain event stream (no current state), mapped through a loader; null results are skipped. */
export function mapEvents<E, R>(events: AsyncIterableIterator<E>, load: (event: E) => R | null | Promise<R | null>): AsyncGenerator<R> {
  const run = liveRuns.getStore();
  return closable(mapGenerator(events, load, run), events);
}

async function* mapGenerator<E, R>(
  events: AsyncIterableIterator<E>,
  load: (event: E) => R | null | Promise<R | null>,
  run: LiveRun | undefined,
): AsyncGenerator<R> {
  try {
    if (run?.mode === 'initial') return;
    for await (const event of events) {
      const item = await load(event);
      if (item !== null) yield item;
    }
  } finally {
    await events.return?.();
  }
}

/**
 * A stream with a current state that it re-reads on events (e.g. a batch's progress): `body` gets the mode and a
 * tag recorder; the returned generator closes its events at once on return().
 */
export function customLive<T>(
  events: AsyncIterableIterator<unknown>,
  body: (mode: LiveMode | undefined, tag: (tag: LiveTag) => void) => AsyncGenerator<T>,
): AsyncGenerator<T> {
  const run = liveRuns.getStore();
  return closable(
    body(run?.mode, (tag) => record(run, tag)),
    events,
  );
}
