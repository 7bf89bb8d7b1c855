import Database from 'better-sqlite3';
import { parse } from 'graphql';
import { request } from 'undici';
import { beforeAll, describe, expect, it } from 'vitest';
import { ResponseCache, type CacheMiss } from '../../src/graphql/response-cache.js';
import { cacheableFields, getSchema } from '../../src/service/schema.js';
import { sql } from 'drizzle-orm';
import { inTransaction } from '../../src/platform/db.js';
import { readVersion } from '../../src/platform/read-versions/version.js';
import * as tenancy from '../../src/platform/tenancy/service.js';
import { TEST_BACKEND } from '../helpers/harness.js';
import { sqlRun } from '../helpers/sql.js';
import { startWorld, useWorld } from '../helpers/world.js';
import {
  activeCredential,
  configInput,
  createConfig,
  createWebhook,
  NUMBERS,
  rawId,
  update,
  waitForConfigStatus,
} from '../channel-configurations/helpers.js';

/**
 * The response cache (src/graphql/response-cache.ts): a configuration read is answered from the cache only while no
 * committed write touched the versioned tables, from any connection, and never across visibilities; a query with a
 * field read from elsewhere is never kept. On PostgreSQL nothing is kept (no version there).
 */

const LIST = `query List($first: Int!) { channelConfigurations(first: $first) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { node { id name description status statusReason checks { name status } marketingActions { key }
    whatsApp { apiCredential { id name status } webhook { id name } senderPhoneNumber effectiveExecutionField } } }
} }`;
/** The same list, plus a field that moves with every delivery and is left out of the version. */
const WITH_LAST_EVENT = LIST.replace('webhook { id name }', 'webhook { id name lastEventAt }');

const METRICS_TOKEN = 'cache-metrics-token-0123456789';
const w = useWorld(() => startWorld({ env: { METRICS_TOKEN } }));
const sqlite = TEST_BACKEND === 'sqlite';
let configId: string;
let webhookId: string;
let submittedId: string;
let doomedId: string;

async function read(query = LIST, variables: Record<string, unknown> = { first: 20 }, key = w.h.adminKey) {
  const res = await w.h.post({ query, variables }, { authorization: `Bearer ${key}` });
  expect(res.status).toBe(200);
  const body = JSON.parse(res.body) as {
    data?: { channelConfigurations: { edges: { node: Record<string, unknown> }[] } };
    errors?: unknown;
  };
  expect(body.errors).toBeUndefined();
  return { cache: res.headers['x-wcs-cache'], body: res.body, nodes: body.data!.channelConfigurations.edges.map((e) => e.node) };
}

/** A second connection to the service's SQLite file: writes as the CLI or a script would. */
function otherConnection(): Database.Database {
  const location = w.h.config.database;
  if (location.kind !== 'sqlite') throw new Error('a SQLite test');
  const db = new Database(location.file);
  db.pragma('busy_timeout = 5000');
  return db;
}

beforeAll(async () => {
  const credentialId = await activeCredential(w.h, 'cache credential');
  webhookId = (await createWebhook(w.h, credentialId, 'cache-hook', w.sim)).id;
  configId = (
    await createConfig(w.h, {
      ...configInput('cache-config', credentialId, { description: 'first', saveAsDraft: true }),
      whatsApp: { apiCredentialId: credentialId, webhookId, senderPhoneNumber: NUMBERS.acmeGreen },
    })
  ).id;
  doomedId = (await createConfig(w.h, configInput('cache-doomed', credentialId, { saveAsDraft: true }))).id;
  // A submitted one has check rows; once ACTIVE its check jobs are done and nothing writes behind the tests.
  submittedId = (await createConfig(w.h, configInput('cache-submitted', credentialId))).id;
  await waitForConfigStatus(w.h, submittedId, 'ACTIVE');
});

describe.runIf(sqlite)('on SQLite', () => {
  it('answers a repeated list from the cache, byte for byte, until a mutation changes a configuration', async () => {
    const first = await read();
    const second = await read();
    expect([first.cache, second.cache]).toEqual(['miss', 'hit']);
    expect(second.body).toBe(first.body);

    await update(w.h, { id: configId, description: 'changed by a mutation' });
    const after = await read();
    expect(after.cache).toBe('miss');
    expect(after.nodes.find((n) => n.id === configId)?.description).toBe('changed by a mutation');
    expect((await read()).cache).toBe('hit');
  });

  it('sees a write committed by another connection (the CLI, a script) at once', async () => {
    await read();
    expect((await read()).cache).toBe('hit');
    const db = otherConnection();
    try {
      db.prepare('UPDATE channel_configurations SET description = ? WHERE id = ?').run('written elsewhere', rawId(configId));
    } finally {
      db.close();
    }
    const after = await read();
    expect(after.cache).toBe('miss');
    expect(after.nodes.find((n) => n.id === configId)?.description).toBe('written elsewhere');
  });

  it('sees a change of every versioned table: checks, credentials, webhooks, marketing actions, general settings', async () => {
    const writes: Array<[string, () => Promise<number>]> = [
      [
        'checks',
        () => sqlRun(w.h.server, "UPDATE channel_configuration_checks SET message = 'x' WHERE configuration_id = ?", rawId(submittedId)),
      ],
      ['credential', () => sqlRun(w.h.server, "UPDATE whatsapp_api_credentials SET name = name || '!'")],
      ['webhook', () => sqlRun(w.h.server, "UPDATE whatsapp_webhooks SET name = name || 'x' WHERE id = ?", rawId(webhookId))],
      [
        'marketing action',
        () =>
          sqlRun(
            w.h.server,
            `INSERT INTO marketing_actions (id, sandbox_id, key, name, created_at)
             SELECT 'ma-cache-test', sandbox_id, 'cache_test', 'Cache test', 0 FROM channel_configurations WHERE id = ?`,
            rawId(configId),
          ),
      ],
      [
        'general settings',
        () =>
          sqlRun(
            w.h.server,
            `INSERT INTO channel_general_settings (sandbox_id, whatsapp_execution_field, updated_at)
             SELECT sandbox_id, 'consents.whatsapp', 0 FROM channel_configurations WHERE id = ?
             ON CONFLICT (sandbox_id) DO UPDATE SET updated_at = excluded.updated_at + 1`,
            rawId(configId),
          ),
      ],
      ['a deleted configuration', () => sqlRun(w.h.server, 'DELETE FROM channel_configurations WHERE id = ?', rawId(doomedId))],
    ];
    for (const [what, write] of writes) {
      await read();
      expect((await read()).cache, what).toBe('hit');
      expect(await write(), `${what}: a row was written`).toBeGreaterThan(0);
      expect((await read()).cache, `after a write to ${what}`).toBe('miss');
    }
  });

  it("keeps answering from the cache through writes the list does not show (a webhook's last event, messages)", async () => {
    await read();
    expect((await read()).cache).toBe('hit');
    await sqlRun(w.h.server, 'UPDATE whatsapp_webhooks SET last_event_at = ? WHERE id = ?', Date.now(), rawId(webhookId));
    await sqlRun(w.h.server, "UPDATE api_keys SET label = 'touched'");
    expect((await read()).cache).toBe('hit');
  });

  it('never keeps a query that shows a field read from elsewhere: lastEventAt is always current', async () => {
    const at = Date.UTC(2026, 0, 2, 3, 4, 5);
    await sqlRun(w.h.server, 'UPDATE whatsapp_webhooks SET last_event_at = ? WHERE id = ?', at, rawId(webhookId));
    const first = await read(WITH_LAST_EVENT);
    expect(first.cache).toBeUndefined();
    const hook = () => (first.nodes.find((n) => n.id === configId)?.whatsApp as { webhook: { lastEventAt: string } }).webhook;
    expect(hook().lastEventAt).toBe(new Date(at).toISOString());
    await sqlRun(w.h.server, 'UPDATE whatsapp_webhooks SET last_event_at = ? WHERE id = ?', at + 1000, rawId(webhookId));
    const second = await read(WITH_LAST_EVENT);
    expect(second.cache).toBeUndefined();
    expect(JSON.stringify(second.nodes)).toContain(new Date(at + 1000).toISOString());
  });

  it('keeps one answer per visibility and per variables: another sandbox, role or page size never gets this one', async () => {
    const otherSandbox = await w.h.createKey({ sandbox: 'staging', role: 'ADMIN' });
    const viewerKey = w.h.viewerKey;
    await read();
    expect((await read()).cache).toBe('hit');
    const staging = await read(LIST, { first: 20 }, otherSandbox);
    expect(staging.cache).toBe('miss');
    expect(staging.nodes).toEqual([]);
    expect((await read(LIST, { first: 20 }, otherSandbox)).cache).toBe('hit');
    expect((await read(LIST, { first: 20 }, viewerKey)).cache).toBe('miss');
    const one = await read(LIST, { first: 1 });
    expect(one.cache).toBe('miss');
    expect(one.nodes).toHaveLength(1);
  });

  it('answers a revoked key 401, never from the cache', async () => {
    const created = await tenancy.createApiKey(w.h.server.deps.db, { organization: 'acme', sandbox: 'prod', role: 'ADMIN' });
    await read(LIST, { first: 20 }, created.key);
    expect((await read(LIST, { first: 20 }, created.key)).cache).toBe('hit');
    await tenancy.revokeApiKey(w.h.server.deps.db, created.record.prefix);
    const res = await w.h.post({ query: LIST, variables: { first: 20 } }, { authorization: `Bearer ${created.key}` });
    expect(res.status).toBe(401);
    expect(res.headers['x-wcs-cache']).toBeUndefined();
  });

  it('counts an answer from the cache as the operation it answers, and as a cache hit', async () => {
    const named = LIST.replace('query List(', 'query CachedList(');
    await read(named);
    await read(named);
    await read(named);
    const res = await request(`${w.h.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    const text = await res.body.text();
    const line = (name: string) => text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes('operation="CachedList"'));
    expect(line('wcs_graphql_operations_total')).toMatch(/ 3$/);
    expect(line('wcs_graphql_response_cache_hits_total')).toMatch(/ 2$/);
  });

  it('knows no version while a transaction of someone else is open on the connection (its writes may roll back)', async () => {
    const db = w.h.server.deps.db;
    const before = readVersion(db, 'configuration');
    expect(before).toEqual(expect.any(Number));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let inside: number | null = null;
    const rolledBack = inTransaction(db, async (tx) => {
      if (tx.backend !== 'sqlite') throw new Error('a SQLite test');
      tx.run(sql`UPDATE channel_configurations SET description = 'never committed' WHERE id = ${rawId(configId)}`);
      inside = readVersion(db, 'configuration');
      await held;
      throw new Error('roll back');
    }).catch((err: Error) => err.message);
    await new Promise((r) => setTimeout(r, 20));
    // Outside the transaction: the counter holds its uncommitted bump, so no version at all.
    expect(readVersion(db, 'configuration')).toBeNull();
    release();
    expect(await rolledBack).toBe('roll back');
    expect(inside).toBe(before! + 1); // the transaction itself sees its own write
    expect(readVersion(db, 'configuration')).toBe(before);
    const after = await read();
    expect(after.nodes.find((n) => n.id === configId)?.description).not.toBe('never committed');
  });

  it('versions every column of the webhooks but last_event_at, and every write to each versioned table', async () => {
    const db = otherConnection();
    try {
      const triggers = db
        .prepare("SELECT tbl_name AS t, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'read_version_%'")
        .all() as { t: string; sql: string }[];
      const tables = [
        'channel_configurations',
        'channel_configuration_checks',
        'channel_general_settings',
        'marketing_actions',
        'whatsapp_api_credentials',
        'whatsapp_webhooks',
      ];
      for (const table of tables) {
        const own = triggers.filter((t) => t.t === table).map((t) => t.sql);
        for (const op of ['INSERT', 'DELETE', 'UPDATE'])
          expect(
            own.some((s) => s.includes(`AFTER ${op}`)),
            `${table} ${op}`,
          ).toBe(true);
      }
      const columns = (db.prepare('PRAGMA table_info(whatsapp_webhooks)').all() as { name: string }[]).map((c) => c.name);
      const update = triggers.find((t) => t.t === 'whatsapp_webhooks' && t.sql.includes('AFTER UPDATE'))!.sql;
      const versioned = [...update.split(' ON ')[0]!.matchAll(/`([a-z_0-9]+)`/g)]
        .map((m) => m[1])
        .filter((c) => c !== 'read_version_whatsapp_webhooks_update');
      expect(versioned.sort()).toEqual(columns.filter((c) => c !== 'last_event_at').sort());
    } finally {
      db.close();
    }
  });
});

describe('turned off', () => {
  const off = useWorld(() => startWorld({ env: { GRAPHQL_RESPONSE_CACHE_BYTES: '0' } }));
  it('with GRAPHQL_RESPONSE_CACHE_BYTES=0 (and always on PostgreSQL) nothing is kept', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await off.h.post({ query: LIST, variables: { first: 5 } }, { authorization: `Bearer ${off.h.adminKey}` });
      expect(res.status).toBe(200);
      expect(res.headers['x-wcs-cache']).toBeUndefined();
    }
    if (!sqlite) {
      const res = await w.h.post({ query: LIST, variables: { first: 5 } }, { authorization: `Bearer ${w.h.adminKey}` });
      expect(res.headers['x-wcs-cache']).toBeUndefined();
    }
  });
});

describe('the cache itself', () => {
  const viewer = {
    apiKeyId: 'k',
    keyPrefix: 'p',
    organizationId: 'o',
    organizationName: 'O',
    sandboxId: 's',
    sandboxName: 'S',
    role: 'ADMIN' as const,
    entitlements: [],
  };
  const make = (maxBytes: number, version: () => number | null = () => 7) =>
    new ResponseCache({ maxBytes, cacheableFields: cacheableFields(), version });
  const lookup = (cache: ResponseCache, first: number, query = LIST) =>
    cache.lookup(getSchema(), parse(query), viewer, { query, variables: { first } });

  it('stays within its bytes, dropping the least recently used answer first', () => {
    const cache = make(40_000);
    const text = 'x'.repeat(4_000); // ~8 KB each: four fit, a fifth pushes one out
    for (const first of [1, 2, 3, 4]) {
      const miss = lookup(cache, first);
      expect(miss.kind).toBe('miss');
      cache.keep(miss as CacheMiss, text);
    }
    expect(lookup(cache, 1).kind).toBe('hit'); // 1 is now the most recently used
    const fifth = lookup(cache, 5);
    cache.keep(fifth as CacheMiss, text);
    expect(cache.size).toBeLessThanOrEqual(40_000);
    expect(lookup(cache, 2).kind).toBe('miss'); // the least recently used went
    expect(lookup(cache, 1).kind).toBe('hit');
    expect(lookup(cache, 5).kind).toBe('hit');
    // One answer never takes more than a quarter of the room.
    const big = lookup(cache, 6);
    cache.keep(big as CacheMiss, 'y'.repeat(6_000));
    expect(lookup(cache, 6).kind).toBe('miss');
  });

  it('keeps nothing without a version, for a mutation, or for a field outside the allow-list', () => {
    expect(
      lookup(
        make(1e6, () => null),
        1,
      ).kind,
    ).toBe('skip');
    expect(lookup(make(0), 1).kind).toBe('skip');
    expect(lookup(make(1e6), 1, WITH_LAST_EVENT).kind).toBe('skip');
    const mutation = 'mutation { deleteChannelConfiguration(input: { id: "x" }) { __typename } }';
    expect(make(1e6).lookup(getSchema(), parse(mutation), viewer, { query: mutation }).kind).toBe('skip');
  });

  it('answers an answer kept under an older version as a miss', () => {
    let version = 1;
    const cache = make(1e6, () => version);
    cache.keep(lookup(cache, 1) as CacheMiss, '{"data":{}}');
    expect(lookup(cache, 1).kind).toBe('hit');
    version = 2;
    expect(lookup(cache, 1).kind).toBe('miss');
  });
});
