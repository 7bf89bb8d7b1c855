import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import SchemaBuilder from '@pothos/core';
import Database from 'better-sqlite3';
import { desc, eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { createYoga } from 'graphql-yoga';
import { answerQueries } from '../lib.js';

/**
 * The stock baselines of bench/graphql-read.ts, each in its own child process:
 * - hello: minimal graphql-yoga + Pothos answering `{ hello }`;
 * - rows: graphql-yoga + Pothos + drizzle (query builder, as its docs show) + better-sqlite3 returning 20 rows.
 */

const items = sqliteTable('items', {
  id: text('id').primaryKey(),
  sandboxId: text('sandbox_id').notNull(),
  name: text('name').notNull(),
  status: text('status').notNull(),
  createdAt: integer('created_at').notNull(),
});

export async function serveStock(kind: 'hello' | 'rows'): Promise<void> {
  // The product's Pothos plugins widen the builder's option types in this compilation; the baseline uses none of them.
  const builder = new SchemaBuilder({} as never);
  let cleanup = () => {};
  if (kind === 'hello') {
    builder.queryType({ fields: (t) => ({ hello: t.string({ resolve: () => 'world' }) }) });
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-stock-'));
    cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
    const sqlite = new Database(path.join(dir, 'stock.sqlite'));
    sqlite.pragma('journal_mode = WAL');
    sqlite.exec(
      'CREATE TABLE items (id TEXT PRIMARY KEY, sandbox_id TEXT NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL, created_at INTEGER NOT NULL)',
    );
    sqlite.exec('CREATE INDEX items_sandbox ON items (sandbox_id, id)');
    const insert = sqlite.prepare('INSERT INTO items VALUES (?, ?, ?, ?, ?)');
    for (let i = 0; i < 200; i++) insert.run(`item-${String(i).padStart(4, '0')}`, 's1', `name ${i}`, 'ACTIVE', Date.now());
    const db = drizzle(sqlite);
    const Item = builder.objectRef<typeof items.$inferSelect>('Item').implement({
      fields: (t) => ({
        id: t.exposeID('id'),
        name: t.exposeString('name'),
        status: t.exposeString('status'),
        createdAt: t.float({ resolve: (r) => r.createdAt }),
      }),
    });
    builder.queryType({
      fields: (t) => ({
        items: t.field({
          type: [Item],
          args: { first: t.arg.int({ required: true }) },
          resolve: (_root, args) =>
            db.select().from(items).where(eq(items.sandboxId, 's1')).orderBy(desc(items.id)).limit(args.first).all(),
        }),
      }),
    });
  }
  const yoga = createYoga({ schema: builder.toSchema(), logging: false, landingPage: false, graphiql: false });
  const server = http.createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  answerQueries();
  process.on('SIGTERM', () => {
    cleanup();
    process.exit(0);
  });
  const port = (server.address() as { port: number }).port;
  process.stdout.write(`${JSON.stringify({ ready: true, url: `http://127.0.0.1:${port}`, key: 'none' })}\n`);
}
