import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import SchemaBuilder from '@pothos/core';
import RelayPlugin, { resolveCursorConnection, type ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import Database from 'better-sqlite3';
import DataLoader from 'dataloader';
import { and, asc, count, desc, eq, inArray, lt } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { createYoga } from 'graphql-yoga';
import { answerQueries } from '../lib.js';

/**
 * The same-shape stock baseline of bench/graphql-read.ts: graphql-yoga + Pothos (relay plugin connections and
 * global ids) + DataLoader + drizzle's query builder + better-sqlite3, resolving the product's list query shape
 * the way the libraries' docs show: a cursor connection with totalCount, enums, ISO date strings, per-request
 * DataLoaders for the references (credential, webhook, checks, marketing actions, sandbox). Same data as the
 * product's bench: 60 configurations over 3 credentials and webhooks, half of them with 6 checks. No auth.
 */

const sandboxes = sqliteTable('sandboxes', {
  id: text('id').primaryKey(),
  defaultExecutionField: text('default_execution_field').notNull(),
});
const credentials = sqliteTable('credentials', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  status: text('status').notNull(),
});
const webhooks = sqliteTable('webhooks', { id: text('id').primaryKey(), name: text('name').notNull() });
const configs = sqliteTable('configs', {
  id: text('id').primaryKey(),
  sandboxId: text('sandbox_id').notNull(),
  name: text('name').notNull(),
  description: text('description'),
  channel: text('channel').notNull(),
  status: text('status').notNull(),
  statusReason: text('status_reason'),
  statusChangedAt: integer('status_changed_at', { mode: 'timestamp_ms' }).notNull(),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  credentialId: text('credential_id').notNull(),
  webhookId: text('webhook_id'),
  senderPhoneNumber: text('sender_phone_number').notNull(),
  executionField: text('execution_field'),
});
const checks = sqliteTable('checks', {
  configId: text('config_id').notNull(),
  position: integer('position').notNull(),
  name: text('name').notNull(),
  status: text('status').notNull(),
  message: text('message'),
  remedy: text('remedy'),
  checkedAt: integer('checked_at', { mode: 'timestamp_ms' }),
});
const actions = sqliteTable('marketing_actions', {
  id: text('id').primaryKey(),
  configId: text('config_id').notNull(),
  key: text('key').notNull(),
  name: text('name').notNull(),
});

const DDL = `
CREATE TABLE sandboxes (id TEXT PRIMARY KEY, default_execution_field TEXT NOT NULL);
CREATE TABLE credentials (id TEXT PRIMARY KEY, name TEXT NOT NULL, status TEXT NOT NULL);
CREATE TABLE webhooks (id TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE configs (id TEXT PRIMARY KEY, sandbox_id TEXT NOT NULL, name TEXT NOT NULL, description TEXT,
  channel TEXT NOT NULL, status TEXT NOT NULL, status_reason TEXT, status_changed_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, credential_id TEXT NOT NULL, webhook_id TEXT,
  sender_phone_number TEXT NOT NULL, execution_field TEXT);
CREATE INDEX configs_sandbox ON configs (sandbox_id, id);
CREATE TABLE checks (config_id TEXT NOT NULL, position INTEGER NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL,
  message TEXT, remedy TEXT, checked_at INTEGER, PRIMARY KEY (config_id, position));
CREATE TABLE marketing_actions (id TEXT PRIMARY KEY, config_id TEXT NOT NULL, key TEXT NOT NULL, name TEXT NOT NULL);
CREATE INDEX marketing_actions_config ON marketing_actions (config_id);`;

/** 26-character ids, as long as the product's ULIDs, so both responses are about the same size. */
const ulid = (prefix: string, i: number) => `${prefix}${String(i).padStart(26 - prefix.length, '0')}`;

const CHECKS = ['CREDENTIAL_ACTIVE', 'SENDER_NUMBER', 'APP_SUBSCRIBED', 'WEBHOOK', 'EXECUTION_FIELD', 'MARKETING_ACTIONS'];

function seed(sqlite: Database.Database): void {
  sqlite.exec(DDL);
  const now = Date.now();
  sqlite.prepare('INSERT INTO sandboxes VALUES (?, ?)').run('s1', 'mobilePhone.number');
  for (let i = 0; i < 3; i++) {
    sqlite.prepare('INSERT INTO credentials VALUES (?, ?, ?)').run(ulid('CRED', i), `cred-${i}`, 'PROCESSING');
    sqlite.prepare('INSERT INTO webhooks VALUES (?, ?)').run(ulid('HOOK', i), `hook-${i}`);
  }
  const config = sqlite.prepare('INSERT INTO configs VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)');
  const check = sqlite.prepare('INSERT INTO checks VALUES (?, ?, ?, ?, NULL, NULL, NULL)');
  for (let i = 0; i < 60; i++) {
    const id = ulid('CONF', i);
    const draft = i % 2 === 0;
    const [status, reason] = draft ? ['DRAFT', 'Saved as a draft.'] : ['PROCESSING', 'Running the readiness checks.'];
    config.run(
      id,
      's1',
      `config-${i}`,
      'WHATSAPP',
      status,
      reason,
      now,
      now,
      now,
      ulid('CRED', i % 3),
      ulid('HOOK', i % 3),
      `+1555010000${(i % 3) + 1}`,
    );
    if (!draft) CHECKS.forEach((name, position) => check.run(id, position, name, 'PENDING'));
  }
}

type Db = ReturnType<typeof drizzle>;
type Config = typeof configs.$inferSelect;

/** Per-request DataLoaders, as DataLoader's docs recommend (one set per request, batched by key). */
function loaders(db: Db) {
  const byKey = <R, K extends keyof R>(rows: R[], key: K) => {
    const map = new Map<R[K], R[]>();
    for (const row of rows) map.set(row[key], [...(map.get(row[key]) ?? []), row]);
    return map;
  };
  return {
    credential: new DataLoader(async (ids: readonly string[]) => {
      const rows = byKey(
        db
          .select()
          .from(credentials)
          .where(inArray(credentials.id, [...ids]))
          .all(),
        'id',
      );
      return ids.map((id) => rows.get(id)?.[0] ?? null);
    }),
    webhook: new DataLoader(async (ids: readonly string[]) => {
      const rows = byKey(
        db
          .select()
          .from(webhooks)
          .where(inArray(webhooks.id, [...ids]))
          .all(),
        'id',
      );
      return ids.map((id) => rows.get(id)?.[0] ?? null);
    }),
    sandbox: new DataLoader(async (ids: readonly string[]) => {
      const rows = byKey(
        db
          .select()
          .from(sandboxes)
          .where(inArray(sandboxes.id, [...ids]))
          .all(),
        'id',
      );
      return ids.map((id) => rows.get(id)![0]!);
    }),
    checks: new DataLoader(async (ids: readonly string[]) => {
      const query = db
        .select()
        .from(checks)
        .where(inArray(checks.configId, [...ids]));
      const rows = byKey(query.orderBy(asc(checks.configId), asc(checks.position)).all(), 'configId');
      return ids.map((id) => rows.get(id) ?? []);
    }),
    actions: new DataLoader(async (ids: readonly string[]) => {
      const rows = byKey(
        db
          .select()
          .from(actions)
          .where(inArray(actions.configId, [...ids]))
          .all(),
        'configId',
      );
      return ids.map((id) => rows.get(id) ?? []);
    }),
  };
}

interface Types {
  Context: { load: ReturnType<typeof loaders> };
  Connection: { totalCount: number };
  DefaultFieldNullability: false;
}

function schema(db: Db) {
  // The product's Pothos plugins widen the builder's option types in this compilation; this one uses relay only.
  const builder = new SchemaBuilder<Types>({ plugins: [RelayPlugin], relay: { cursorType: 'String' } } as never);
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  const Channel = builder.enumType('Channel', { values: ['WHATSAPP'] as const });
  const Status = builder.enumType('Status', { values: ['DRAFT', 'PROCESSING', 'ACTIVE', 'FAILED'] as const });
  const CheckName = builder.enumType('CheckName', { values: CHECKS });
  const CheckStatus = builder.enumType('CheckStatus', { values: ['PENDING', 'PASSED', 'FAILED'] as const });
  const Credential = builder.objectRef<typeof credentials.$inferSelect>('Credential').implement({
    fields: (t) => ({
      id: t.globalID({ resolve: (r) => ({ type: 'Credential', id: r.id }) }),
      name: t.exposeString('name'),
      status: t.field({ type: Status, resolve: (r) => r.status as 'ACTIVE' }),
    }),
  });
  const Webhook = builder.objectRef<typeof webhooks.$inferSelect>('Webhook').implement({
    fields: (t) => ({
      id: t.globalID({ resolve: (r) => ({ type: 'Webhook', id: r.id }) }),
      name: t.exposeString('name'),
    }),
  });
  const Check = builder.objectRef<typeof checks.$inferSelect>('Check').implement({
    fields: (t) => ({
      name: t.field({ type: CheckName, resolve: (r) => r.name }),
      status: t.field({ type: CheckStatus, resolve: (r) => r.status as 'PENDING' }),
      message: t.exposeString('message', { nullable: true }),
      remedy: t.exposeString('remedy', { nullable: true }),
      checkedAt: t.string({ nullable: true, resolve: (r) => iso(r.checkedAt) }),
    }),
  });
  const Action = builder.objectRef<typeof actions.$inferSelect>('MarketingAction').implement({
    fields: (t) => ({
      id: t.globalID({ resolve: (r) => ({ type: 'MarketingAction', id: r.id }) }),
      key: t.exposeString('key'),
      name: t.exposeString('name'),
    }),
  });
  const WhatsApp = builder.objectRef<Config>('WhatsApp').implement({
    fields: (t) => ({
      apiCredential: t.field({ type: Credential, resolve: (r, _a, ctx) => ctx.load.credential.load(r.credentialId).then((c) => c!) }),
      webhook: t.field({
        type: Webhook,
        nullable: true,
        resolve: (r, _a, ctx) => (r.webhookId ? ctx.load.webhook.load(r.webhookId) : null),
      }),
      senderPhoneNumber: t.exposeString('senderPhoneNumber'),
      executionField: t.exposeString('executionField', { nullable: true }),
      effectiveExecutionField: t.string({
        resolve: async (r, _a, ctx) => r.executionField ?? (await ctx.load.sandbox.load(r.sandboxId)).defaultExecutionField,
      }),
    }),
  });
  const Configuration = builder.objectRef<Config>('ChannelConfiguration').implement({
    fields: (t) => ({
      id: t.globalID({ resolve: (r) => ({ type: 'ChannelConfiguration', id: r.id }) }),
      name: t.exposeString('name'),
      description: t.exposeString('description', { nullable: true }),
      channel: t.field({ type: Channel, resolve: (r) => r.channel as 'WHATSAPP' }),
      status: t.field({ type: Status, resolve: (r) => r.status as 'ACTIVE' }),
      statusReason: t.exposeString('statusReason', { nullable: true }),
      statusChangedAt: t.string({ resolve: (r) => r.statusChangedAt.toISOString() }),
      createdAt: t.string({ resolve: (r) => r.createdAt.toISOString() }),
      updatedAt: t.string({ resolve: (r) => r.updatedAt.toISOString() }),
      marketingActions: t.field({ type: [Action], resolve: (r, _a, ctx) => ctx.load.actions.load(r.id) }),
      checks: t.field({ type: [Check], resolve: (r, _a, ctx) => ctx.load.checks.load(r.id) }),
      whatsApp: t.field({ type: WhatsApp, resolve: (r) => r }),
    }),
  });
  builder.queryType({
    fields: (t) => ({
      channelConfigurations: t.connection(
        {
          type: Configuration,
          resolve: async (_root, args) => {
            const page = await resolveCursorConnection(
              { args, toCursor: (c: Config) => c.id },
              ({ before, after, limit, inverted }: ResolveCursorConnectionArgs) => {
                const where = and(eq(configs.sandboxId, 's1'), after ? lt(configs.id, after) : undefined);
                const order = inverted ? asc(configs.id) : desc(configs.id);
                return before ? [] : db.select().from(configs).where(where).orderBy(order).limit(limit).all();
              },
            );
            const [total] = db.select({ n: count() }).from(configs).where(eq(configs.sandboxId, 's1')).all();
            return { ...page, totalCount: total!.n };
          },
        },
        { fields: (t) => ({ totalCount: t.exposeInt('totalCount') }) },
      ),
    }),
  });
  return builder.toSchema();
}

export async function serveStockShape(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-stock-shape-'));
  const sqlite = new Database(path.join(dir, 'stock.sqlite'));
  sqlite.pragma('journal_mode = WAL');
  seed(sqlite);
  const db = drizzle(sqlite);
  const yoga = createYoga({
    schema: schema(db),
    context: () => ({ load: loaders(db) }),
    logging: false,
    landingPage: false,
    graphiql: false,
  });
  const server = http.createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  answerQueries();
  process.on('SIGTERM', () => {
    fs.rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
  const port = (server.address() as { port: number }).port;
  process.stdout.write(`${JSON.stringify({ ready: true, url: `http://127.0.0.1:${port}`, key: 'none' })}\n`);
}
