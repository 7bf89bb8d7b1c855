import { afterAll, describe, expect, it } from 'vitest';
import { startHarness, TEST_BACKEND } from '../helpers/harness.js';
import { waitUntil } from '../helpers/wait.js';
import { cleanup, onCleanup } from '../helpers/world.js';
import { phoneOf } from '../sending-e2e/helpers.js';
import { startMetaSimulator } from '../../src/meta-simulator/index.js';
import { BATCH, crash, gqlAt, peek, prepare, spawnService, START_BATCH, type BatchView } from './helpers.js';

// Issue 16 point 3: a service killed (kill -9) while holding job leases resumes its work right after a restart,
// not a lease later. JOB_LEASE_MS is 60 s here, so a test that waited for the lease to run out could not pass.
// That holds where one process owns the database (SQLite). On PostgreSQL several instances share the jobs table,
// so a lease found at start may be a live instance's: it is taken over when it runs out (the owner's heartbeat
// stopped), and the PostgreSQL test checks that, with a short lease.

afterAll(cleanup);

const template = { name: 'hello_world', languageCode: 'en_US' };
const n = 30;

/** Starts a batch on a child process, kills it while a send is in flight; the lease it held, as stored. */
async function killWhileLeased(leaseMs: number) {
  const sim = await startMetaSimulator({ port: 0 });
  onCleanup(() => sim.close());
  const p = await prepare(sim, n);

  // Meta answers slowly, so sends are in flight and the batch's slice job is leased when the process dies.
  const first = await spawnService(p, sim, { JOB_LEASE_MS: String(leaseMs) });
  sim.sim.injectFault({ method: 'POST', path: '/v*/*/messages', delayMs: 30_000, times: Infinity });
  const started = await gqlAt<{ sendWhatsAppMessages: { data: { id: string } } }>(first.url, p.adminKey, START_BATCH, {
    input: { channelConfigurationId: p.configId, profileIds: p.profileIds, template },
  });
  const batchId = started.sendWhatsAppMessages.data.id;
  await waitUntil(() => (sim.sim.faults.list()[0]?.hits ?? 0) > 0, 60_000, 'a send in flight');
  await crash(first);
  sim.sim.clearFaults();

  // The dead process's lease is stored, valid for most of a lease more.
  const leased = await peek<{ until: number; owner: string | null }>(
    p,
    "SELECT lease_until AS until, lease_owner AS owner FROM jobs WHERE status = 'running' AND kind LIKE '%batch%'",
  );
  expect(leased.length).toBeGreaterThan(0);
  expect(leased[0]!.owner).toBeTruthy();
  expect(leased[0]!.until - Date.now()).toBeGreaterThan(leaseMs / 2);
  return { sim, p, batchId, leasedUntil: Math.max(...leased.map((l) => l.until)) };
}

/** Restarts in-process on the same data folder: how long until Meta sees a send, and the batch once COMPLETED. */
async function restart(run: Awaited<ReturnType<typeof killWhileLeased>>, leaseMs: number) {
  const { sim, p, batchId } = run;
  const restartedAt = Date.now();
  const h = await startHarness({ metaUrl: sim.baseUrl, dataDir: p.dataDir, env: { JOB_LEASE_MS: String(leaseMs) } });
  onCleanup(() => h.stop());
  await waitUntil(() => sim.sim.sentMessages().length > 0, Math.max(leaseMs, 30_000), 'sending resumed');
  const resumedAt = Date.now();
  let batch: BatchView | undefined;
  await waitUntil(
    async () => {
      batch = (await gqlAt<{ node: BatchView }>(h.url, p.adminKey, BATCH, { id: batchId })).node;
      return batch.status === 'COMPLETED';
    },
    90_000,
    'batch completed',
  );
  // Nobody twice: the sends in flight at the crash never reached Meta and are not resent (outcome unknown).
  for (let i = 0; i < n; i++) expect(sim.sim.sentMessages({ to: phoneOf(i) }).length).toBeLessThanOrEqual(1);
  expect(batch!.sent).toBe(sim.sim.sentMessages().length);
  expect(batch!).toMatchObject({ queued: 0, failed: 0 });
  expect(batch!.sent + batch!.unknown).toBe(n);
  return { h, restartedAt, resumedAt };
}

describe('restart after kill -9', () => {
  it.skipIf(TEST_BACKEND === 'pg')(
    'a batch whose slice job was leased by the killed process resumes well before the lease would run out (SQLite: one process per database)',
    async () => {
      const LEASE_MS = 60_000;
      const run = await killWhileLeased(LEASE_MS);
      const { h, restartedAt, resumedAt } = await restart(run, LEASE_MS);
      // Far inside the lease (the fix releases it at start; a poll interval, in practice well under 2 s).
      expect(resumedAt - restartedAt).toBeLessThan(LEASE_MS / 2);
      expect(h.logs.text()).toContain('released the job leases of a previous process');
    },
    240_000,
  );

  it.skipIf(TEST_BACKEND !== 'pg')(
    "a batch whose slice job was leased by the killed process is taken over once the dead owner's lease runs out (PostgreSQL: instances share the jobs table)",
    async () => {
      const LEASE_MS = 6_000;
      const run = await killWhileLeased(LEASE_MS);
      const { h, resumedAt } = await restart(run, LEASE_MS);
      // Not before the lease ran out (it may be a live instance's), and within a few polls after.
      expect(resumedAt).toBeGreaterThanOrEqual(run.leasedUntil);
      expect(resumedAt - run.leasedUntil).toBeLessThan(5_000);
      expect(h.logs.text()).not.toContain('released the job leases of a previous process');
    },
    240_000,
  );
});
