import type { ExecutionArgs, ExecutionResult } from 'graphql';
import { isAsyncIterable } from 'graphql-yoga';
import type { WebSocket } from 'ws';
import { alreadySeen, withLiveRun, type LiveRun, type LiveTag } from './live.js';
import type { Viewer } from '../platform/tenancy/viewer.js';
import { TurnBudget } from '../platform/turns.js';

/**
 * Shared subscription fan-out for graphql-ws.
 *
 * Subscribers of the same (operation, variables, visibility) form a group. The group runs the operation ONCE in
 * 'events' mode (live.ts): per event one execution, one JSON serialization, and the same bytes written to every
 * member's socket. Each member still gets its own current state ('initial' mode) first; shared events that arrive
 * while that runs wait in the member and are dropped if its current state already showed them.
 *
 * PubSub hands the event over on the turn after it was published (so the mutation that caused it has answered);
 * the execution and the first slice of writes then run at once, and a large fan-out yields to the event loop
 * between slices of a few milliseconds (so other requests interleave with it).
 *
 * Visibility is what decides the payload: sandbox, role and entitlements. Subscription payload types expose nothing
 * of the API key itself, so subscribers with different keys of the same visibility share one execution.
 */

/**
 * Longest stretch of socket writes (ms) before a fan-out yields to other requests. Writes cost the kernel ~10 µs
 * each on loopback, so a slice is ~1,000 sockets on a quiet machine; under load it is fewer, by time not count.
 */
const SLICE_MS = 8;
/** Sockets written between two looks at the clock. */
const CLOCK_EVERY = 64;

type SubscribeFn = (args: ExecutionArgs) => unknown;
type Result = ExecutionResult;
type Source = AsyncIterator<Result> & { return?: () => Promise<IteratorResult<Result>> };

export interface FanoutTarget {
  key: string;
  socket: WebSocket;
  id: string;
}

interface Member {
  socket: WebSocket;
  /** `{"id":…,"type":"next","payload":` — the only per-subscriber bytes of a shared message. */
  prefix: string;
  seen?: Map<string, number | string>;
  /** Shared messages that arrived while the member's current state was being sent. */
  pending: { json: string; tag?: LiveTag }[] | null;
  closed: boolean;
  finish: () => void;
}

interface Group {
  key: string;
  members: Set<Member>;
  run: LiveRun;
  /** Resolves to null once the shared execution runs, or to the result of an operation that could not start. */
  started: Promise<Result | null>;
  source?: Source;
  ended: boolean;
}

function releaseArgs(args: ExecutionArgs): void {
  const loose = args as unknown as Record<string, unknown>;
  for (const field of ['document', 'variableValues', 'contextValue', 'rootValue']) loose[field] = undefined;
}

function visibilityKey(viewer: Viewer): string {
  return `${viewer.sandboxId}|${viewer.role}|${[...viewer.entitlements].sort().join(',')}`;
}

export function fanoutKey(viewer: Viewer, payload: { query: string; operationName?: string | null; variables?: unknown }): string {
  return JSON.stringify([visibilityKey(viewer), payload.operationName ?? null, payload.variables ?? null, payload.query]);
}

export class SharedFanout {
  private readonly groups = new Map<string, Group>();

  /** Groups running now (each holds one PubSub listener). */
  get groupCount(): number {
    return this.groups.size;
  }

  /** Subscribers in all groups (including those still receiving their current state). */
  get memberCount(): number {
    let n = 0;
    for (const group of this.groups.values()) n += group.members.size;
    return n;
  }

  /**
   * graphql-ws's `subscribe`: the member's own current state through graphql-ws, then the group's shared events
   * written straight to its socket. Returns an ExecutionResult when the operation fails to start.
   */
  async subscribe(args: ExecutionArgs, subscribe: SubscribeFn, target: FanoutTarget): Promise<AsyncGenerator<Result> | Result> {
    let initialRun: LiveRun | undefined = { mode: 'initial' };
    const initial = await withLiveRun(initialRun, () => subscribe(args));
    if (!isAsyncIterable(initial)) return initial as Result;
    let initialIterator: Source | undefined = initial[Symbol.asyncIterator]() as Source;

    // The group's listener exists before the member reads its current state (at its first next()).
    const group = this.groupFor(target.key, args, subscribe);
    const failed = await group.started;
    if (failed) {
      await initialIterator.return?.();
      return failed;
    }
    // Both executions have read what they need from the arguments; graphql-ws keeps this object for as long as
    // the subscription lives, so it should not keep the document, variables and context alive per subscriber.
    releaseArgs(args);

    let finished: (() => void) | undefined;
    const ended = new Promise<IteratorResult<Result>>((resolve) => {
      finished = () => resolve({ value: undefined, done: true });
    });
    const member: Member = {
      socket: target.socket,
      prefix: `{"id":${JSON.stringify(target.id)},"type":"next","payload":`,
      pending: [],
      closed: false,
      finish: () => finished?.(),
    };
    if (group.ended) member.finish();
    else group.members.add(member);

    const leave = async () => {
      if (member.closed) return;
      member.closed = true;
      member.pending = null;
      member.finish();
      await initialIterator?.return?.();
      initialIterator = undefined;
      group.members.delete(member);
      if (group.members.size === 0) await this.close(group);
    };

    let live = false;
    const iterator: AsyncGenerator<Result> = {
      next: async () => {
        if (!live) {
          const step = member.closed || !initialIterator ? { value: undefined, done: true as const } : await initialIterator.next();
          if (!step.done) return step;
          // graphql-ws asks for more only after it sent the last result, so the shared messages follow in order.
          live = true;
          member.seen = initialRun?.seen;
          // An idle subscriber keeps only its socket, its prefix and its group.
          initialRun = undefined;
          initialIterator = undefined;
          for (const message of member.pending ?? []) this.deliver(member, message.json, message.tag);
          member.pending = null;
        }
        const result = await ended;
        await leave();
        return result;
      },
      return: async () => {
        await leave();
        return { value: undefined, done: true };
      },
      throw: async (err?: unknown) => {
        await leave();
        throw err;
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  private groupFor(key: string, args: ExecutionArgs, subscribe: SubscribeFn): Group {
    const existing = this.groups.get(key);
    if (existing && !existing.ended) return existing;
    const run: LiveRun = { mode: 'events' };
    const group: Group = {
      key,
      members: new Set(),
      run,
      ended: false,
      started: Promise.resolve(withLiveRun(run, () => subscribe(args))).then((started) => {
        if (!isAsyncIterable(started)) {
          this.end(group);
          return started as Result;
        }
        group.source = started[Symbol.asyncIterator]() as Source;
        void this.pump(group, group.source);
        return null;
      }),
    };
    this.groups.set(key, group);
    return group;
  }

  private async pump(group: Group, source: Source): Promise<void> {
    try {
      for (;;) {
        const step = await source.next();
        if (step.done || group.ended) break;
        const tag = group.run.last;
        group.run.last = undefined;
        const json = JSON.stringify(step.value);
        const budget = new TurnBudget(SLICE_MS);
        let written = 0;
        for (const member of [...group.members]) {
          if (++written % CLOCK_EVERY === 0 && performance.now() >= budget.deadline) await budget.yield();
          this.deliver(member, json, tag);
        }
      }
    } catch {
      // An execution that throws has no result to share; its subscribers complete (graphql-ws sends "complete").
    }
    this.end(group);
  }

  private deliver(member: Member, json: string, tag: LiveTag | undefined): void {
    if (member.closed) return;
    if (member.pending) {
      member.pending.push({ json, tag });
      return;
    }
    if (alreadySeen(member.seen, tag)) return;
    if (member.seen && tag) member.seen.delete(tag.key);
    if (member.seen?.size === 0) member.seen = undefined;
    member.socket.send(member.prefix + json + '}');
  }

  private end(group: Group): void {
    if (group.ended) return;
    group.ended = true;
    if (this.groups.get(group.key) === group) this.groups.delete(group.key);
    for (const member of group.members) member.finish();
  }

  private async close(group: Group): Promise<void> {
    this.end(group);
    await group.source?.return?.();
  }
}
