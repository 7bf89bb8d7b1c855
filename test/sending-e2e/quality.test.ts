import { beforeAll, describe, expect, it } from 'vitest';
import { RefreshDoc } from '../credentials/helpers.js';
import { sandboxIdOf, useWorld } from '../helpers/world.js';
import { configureSender, insertProfiles, phoneOf, readBatch, sendBatch, startSendWorld, waitForBatch } from './helpers.js';

// Issue 8, acceptance 6: a marketing batch pauses by itself when the sender's quality turns RED and
// resumes when it is GREEN again; a non-marketing batch is not paused.

const w = useWorld(() => startSendWorld({}));
let marketingConfigId: string;
/** The marketing configuration's own credential (same sender number). */
let marketingCredentialId: string;
let sandboxId: string;
const template = { name: 'hello_world', languageCode: 'en_US' };

beforeAll(async () => {
  const marketing = await configureSender(w.h, w.sim, 'marketing', { marketingKeys: ['whatsapp_marketing'] });
  marketingConfigId = marketing.configId;
  marketingCredentialId = marketing.credentialId;
  sandboxId = await sandboxIdOf(w.h);
}, 30_000);

async function setQuality(rating: 'RED' | 'GREEN') {
  w.sim.sim.setPhoneNumber(w.phoneNumberId, { qualityRating: rating });
  for (const credentialId of [w.credentialId, marketingCredentialId]) {
    const res = await w.h.gql(RefreshDoc, { input: { credentialId } });
    expect(res.data?.refreshWhatsAppPhoneNumber).toMatchObject({ __typename: 'RefreshWhatsAppPhoneNumberSuccess' });
  }
}

describe("the sender's quality rating", () => {
  it('RED pauses a marketing batch (statusReason says why, nobody is sent meanwhile); GREEN resumes it', async () => {
    const ids = Array.from({ length: 160 }, (_, i) => `m${i}`);
    await insertProfiles(
      w.h,
      sandboxId,
      ids.map((id, i) => ({
        id,
        attributes: { mobilePhone: { number: phoneOf(6000 + i) }, consents: { marketing: { whatsApp: { val: 'y' } } } },
      })),
    );
    const batch = await sendBatch(w.h, { channelConfigurationId: marketingConfigId, profileIds: ids, template });
    expect(batch.marketing).toBe(true);
    await waitForBatch(w.h, batch.id, (b) => b.sent >= 20, 10_000);
    await setQuality('RED');
    const paused = await waitForBatch(w.h, batch.id, (b) => b.status === 'PAUSED', 5_000);
    expect(paused.statusReason).toMatch(/quality rating is RED/);
    const atPause = w.sim.sim.sentMessages().length;
    expect(paused.sent).toBe(atPause);
    expect(paused.queued).toBe(160 - atPause);

    // Meanwhile a batch without marketing actions still goes out through the same RED number.
    await insertProfiles(
      w.h,
      sandboxId,
      [0, 1, 2].map((i) => ({ id: `t${i}`, attributes: { mobilePhone: { number: phoneOf(7000 + i) } } })),
    );
    const plain = await sendBatch(w.h, { channelConfigurationId: w.configId, profileIds: ['t0', 't1', 't2'], template });
    expect(plain.marketing).toBe(false);
    await waitForBatch(w.h, plain.id, (b) => b.status === 'COMPLETED', 5_000);
    await new Promise((r) => setTimeout(r, 1_200));
    expect(w.sim.sim.sentMessages()).toHaveLength(atPause + 3);
    expect((await readBatch(w.h, batch.id)).status).toBe('PAUSED');

    await setQuality('GREEN');
    const resumed = await waitForBatch(w.h, batch.id, (b) => b.status === 'RUNNING' || b.status === 'COMPLETED', 5_000);
    expect(resumed.statusReason).toBeNull();
    const done = await waitForBatch(w.h, batch.id, (b) => b.status === 'COMPLETED', 15_000);
    expect(done).toMatchObject({ sent: 160, queued: 0, failed: 0, blocked: 0 });
    expect(w.sim.sim.sentMessages()).toHaveLength(163);
  }, 40_000);
});
