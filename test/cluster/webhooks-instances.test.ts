import { afterEach, describe, expect, it } from 'vitest';
import { signWebhookBody } from '../../src/meta/signature.js';
import {
  inboundTextPayload,
  startMetaSimulator,
  statusPayload,
  userPreferencesPayload,
  type RunningMetaSimulator,
} from '../../src/meta-simulator/index.js';
import { DRAIN_JOB, drainKey } from '../../src/webhooks/ingest.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { pg } from '../helpers/pg.js';
import { sqlRows, sqlValue } from '../helpers/sql.js';
import { activeCredential, cleanup, onCleanup } from '../helpers/world.js';
import { createWebhook, IDS, localCallback, postRaw, repliesTo, waitUntil } from '../webhooks/helpers.js';

// Issue 19 acceptance 2: two instances on one PostgreSQL database take Meta's POSTs alternately, with many deliveries
// redelivered to the other instance at the same moment, and both run drains: every distinct delivery is stored once
// as an original and applied exactly once (one outcome write, one application: no "already recorded" on a second
// pass), each copy is DUPLICATE, and the effects (inbound messages, parked statuses, consent changes, auto-replies at
// the simulator) are there once each.

afterEach(cleanup);

interface Delivery {
  body: Buffer;
  /** What applying it records: an inbound text (with its auto-reply), a parked status, a marketing preference. */
  kind: 'text' | 'status' | 'preference';
  waId: string;
  keyword?: 'STOP';
}

/** N distinct deliveries of three kinds for distinct users, as Meta would sign them. */
function makeDeliveries(sim: RunningMetaSimulator, n: number, tag: number): Delivery[] {
  const ref = sim.sim.numberRef(IDS.phone.acmeGreen);
  const out: Delivery[] = [];
  for (let i = 0; i < n; i++) {
    const waId = `1650${tag}${String(i).padStart(6, '0')}`;
    const at = new Date(Date.now() - 60_000 + i);
    if (i % 5 === 3) {
      out.push({
        kind: 'status',
        waId,
        body: json(statusPayload(ref, [{ wamid: `wamid.cl-${tag}-${i}`, status: 'delivered', recipientId: waId }])),
      });
    } else if (i % 5 === 4) {
      out.push({ kind: 'preference', waId, body: json(userPreferencesPayload(ref, { waId }, [{ value: 'stop', timestamp: at }])) });
    } else {
      const keyword = i % 5 === 0 ? 'STOP' : undefined;
      // The user wrote to the number (Meta's side of it): a free-form reply is allowed.
      sim.sim.openServiceWindow(IDS.phone.acmeGreen, waId);
      out.push({
        kind: 'text',
        waId,
        keyword,
        body: json(inboundTextPayload(ref, { waId, name: `u${i}` }, keyword ?? `hello ${i}`, { timestamp: at })),
      });
    }
  }
  return out;
}

const json = (payload: unknown): Buffer => Buffer.from(JSON.stringify(payload));

/** Two instances on one database (the second reuses the first's data folder, so its database) and one simulator. */
async function twoInstances(options: {
  startJobs: boolean;
}): Promise<{ sim: RunningMetaSimulator; a: Harness; b: Harness; webhookId: string; paths: [string, string] }> {
  const sim = await startMetaSimulator({ port: 0 });
  onCleanup(() => sim.close());
  const setup = await startHarness({ backend: 'pg', metaUrl: sim.baseUrl });
  const webhook = await createWebhook(setup, { apiCredentialId: await activeCredential(setup) });
  await setup.stop();
  const start = async () => {
    const h = await startHarness({ backend: 'pg', metaUrl: sim.baseUrl, dataDir: setup.dataDir, startJobs: options.startJobs });
    onCleanup(() => h.stop());
    return h;
  };
  const [a, b] = [await start(), await start()];
  expect((await sim.sim.configureWebhook({ callbackUrl: localCallback(a, webhook), verifyToken: webhook.verifyToken })).verified).toBe(
    true,
  );
  return {
    sim,
    a,
    b,
    webhookId: (await sqlValue<string>(a.server, 'SELECT id FROM whatsapp_webhooks')) as string,
    paths: [localCallback(a, webhook), localCallback(b, webhook)],
  };
}

/**
 * Posts every delivery, alternately to A and B, `copies` of them also to the other instance at the same moment,
 * `parallel` posts in flight; returns the HTTP statuses.
 */
async function postAll(list: Delivery[], paths: [string, string], redeliver: (i: number) => boolean, parallel = 8): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  const post = async (path: string, body: Buffer) => {
    const r = await postRaw(path, body, { 'x-hub-signature-256': signWebhookBody(body, IDS.appSecret) });
    statuses.push(r.status);
  };
  const worker = async () => {
    for (let i = next++; i < list.length; i = next++) {
      const [mine, other] = i % 2 ? [paths[1], paths[0]] : [paths[0], paths[1]];
      const body = list[i]!.body;
      await Promise.all(redeliver(i) ? [post(mine, body), post(other, body)] : [post(mine, body)]);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return statuses;
}

interface Row {
  outcome: string;
  attempts: number;
  detail: string | null;
  body_sha256: string;
}

/** Every distinct body once as an original, applied once; the rest of its rows DUPLICATE; the effects once each. */
async function expectExactlyOnce(h: Harness, sim: RunningMetaSimulator, list: Delivery[], posted: number): Promise<void> {
  const rows = await sqlRows<Row>(h.server, 'SELECT outcome, attempts, detail, body_sha256 FROM webhook_deliveries ORDER BY id');
  expect(rows).toHaveLength(posted);
  const originals = rows.filter((r) => r.outcome !== 'DUPLICATE');
  expect(originals).toHaveLength(list.length);
  expect(new Set(originals.map((r) => r.body_sha256)).size).toBe(list.length);
  // One outcome write each (a second drain's would make it 2), and a single application: a second pass over a text
  // would report the message as already recorded.
  expect(originals.filter((r) => r.outcome !== 'PROCESSED' || r.attempts !== 1)).toEqual([]);
  expect(originals.filter((r) => r.detail?.includes('already'))).toEqual([]);
  expect(rows.filter((r) => r.outcome === 'DUPLICATE' && r.attempts !== 1)).toEqual([]);

  const texts = list.filter((d) => d.kind === 'text');
  expect(await sqlValue<number>(h.server, "SELECT count(*) FROM whatsapp_messages WHERE direction = 'INBOUND'")).toBe(texts.length);
  expect(await sqlValue<number>(h.server, 'SELECT count(*) FROM pending_statuses')).toBe(list.filter((d) => d.kind === 'status').length);
  const optOuts = list.filter((d) => d.keyword === 'STOP' || d.kind === 'preference').length;
  expect(await sqlValue<number>(h.server, 'SELECT count(*) FROM consent_changes')).toBe(optOuts);
  // Auto-replies leave through the job queue of whichever instance: one per text, none for the others.
  await waitUntil(() => texts.every((d) => repliesTo(sim, d.waId).length >= 1), 30_000, 'an auto-reply per inbound text');
  await Promise.all([h.server.deps.jobs.idle()]);
  for (const d of list) expect([d.kind, repliesTo(sim, d.waId).length]).toEqual([d.kind, d.kind === 'text' ? 1 : 0]);
}

const pendingCount = (h: Harness): Promise<number> =>
  sqlValue<number>(h.server, "SELECT count(*) FROM webhook_deliveries WHERE outcome = 'PENDING'");

describe.skipIf(!pg.available)(pg.title('webhook deliveries across two instances on one PostgreSQL'), () => {
  it('posted alternately to A and B while both drain, with concurrent redeliveries to the other: each applied exactly once', async () => {
    const { sim, a, b, paths } = await twoInstances({ startJobs: true });
    const list = makeDeliveries(sim, 150, 1);
    const statuses = await postAll(list, paths, (i) => i % 3 !== 2);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const posted = statuses.length;
    // No row stranded: whichever instance committed it, a drain somewhere applies it.
    await waitUntil(async () => (await pendingCount(a)) === 0, 60_000, 'every delivery processed');
    await Promise.all([a.server.deps.jobs.idle(), b.server.deps.jobs.idle()]);
    await expectExactlyOnce(a, sim, list, posted);
  }, 180_000);

  it('two drains started at once on A and B over the same PENDING rows: each row applied by one of them', async () => {
    const { sim, a, b, paths } = await twoInstances({ startJobs: false });
    const list = makeDeliveries(sim, 150, 2);
    const statuses = await postAll(list, paths, (i) => i % 4 === 0);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(await pendingCount(a)).toBe(list.length);
    // Ingest queued slot 0; slot 1 too, so that each instance leases one and both read the same oldest rows.
    await a.server.deps.jobs.enqueue(a.server.deps.db, DRAIN_JOB, { slot: 1 }, { dedupeKey: drainKey(1) });
    expect(await sqlValue<number>(a.server, "SELECT count(*) FROM jobs WHERE kind = ? AND status = 'queued'", DRAIN_JOB)).toBe(2);
    // Watch who runs drains: both instances must have held one at the same time for this to test anything.
    const owners = new Set<string>();
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const running = await sqlRows<{ owner: string }>(
          a.server,
          "SELECT lease_owner AS owner FROM jobs WHERE kind = ? AND status = 'running'",
          DRAIN_JOB,
        );
        if (running.length === 2) for (const r of running) owners.add(r.owner);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    await Promise.all([a.server.deps.jobs.start(), b.server.deps.jobs.start()]);
    await waitUntil(async () => (await pendingCount(a)) === 0, 60_000, 'every delivery processed');
    watching = false;
    await watch;
    await Promise.all([a.server.deps.jobs.idle(), b.server.deps.jobs.idle()]);
    expect(owners).toEqual(new Set([a.server.deps.jobs.owner, b.server.deps.jobs.owner]));
    await expectExactlyOnce(a, sim, list, statuses.length);
  }, 180_000);
});
