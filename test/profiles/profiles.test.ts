import { decodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';
import * as profiles from '../../src/profiles/service.js';
import type { Viewer } from '../../src/platform/tenancy/viewer.js';
import {
  DeleteProfileDoc,
  ProfileNodeDoc,
  ProfileNodesDoc,
  ProfilesAuditDoc,
  readProfile,
  sandboxIdOf,
  upsert,
  UpsertProfileDoc,
} from './helpers.js';

// Issue 8, profiles: upsertProfile / deleteProfile / profile, node(id), roles, entitlement, isolation,
// and the service functions the send pipeline reads profiles with.

let h: Harness;
let keyB: string;

beforeAll(async () => {
  h = await startHarness();
  keyB = await h.createKey({ sandbox: 'other', role: 'ADMIN' });
});

afterAll(async () => {
  await h?.stop();
});

const ALICE = {
  firstName: 'Alice',
  mobilePhone: { number: '+14155550123' },
  consents: { marketing: { whatsApp: { val: 'y' } } },
  tags: ['vip', 1, true, null],
  score: 4.5,
};

describe('upsertProfile / profile / deleteProfile', () => {
  it('creates a profile, reads it back by your id, and node(id) returns the same object', async () => {
    const created = await upsert(h, 'crm-42', ALICE);
    expect(created).toMatchObject({ profileId: 'crm-42', attributes: ALICE });
    expect(created.createdAt).toBe(created.updatedAt);
    expect(await readProfile(h, 'crm-42')).toEqual(created);
    const node = await h.gql(ProfileNodeDoc, { id: created.id });
    expect(node.data!.node).toEqual({ __typename: 'Profile', id: created.id, profileId: 'crm-42', attributes: ALICE });
  });

  it('a second upsert replaces the attributes (not a merge), keeps the id and createdAt, moves updatedAt', async () => {
    const first = await upsert(h, 'replace-me', { a: 1, b: { c: 2 } });
    await new Promise((r) => setTimeout(r, 5));
    const second = await upsert(h, 'replace-me', { b: { d: 3 } });
    expect(second.id).toBe(first.id);
    expect(second.createdAt).toBe(first.createdAt);
    expect(Date.parse(second.updatedAt)).toBeGreaterThan(Date.parse(first.updatedAt));
    expect(second.attributes).toEqual({ b: { d: 3 } });
    expect((await readProfile(h, 'replace-me'))!.attributes).toEqual({ b: { d: 3 } });
  });

  it('accepts an empty object, unicode ids of 128 characters and unicode values', async () => {
    const id = 'é'.repeat(127) + '😀';
    const p = await upsert(h, id, {});
    expect(p.attributes).toEqual({});
    expect((await readProfile(h, id))!.profileId).toBe(id);
    await upsert(h, 'unicode-values', { name: 'Zoë 😀', note: 'line\nbreak "quoted"' });
    expect((await readProfile(h, 'unicode-values'))!.attributes).toEqual({ name: 'Zoë 😀', note: 'line\nbreak "quoted"' });
  });

  it('profile ids are exact: case and inner spaces matter', async () => {
    await upsert(h, 'Case Sensitive', { v: 1 });
    expect(await readProfile(h, 'case sensitive')).toBeNull();
    expect(await readProfile(h, 'Case Sensitive')).not.toBeNull();
  });

  it('profile(id) is null for an unknown id and for ids that cannot exist', async () => {
    expect(await readProfile(h, 'nobody')).toBeNull();
    expect(await readProfile(h, '')).toBeNull();
    expect(await readProfile(h, 'x'.repeat(129))).toBeNull();
  });

  it('deleteProfile returns the global id and your id; afterwards it is gone and a second delete is NotFoundError', async () => {
    const p = await upsert(h, 'to-delete', { x: 1 });
    const res = await h.gql(DeleteProfileDoc, { input: { id: 'to-delete' } });
    expect(res.data!.deleteProfile).toEqual({ __typename: 'DeleteProfileSuccess', data: { id: p.id, profileId: 'to-delete' } });
    expect(decodeGlobalID(p.id).typename).toBe('Profile');
    expect(await readProfile(h, 'to-delete')).toBeNull();
    expect((await h.gql(ProfileNodeDoc, { id: p.id })).data!.node).toBeNull();
    const again = await h.gql(DeleteProfileDoc, { input: { id: 'to-delete' } });
    expect(again.data!.deleteProfile).toEqual({
      __typename: 'NotFoundError',
      code: 'NOT_FOUND',
      message: 'Profile with your id "to-delete" not found',
    });
  });

  it('after a delete, the same id can be created again as a new object', async () => {
    const before = await upsert(h, 'reborn', { v: 1 });
    await h.gql(DeleteProfileDoc, { input: { id: 'reborn' } });
    const after = await upsert(h, 'reborn', { v: 2 });
    expect(after.id).not.toBe(before.id);
    expect(after.attributes).toEqual({ v: 2 });
  });

  it('every profile mutation is recorded in the audit log with its outcome', async () => {
    await upsert(h, 'audited', { v: 1 });
    await h.gql(DeleteProfileDoc, { input: { id: 'never-existed' } });
    const res = await h.gql(ProfilesAuditDoc, {});
    const actions = res.data!.auditLog.edges.map((e) => `${e.node.action}:${e.node.outcome}`);
    expect(actions.slice(0, 2)).toEqual(['deleteProfile:NOT_FOUND', 'upsertProfile:SUCCESS']);
  });
});

describe('roles and entitlement', () => {
  it('a VIEWER key may read profiles but every mutation is a top-level FORBIDDEN and changes nothing', async () => {
    await upsert(h, 'viewer-target', { v: 1 });
    expect((await readProfile(h, 'viewer-target', h.viewerKey))!.attributes).toEqual({ v: 1 });
    for (const run of [
      () => h.gql(UpsertProfileDoc, { input: { id: 'viewer-target', attributes: { v: 2 } } }, h.viewerKey),
      () => h.gql(UpsertProfileDoc, { input: { id: 'viewer-new', attributes: {} } }, h.viewerKey),
      () => h.gql(DeleteProfileDoc, { input: { id: 'viewer-target' } }, h.viewerKey),
    ]) {
      const res = await run();
      expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(res.data).toBeNull();
    }
    expect((await readProfile(h, 'viewer-target'))!.attributes).toEqual({ v: 1 });
    expect(await readProfile(h, 'viewer-new')).toBeNull();
  });

  it('profiles are not WhatsApp-specific: an organization without cjm_whatsapp can manage them', async () => {
    const key = await h.createKey({ organization: 'noent', sandbox: 'prod', role: 'ADMIN', entitlements: [] });
    const p = await upsert(h, 'no-entitlement', { v: 1 }, key);
    expect((await readProfile(h, 'no-entitlement', key))!.id).toBe(p.id);
    const res = await h.gql(DeleteProfileDoc, { input: { id: 'no-entitlement' } }, key);
    expect(res.data!.deleteProfile.__typename).toBe('DeleteProfileSuccess');
  });
});

describe('sandbox isolation (both directions)', () => {
  it('the same profile id lives separately in two sandboxes; neither can read, replace or delete the other', async () => {
    const a = await upsert(h, 'shared-id', { owner: 'A' });
    const b = await upsert(h, 'shared-id', { owner: 'B' }, keyB);
    expect(a.id).not.toBe(b.id);
    for (const [key, own, foreign, owner] of [
      [h.adminKey, a, b, 'A'],
      [keyB, b, a, 'B'],
    ] as const) {
      expect((await readProfile(h, 'shared-id', key))!.attributes).toEqual({ owner });
      expect((await h.gql(ProfileNodeDoc, { id: foreign.id }, key)).data!.node).toBeNull();
      expect((await h.gql(ProfileNodeDoc, { id: own.id }, key)).data!.node).toMatchObject({ profileId: 'shared-id' });
      const nodes = await h.gql(ProfileNodesDoc, { ids: [own.id, foreign.id] }, key);
      expect(nodes.data!.nodes).toEqual([{ __typename: 'Profile', id: own.id }, null]);
    }
    // A's delete removes only A's profile.
    await h.gql(DeleteProfileDoc, { input: { id: 'shared-id' } });
    expect(await readProfile(h, 'shared-id')).toBeNull();
    expect((await readProfile(h, 'shared-id', keyB))!.attributes).toEqual({ owner: 'B' });
  });

  it('a profile that exists only in the other sandbox is not found from here, in both directions', async () => {
    await upsert(h, 'only-in-a', { v: 1 });
    await upsert(h, 'only-in-b', { v: 1 }, keyB);
    expect(await readProfile(h, 'only-in-b')).toBeNull();
    expect(await readProfile(h, 'only-in-a', keyB)).toBeNull();
    const fromA = await h.gql(DeleteProfileDoc, { input: { id: 'only-in-b' } });
    expect(fromA.data!.deleteProfile.__typename).toBe('NotFoundError');
    const fromB = await h.gql(DeleteProfileDoc, { input: { id: 'only-in-a' } }, keyB);
    expect(fromB.data!.deleteProfile.__typename).toBe('NotFoundError');
    expect(await readProfile(h, 'only-in-a')).not.toBeNull();
    expect(await readProfile(h, 'only-in-b', keyB)).not.toBeNull();
  });
});

describe('service functions for the send pipeline', () => {
  it('getProfile reads one profile of one sandbox; undefined when absent, foreign or impossible', async () => {
    const [sa, sb] = [await sandboxIdOf(h), await sandboxIdOf(h, keyB)];
    await upsert(h, 'svc-one', { mobilePhone: { number: '+14155550100' } });
    expect(await profiles.getProfile(h.server.deps, sa, 'svc-one')).toMatchObject({
      profileId: 'svc-one',
      sandboxId: sa,
      attributes: { mobilePhone: { number: '+14155550100' } },
    });
    expect(await profiles.getProfile(h.server.deps, sb, 'svc-one')).toBeUndefined();
    expect(await profiles.getProfile(h.server.deps, sa, 'svc-missing')).toBeUndefined();
    expect(await profiles.getProfile(h.server.deps, sa, '')).toBeUndefined();
  });

  it('getProfiles reads a large list in chunks, keyed by profile id, ignoring duplicates, unknown and foreign ids', async () => {
    const [sa, sb] = [await sandboxIdOf(h), await sandboxIdOf(h, keyB)];
    const ids = Array.from({ length: 1_205 }, (_, i) => `bulk-${i}`);
    const { deps } = h.server;
    const viewer: Viewer = {
      apiKeyId: 'test',
      keyPrefix: 'test',
      organizationId: 'test',
      organizationName: 'acme',
      sandboxId: sa,
      sandboxName: 'prod',
      role: 'ADMIN',
      entitlements: [],
    };
    // The HTTP write first: 1,205 synchronous upserts hold the event loop long enough on a busy machine for the
    // server to drop the client's idle keep-alive socket, and the next request on it would meet ECONNRESET.
    await upsert(h, 'bulk-foreign', { n: -1 }, keyB);
    for (const id of ids) await profiles.upsertProfile(deps, viewer, { id, attributes: { n: Number(id.slice(5)) } });
    const wanted = [...ids, 'bulk-0', 'bulk-unknown', 'bulk-foreign', ''];
    const map = await profiles.getProfiles(deps, sa, wanted);
    expect(map.size).toBe(1_205);
    expect(map.get('bulk-1204')!.attributes).toEqual({ n: 1204 });
    expect(map.has('bulk-unknown')).toBe(false);
    expect(map.has('bulk-foreign')).toBe(false);
    expect((await profiles.getProfiles(deps, sb, wanted)).size).toBe(1);
    expect((await profiles.getProfiles(deps, sa, [])).size).toBe(0);
  });
});
