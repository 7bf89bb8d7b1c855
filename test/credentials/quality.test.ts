import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from '../helpers/harness.js';
import { connectWs } from '../helpers/live.js';
import { sqlRows } from '../helpers/sql.js';
import { cleanup, onCleanup, sandboxIdOf, startWorld } from '../helpers/world.js';
import { acmeInput, createCredential, IDS, QualitySubDoc, RefreshDoc, waitForStatus, waitUntil } from './helpers.js';

// Acceptance 5: a quality change at Meta reaches whatsAppPhoneNumberQualityChanged subscribers after a refresh,
// whether an admin asks for it or the recurring job runs.

afterEach(cleanup);

function qualityRows(h: Harness) {
  return sqlRows(h.server, 'SELECT previous_quality_rating, quality_rating, source FROM phone_quality_changes ORDER BY id');
}

describe('phone number quality', () => {
  it('refreshWhatsAppPhoneNumber stores the new quality, throughput and limit, records the change and notifies subscribers once', async () => {
    const { sim, h } = await startWorld();
    const id = await createCredential(h, acmeInput('quality watch'));
    const before = await waitForStatus(h, id, 'ACTIVE');
    expect(before.phoneNumber.qualityRating).toBe('GREEN');

    const ws = connectWs(h.wsUrl, h.adminKey);
    onCleanup(() => ws.dispose());
    const sub = ws.subscribe(QualitySubDoc, {});
    const sandboxId = await sandboxIdOf(h);
    await waitUntil(() => h.server.deps.pubsub.listenerCount(sandboxId, 'credential:quality-changed') > 0);

    sim.sim.setPhoneNumber(IDS.phone.acmeGreen, {
      qualityRating: 'RED',
      throughputLevel: 'HIGH',
      messagingLimitTier: 'TIER_10K',
      canSendMessage: 'LIMITED',
    });
    const res = await h.gql(RefreshDoc, { input: { credentialId: id } });
    const r = res.data!.refreshWhatsAppPhoneNumber;
    if (r.__typename !== 'RefreshWhatsAppPhoneNumberSuccess') throw new Error(JSON.stringify(r));
    expect(r.data.phoneNumber).toMatchObject({
      qualityRating: 'RED',
      throughputLevel: 'HIGH',
      messagesPerSecond: 1000,
      messagingLimitTier: 'TIER_10K',
      canSendMessage: true,
    });
    expect(r.data.warnings.map((w) => w.code).sort()).toEqual(['QUALITY_LOW', 'SENDING_LIMITED']);
    expect(new Date(r.data.phoneNumberRefreshedAt!).getTime()).toBeGreaterThan(new Date(before.phoneNumberRefreshedAt!).getTime());
    expect(r.data.status).toBe('ACTIVE');

    const event = (await sub.events.next()).data!.whatsAppPhoneNumberQualityChanged;
    expect(event).toMatchObject({
      previousQualityRating: 'GREEN',
      qualityRating: 'RED',
      source: 'refresh',
      credential: { id, phoneNumber: { qualityRating: 'RED' } },
    });
    expect(await qualityRows(h)).toEqual([{ previous_quality_rating: 'GREEN', quality_rating: 'RED', source: 'refresh' }]);

    // Nothing changed at Meta: no new change, no event.
    await h.gql(RefreshDoc, { input: { credentialId: id } });
    await sub.events.none(200);
    expect(await qualityRows(h)).toHaveLength(1);

    // Back to green: the warning goes, a second change is recorded.
    sim.sim.setPhoneNumber(IDS.phone.acmeGreen, { qualityRating: 'GREEN', canSendMessage: 'AVAILABLE' });
    const back = await h.gql(RefreshDoc, { input: { credentialId: id } });
    const b = back.data!.refreshWhatsAppPhoneNumber;
    if (b.__typename !== 'RefreshWhatsAppPhoneNumberSuccess') throw new Error(JSON.stringify(b));
    expect(b.data.warnings).toEqual([]);
    expect((await sub.events.next()).data!.whatsAppPhoneNumberQualityChanged).toMatchObject({
      previousQualityRating: 'RED',
      qualityRating: 'GREEN',
    });
  });

  it('the recurring job refreshes every ACTIVE credential by itself when the interval is short, with one refresh job queued at a time', async () => {
    const { sim, h } = await startWorld({ env: { PHONE_NUMBER_REFRESH_INTERVAL_MS: '300' } });
    const id = await createCredential(h, acmeInput('auto refresh'));
    await waitForStatus(h, id, 'ACTIVE');

    const ws = connectWs(h.wsUrl, h.adminKey);
    onCleanup(() => ws.dispose());
    const sub = ws.subscribe(QualitySubDoc, { credentialId: id });
    const sandboxId = await sandboxIdOf(h);
    await waitUntil(() => h.server.deps.pubsub.listenerCount(sandboxId, 'credential:quality-changed') > 0);

    sim.sim.setPhoneNumber(IDS.phone.acmeGreen, { qualityRating: 'YELLOW' });
    const event = (await sub.events.next(5_000)).data!.whatsAppPhoneNumberQualityChanged;
    expect(event).toMatchObject({ previousQualityRating: 'GREEN', qualityRating: 'YELLOW', source: 'refresh', credential: { id } });

    const refreshJobs = () => h.server.deps.jobs.list({ kind: 'credentials.refresh-phone-numbers' });
    await waitUntil(async () => (await refreshJobs()).filter((j) => j.status === 'succeeded').length >= 2, 5_000, 'two refresh runs');
    for (let i = 0; i < 5; i++) {
      expect((await refreshJobs()).filter((j) => j.status === 'queued').length).toBeLessThanOrEqual(1);
      await new Promise((r) => setTimeout(r, 60));
    }
  });
});
