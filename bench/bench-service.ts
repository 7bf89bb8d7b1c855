import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The real service for a benchmark child process: a temporary SQLite file
 * (synchronous=FULL like production), or with BENCH_BACKEND=pg a fresh database on the local PostgreSQL
 * (synchronous_commit=on), quiet logs, an organization entitled to WhatsApp with one ADMIN viewer. On SIGTERM it stops
 * cleanly (the WAL is checkpointed), runs `onStop` and removes the temporary database.
 */
export const BENCH_BACKEND: 'sqlite' | 'pg' = process.env.BENCH_BACKEND === 'pg' ? 'pg' : 'sqlite';

export async function startBenchService(env: Record<string, string>, options: { startJobs?: boolean; onStop?: () => void } = {}) {
  const { loadConfig } = await import('../src/core/config.js');
  const { startServer } = await import('../src/service/server.js');
  const tenancy = await import('../src/platform/tenancy/service.js');

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-bench-'));
  const { createFreshPgDatabase } = await import('../src/platform/pg/fresh-database.js');
  const pgDatabase = BENCH_BACKEND === 'pg' ? await createFreshPgDatabase(undefined, 'wcs_bench') : null;
  const config = loadConfig({
    NODE_ENV: 'development',
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: pgDatabase?.url ?? `file:${path.join(dataDir, 'wcs.sqlite')}`,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    LOG_PRETTY: 'false',
    // BENCH_BACKEND=pg with BENCH_REDIS_URL: the sends are paced on that Redis (cluster-wide pacing), else on PostgreSQL.
    ...(process.env.BENCH_REDIS_URL ? { REDIS_URL: process.env.BENCH_REDIS_URL } : {}),
    ...env,
  });
  const server = await startServer({ config, startJobs: options.startJobs });
  const { deps } = server;
  await tenancy.createOrganization(deps.db, 'bench', ['cjm_whatsapp']);
  const key = (await tenancy.createApiKey(deps.db, { organization: 'bench', sandbox: 'prod', role: 'ADMIN' })).key;
  const viewer = (await tenancy.authenticate(deps.db, `Bearer ${key}`))!;
  const exitAfterCleanup = (code: number) => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    void (pgDatabase?.drop() ?? Promise.resolve()).finally(() => process.exit(code));
  };
  process.on('SIGTERM', () => {
    options.onStop?.();
    void server.stop().then(
      () => exitAfterCleanup(0),
      (err: unknown) => {
        console.error('the service did not stop cleanly:', err);
        exitAfterCleanup(1);
      },
    );
  });
  return { server, deps, key, viewer };
}
