import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFreshPgDatabase, type FreshPgDatabase } from '../../src/platform/pg/fresh-database.js';
import { migratePg } from '../../src/platform/pg/migrate.js';
import { PG_ADMIN_URL, pg } from '../helpers/pg.js';
import { closeInstance, createObjects, inversions, openInstance, SANDBOX, take, transition, type Instance } from './bus-instances.js';

/**
 * Issue 19 / research/SCALE-OUT.md §4 on a real PostgreSQL: two instances (each its own pool, PubSub and LISTEN
 * connection) writing one object; what a subscriber on either instance hears.
 */
describe.skipIf(!pg.available)(pg.title('event bus across instances on PostgreSQL: order and "current state first"'), () => {
  let fresh: FreshPgDatabase;
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    fresh = await createFreshPgDatabase(PG_ADMIN_URL);
    a = await openInstance(fresh.url, 'a');
    await migratePg(a.pg.pool);
    await createObjects(a);
    b = await openInstance(fresh.url, 'b');
  });
  afterAll(async () => {
    await closeInstance(a);
    await closeInstance(b);
    await fresh?.drop();
  });

  it('2 writers × 1,000 version-fenced transitions: both instances hear all 2,000, in commit order (0 inversions)', async () => {
    await a.pg.pool.query(`INSERT INTO bus_objects VALUES ('race', 0)`);
    const onB = b.pubsub.subscribe(SANDBOX, 'bus-test:object');
    const onA = a.pubsub.subscribe(SANDBOX, 'bus-test:object');
    const heardB = take(onB, 2_000, 30_000);
    const heardA = take(onA, 2_000, 30_000);
    const writer = async (x: Instance) => {
      const mine: number[] = [];
      while (mine.length < 1_000) {
        const version = await transition(x, 'race');
        if (version !== null) mine.push(version);
      }
      return mine;
    };
    const [byA, byB] = await Promise.all([writer(a), writer(b)]);
    // Both writers really interleaved: each moved the object between the other's transitions.
    expect(inversions([...byA, ...byB].sort((p, q) => p - q))).toBe(0);
    expect(byA.some((v, i) => i > 0 && v !== byA[i - 1]! + 1)).toBe(true);

    for (const heard of [await heardB, await heardA]) {
      const versions = heard.map((e) => e.version);
      expect(inversions(versions)).toBe(0);
      expect(versions).toEqual(Array.from({ length: 2_000 }, (_, i) => i + 1));
    }
    await onA.return!();
    await onB.return!();
    expect([...a.errors, ...b.errors]).toEqual([]);
  });

  it('a subscriber registered synchronously, then reading current state, misses no later transition (another instance writing)', async () => {
    await a.pg.pool.query(`INSERT INTO bus_objects VALUES ('live', 0)`);
    let writing = true;
    const writer = (async () => {
      while (writing) await transition(a, 'live');
    })();
    try {
      for (let round = 0; round < 25; round++) {
        // liveStream's order: listener first (synchronous), then the committed state, then the events after it.
        const events = b.pubsub.subscribe(SANDBOX, 'bus-test:object');
        const { rows } = await b.pg.pool.query<{ version: number }>(`SELECT version FROM bus_objects WHERE id = 'live'`);
        const current = rows[0]!.version;
        const heard: number[] = [];
        while (heard.length < 3) {
          const [event] = await take(events, 1, 5_000);
          if (event!.version > current) heard.push(event!.version);
        }
        expect(heard).toEqual([current + 1, current + 2, current + 3]);
        await events.return!();
      }
    } finally {
      writing = false;
      await writer;
    }
    expect([...a.errors, ...b.errors]).toEqual([]);
  });
});
