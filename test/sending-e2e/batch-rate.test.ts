import { beforeAll, describe, expect, it } from 'vitest';
import { onCleanup, sandboxIdOf, useWorld } from '../helpers/world.js';
import { startHarness } from '../helpers/harness.js';
import { insertProfiles, phoneOf, readBatch, sendBatch, startSendWorld, waitForBatch, worstWindow } from './helpers.js';

// Issue 8, acceptance 5: a batch at 80 messages/s with a restart in the middle. 480 recipients (6 s of sending,
// the restart after about 2 s) prove what 2,000 did in 25 s: full windows before and after the restart, the
// new process's bucket seeded from the old one's last second, everybody sent exactly once. The 2,000-message
// rounds at 80/s (and 1,000/s) are measured by bench/send-pacing.ts.

const RECIPIENTS = 480;
const RESTART_AFTER = 160;
const w = useWorld(() => startSendWorld({}));
beforeAll(async () => {
  const sandboxId = await sandboxIdOf(w.h);
  await insertProfiles(
    w.h,
    sandboxId,
    Array.from({ length: RECIPIENTS }, (_, i) => ({ id: `r${i}`, attributes: { mobilePhone: { number: phoneOf(i) } } })),
  );
}, 30_000);

describe('a batch of 480 at 80 messages/s', () => {
  it('never exceeds 80 in any 1-second window, and a restart in the middle sends nobody twice and nobody zero times', async () => {
    const batch = await sendBatch(w.h, {
      channelConfigurationId: w.configId,
      profileIds: Array.from({ length: RECIPIENTS }, (_, i) => `r${i}`),
      template: { name: 'hello_world', languageCode: 'en_US' },
    });
    expect(batch).toMatchObject({ status: 'QUEUED', total: RECIPIENTS, queued: RECIPIENTS });
    // Restart about a third of the way through.
    const deadline = Date.now() + 20_000;
    while (w.sim.sim.sentMessages().length < RESTART_AFTER && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const dataDir = w.h.dataDir;
    await w.h.stop();
    const atStop = w.sim.sim.sentMessages().length;
    w.h = await startHarness({ metaUrl: w.sim.baseUrl, dataDir });
    const restarted = w.h;
    onCleanup(() => restarted.stop());
    const done = await waitForBatch(w.h, batch.id, (b) => b.status === 'COMPLETED', 40_000);
    expect(done).toMatchObject({ total: RECIPIENTS, sent: RECIPIENTS, queued: 0, blocked: 0, failed: 0 });
    const sent = w.sim.sim.sentMessages();
    expect(atStop).toBeGreaterThanOrEqual(RESTART_AFTER);
    expect(atStop).toBeLessThan(RECIPIENTS);
    expect(sent).toHaveLength(RECIPIENTS);
    const perRecipient = new Map<string, number>();
    for (const m of sent) perRecipient.set(m.to!, (perRecipient.get(m.to!) ?? 0) + 1);
    expect(perRecipient.size).toBe(RECIPIENTS);
    expect([...perRecipient.values()].every((n) => n === 1)).toBe(true);
    expect(worstWindow(sent)).toBeLessThanOrEqual(80);
    // The simulator refuses (130429) whatever would exceed 80 in its window: none may have been refused.
    expect(w.sim.sim.rejectedSends()).toHaveLength(0);
    const final = await readBatch(w.h, batch.id);
    expect(final.finishedAt).not.toBeNull();
  }, 60_000);
});
