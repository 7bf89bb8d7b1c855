import { beforeAll, describe, expect, it } from 'vitest';
import { useWorld } from '../helpers/world.js';
import { readCredential } from '../credentials/helpers.js';
import { ConsentDoc, readMessage, sendOk, startSendWorld, upsertProfile, waitUntil } from './helpers.js';

// Issue 8, what Meta answers a send: throttled (130429) -> retried, lands once; no usable answer -> never
// resent, settled by the status webhook; 131050 -> FAILED and opted out; 190 -> FAILED.

const w = useWorld(() => startSendWorld({ webhook: true }));
const template = { name: 'hello_world', languageCode: 'en_US' };
const MESSAGES_PATH = '/v*/*/messages';

beforeAll(async () => {
  for (let i = 1; i <= 4; i++) await upsertProfile(w.h, `p${i}`, { mobilePhone: { number: `+1650555030${i}` } });
}, 30_000);

describe("Meta's answer to a send", () => {
  it('130429 (throughput): the send is retried after a backoff and lands exactly once', async () => {
    w.sim.sim.injectFault({ method: 'POST', path: MESSAGES_PATH, status: 429, metaError: { code: 130429, subcode: 2494055 }, times: 1 });
    const started = Date.now();
    const m = await sendOk(w.h, { channelConfigurationId: w.configId, profileId: 'p1', template });
    expect(m.status).toBe('SENT');
    // The sender paused for the throttling penalty (1 s); the refused send did not use the recipient's pair slot.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(Date.now() - started).toBeLessThan(5_000);
    // Answered by the fault (Meta refused it once), then accepted on the retry.
    expect(w.sim.sim.faults.list()[0]).toMatchObject({ hits: 1, remaining: 0 });
    expect(w.sim.sim.sentMessages({ to: '+16505550301' })).toHaveLength(1);
  });

  it('no usable answer (Meta took it, then the connection hung): never resent; the status webhook settles it', async () => {
    w.sim.sim.injectFault({ method: 'POST', path: MESSAGES_PATH, recordFirst: true, delayMs: 4_000, times: 1 });
    const m = await sendOk(w.h, { channelConfigurationId: w.configId, profileId: 'p2', template });
    expect(m.status).toBe('QUEUED');
    expect(m.statusReason).toMatch(/outcome unknown/);
    expect(m.wamid).toBeNull();
    const recorded = w.sim.sim.sentMessages({ to: '+16505550302' });
    expect(recorded).toHaveLength(1);
    // Well past any retry backoff: still exactly one.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(w.sim.sim.sentMessages({ to: '+16505550302' })).toHaveLength(1);
    expect((await readMessage(w.h, m.id)).status).toBe('QUEUED');
    await w.sim.sim.emitStatusesFor(recorded[0]!.wamid, ['sent']);
    await waitUntil(async () => (await readMessage(w.h, m.id)).status === 'SENT', 10_000, 'settled by the webhook');
    const settled = await readMessage(w.h, m.id);
    expect(settled.wamid).toBe(recorded[0]!.wamid);
    expect(settled.statusReason).toBeNull();
  }, 20_000);

  it('131050 (the user stopped marketing): FAILED, and the contact is OPTED_OUT with that source', async () => {
    w.sim.sim.injectFault({
      method: 'POST',
      path: MESSAGES_PATH,
      status: 400,
      metaError: {
        code: 131050,
        message:
          'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business',
      },
      times: 1,
    });
    const m = await sendOk(w.h, { channelConfigurationId: w.configId, profileId: 'p3', template });
    expect(m).toMatchObject({ status: 'FAILED', metaErrorCode: 131050 });
    const consent = (await w.h.gql(ConsentDoc, { phoneNumber: '+16505550303' })).data!.consent;
    expect(consent.status).toBe('OPTED_OUT');
    expect(consent.history[0]).toMatchObject({ status: 'OPTED_OUT', source: 'META_ERROR_131050' });
    // The next send to that number is blocked before Meta.
    const again = await sendOk(w.h, { channelConfigurationId: w.configId, profileId: 'p3', template });
    expect(again.status).toBe('BLOCKED');
  });

  it('190 (token rejected): FAILED with the remedy, and the credential is marked FAILED', async () => {
    w.sim.sim.injectFault({
      method: 'POST',
      path: MESSAGES_PATH,
      status: 401,
      metaError: { code: 190, subcode: 463, message: 'Error validating access token: Session has expired' },
      times: 1,
    });
    const m = await sendOk(w.h, { channelConfigurationId: w.configId, profileId: 'p4', template });
    expect(m).toMatchObject({ status: 'FAILED', metaErrorCode: 190 });
    expect(m.statusReason).toMatch(/access token/i);
    await waitUntil(async () => (await readCredential(w.h, w.credentialId))?.status === 'FAILED', 10_000, 'credential FAILED');
  });
});
