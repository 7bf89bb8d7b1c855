import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TEST_BACKEND } from '../helpers/harness.js';
import { loadConfig } from '../../src/core/config.js';
import { startMetaSimulator, type RunningMetaSimulator } from '../../src/meta-simulator/index.js';
import { createLogger } from '../../src/platform/logger.js';
import { createFreshPgDatabase, LOCAL_PG_ADMIN_URL, type FreshPgDatabase } from '../../src/platform/pg/fresh-database.js';
import * as tenancy from '../../src/platform/tenancy/service.js';
import { startServer, type RunningServer } from '../../src/service/server.js';

// Issue 16 point 5: the production rules hold on every transport. Before the fix introspection was refused over
// HTTP but answered over graphql-ws (yoga's plugin hooks the HTTP parse), and enum values were suggested
// ("Did you mean SENT") on every transport.

let sim: RunningMetaSimulator;
let server: RunningServer;
let key: string;
let pgDatabase: FreshPgDatabase | undefined;

beforeAll(async () => {
  sim = await startMetaSimulator({ port: 0 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-prod-'));
  // On the backend the suite runs on (WCS_TEST_BACKEND): a fresh PostgreSQL database, or a SQLite file.
  if (TEST_BACKEND === 'pg') pgDatabase = await createFreshPgDatabase(process.env.WCS_TEST_PG_URL || LOCAL_PG_ADMIN_URL, 'wcs_prod');
  const config = loadConfig({
    NODE_ENV: 'production',
    PORT: '0',
    HOST: '127.0.0.1',
    PUBLIC_URL: 'https://wcs.example.com',
    ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    DATABASE_URL: pgDatabase?.url ?? `file:${path.join(dir, 'wcs.sqlite')}`,
    META_GRAPH_URL: sim.baseUrl,
  });
  server = await startServer({ config, logger: createLogger({ level: 'silent' }) });
  await tenancy.createOrganization(server.deps.db, 'acme', ['cjm_whatsapp']);
  key = (await tenancy.createApiKey(server.deps.db, { organization: 'acme', sandbox: 'prod', role: 'ADMIN' })).key;
});
afterAll(async () => {
  await server?.stop();
  await sim?.close();
  await pgDatabase?.drop();
});

type Result = { data?: unknown; errors?: Array<{ message: string }> };

/** One operation over graphql-ws: its first result (or the errors it was refused with). */
async function overWs(query: string, variables?: Record<string, unknown>): Promise<Result> {
  const client = createClient({
    url: server.url.replace(/^http/, 'ws') + '/graphql',
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${key}` },
  });
  try {
    return await new Promise<Result>((resolve, reject) => {
      client.subscribe(
        { query, variables },
        {
          next: (value) => resolve(value as Result),
          error: (err) => (Array.isArray(err) ? resolve({ errors: err as Result['errors'] }) : reject(err as Error)),
          complete: () => undefined,
        },
      );
    });
  } finally {
    await client.dispose();
  }
}

async function overSse(query: string, variables?: Record<string, unknown>): Promise<string> {
  const res = await request(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  return res.body.text();
}

async function overHttp(query: string, variables?: Record<string, unknown>): Promise<string> {
  const res = await request(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  return res.body.text();
}

const INTROSPECTION = '{ __schema { types { name } } }';
const TYPE_PROBE = '{ __type(name: "MessageStatus") { enumValues { name } } }';
const ENUM_LITERAL = '{ whatsAppMessages(first: 1, status: SENTT) { totalCount } }';
const ENUM_VARIABLE = ['query($s: MessageStatus) { whatsAppMessages(first: 1, status: $s) { totalCount } }', { s: 'SENTT' }] as const;
const FIELD_TYPO = '{ whatsAppMessage(first: 1) { totalCount } }';

describe('production rules on every transport', () => {
  it('introspection is refused over graphql-ws, SSE and HTTP', async () => {
    for (const q of [INTROSPECTION, TYPE_PROBE]) {
      const ws = await overWs(q);
      expect(ws.data ?? null).toBeNull();
      expect(ws.errors?.[0]?.message).toMatch(/introspection/i);
      expect(JSON.stringify(ws)).not.toMatch(/MessageStatus"|enumValues":\[|SENT/);
      const sse = await overSse(q);
      expect(sse).toMatch(/introspection/i);
      expect(sse).not.toContain('"types"');
      expect(await overHttp(q)).toMatch(/introspection/i);
    }
  });

  it('no "Did you mean" anywhere: enum literals, enum variables and field names, on all three transports', async () => {
    const cases: Array<[string, Record<string, unknown> | undefined]> = [
      [ENUM_LITERAL, undefined],
      [ENUM_VARIABLE[0], ENUM_VARIABLE[1]],
      [FIELD_TYPO, undefined],
    ];
    for (const [q, v] of cases) {
      const ws = JSON.stringify(await overWs(q, v));
      const sse = await overSse(q, v);
      const http = await overHttp(q, v);
      for (const text of [ws, sse, http]) {
        expect(text).toMatch(/errors/);
        expect(text).not.toMatch(/Did you mean/i);
        expect(text).not.toMatch(/"SENT"|whatsAppMessages\?/);
      }
    }
  });
});
