import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { inTransaction } from '../../src/platform/db.js';
import { ClusterPubSub } from '../../src/platform/bus/cluster.js';
import {
  activeCredential,
  configInput,
  createConfig,
  DeactivateConfigDoc,
  marketingActions,
  rawId,
  ReactivateConfigDoc,
  StatusSubDoc,
  update,
  waitForConfigStatus,
} from '../channel-configurations/helpers.js';
import type { Harness } from '../helpers/harness.js';
import { startInstances, type Instances } from '../helpers/instances.js';
import { connectWs, type WsConnection } from '../helpers/live.js';
import { pg } from '../helpers/pg.js';
import { sqlValue } from '../helpers/sql.js';
import { waitUntil } from '../helpers/wait.js';
import { sandboxIdOf } from '../helpers/world.js';

/**
 * Issue 19, "Events": two instances of the service on one PostgreSQL database. A graphql-ws subscriber on A hears the
 * transitions that mutations (and check jobs) on B cause, in order, current state first, each once; a transaction that
 * rolls back publishes nothing; and when A's LISTEN connection is lost, A's live streams end with 1012 so that clients
 * subscribe again and read the current state (events in the gap cannot be replayed).
 */

type StatusEvent = { id: string; previousStatus: string | null; status: string };

const statusVersion = (h: Harness, id: string) =>
  sqlValue<number>(h.server, 'SELECT status_version FROM channel_configurations WHERE id = ?', rawId(id));

async function deactivate(h: Harness, id: string): Promise<void> {
  const res = await h.gql(DeactivateConfigDoc, { input: { id } });
  expect(res.data?.deactivateChannelConfiguration.__typename).toBe('DeactivateChannelConfigurationSuccess');
}

async function reactivate(h: Harness, id: string): Promise<void> {
  const res = await h.gql(ReactivateConfigDoc, { input: { id } });
  expect(res.data?.reactivateChannelConfiguration.__typename).toBe('ReactivateChannelConfigurationSuccess');
}

describe.skipIf(!pg.available)(pg.title('live status across instances (PostgreSQL LISTEN/NOTIFY)'), () => {
  let cluster: Instances;
  let a: Harness;
  let b: Harness;
  let ws: WsConnection | undefined;

  beforeAll(async () => {
    cluster = await startInstances(2);
    [a, b] = cluster.all as [Harness, Harness];
  }, 60_000);
  afterAll(async () => {
    await ws?.dispose();
    await cluster?.stop();
  });

  it('a subscriber on A sees every transition caused on B, in order, current state first, none missing or twice', async () => {
    const credentialId = await activeCredential(b, 'cluster main');
    const first = await createConfig(b, configInput('cluster-first', credentialId));
    await waitForConfigStatus(b, first.id, 'ACTIVE', 15_000);
    const firstAtStart = await statusVersion(a, first.id);

    ws = connectWs(a.wsUrl, a.adminKey);
    const sub = ws.subscribe(StatusSubDoc, {});
    const events = () =>
      sub.events.all.map((e): StatusEvent => {
        const ev = e.data!.channelConfigurationStatusChanged;
        return { id: ev.channelConfiguration.id, previousStatus: ev.previousStatus ?? null, status: ev.status };
      });
    // Current state first: the configuration B made, as it is now.
    await sub.events.next(15_000);
    expect(events()).toEqual([{ id: first.id, previousStatus: 'PROCESSING', status: 'ACTIVE' }]);

    // Many quick transitions on B: a new configuration, deactivations and reactivations racing its check jobs, an edit.
    const second = await createConfig(b, configInput('cluster-second', credentialId));
    for (let i = 0; i < 6; i++) {
      await deactivate(b, second.id);
      await reactivate(b, second.id);
    }
    const actions = await marketingActions(b);
    const edited = await update(b, { id: first.id, marketingActionIds: [actions[0]!.id] });
    expect(edited.__typename).toBe('UpdateChannelConfigurationSuccess');
    await waitForConfigStatus(b, second.id, 'ACTIVE', 20_000);
    await waitForConfigStatus(b, first.id, 'ACTIVE', 20_000);

    // Every committed transition is one event: versions count them (the first event of `first` is its current state).
    const expected = 1 + ((await statusVersion(a, first.id)) - firstAtStart) + (await statusVersion(a, second.id));
    await waitUntil(() => sub.events.all.length >= expected, 20_000, `${expected} events on A`);
    await sub.events.none(1_000);
    const seen = events();
    expect(seen).toHaveLength(expected);
    for (const id of [first.id, second.id]) {
      const chain = seen.filter((e) => e.id === id);
      // In order and none missing: each transition starts where the previous one ended.
      for (let i = 1; i < chain.length; i++) expect(chain[i]!.previousStatus).toBe(chain[i - 1]!.status);
      expect(chain.at(-1)!.status).toBe('ACTIVE');
    }
    expect(seen.filter((e) => e.id === second.id)[0]).toEqual({ id: second.id, previousStatus: null, status: 'PROCESSING' });
    expect(seen.filter((e) => e.id === second.id).filter((e) => e.status === 'DEACTIVATED')).toHaveLength(6);

    // A transaction on B that publishes and then rolls back: A hears nothing.
    const sandboxId = await sandboxIdOf(b);
    await expect(
      inTransaction(b.server.deps.db, () => {
        b.server.deps.pubsub.publish(sandboxId, 'channel-configuration:status-changed', {
          channelConfigurationId: rawId(first.id),
          previousStatus: 'ACTIVE',
          status: 'FAILED',
          at: new Date().toISOString(),
          statusVersion: 1_000_000,
        });
        throw new Error('rolled back on purpose');
      }),
    ).rejects.toThrow('rolled back on purpose');
    await sub.events.none(1_500);
    sub.unsubscribe();
  }, 120_000);

  it('a lost LISTEN connection: A reconnects, /readyz is ready again, and its live streams end with 1012 to start over', async () => {
    const pubsub = a.server.deps.pubsub;
    expect(pubsub).toBeInstanceOf(ClusterPubSub);
    const bus = (pubsub as ClusterPubSub).bus;
    const pid = bus.listenerPid;
    expect(pid).toBeTypeOf('number');
    const conn = connectWs(a.wsUrl, a.adminKey);
    const sub = conn.subscribe(StatusSubDoc, {});
    await sub.events.next(15_000);

    await sqlValue(b.server, 'SELECT pg_terminate_backend(?)', pid);
    const closed = await conn.closed;
    expect(closed.code).toBe(1012);
    expect(closed.reason).toMatch(/live events interrupted/);
    await waitUntil(() => bus.listening && bus.listenerPid !== pid, 15_000, 'LISTEN re-established');
    const ready = await request(`${a.url}/readyz`);
    expect(ready.statusCode).toBe(200);
    await ready.body.dump();
    expect(a.logs.text()).toMatch(/event bus resync/);

    // Subscribing again: current state first, then B's changes arrive over the new LISTEN connection.
    const again = connectWs(a.wsUrl, a.adminKey);
    try {
      const resub = again.subscribe(StatusSubDoc, {});
      const credentialId = await activeCredential(b, 'cluster after resync');
      await waitUntil(() => resub.events.all.length >= 2, 15_000, 'current state');
      const before = resub.events.all.length;
      const third = await createConfig(b, configInput('cluster-third', credentialId));
      const heard = await resub.events.until((e) => e.data?.channelConfigurationStatusChanged.channelConfiguration.id === third.id, 15_000);
      expect(heard.data!.channelConfigurationStatusChanged.status).toBe('PROCESSING');
      expect(resub.events.all.length).toBeGreaterThan(before);
    } finally {
      await again.dispose();
    }
  }, 90_000);
});

describe.skipIf(!pg.available)(pg.title('job wake-ups across instances'), () => {
  let cluster: Instances;

  beforeAll(async () => {
    // A runs no workers; B polls only every 30 s, so only the NOTIFY at A's commit can wake it promptly.
    cluster = await startInstances(2, {
      envOf: (i) => (i === 1 ? { JOB_POLL_INTERVAL_MS: '30000' } : undefined),
      startJobs: (i) => i === 1,
    });
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it("a job enqueued in A's transaction is run by B's queue well before B's next poll", async () => {
    const [a, b] = cluster.all as [Harness, Harness];
    // Let B's queue settle into its long idle sleep first.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const started = Date.now();
    // Creating a credential enqueues its verification job in the mutation's transaction, on A.
    await activeCredential(a, 'woken by notify');
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(20_000);
    const ranOnB = await sqlValue<number>(b.server, "SELECT count(*) FROM jobs WHERE kind = 'credentials.verify' AND status = 'succeeded'");
    expect(ranOnB).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
