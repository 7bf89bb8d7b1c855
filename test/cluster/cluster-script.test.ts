import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import { request } from 'undici';
import WebSocket from 'ws';
import { freePort } from '../../scripts/cluster/cluster.js';
import { createFreshPgDatabase, type FreshPgDatabase } from '../../src/platform/pg/fresh-database.js';
import { pg, PG_ADMIN_URL } from '../helpers/pg.js';
import { runProcess, spawnProcess, type Spawned } from '../helpers/spawn.js';

// `npm run cluster` as a person runs it (the script, not the helper): two instances on a fresh database, the
// front on one port, the ADMIN key made once, requests through the front reaching both, Ctrl-C stopping all of it.

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.skipIf(!pg.available)(pg.title('npm run cluster'), () => {
  let fresh: FreshPgDatabase | undefined;
  let script: Spawned | undefined;
  const pids: number[] = [];
  afterAll(async () => {
    script?.kill('SIGKILL');
    for (const pid of pids) if (alive(pid)) process.kill(-pid, 'SIGKILL');
    if (script) await script.exited;
    await fresh?.drop();
  }, 30_000);

  it('starts 2 instances behind the front, bootstraps once, serves through the front, and Ctrl-C stops everything', async () => {
    fresh = await createFreshPgDatabase(PG_ADMIN_URL, 'wcs_cs');
    const port = await freePort();
    const basePort = await freePort();
    script = spawnProcess(
      process.execPath,
      ['--import', 'tsx', 'scripts/cluster.ts', '--instances', '2', '--port', String(port), '--base-port', String(basePort), '--no-redis'],
      {
        DATABASE_URL: fresh.url,
        ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
      },
    );
    await script.waitFor(/Ctrl-C stops everything/, 120_000);
    const out = script.stdout();
    const keys = out.match(/wcs_[A-Za-z0-9]+_[A-Za-z0-9]{40}/g) ?? [];
    expect(keys).toHaveLength(1);
    expect(out).toContain(`front (round robin, HTTP and WebSocket): http://127.0.0.1:${port}`);
    for (const m of out.matchAll(/instance \d: http:\/\/127\.0\.0\.1:(\d+) {2}\(pid (\d+)\)/g)) pids.push(Number(m[2]));
    expect(pids).toHaveLength(2);
    expect(out).toContain(`instance 2: http://127.0.0.1:${basePort + 1}`);

    // Both instances answer through the front, with the one key (one database).
    for (let i = 0; i < 4; i++) {
      const res = await request(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${keys[0]}` },
        body: JSON.stringify({ query: '{ viewer { role } }' }),
      });
      expect(await res.body.json()).toEqual({ data: { viewer: { role: 'ADMIN' } } });
    }

    // And over graphql-ws: the upgrade goes through the front to an instance, which authenticates the connection.
    const ws = createClient({
      url: `ws://127.0.0.1:${port}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${keys[0]}` },
      retryAttempts: 0,
    });
    const results: unknown[] = [];
    try {
      for await (const result of ws.iterate({ query: '{ viewer { role } }' })) results.push(result);
    } finally {
      await ws.dispose();
    }
    expect(results).toEqual([{ data: { viewer: { role: 'ADMIN' } } }]);

    script.child.kill('SIGINT');
    expect(await script.exited).toBe(0);
    expect(pids.filter(alive)).toEqual([]);
    const front = await request(`http://127.0.0.1:${port}/readyz`).catch((err: Error) => err);
    expect(front).toBeInstanceOf(Error);
  }, 180_000);

  it('refuses a SQLite DATABASE_URL and bad arguments with a message, starting nothing', async () => {
    const sqlite = await runProcess(process.execPath, ['--import', 'tsx', 'scripts/cluster.ts'], { DATABASE_URL: 'file:./x.sqlite' });
    expect(sqlite.code).toBe(2);
    expect(sqlite.stderr).toContain('DATABASE_URL must be a postgres:// URL');
    const bad = await runProcess(process.execPath, ['--import', 'tsx', 'scripts/cluster.ts', '--instances', '0'], {});
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--instances must be a whole number from 1 to 32');
  }, 60_000);
});
