import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectWs, subscribeSse, type WsConnection } from '../helpers/live.js';
import { sandboxIdOf, useWorld } from '../helpers/world.js';
import {
  activeCredential,
  ConfigListDoc,
  configInput,
  createConfig,
  createConfigRaw,
  DeactivateConfigDoc,
  DeleteConfigDoc,
  readConfig,
  readConfigRaw,
  ReactivateConfigDoc,
  StatusSubDoc,
  SubmitConfigDoc,
  UpdateConfigDoc,
  waitForConfigStatus,
  waitUntil,
} from './helpers.js';

/**
 * Acceptance 6: two sandboxes never see each other's configurations or events
 * (both directions, both transports), and a VIEWER can query and subscribe but
 * not mutate.
 */

const w = useWorld();
let prodCredential: string;
let otherCredential: string;
let otherKey: string;
let prodWs: WsConnection;
let otherWs: WsConnection;

beforeAll(async () => {
  otherKey = await w.h.createKey({ sandbox: 'other', role: 'ADMIN' });
  prodCredential = await activeCredential(w.h, 'access prod');
  otherCredential = await activeCredential(w.h, 'access other', undefined, otherKey);
  prodWs = connectWs(w.h.wsUrl, w.h.adminKey);
  otherWs = connectWs(w.h.wsUrl, otherKey);
});

afterAll(async () => {
  await prodWs?.dispose();
  await otherWs?.dispose();
});

async function listening(key: string, count: number): Promise<void> {
  const sandboxId = await sandboxIdOf(w.h, key);
  await waitUntil(
    () => w.h.server.deps.pubsub.listenerCount(sandboxId, 'channel-configuration:status-changed') >= count,
    5_000,
    'subscribed',
  );
}

describe('two sandboxes', () => {
  it("subscribers of one sandbox never receive the other's events, in both directions", async () => {
    const prodSub = prodWs.subscribe(StatusSubDoc, {});
    const otherSub = otherWs.subscribe(StatusSubDoc, {});
    const prodSse = await subscribeSse(w.h.url, w.h.adminKey, StatusSubDoc, {});
    await listening(w.h.adminKey, 2);
    await listening(otherKey, 1);

    const inProd = await createConfig(w.h, configInput('shared-name', prodCredential));
    await waitForConfigStatus(w.h, inProd.id, 'ACTIVE');
    const inOther = await createConfig(w.h, configInput('shared-name', otherCredential), otherKey);
    await waitForConfigStatus(w.h, inOther.id, 'ACTIVE', 10_000, otherKey);

    await waitUntil(
      () => prodSub.events.all.length >= 2 && otherSub.events.all.length >= 2 && prodSse.events.all.length >= 2,
      5_000,
      'events',
    );
    await prodSub.events.none(200);
    const ids = (events: typeof prodSub.events.all) => [
      ...new Set(events.map((e) => e.data!.channelConfigurationStatusChanged.channelConfiguration.id)),
    ];
    expect(ids(prodSub.events.all)).toEqual([inProd.id]);
    expect(ids(prodSse.events.all)).toEqual([inProd.id]);
    expect(ids(otherSub.events.all)).toEqual([inOther.id]);
    expect(prodSub.events.all.map((e) => e.data!.channelConfigurationStatusChanged.status)).toEqual(['PROCESSING', 'ACTIVE']);
    expect(otherSub.events.all.map((e) => e.data!.channelConfigurationStatusChanged.status)).toEqual(['PROCESSING', 'ACTIVE']);

    // A transition in one sandbox is never pushed to the other.
    await w.h.gql(DeactivateConfigDoc, { input: { id: inOther.id } }, otherKey);
    await otherSub.events.until((e) => e.data!.channelConfigurationStatusChanged.status === 'DEACTIVATED');
    await prodSub.events.none(200);
    await w.h.gql(DeactivateConfigDoc, { input: { id: inProd.id } });
    await prodSub.events.until((e) => e.data!.channelConfigurationStatusChanged.status === 'DEACTIVATED');
    await otherSub.events.none(200);
    expect(ids(prodSub.events.all)).toEqual([inProd.id]);
    expect(ids(otherSub.events.all)).toEqual([inOther.id]);
    prodSub.unsubscribe();
    otherSub.unsubscribe();
    prodSse.close();

    // Subscribing to, reading or listing the other sandbox's configuration finds nothing.
    const foreign = otherWs.subscribe(StatusSubDoc, { id: inProd.id });
    expect((await foreign.events.next()).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const foreignBack = prodWs.subscribe(StatusSubDoc, { id: inOther.id });
    expect((await foreignBack.events.next()).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await readConfig(w.h, inOther.id)).toBeNull();
    expect(await readConfig(w.h, inProd.id, otherKey)).toBeNull();
    const prodList = (await w.h.gql(ConfigListDoc, { first: 100 })).data!.channelConfigurations.edges.map((e) => e.node.id);
    const otherList = (await w.h.gql(ConfigListDoc, { first: 100 }, otherKey)).data!.channelConfigurations.edges.map((e) => e.node.id);
    expect(prodList).toContain(inProd.id);
    expect(prodList).not.toContain(inOther.id);
    expect(otherList).toEqual([inOther.id]);
  });
});

describe('VIEWER keys', () => {
  it('can query and subscribe, but every mutation is FORBIDDEN and changes nothing', async () => {
    const created = await createConfig(w.h, configInput('viewer-sees', prodCredential));
    await waitForConfigStatus(w.h, created.id, 'ACTIVE');

    const node = await readConfigRaw(w.h, created.id, w.h.viewerKey);
    expect(node.errors).toBeUndefined();
    expect(node.data!.node).toMatchObject({ id: created.id, status: 'ACTIVE' });
    const list = await w.h.gql(ConfigListDoc, { search: 'viewer-sees' }, w.h.viewerKey);
    expect(list.data!.channelConfigurations.totalCount).toBe(1);

    const viewerWs = connectWs(w.h.wsUrl, w.h.viewerKey);
    try {
      const sub = viewerWs.subscribe(StatusSubDoc, { id: created.id });
      expect((await sub.events.next()).data!.channelConfigurationStatusChanged.status).toBe('ACTIVE');

      const attempts = [
        () => createConfigRaw(w.h, configInput('viewer-made', prodCredential), w.h.viewerKey),
        () => w.h.gql(UpdateConfigDoc, { input: { id: created.id, name: 'viewer-renamed' } }, w.h.viewerKey),
        () => w.h.gql(SubmitConfigDoc, { input: { id: created.id } }, w.h.viewerKey),
        () => w.h.gql(DeactivateConfigDoc, { input: { id: created.id } }, w.h.viewerKey),
        () => w.h.gql(ReactivateConfigDoc, { input: { id: created.id } }, w.h.viewerKey),
        () => w.h.gql(DeleteConfigDoc, { input: { id: created.id } }, w.h.viewerKey),
      ];
      for (const attempt of attempts) {
        const res = await attempt();
        expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        expect(res.data ?? null).toBeNull();
      }
      await sub.events.none(200);
      expect(await readConfig(w.h, created.id)).toMatchObject({ name: 'viewer-sees', status: 'ACTIVE' });
      expect((await w.h.gql(ConfigListDoc, { search: 'viewer-made' })).data!.channelConfigurations.totalCount).toBe(0);

      // The viewer's subscription still receives what an admin does.
      await w.h.gql(DeactivateConfigDoc, { input: { id: created.id } });
      expect((await sub.events.next()).data!.channelConfigurationStatusChanged.status).toBe('DEACTIVATED');
    } finally {
      await viewerWs.dispose();
    }
  });
});
