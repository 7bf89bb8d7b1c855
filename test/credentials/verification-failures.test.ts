import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../helpers/harness.js';
import { cleanup, startWorld } from '../helpers/world.js';
import { acmeInput, createCredential, DiscoverDoc, IDS, waitForStatus } from './helpers.js';

// Acceptance 2: each failure ends FAILED or as a typed error, with its own message.

let h: Harness;
beforeAll(async () => ({ h } = await startWorld()));
afterAll(cleanup);

async function discover(apiToken: string, businessAccountId: string) {
  const res = await h.gql(DiscoverDoc, { input: { apiToken, businessAccountId } });
  expect(res.errors).toBeUndefined();
  return res.data!.discoverWhatsAppBusinessAccounts;
}

const messages = new Set<string>();

describe('typed errors from discovery', () => {
  it('an expired token: MetaApiError 190 with a remedy', async () => {
    const r = await discover(IDS.token.expired, IDS.business.acme);
    if (r.__typename !== 'MetaApiError') throw new Error(JSON.stringify(r));
    expect(r).toMatchObject({ code: 'META_API_ERROR', metaCode: 190, metaSubcode: 463, httpStatus: 401, retryable: false });
    expect(r.message).toMatch(/Meta rejected the access token/);
    expect(r.remedy).toMatch(/Generate a new access token/);
    expect(r.fbtraceId).toBeTruthy();
  });

  it('a WABA id where the business portfolio id belongs: ValidationError on businessAccountId', async () => {
    const r = await discover(IDS.token.systemUser, IDS.waba.acmeMain);
    if (r.__typename !== 'ValidationError') throw new Error(JSON.stringify(r));
    expect(r.fieldErrors).toHaveLength(1);
    expect(r.fieldErrors[0]!.path).toEqual(['businessAccountId']);
    expect(r.fieldErrors[0]!.message).toMatch(/WhatsApp Business Account \(WABA\) id, not a business portfolio id/);
  });

  it('an unknown business id (100/33): MetaApiError telling to check the portfolio id', async () => {
    const r = await discover(IDS.token.systemUser, '2999999999999999');
    if (r.__typename !== 'MetaApiError') throw new Error(JSON.stringify(r));
    expect(r).toMatchObject({ metaCode: 100, metaSubcode: 33 });
    expect(r.message).toMatch(/cannot find business portfolio 2999999999999999/);
    expect(r.remedy).toMatch(/business portfolio id/);
  });

  it("another business's token (missing permission, 200): MetaApiError with a permission remedy", async () => {
    const r = await discover(IDS.token.otherBusiness, IDS.business.acme);
    if (r.__typename !== 'MetaApiError') throw new Error(JSON.stringify(r));
    expect(r.metaCode).toBe(200);
    expect(r.message).toMatch(/may not read the WhatsApp accounts/);
    expect(r.remedy).toMatch(/whatsapp_business_management and whatsapp_business_messaging/);
  });
});

describe('verification verdicts', () => {
  it('an expired token ends FAILED with a re-authorisation message', async () => {
    const id = await createCredential(h, acmeInput('expired', { apiToken: IDS.token.expired }));
    const c = await waitForStatus(h, id, 'FAILED');
    expect(c.statusMessage).toMatch(
      /^Meta rejected the access token \(code 190\): .*Generate a new system-user token and update the credential\.$/,
    );
    messages.add(c.statusMessage!);
  });

  it('a temporary token ends ACTIVE with TEMPORARY_TOKEN and TOKEN_EXPIRES_SOON warnings and its expiry stored', async () => {
    const id = await createCredential(h, acmeInput('temporary', { apiToken: IDS.token.temporaryUser }));
    const c = await waitForStatus(h, id, 'ACTIVE');
    expect(c.apiTokenType).toBe('USER');
    expect(c.apiTokenExpiresAt).not.toBeNull();
    const expiresIn = new Date(c.apiTokenExpiresAt!).getTime() - Date.now();
    expect(expiresIn).toBeGreaterThan(0);
    expect(expiresIn).toBeLessThan(2 * 3600_000);
    expect(c.warnings.map((w) => w.code).sort()).toEqual(['TEMPORARY_TOKEN', 'TOKEN_EXPIRES_SOON']);
    expect(c.warnings.find((w) => w.code === 'TEMPORARY_TOKEN')!.message).toMatch(/system-user token/);
  });

  it('a token without whatsapp_business_messaging ends FAILED naming the permission', async () => {
    const id = await createCredential(h, acmeInput('no messaging', { apiToken: IDS.token.noMessaging }));
    const c = await waitForStatus(h, id, 'FAILED');
    expect(c.statusMessage).toMatch(/lacks the whatsapp_business_messaging permission/);
    expect(c.statusMessage).not.toMatch(/lacks the whatsapp_business_management/);
    messages.add(c.statusMessage!);
  });

  it('a WABA that is not in the portfolio ends FAILED', async () => {
    const id = await createCredential(
      h,
      acmeInput('foreign waba', { whatsAppBusinessAccountId: IDS.waba.other, phoneNumberId: IDS.phone.other }),
    );
    const c = await waitForStatus(h, id, 'FAILED');
    expect(c.statusMessage).toContain(
      `WhatsApp Business Account ${IDS.waba.other} is neither owned by nor shared with business portfolio ${IDS.business.acme}`,
    );
    messages.add(c.statusMessage!);
  });

  it('a number that is not in the WABA ends FAILED', async () => {
    const id = await createCredential(h, acmeInput('foreign number', { phoneNumberId: IDS.phone.acmeSupport }));
    const c = await waitForStatus(h, id, 'FAILED');
    expect(c.statusMessage).toContain(
      `Phone number ${IDS.phone.acmeSupport} is not registered in WhatsApp Business Account ${IDS.waba.acmeMain}`,
    );
    messages.add(c.statusMessage!);
  });

  it('a WABA id typed as the portfolio id ends FAILED telling which id to enter', async () => {
    const id = await createCredential(h, acmeInput('waba as portfolio', { businessAccountId: IDS.waba.acmeSupport }));
    const c = await waitForStatus(h, id, 'FAILED');
    expect(c.statusMessage).toMatch(/not a business portfolio id/);
    messages.add(c.statusMessage!);
  });

  it('every failure has its own message', () => {
    expect(messages.size).toBe(5);
  });

  it('a WABA shared by a client business and a low-quality number end ACTIVE (with QUALITY_LOW for the latter)', async () => {
    const shared = await createCredential(
      h,
      acmeInput('client waba', { whatsAppBusinessAccountId: IDS.waba.partnerShared, phoneNumberId: IDS.phone.partnerShared }),
    );
    const yellow = await createCredential(h, acmeInput('yellow', { phoneNumberId: IDS.phone.acmeYellowHigh }));
    const s = await waitForStatus(h, shared, 'ACTIVE');
    expect(s.whatsAppBusinessAccount).toMatchObject({ ownership: 'CLIENT', name: 'Partner Co (shared with Acme)' });
    const y = await waitForStatus(h, yellow, 'ACTIVE');
    expect(y.warnings.map((w) => w.code)).toEqual(['QUALITY_LOW']);
    expect(y.phoneNumber).toMatchObject({
      qualityRating: 'YELLOW',
      throughputLevel: 'HIGH',
      messagesPerSecond: 1000,
      messagingLimitTier: 'TIER_UNLIMITED',
    });
  });
});
