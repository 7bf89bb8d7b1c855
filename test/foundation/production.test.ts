import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.js';
import { startMetaSimulator, type RunningMetaSimulator } from '../../src/meta-simulator/index.js';
import { createLogger } from '../../src/platform/logger.js';
import * as tenancy from '../../src/platform/tenancy/service.js';
import { startServer, type RunningServer } from '../../src/service/server.js';
import { sqlRows } from '../helpers/sql.js';
import { testDatabase, type TestDatabase } from './backend.js';

// The production profile (RELIABILITY G6): no bootstrap key, no GraphiQL, no introspection, no field
// suggestions, unexpected errors masked; real Meta by default (here pointed at the simulator).

let sim: RunningMetaSimulator;
let server: RunningServer;
let key: string;
let database: TestDatabase;

beforeAll(async () => {
  sim = await startMetaSimulator({ port: 0 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-prod-'));
  database = await testDatabase(dir);
  const config = loadConfig({
    NODE_ENV: 'production',
    PORT: '0',
    HOST: '127.0.0.1',
    PUBLIC_URL: 'https://wcs.example.com',
    ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
    ...database.env,
    META_GRAPH_URL: sim.baseUrl,
  });
  server = await startServer({ config, bootstrap: true, logger: createLogger({ level: 'silent' }) });
  await tenancy.createOrganization(server.deps.db, 'acme', ['cjm_whatsapp']);
  key = (await tenancy.createApiKey(server.deps.db, { organization: 'acme', sandbox: 'prod', role: 'ADMIN' })).key;
});
afterAll(async () => {
  await server?.stop();
  await sim?.close();
  await database?.drop();
});

async function post(query: string) {
  const res = await request(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query }),
  });
  return {
    status: res.statusCode,
    body: (await res.body.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> },
  };
}

describe('NODE_ENV=production', () => {
  it('never bootstraps an organization or key', async () => {
    expect(server.bootstrapKey).toBeUndefined();
    expect(server.simulator).toBeUndefined();
    const orgs = await sqlRows(server, 'SELECT name FROM organizations');
    expect(orgs).toEqual([{ name: 'acme' }]);
  });

  it('serves no GraphiQL page', async () => {
    const res = await request(`${server.url}/graphql`, { headers: { accept: 'text/html' } });
    const text = await res.body.text();
    expect(text).not.toContain('<html');
    expect(res.statusCode).toBe(401);
  });

  it('refuses introspection and gives no field suggestions', async () => {
    const introspection = await post('{ __schema { types { name } } }');
    expect(introspection.body.data).toBeUndefined();
    expect(JSON.stringify(introspection.body.errors)).toMatch(/introspection/i);
    const typo = await post('{ viewr { role } }');
    expect(JSON.stringify(typo.body.errors)).not.toContain('Did you mean');
  });

  it('answers a normal query', async () => {
    const res = await post('{ viewer { role sandbox { name } } }');
    expect(res.body).toEqual({ data: { viewer: { role: 'ADMIN', sandbox: { name: 'prod' } } } });
  });
});
