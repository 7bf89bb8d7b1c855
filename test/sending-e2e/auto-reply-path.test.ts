import { describe, expect, it } from 'vitest';
import { configInput, createConfig, NUMBERS, waitForConfigStatus } from '../channel-configurations/helpers.js';
import { activeCredential, IDS, rawId, startWorld, useWorld, verifyWebhook } from '../helpers/world.js';
import { createWebhook, STANDARD_RULES } from '../webhooks/helpers.js';
import { getCredential } from '../../src/credentials/service.js';
import { DEFAULT_THROUGHPUT_PENALTY_MS } from '../../src/sending/token-bucket.js';
import { SHORT_PAIR_INTERVAL_MS, SHORT_PAIRS } from '../helpers/harness.js';
import { sqlRow } from '../helpers/sql.js';
import { sendOk, waitUntil } from './helpers.js';

// Issue 15, point 14: an auto-reply goes out through the one send path campaigns use: the sender's bucket, the
// recipient's pair pacing, the backoff after Meta's 130429, the group commit, the outcome-unknown rules.

async function replyWorld() {
  // The pair spacing is shortened (SHORT_PAIRS): what counts is that the reply waits for the campaign's slot.
  const { sim, h } = await startWorld({ env: SHORT_PAIRS });
  const credentialId = await activeCredential(h, 'replies');
  const webhook = await createWebhook(h, { apiCredentialId: credentialId, keywordRules: STANDARD_RULES });
  await verifyWebhook(h, sim, webhook);
  const config = await createConfig(
    h,
    configInput('replies-config', credentialId, {
      whatsApp: { apiCredentialId: credentialId, webhookId: webhook.id, senderPhoneNumber: NUMBERS.acmeGreen },
    }),
  );
  await waitForConfigStatus(h, config.id, 'ACTIVE', 15_000);
  return { sim, h, credentialId, configId: config.id };
}

describe('auto-replies take the campaign send path', () => {
  const w = useWorld(replyWorld);
  const bucket = async () => {
    const deps = w.h.server.deps;
    const row = (await sqlRow<{ sandbox_id: string }>(
      w.h.server,
      'SELECT sandbox_id FROM whatsapp_api_credentials WHERE id = ?',
      rawId(w.credentialId),
    ))!;
    return (await deps.state.sends.pacerFor((await getCredential(deps, row.sandbox_id, rawId(w.credentialId)))!)).bucket;
  };
  const replyAt = (to: string) =>
    w.sim.sim
      .sentMessages({ to })
      .find((m) => m.type === 'text' && (m.body as { text?: { body?: string } }).text?.body?.startsWith('Thanks'));

  it("a 130429 on an auto-reply slows the sender's next sends, and the reply is sent once Meta lets it", async () => {
    w.sim.sim.injectFault({
      method: 'POST',
      path: /messages$/,
      status: 429,
      metaError: { code: 130429, message: '(#130429) Rate limit hit' },
    });
    const before = performance.now();
    await w.sim.sim.sendInboundText({ phoneNumberId: IDS.phone.acmeGreen, from: { waId: '14155550401' }, text: 'hello there' });
    // The throttled reply paused the whole sender (today: only a retry of the reply, the sender's bucket untouched).
    await waitUntil(async () => (await bucket()).pausedUntil > before, 10_000, 'the sender to be paused by the throttled reply');
    const pausedUntil = (await bucket()).pausedUntil;
    expect(pausedUntil - before).toBeGreaterThanOrEqual(DEFAULT_THROUGHPUT_PENALTY_MS - 50);
    // A campaign send right after waits out the pause before it reaches Meta.
    w.sim.sim.openServiceWindow(IDS.phone.acmeGreen, '+14155550402');
    const campaign = await sendOk(w.h, { channelConfigurationId: w.configId, phoneNumber: '+14155550402', text: 'A campaign message' });
    expect(campaign.status).toBe('SENT');
    expect(performance.now()).toBeGreaterThanOrEqual(pausedUntil - 5);
    await waitUntil(() => replyAt('+14155550401') !== undefined, 15_000, 'the reply to be sent after the pause');
    expect(w.sim.sim.sentMessages({ to: '+14155550401' })).toHaveLength(1);
  });

  it('a reply shares the pair pacing with a campaign send to the same recipient', async () => {
    const to = '+14155550403';
    // The user wrote earlier (the window is open); a campaign message goes to them now.
    w.sim.sim.openServiceWindow(IDS.phone.acmeGreen, to);
    const campaign = await sendOk(w.h, { channelConfigurationId: w.configId, phoneNumber: to, text: 'Our news' });
    expect(campaign.status).toBe('SENT');
    const campaignAt = w.sim.sim.sentMessages({ to })[0]!.at.getTime();
    // The user answers at once: the reply waits for the pair's next slot (one message per interval to one user).
    await w.sim.sim.sendInboundText({ phoneNumberId: IDS.phone.acmeGreen, from: { waId: to.slice(1) }, text: 'what news?' });
    await waitUntil(() => replyAt(to) !== undefined, 20_000, 'the reply to be sent');
    const reply = replyAt(to)!;
    expect(reply.at.getTime() - campaignAt).toBeGreaterThanOrEqual(SHORT_PAIR_INTERVAL_MS - 100);
    // Meta never refused it for the pair rate: the service waited instead of asking.
    expect(w.sim.sim.rejectedSends().filter((r) => r.code === 131056)).toHaveLength(0);
  });
});
