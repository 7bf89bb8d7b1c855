import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';
import { connectWs } from '../helpers/live.js';
import { cleanup, onCleanup, sandboxIdOf, startWorld } from '../helpers/world.js';
import { startMetaSimulator } from '../../src/meta-simulator/index.js';
import { acmeInput, createCredential, DiscoverDoc, IDS, readCredential, StatusSubDoc, waitForStatus, waitUntil } from './helpers.js';

// Acceptance 2 (continued): Meta 5xx and Meta unreachable never fail a credential; the job retries until Meta is back.

afterEach(cleanup);

function verifyJobs(h: Harness) {
  return h.server.deps.jobs.list({ kind: 'credentials.verify' });
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('Meta trouble while verifying', () => {
  it('Meta 5xx: stays PROCESSING (never FAILED), the job retries, ACTIVE once the fault clears', async () => {
    const { sim, h } = await startWorld();
    const ws = connectWs(h.wsUrl, h.adminKey);
    onCleanup(() => ws.dispose());
    const sub = ws.subscribe(StatusSubDoc, {});
    const sandboxId = await sandboxIdOf(h);
    await waitUntil(() => h.server.deps.pubsub.listenerCount(sandboxId, 'credential:status-changed') > 0);

    sim.sim.injectFault({ method: 'GET', path: '/debug_token', status: 500, times: Infinity });
    const id = await createCredential(h, acmeInput('through an outage'));
    // Read the job between two runs: right after a retry is leased it is 'running' until Meta's 500 comes back.
    await waitUntil(
      async () => ((await verifyJobs(h))[0]?.attempts ?? 0) >= 3 && (await verifyJobs(h))[0]?.status === 'queued',
      15_000,
      'three verification attempts, the job waiting for its next run',
    );
    const during = await readCredential(h, id);
    expect(during!.status).toBe('PROCESSING');
    expect(during!.statusMessage).toMatch(/Waiting for Meta .*retries automatically/);
    const job = (await verifyJobs(h))[0]!;
    expect(job).toMatchObject({ status: 'queued', failures: 0 });
    expect(job.lastError).toMatch(/TransientJobError/);

    sim.sim.clearFaults();
    const c = await waitForStatus(h, id, 'ACTIVE', 15_000);
    expect(c.statusMessage).toBeNull();
    const statuses = () =>
      sub.events.all
        .map((e) => e.data?.whatsAppApiCredentialStatusChanged)
        .filter((e) => e?.credential.id === id)
        .map((e) => e!.status);
    // On PostgreSQL the event reaches subscribers through the LISTEN connection, a moment after the commit is readable.
    await waitUntil(() => statuses().includes('ACTIVE'), 10_000, 'the ACTIVE event');
    await sub.events.none(300);
    expect(statuses()).toEqual(['PROCESSING', 'ACTIVE']);
  });

  it('Meta unreachable: discovery answers MetaUnreachableError; a created credential stays PROCESSING and goes ACTIVE when Meta comes up', async () => {
    const port = await freePort();
    const h = await startHarness({ metaUrl: `http://127.0.0.1:${port}` });
    onCleanup(() => h.stop());

    const res = await h.gql(DiscoverDoc, { input: { apiToken: IDS.token.systemUser, businessAccountId: IDS.business.acme } });
    const r = res.data!.discoverWhatsAppBusinessAccounts;
    if (r.__typename !== 'MetaUnreachableError') throw new Error(JSON.stringify(r));
    expect(r).toMatchObject({ code: 'META_UNREACHABLE', retryable: true });
    expect(r.remedy).toMatch(/Nothing accepts connections/);

    const id = await createCredential(h, acmeInput('before Meta is up'));
    await waitUntil(async () => ((await verifyJobs(h))[0]?.attempts ?? 0) >= 2, 15_000, 'two verification attempts');
    expect((await readCredential(h, id))!.status).toBe('PROCESSING');

    const sim = await startMetaSimulator({ port });
    onCleanup(() => sim.close());
    const c = await waitForStatus(h, id, 'ACTIVE', 20_000);
    expect(c.phoneNumber.qualityRating).toBe('GREEN');
    expect((await verifyJobs(h))[0]!.failures).toBe(0);
  });
});
