import { afterAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';
import { startMetaSimulator, type RunningMetaSimulator } from '../../src/meta-simulator/index.js';
import { acmeInput, createCredential, readCredential, waitForStatus } from './helpers.js';

// Acceptance 6: a server restarted while a credential is PROCESSING still finishes it.

let sim: RunningMetaSimulator | undefined;
const harnesses: Harness[] = [];

afterAll(async () => {
  for (const h of harnesses) await h.stop();
  await sim?.close();
});

describe('restart', () => {
  it('a credential created just before a shutdown is verified after the restart', async () => {
    sim = await startMetaSimulator({ port: 0 });
    const first = await startHarness({ metaUrl: sim.baseUrl, startJobs: false });
    harnesses.push(first);
    const id = await createCredential(first, acmeInput('survives restarts'));
    expect((await readCredential(first, id))!.status).toBe('PROCESSING');
    expect(await first.server.deps.jobs.list({ kind: 'credentials.verify' })).toMatchObject([{ status: 'queued' }]);
    await first.stop();

    const second = await startHarness({ metaUrl: sim.baseUrl, dataDir: first.dataDir });
    harnesses.push(second);
    const c = await waitForStatus(second, id, 'ACTIVE');
    expect(c).toMatchObject({ name: 'survives restarts', phoneNumber: { qualityRating: 'GREEN', verifiedName: 'Acme Retail' } });
    expect(await second.server.deps.jobs.list({ kind: 'credentials.verify' })).toMatchObject([{ status: 'succeeded' }]);
  });
});
