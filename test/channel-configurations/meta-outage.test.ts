import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useWorld } from '../helpers/world.js';
import { startHarness } from '../helpers/harness.js';
import { connectWs, type WsConnection } from '../helpers/live.js';
import { startMetaSimulator } from '../../src/meta-simulator/index.js';
import {
  activeCredential,
  check,
  checkJobs,
  configInput,
  createConfig,
  IDS,
  rawId,
  readConfig,
  StatusSubDoc,
  waitForConfig,
  waitForConfigStatus,
  waitUntil,
} from './helpers.js';

/**
 * Acceptance 4: Meta down during the checks leaves the configuration
 * PROCESSING with the Meta-backed checks PENDING and retried, never FAILED,
 * and it becomes ACTIVE once Meta is back; a restart during PROCESSING still
 * finishes the checks.
 */

const w = useWorld();
let credentialId: string;
let ws: WsConnection;

beforeAll(async () => {
  credentialId = await activeCredential(w.h, 'outage main');
  ws = connectWs(w.h.wsUrl, w.h.adminKey);
});

afterEach(() => {
  w.sim.sim.clearFaults();
});

afterAll(async () => {
  await ws?.dispose();
});

const META_CHECKS = ['SENDER_NUMBER', 'APP_SUBSCRIBED'];

async function outage(name: string, fault: { status?: number; dropConnection?: boolean }): Promise<void> {
  for (const path of [`/${IDS.waba.acmeMain}/phone_numbers`, `/${IDS.waba.acmeMain}/subscribed_apps`]) {
    w.sim.sim.injectFault({ method: 'GET', path, times: Infinity, ...fault });
  }
  const created = await createConfig(w.h, configInput(name, credentialId));
  const sub = ws.subscribe(StatusSubDoc, { id: created.id });
  const raw = rawId(created.id);
  const jobOf = async () => (await checkJobs(w.h)).find((j) => (j.payload as { configurationId: string }).configurationId === raw);

  const waiting = await waitForConfig(w.h, created.id, (c) =>
    META_CHECKS.every((n) => check(c, n).message?.startsWith('Waiting for Meta')),
  );
  expect(waiting.status).toBe('PROCESSING');
  for (const n of META_CHECKS) expect(check(waiting, n)).toMatchObject({ status: 'PENDING', remedy: null, checkedAt: null });
  for (const n of ['CREDENTIAL_ACTIVE', 'WEBHOOK', 'EXECUTION_FIELD', 'MARKETING_ACTIONS']) expect(check(waiting, n).status).toBe('PASSED');
  expect(waiting.statusReason).toMatch(/retried automatically/);

  // The job keeps retrying (transient retries are not failures) and the configuration never fails.
  await waitUntil(async () => ((await jobOf())?.attempts ?? 0) >= 3, 15_000, 'three attempts');
  expect(await jobOf()).toMatchObject({ failures: 0 });
  expect((await readConfig(w.h, created.id))!.status).toBe('PROCESSING');

  w.sim.sim.clearFaults();
  const active = await waitForConfigStatus(w.h, created.id, 'ACTIVE', 20_000);
  expect(active.checks.every((c) => c.status === 'PASSED')).toBe(true);
  await waitUntil(() => sub.events.all.length >= 2, 5_000, 'two events');
  await sub.events.none(100);
  expect(sub.events.all.map((e) => e.data!.channelConfigurationStatusChanged.status)).toEqual(['PROCESSING', 'ACTIVE']);
  sub.unsubscribe();
}

describe('Meta down during the checks', () => {
  it('5xx on every Meta call: PROCESSING with the Meta checks PENDING, retried, then ACTIVE when Meta is back', async () => {
    await outage('outage-5xx', { status: 503 });
  });

  it('Meta unreachable (connections dropped): the same', async () => {
    await outage('outage-dropped', { dropConnection: true });
  });

  it('Meta throttling (429): the same', async () => {
    await outage('outage-429', { status: 429 });
  });
});

describe('restart', () => {
  it('a configuration submitted before a restart is checked after it', async () => {
    const sim = await startMetaSimulator({ port: 0 });
    let h = await startHarness({ metaUrl: sim.baseUrl });
    try {
      const cred = await activeCredential(h, 'restart cred');
      await h.stop();
      // Jobs off: the submission is stored with its check job, which cannot run before the stop.
      h = await startHarness({ metaUrl: sim.baseUrl, dataDir: h.dataDir, startJobs: false });
      const created = await createConfig(h, configInput('restart-me', cred));
      expect(created.status).toBe('PROCESSING');
      expect((await checkJobs(h)).filter((j) => j.status === 'queued')).toHaveLength(1);
      await h.stop();

      h = await startHarness({ metaUrl: sim.baseUrl, dataDir: h.dataDir });
      const active = await waitForConfigStatus(h, created.id, 'ACTIVE');
      expect(active.checks.every((c) => c.status === 'PASSED')).toBe(true);
    } finally {
      await h.stop().catch(() => undefined);
      await sim.close();
    }
  });
});
