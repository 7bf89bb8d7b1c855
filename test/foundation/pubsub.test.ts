import { describe, expect, it } from 'vitest';
import { PubSub } from '../../src/platform/pubsub.js';
import type {} from '../../src/graphql/viewer.js'; // declares the 'audit:entry-added' topic

// Issue 14: an event reaches its subscribers on the turn after it was published, so the mutation that published it
// answers first; and before what the publisher queued afterwards (the job queue's wake-up), not behind it.

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('PubSub delivery', () => {
  it('delivers after the publisher has answered, before work it queued afterwards, in publish order', async () => {
    const pubsub = new PubSub();
    const order: string[] = [];
    const events = pubsub.subscribe('s1', 'audit:entry-added');
    const reading = (async () => {
      for await (const event of events) {
        order.push(`event ${event.auditLogEntryId}`);
        if (event.auditLogEntryId === 'b') break;
      }
    })();
    pubsub.publish('s1', 'audit:entry-added', { auditLogEntryId: 'a' });
    pubsub.publish('s1', 'audit:entry-added', { auditLogEntryId: 'b' });
    setImmediate(() => order.push('queued by the publisher'));
    // What a mutation does after publishing (yoga serializing and writing its response) is a chain of promises.
    void Promise.resolve()
      .then(() => undefined)
      .then(() => order.push('publisher answered'));
    order.push('publisher returned');
    await reading;
    await nextTurn();
    expect(order).toEqual(['publisher returned', 'publisher answered', 'event a', 'event b', 'queued by the publisher']);
  });

  it('hands an event only to subscribers that were listening when it was published and still are', async () => {
    const pubsub = new PubSub();
    const early = pubsub.subscribe('s1', 'audit:entry-added');
    const leaving = pubsub.subscribe('s1', 'audit:entry-added');
    pubsub.publish('s1', 'audit:entry-added', { auditLogEntryId: 'a' });
    const late = pubsub.subscribe('s1', 'audit:entry-added');
    await leaving.return!();
    expect(pubsub.listenerCount('s1', 'audit:entry-added')).toBe(2);
    await nextTurn();
    expect(await early.next()).toEqual({ value: { auditLogEntryId: 'a' }, done: false });
    expect(await leaving.next()).toEqual({ value: undefined, done: true });
    // The late subscriber heard nothing of it: its next event is the one published after it subscribed.
    pubsub.publish('s1', 'audit:entry-added', { auditLogEntryId: 'b' });
    expect(await late.next()).toEqual({ value: { auditLogEntryId: 'b' }, done: false });
    // Another sandbox's topic is another topic.
    const other = pubsub.subscribe('s2', 'audit:entry-added');
    pubsub.publish('s1', 'audit:entry-added', { auditLogEntryId: 'c' });
    await nextTurn();
    const raced = await Promise.race([other.next(), nextTurn().then(() => 'nothing')]);
    expect(raced).toBe('nothing');
    for (const stream of [early, late, other]) await stream.return!();
    expect(pubsub.listenerCount('s1', 'audit:entry-added') + pubsub.listenerCount('s2', 'audit:entry-added')).toBe(0);
  });
});
