/**
 * `npm test`: the whole suite on SQLite, then again on PostgreSQL (WCS_TEST_BACKEND=pg: every test harness on a fresh
 * database of the local server) when one answers at WCS_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432).
 * Without a server the PostgreSQL pass is skipped and says so; WCS_REQUIRE_PG=1 (CI) makes that a failure instead.
 * Last, the multi-instance tests (test/cluster/: several service instances on PostgreSQL and Redis, real processes,
 * restarts) run one file at a time: each loads the machine on its own, and next to the rest of the suite their
 * timing (pacing windows, leases) would measure the machine's load rather than the service.
 * Extra arguments go to every vitest run (`npm test -- test/credentials`); the cluster pass then runs only if an
 * argument names test/cluster.
 */
import { spawnSync } from 'node:child_process';
import { LOCAL_PG_ADMIN_URL, probePg } from '../src/platform/pg/fresh-database.js';

const args = process.argv.slice(2);
// Tests that open PostgreSQL (or Redis) themselves, whatever the harness runs on: test/pg runs in the first pass, test/cluster in the last.
const BACKEND_FREE = ['test/pg/', 'test/cluster/'];

function vitest(extraArgs: string[], env: NodeJS.ProcessEnv): number {
  const run = spawnSync('npx', ['vitest', 'run', ...extraArgs], { stdio: 'inherit', env });
  return run.status ?? 1;
}

const CLUSTER = 'test/cluster/';
const clusterArgs = args.length === 0 ? [CLUSTER] : args.filter((a) => a.includes('test/cluster'));

/** The multi-instance pass, alone and one file at a time (see above). */
function clusterPass(): number {
  if (clusterArgs.length === 0) return 0;
  console.log('\n=== several instances (test/cluster), one file at a time ===\n');
  return vitest(['--no-file-parallelism', ...clusterArgs], process.env);
}

console.log('\n=== tests on SQLite (the default backend) ===\n');
const sqlite = args.length > 0 && clusterArgs.length === args.length ? 0 : vitest([...args, '--exclude', `${CLUSTER}**`], process.env);
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
  process.exit(clusterPass());
}

console.log('\n=== the same tests on PostgreSQL (WCS_TEST_BACKEND=pg) ===\n');
const excluded = BACKEND_FREE.flatMap((dir) => ['--exclude', `${dir}**`]);
const onPg =
  args.length > 0 && clusterArgs.length === args.length ? 0 : vitest([...args, ...excluded], { ...process.env, WCS_TEST_BACKEND: 'pg' });
if (onPg !== 0) process.exit(onPg);
process.exit(clusterPass());
