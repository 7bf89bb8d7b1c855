import { desc } from 'drizzle-orm';
import { execute, parse } from 'graphql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as configurations from '../../src/channel-configurations/service.js';
import * as credentials from '../../src/credentials/service.js';
import { channelConfigurationChecks, channelConfigurations } from '../../src/channel-configurations/tables.js';
import { whatsappApiCredentials } from '../../src/credentials/tables.js';
import { whatsappWebhooks } from '../../src/webhooks/tables.js';
import { DEFAULT_IDS } from '../../src/meta-simulator/index.js';
import { authenticate } from '../../src/platform/tenancy/service.js';
import * as webhooks from '../../src/webhooks/service.js';
import { getSchema } from '../../src/service/schema.js';
import { columnsSelect, tableSelect } from '../../src/platform/prepared.js';
import type { SqliteDb } from '../../src/platform/sqlite.js';
import { startHarness, TEST_BACKEND, type Harness } from '../helpers/harness.js';
import { sqlValue } from '../helpers/sql.js';

/**
 * Issue 14: the SQL statements a list request runs are constant in the page size (≤ 8), whatever the page holds:
 * references (credential, webhook), checks and marketing actions load in one batch per page, not per row.
 * Statements are counted where the driver runs them: every Statement#get/all/run/iterate of better-sqlite3, every
 * Client#query of node-postgres.
 */

const LIST = `query List($first: Int!) {
  channelConfigurations(first: $first) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id name description channel status statusReason statusChangedAt createdAt updatedAt
      marketingActions { id key name }
      checks { name status message remedy checkedAt }
      whatsApp {
        apiCredential { id name status }
        webhook { id name }
        senderPhoneNumber executionField effectiveExecutionField
      }
    } }
  }
}`;

const TRANSACTION_CONTROL = /^\s*(begin|commit|rollback|savepoint|release)\b/i;
let h: Harness;
let executed = 0;
const restore: Array<() => void> = [];

beforeAll(async () => {
  h = await startHarness({ startJobs: false });
  const { deps } = h.server;
  const viewer = (await authenticate(deps.db, `Bearer ${h.adminKey}`))!;
  // Three credentials, each with a webhook, shared by 60 configurations: references repeat and differ in a page.
  const refs: Array<{ credentialId: string; webhookId: string }> = [];
  for (const [i, phoneNumberId] of [
    DEFAULT_IDS.phone.acmeGreen,
    DEFAULT_IDS.phone.acmeYellowHigh,
    DEFAULT_IDS.phone.acmeRedLimited,
  ].entries()) {
    const credential = await credentials.createCredential(deps, viewer, {
      name: `cred-${i}`,
      apiToken: DEFAULT_IDS.token.systemUser,
      businessAccountId: DEFAULT_IDS.business.acme,
      whatsAppBusinessAccountId: DEFAULT_IDS.waba.acmeMain,
      phoneNumberId,
    });
    const webhook = await webhooks.createWebhook(deps, viewer, {
      name: `hook-${i}`,
      apiCredentialId: credential.id,
      appSecret: 'a'.repeat(32),
      keywordRules: [],
    });
    refs.push({ credentialId: credential.id, webhookId: webhook.id });
  }
  for (let i = 0; i < 60; i++) {
    const ref = refs[i % refs.length]!;
    await configurations.createChannelConfiguration(deps, viewer, {
      name: `config-${i}`,
      channel: 'WHATSAPP',
      whatsApp: { apiCredentialId: ref.credentialId, webhookId: ref.webhookId, senderPhoneNumber: `+1555010000${(i % 3) + 1}` },
      // Every other one is submitted (checks exist), the rest are drafts.
      saveAsDraft: i % 2 === 0,
    });
  }
  // Count at the driver: every execution of a prepared statement on any connection of this process (SQLite), every
  // query a pooled client sends (PostgreSQL: Pool#query runs Client#query too), except transaction control: on
  // PostgreSQL a query's reads run in one snapshot transaction (graphql/snapshot-plugin.ts), whose BEGIN and COMMIT
  // read nothing.
  const proto = (h.server.sqlite ? Object.getPrototypeOf(h.server.sqlite.prepare('SELECT 1')) : pg.Client.prototype) as Record<
    string,
    (...args: unknown[]) => unknown
  >;
  for (const method of h.server.sqlite ? ['get', 'all', 'run', 'iterate'] : ['query']) {
    const original = proto[method]!;
    proto[method] = function (this: unknown, ...args: unknown[]) {
      const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: unknown } | undefined)?.text;
      if (!(typeof text === 'string' && TRANSACTION_CONTROL.test(text))) executed += 1;
      return original.apply(this, args);
    };
    restore.push(() => (proto[method] = original));
  }
});

afterAll(async () => {
  for (const undo of restore) undo();
  await h?.stop();
});

async function statementsFor(first: number): Promise<{ statements: number; nodes: number }> {
  // Warm up once (first use may prepare and cache); then count one request.
  await h.post({ query: LIST, variables: { first } }, { authorization: `Bearer ${h.adminKey}` });
  const before = executed;
  const res = await h.post({ query: LIST, variables: { first } }, { authorization: `Bearer ${h.adminKey}` });
  const statements = executed - before;
  expect(res.status).toBe(200);
  const body = JSON.parse(res.body) as {
    data: { channelConfigurations: { edges: { node: { whatsApp: { apiCredential: unknown } } }[] } };
    errors?: unknown;
  };
  expect(body.errors).toBeUndefined();
  for (const edge of body.data.channelConfigurations.edges) expect(edge.node.whatsApp.apiCredential).not.toBeNull();
  return { statements, nodes: body.data.channelConfigurations.edges.length };
}

describe('SQL statements per list request', () => {
  it('channelConfigurations: the same number for 5, 20 and 50 rows, at most 8', async () => {
    const five = await statementsFor(5);
    const twenty = await statementsFor(20);
    const fifty = await statementsFor(50);
    expect([five.nodes, twenty.nodes, fifty.nodes]).toEqual([5, 20, 50]);
    expect(fifty.statements).toBe(twenty.statements);
    expect(twenty.statements).toBe(five.statements);
    expect(fifty.statements).toBeLessThanOrEqual(8);
  });
});

describe.skipIf(TEST_BACKEND === 'pg')(
  'a list page completes synchronously (SQLite only: better-sqlite3 answers synchronously; PostgreSQL never does)',
  () => {
    it('no field of a channelConfigurations page answers with a promise (ids, references, checks load per page)', async () => {
      const viewer = (await authenticate(h.server.deps.db, `Bearer ${h.adminKey}`))!;
      const run = () =>
        execute({
          schema: getSchema(),
          document: parse(LIST),
          contextValue: { viewer, deps: h.server.deps, requestId: 'test' },
          variableValues: { first: 20 },
        });
      const before = executed;
      const result = run();
      // graphql-js answers with a promise as soon as one resolver of the operation did.
      expect(result).not.toBeInstanceOf(Promise);
      const { data, errors } = result as Awaited<ReturnType<typeof run>>;
      expect(errors).toBeUndefined();
      const edges = (data as { channelConfigurations: { edges: { node: { id: string; checks: unknown[] } }[] } }).channelConfigurations
        .edges;
      expect(edges).toHaveLength(20);
      expect(edges.filter((e) => e.node.checks.length > 0).length).toBeGreaterThan(0);
      expect(executed - before).toBeLessThanOrEqual(8);
    });
  },
);

describe.skipIf(TEST_BACKEND === 'pg')(
  'tableSelect (hot whole-table reads without drizzle’s row mapping; SQLite only: a SQLite backend helper)',
  () => {
    it('returns exactly the rows drizzle returns (dates, JSON, nulls) and refuses a query that is not the whole table', () => {
      // tableSelect is the SQLite backend's: the harness runs on SQLite.
      const db = h.server.deps.db as SqliteDb;
      const query = () => db.select().from(channelConfigurations).orderBy(desc(channelConfigurations.id));
      const rows = tableSelect(db, channelConfigurations, query())();
      expect(rows).toHaveLength(60);
      expect(rows).toEqual(query().all());
      expect(rows[0]!.createdAt).toBeInstanceOf(Date);
      expect(Array.isArray(rows[0]!.marketingActionIds)).toBe(true);
      expect(rows.some((r) => r.description === null)).toBe(true);
      const checks = tableSelect(db, channelConfigurationChecks, db.select().from(channelConfigurationChecks))();
      expect(checks).toEqual(db.select().from(channelConfigurationChecks).all());
      expect(() => tableSelect(db, channelConfigurations, db.select({ id: channelConfigurations.id }).from(channelConfigurations))).toThrow(
        /must select the whole table/,
      );
    });

    it("a page's credentials and webhooks (read through tableSelect) are the rows drizzle returns, of the sandbox only", async () => {
      const db = h.server.deps.db as SqliteDb;
      const allCredentials = db.select().from(whatsappApiCredentials).all();
      const allWebhooks = db.select().from(whatsappWebhooks).all();
      expect(allCredentials.length).toBeGreaterThan(0);
      expect(allWebhooks.length).toBeGreaterThan(0);
      const sandboxId = allCredentials[0]!.sandboxId;
      const byId = <T extends { id: string }>(rows: T[]) => [...rows].sort((a, b) => a.id.localeCompare(b.id));
      const found = await credentials.findCredentials(
        h.server.deps,
        sandboxId,
        allCredentials.map((c) => c.id),
      );
      expect(byId(found)).toEqual(byId(allCredentials.filter((c) => c.sandboxId === sandboxId)));
      const hooks = await webhooks.findWebhooks(
        h.server.deps,
        sandboxId,
        allWebhooks.map((w) => w.id),
      );
      expect(byId(hooks)).toEqual(byId(allWebhooks.filter((w) => w.sandboxId === sandboxId)));
      expect(
        await credentials.findCredentials(
          h.server.deps,
          'no-such-sandbox',
          allCredentials.map((c) => c.id),
        ),
      ).toEqual([]);
    });

    it('columnsSelect returns exactly what drizzle returns for those columns, and refuses a query of other columns', () => {
      const db = h.server.deps.db as SqliteDb;
      const c = channelConfigurationChecks;
      const columns = { configurationId: c.configurationId, run: c.run, status: c.status, message: c.message, checkedAt: c.checkedAt };
      const query = () => db.select(columns).from(c).orderBy(c.id);
      const rows = columnsSelect(db, c, columns, query())();
      expect(rows.length).toBeGreaterThan(0);
      expect(rows).toEqual(query().all());
      expect(Object.keys(rows[0]!)).toEqual(Object.keys(columns));
      expect(() => columnsSelect(db, c, columns, db.select({ run: c.run }).from(c))).toThrow(/must select exactly the columns given/);
    });
  },
);

describe('API key last-used time', () => {
  it('is written at most once a minute per key, never on the request path: a viewer query runs one statement', async () => {
    const key = await h.createKey({ sandbox: 'prod', role: 'VIEWER' });
    const viewer = () => h.post({ query: '{ viewer { role } }' }, { authorization: `Bearer ${key}` });
    await viewer(); // first use: last-used is written (after the response)
    await new Promise((r) => setTimeout(r, 50));
    const lastUsed = () =>
      sqlValue<number | null>(
        h.server,
        'SELECT last_used_at AS at FROM api_keys WHERE revoked_at IS NULL ORDER BY created_at DESC LIMIT 1',
      );
    const first = await lastUsed();
    expect(first).not.toBeNull();
    for (let i = 0; i < 3; i++) {
      const before = executed;
      const res = await viewer();
      expect(res.status).toBe(200);
      await new Promise((r) => setImmediate(r));
      // The key lookup only: no UPDATE of last_used_at within the minute.
      expect(executed - before).toBe(1);
    }
    expect(await lastUsed()).toBe(first);
  });
});
