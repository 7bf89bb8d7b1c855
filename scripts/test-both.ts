/**
 * `npm test`: the whole suite on SQLite, then again on PostgreSQL (WCS_TEST_BACKEND=pg: every test harness on a fresh
 * database of the local server) when one answers at WCS_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432).
 * Without a server the PostgreSQL pass is skipped and says so; WCS_REQUIRE_PG=1 (CI) makes that a failure instead.
 * Extra arguments go to both vitest runs (`npm test -- test/credentials`).
 */
import { spawnSync } from 'node:child_process';
import { LOCAL_PG_ADMIN_URL, probePg } from '../src/platform/pg/fresh-database.js';

const args = process.argv.slice(2);
// Tests that open PostgreSQL (or Redis) themselves, whatever the harness runs on: the first pass has run them.
const BACKEND_FREE = ['test/pg/', 'test/cluster/'];

function vitest(extraArgs: string[], env: NodeJS.ProcessEnv): number {
  const run = spawnSync('npx', ['vitest', 'run', ...extraArgs], { stdio: 'inherit', env });
  return run.status ?? 1;
}

console.log('\n=== tests on SQLite (the default backend) ===\n');
const sqlite = vitest(args, process.env);
if (sqlite !== 0) process.exit(sqlite);

const adminUrl = process.env.WCS_TEST_PG_URL || LOCAL_PG_ADMIN_URL;
const probe = await probePg(adminUrl);
if (!probe.ok) {
  const message = `PostgreSQL pass skipped: ${probe.reason}`;
  if (process.env.WCS_REQUIRE_PG) {
    console.error(`\n${message} (WCS_REQUIRE_PG is set)`);
    process.exit(1);
  }
  console.log(`\n${message}. The suite ran on SQLite only.`);
  process.exit(0);
}

console.log('\n=== the same tests on PostgreSQL (WCS_TEST_BACKEND=pg) ===\n');
const excluded = BACKEND_FREE.flatMap((dir) => ['--exclude', `${dir}**`]);
process.exit(vitest([...args, ...excluded], { ...process.env, WCS_TEST_BACKEND: 'pg' }));
