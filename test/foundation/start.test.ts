import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnProcess, type Spawned } from '../helpers/spawn.js';
import { testDatabase, type TestDatabase } from './backend.js';

let proc: Spawned | undefined;
let database: TestDatabase | undefined;
afterAll(async () => {
  proc?.kill('SIGTERM');
  await proc?.exited;
  await database?.drop();
});

describe('npm start on an empty data folder', () => {
  it('serves /graphql, /healthz and /readyz, prints the bootstrap key, and the key works', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-start-'));
    database = await testDatabase(dataDir);
    proc = spawnProcess('npm', ['start', '--silent'], {
      ...database.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_PRETTY: 'false',
      LOG_LEVEL: 'info',
    });
    const [, key] = await proc.waitFor(/^\s+(wcs_\S+)$/m, 60_000);
    const [, url] = await proc.waitFor(/"url":"(http:\/\/[^"]+)"/);
    // The bootstrap block may still be arriving after the key line (the listening line can come first).
    await proc.waitFor(/Authorization: Bearer <key>/);
    expect(proc.stdout()).toContain('Authorization: Bearer <key>');
    expect(proc.stdout() + proc.stderr()).toContain('built-in Meta simulator');

    const health = await request(`${url}/healthz`);
    expect(health.statusCode).toBe(200);
    expect(await health.body.json()).toEqual({ status: 'ok' });
    const ready = await request(`${url}/readyz`);
    expect(ready.statusCode).toBe(200);
    expect(await ready.body.json()).toEqual({ status: 'ready' });

    const res = await request(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: '{ viewer { organization { name } sandbox { name } role entitlements } }' }),
    });
    expect(await res.body.json()).toEqual({
      data: { viewer: { organization: { name: 'default' }, sandbox: { name: 'prod' }, role: 'ADMIN', entitlements: ['cjm_whatsapp'] } },
    });
    const graphiql = await request(`${url}/graphql`, { headers: { accept: 'text/html' } });
    expect(graphiql.statusCode).toBe(200);
    expect(await graphiql.body.text()).toContain('<html');
    expect(fs.existsSync(path.join(dataDir, 'encryption.key'))).toBe(true);

    // Graceful shutdown on SIGTERM (sent to the whole process group, as a terminal or container runtime does).
    proc.kill('SIGTERM');
    await proc.exited;
    await proc.waitFor(/"msg":"stopped"/, 10_000);
    proc = undefined;
  }, 90_000);

  it('refuses to start with a bad setting and names it', async () => {
    const p = spawnProcess('npm', ['start', '--silent'], { PORT: 'not-a-port', LOG_PRETTY: 'false' });
    expect(await p.exited).toBe(1);
    expect(p.stderr()).toContain('PORT');
  }, 60_000);
});
