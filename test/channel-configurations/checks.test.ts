import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../generated/index.js';
import {
  ALL_SCOPES,
  ACME_WABAS,
  acmeInput,
  createCredential,
  UpdateDoc as UpdateCredentialDoc,
  waitForStatus,
} from '../credentials/helpers.js';
import { TEST_BACKEND } from '../helpers/harness.js';
import { sqlRows, sqlRun } from '../helpers/sql.js';
import { sandboxIdOf, useWorld } from '../helpers/world.js';
import { defaultScenarioInput } from '../../src/meta-simulator/index.js';
import {
  activeCredential,
  check,
  configInput,
  createConfig,
  createWebhook,
  IDS,
  NUMBERS,
  submit,
  update,
  UpdateGeneralSettingsDoc,
  verifyWebhook,
  waitForConfig,
  waitForConfigStatus,
  type ConfigView,
} from './helpers.js';

/**
 * Acceptance 2: each readiness check failing on its own gives FAILED with that
 * check's message and remedy, and fixing the cause (then submitting again, when
 * the fix is outside the configuration) gives ACTIVE.
 */

const CreateMarketingActionDoc = graphql(`
  mutation CcCreateMarketingAction($input: CreateMarketingActionInput!) {
    createMarketingAction(input: $input) {
      __typename
      ... on CreateMarketingActionSuccess {
        data {
          id
        }
      }
    }
  }
`);

const w = useWorld();
let credentialId: string;

beforeAll(async () => {
  credentialId = await activeCredential(w.h, 'checks main');
});

afterEach(() => {
  w.sim.sim.clearFaults();
});

/** The named check FAILED with a message and a remedy; every other check PASSED (or, given, was not run). */
function expectFailedAlone(config: ConfigView, name: string, notRun: string[] = []): { message: string; remedy: string } {
  expect(config.status).toBe('FAILED');
  const failed = check(config, name);
  expect(failed.status).toBe('FAILED');
  expect(failed.message).toBeTruthy();
  expect(failed.remedy).toBeTruthy();
  expect(failed.checkedAt).toBeTruthy();
  for (const c of config.checks) {
    if (c.name === name) continue;
    expect([c.name, c.status]).toEqual([c.name, notRun.includes(c.name) ? 'PENDING' : 'PASSED']);
  }
  expect(config.statusReason).toContain(name);
  return { message: failed.message!, remedy: failed.remedy! };
}

describe('CREDENTIAL_ACTIVE', () => {
  it('a FAILED credential fails the check (Meta checks not run); fixing the credential makes the configuration ACTIVE again', async () => {
    const broken = await createCredential(w.h, acmeInput('expired-cred', { apiToken: IDS.token.expired }));
    await waitForStatus(w.h, broken, 'FAILED');
    const created = await createConfig(w.h, configInput('cred-failed', broken));
    const failed = await waitForConfigStatus(w.h, created.id, 'FAILED');
    const { message, remedy } = expectFailedAlone(failed, 'CREDENTIAL_ACTIVE', ['SENDER_NUMBER', 'APP_SUBSCRIBED']);
    expect(message).toContain('"expired-cred" is FAILED');
    expect(remedy).toMatch(/new token/);
    expect(check(failed, 'SENDER_NUMBER').message).toMatch(/Not run/);

    // Fix the cause: the credential gets a valid token; its configurations are checked again on their own.
    const fixed = await w.h.gql(UpdateCredentialDoc, { input: { id: broken, apiToken: IDS.token.systemUser } });
    expect(fixed.data!.updateWhatsAppApiCredential.__typename).toBe('UpdateWhatsAppApiCredentialSuccess');
    const active = await waitForConfigStatus(w.h, created.id, 'ACTIVE');
    expect(active.checks.every((c) => c.status === 'PASSED')).toBe(true);
  });

  it('Meta rejecting the token during the checks (190) fails CREDENTIAL_ACTIVE; a new token re-checks the configuration by itself', async () => {
    const own = await activeCredential(w.h, 'revoked during checks');
    // The token is revoked after the credential was verified: Meta answers 190 to the checks' calls.
    w.sim.sim.injectFault({
      path: `/${IDS.waba.acmeMain}/phone_numbers`,
      times: 1,
      status: 401,
      metaError: { code: 190, message: 'Error validating access token: The session has been invalidated.', type: 'OAuthException' },
    });
    const created = await createConfig(w.h, configInput('token-revoked', own));
    const failed = await waitForConfigStatus(w.h, created.id, 'FAILED');
    const { message, remedy } = expectFailedAlone(failed, 'CREDENTIAL_ACTIVE', ['SENDER_NUMBER', 'APP_SUBSCRIBED']);
    expect(message).toContain('rejected the access token of the WhatsApp API credential "revoked during checks"');
    expect(remedy).toMatch(/new token/);

    // As for any credential failure: a new token, and the configuration is checked again without a resubmit.
    const fixed = await w.h.gql(UpdateCredentialDoc, { input: { id: own, apiToken: IDS.token.systemUser } });
    expect(fixed.data!.updateWhatsAppApiCredential.__typename).toBe('UpdateWhatsAppApiCredentialSuccess');
    const active = await waitForConfigStatus(w.h, created.id, 'ACTIVE');
    expect(active.checks.every((c) => c.status === 'PASSED')).toBe(true);
  });

  it('an expired token fails the check even while the credential still says ACTIVE', async () => {
    const expiring = 'SIMexpiringSoonToken000000000000000000009';
    const base = defaultScenarioInput();
    w.sim.sim.replaceScenario({
      ...base,
      tokens: [
        ...(base.tokens ?? []),
        {
          value: expiring,
          type: 'SYSTEM_USER',
          appId: IDS.appId,
          businessId: IDS.business.acme,
          userId: '9000000000000099',
          expiresInSeconds: 4,
          scopes: ALL_SCOPES,
          granularScopes: ALL_SCOPES.map((scope) =>
            scope === 'business_management' ? { scope, targetIds: [IDS.business.acme] } : { scope, targetIds: ACME_WABAS },
          ),
        },
      ],
    });
    try {
      const cred = await createCredential(w.h, acmeInput('expiring-cred', { apiToken: expiring }));
      const verified = await waitForStatus(w.h, cred, 'ACTIVE');
      const expiresAt = new Date(verified.apiTokenExpiresAt!).getTime();
      await new Promise((r) => setTimeout(r, Math.max(0, expiresAt - Date.now() + 50)));

      const created = await createConfig(w.h, configInput('token-expired', cred));
      const failed = await waitForConfigStatus(w.h, created.id, 'FAILED');
      const { message, remedy } = expectFailedAlone(failed, 'CREDENTIAL_ACTIVE', ['SENDER_NUMBER', 'APP_SUBSCRIBED']);
      expect(message).toMatch(/access token of the WhatsApp API credential "expiring-cred" expired at/);
      expect(remedy).toMatch(/new token/);

      await w.h.gql(UpdateCredentialDoc, { input: { id: cred, apiToken: IDS.token.systemUser } });
      await waitForConfigStatus(w.h, created.id, 'ACTIVE');
    } finally {
      w.sim.sim.replaceScenario(defaultScenarioInput());
    }
  });
});

describe('SENDER_NUMBER', () => {
  it('a number that is not in the WABA fails; entering the right number (an edit re-runs the checks) gives ACTIVE', async () => {
    const created = await createConfig(
      w.h,
      configInput('sender-elsewhere', credentialId, { whatsApp: { apiCredentialId: credentialId, senderPhoneNumber: NUMBERS.other } }),
    );
    const failed = await waitForConfigStatus(w.h, created.id, 'FAILED');
    const { message, remedy } = expectFailedAlone(failed, 'SENDER_NUMBER');
    expect(message).toContain(`${NUMBERS.other} is not a phone number of the WhatsApp Business Account "Acme Main"`);
    expect(message).toContain(NUMBERS.acmeGreen);
    expect(remedy).toContain(NUMBERS.acmeGreen);

    const fixed = await update(w.h, { id: created.id, whatsApp: { senderPhoneNumber: NUMBERS.acmeGreen } });
    expect(fixed.__typename === 'UpdateChannelConfigurationSuccess' && fixed.data.status).toBe('PROCESSING');
    await waitForConfigStatus(w.h, created.id, 'ACTIVE');
  });

  it('another number of the same WABA fails: the credential sends from its own number', async () => {
    const created = await createConfig(
      w.h,
      configInput('sender-sibling', credentialId, {
        whatsApp: { apiCredentialId: credentialId, senderPhoneNumber: NUMBERS.acmeYellowHigh },
      }),
    );
    const failed = await waitForConfigStatus(w.h, created.id, 'FAILED');
    const { message, remedy } = expectFailedAlone(failed, 'SENDER_NUMBER');
    expect(message).toContain(`the credential "checks main" sends from ${NUMBERS.acmeGreen}`);
    expect(remedy).toContain(`Use ${NUMBERS.acmeGreen}`);
  });

  it('a number Meta reports BLOCKED fails; once Meta lets it send, submitting again gives ACTIVE; LIMITED passes with a note', async () => {
    w.sim.sim.setPhoneNumber(IDS.phone.acmeGreen, { canSendMessage: 'BLOCKED' });
    try {
      const created = await createConfig(w.h, configInput('sender-blocked', credentialId));
      const failed = await waitForConfigStatus(w.h, created.id, 'FAILED');
      const { message, remedy } = expectFailedAlone(failed, 'SENDER_NUMBER');
      expect(message).toMatch(/cannot send messages: health_status.can_send_message is BLOCKED/);
      expect(remedy).toMatch(/submit this configuration again/);

      w.sim.sim.setPhoneNumber(IDS.phone.acmeGreen, { canSendMessage: 'LIMITED' });
      expect((await submit(w.h, created.id)).__typename).toBe('SubmitChannelConfigurationSuccess');
      const limited = await waitForConfigStatus(w.h, created.id, 'ACTIVE');
      // The second run's checks only, each once, in the same order (the first run's rows stay stored).
      expect(limited.checks.map((c) => c.name)).toEqual(failed.checks.map((c) => c.name));
      expect(check(limited, 'SENDER_NUMBER')).toMatchObject({ status: 'PASSED', remedy: null });
      expect(check(limited, 'SENDER_NUMBER').message).toMatch(/LIMITED/);
    } finally {
      w.sim.sim.setPhoneNumber(IDS.phone.acmeGreen, { canSendMessage: 'AVAILABLE' });
    }
  });
});

describe('APP_SUBSCRIBED', () => {
  it('an app that is not subscribed gets subscribed, and the check says so', async () => {
    w.sim.sim.unsubscribeApp(IDS.waba.acmeMain, IDS.appId);
    expect(w.sim.sim.findWaba(IDS.waba.acmeMain)!.subscribedAppIds).not.toContain(IDS.appId);
    const created = await createConfig(w.h, configInput('app-unsubscribed', credentialId));
    const active = await waitForConfigStatus(w.h, created.id, 'ACTIVE');
    expect(check(active, 'APP_SUBSCRIBED')).toMatchObject({ status: 'PASSED', remedy: null });
    expect(check(active, 'APP_SUBSCRIBED').message).toMatch(/was not subscribed .* it has been subscribed now/);
    expect(w.sim.sim.findWaba(IDS.waba.acmeMain)!.subscribedAppIds).toContain(IDS.appId);
  });

  it('Meta refusing the subscription fails the check; once it is allowed, submitting again gives ACTIVE', async () => {
    w.sim.sim.unsubscribeApp(IDS.waba.acmeMain, IDS.appId);
    w.sim.sim.injectFault({
      method: 'POST',
      path: `/${IDS.waba.acmeMain}/subscribed_apps`,
      times: Infinity,
      status: 403,
      metaError: { code: 200, message: '(#200) Permissions error', type: 'OAuthException' },
    });
    const created = await createConfig(w.h, configInput('app-refused', credentialId));
    const failed = await waitForConfigStatus(w.h, created.id, 'FAILED');
    const { message } = expectFailedAlone(failed, 'APP_SUBSCRIBED');
    expect(message).toMatch(/Subscribing the app .* failed: Meta answered \(code 200\)/);

    w.sim.sim.clearFaults();
    expect((await submit(w.h, created.id)).__typename).toBe('SubmitChannelConfigurationSuccess');
    await waitForConfigStatus(w.h, created.id, 'ACTIVE');
    expect(w.sim.sim.findWaba(IDS.waba.acmeMain)!.subscribedAppIds).toContain(IDS.appId);
  });

  it('Meta failing the subscription with a 5xx keeps the check PENDING and PROCESSING (never FAILED) until Meta answers', async () => {
    w.sim.sim.unsubscribeApp(IDS.waba.acmeMain, IDS.appId);
    w.sim.sim.injectFault({ method: 'POST', path: `/${IDS.waba.acmeMain}/subscribed_apps`, times: Infinity, status: 503 });
    const created = await createConfig(w.h, configInput('app-5xx', credentialId));
    const waiting = await waitForConfig(
      w.h,
      created.id,
      (c) => check(c, 'APP_SUBSCRIBED').message?.startsWith('Waiting for Meta') === true,
    );
    expect(waiting.status).toBe('PROCESSING');
    expect(check(waiting, 'APP_SUBSCRIBED').status).toBe('PENDING');
    expect(check(waiting, 'SENDER_NUMBER').status).toBe('PASSED');
    w.sim.sim.clearFaults();
    await waitForConfigStatus(w.h, created.id, 'ACTIVE', 15_000);
  });
});

describe('WEBHOOK', () => {
  it("a webhook of another credential fails; choosing the credential's own webhook gives ACTIVE", async () => {
    const otherCredential = await activeCredential(w.h, 'checks other', IDS.phone.acmeYellowHigh);
    const foreign = await createWebhook(w.h, otherCredential, 'foreign-hook', w.sim);
    const created = await createConfig(
      w.h,
      configInput('hook-foreign', credentialId, {
        whatsApp: { apiCredentialId: credentialId, senderPhoneNumber: NUMBERS.acmeGreen, webhookId: foreign.id },
      }),
    );
    const failed = await waitForConfigStatus(w.h, created.id, 'FAILED');
    const { message, remedy } = expectFailedAlone(failed, 'WEBHOOK');
    expect(message).toContain('"foreign-hook" belongs to the WhatsApp API credential "checks other", not to "checks main"');
    expect(remedy).toContain('"checks main"');

    const own = await createWebhook(w.h, credentialId, 'own-hook', w.sim);
    await update(w.h, { id: created.id, whatsApp: { webhookId: own.id } });
    await waitForConfigStatus(w.h, created.id, 'ACTIVE');
  });

  it('a webhook Meta has not verified fails; after the handshake, submitting again gives ACTIVE', async () => {
    const hook = await createWebhook(w.h, credentialId, 'unverified-hook');
    expect(hook.verifiedAt).toBeNull();
    const created = await createConfig(
      w.h,
      configInput('hook-unverified', credentialId, {
        whatsApp: { apiCredentialId: credentialId, senderPhoneNumber: NUMBERS.acmeGreen, webhookId: hook.id },
      }),
    );
    const failed = await waitForConfigStatus(w.h, created.id, 'FAILED');
    const { message, remedy } = expectFailedAlone(failed, 'WEBHOOK');
    expect(message).toMatch(/Meta has not verified the webhook "unverified-hook"/);
    expect(remedy).toMatch(/Verify and save/);

    await verifyWebhook(w.h, w.sim, hook);
    expect((await submit(w.h, created.id)).__typename).toBe('SubmitChannelConfigurationSuccess');
    await waitForConfigStatus(w.h, created.id, 'ACTIVE');
  });
});

describe('EXECUTION_FIELD', () => {
  // Both the configuration's field and the sandbox default are validated when written (ValidationError, see
  // validation.test.ts), so the API cannot store a bad one. A value stored by an older version or by hand can
  // still be bad; the check guards against it. The test stores one directly to prove the check.
  it('an invalid stored sandbox default fails; fixing the default and submitting again gives ACTIVE', async () => {
    const sandboxId = await sandboxIdOf(w.h);
    // Times are epoch ms on SQLite and timestamptz on PostgreSQL (better-sqlite3 refuses a Date).
    const now = TEST_BACKEND === 'pg' ? new Date() : Date.now();
    await sqlRun(
      w.h.server,
      `INSERT INTO channel_general_settings (sandbox_id, whatsapp_execution_field, updated_at) VALUES (?, ?, ?)
       ON CONFLICT(sandbox_id) DO UPDATE SET whatsapp_execution_field = excluded.whatsapp_execution_field`,
      sandboxId,
      'mobile phone!',
      now,
    );
    try {
      const created = await createConfig(w.h, configInput('exec-bad-default', credentialId));
      const failed = await waitForConfigStatus(w.h, created.id, 'FAILED');
      const { message, remedy } = expectFailedAlone(failed, 'EXECUTION_FIELD');
      expect(message).toMatch(/"mobile phone!" \(the sandbox default\) must be a dotted attribute path/);
      expect(remedy).toMatch(/updateChannelGeneralSettings/);
    } finally {
      await w.h.gql(UpdateGeneralSettingsDoc, { input: { whatsAppExecutionField: 'mobilePhone.number' } });
    }
    const again = await createConfig(w.h, configInput('exec-good-default', credentialId));
    await waitForConfigStatus(w.h, again.id, 'ACTIVE');
  });
});

describe('MARKETING_ACTIONS', () => {
  // The API has no way to delete a marketing action; a row removed from the catalog (by an operator or a
  // future delete) is simulated by deleting it directly.
  it('a marketing action that no longer exists fails; removing it (an edit re-runs the checks) gives ACTIVE', async () => {
    const res = await w.h.gql(CreateMarketingActionDoc, { input: { key: 'spring_sale', name: 'Spring sale' } });
    const r = res.data!.createMarketingAction;
    if (r.__typename !== 'CreateMarketingActionSuccess') throw new Error(JSON.stringify(res));
    const draft = await createConfig(w.h, configInput('ma-deleted', credentialId, { marketingActionIds: [r.data.id], saveAsDraft: true }));
    expect(draft.marketingActions).toHaveLength(1);
    await sqlRun(w.h.server, "DELETE FROM marketing_actions WHERE key = 'spring_sale'");

    expect((await submit(w.h, draft.id)).__typename).toBe('SubmitChannelConfigurationSuccess');
    const failed = await waitForConfigStatus(w.h, draft.id, 'FAILED');
    const { message, remedy } = expectFailedAlone(failed, 'MARKETING_ACTIONS');
    expect(message).toMatch(/no longer exists in the sandbox/);
    expect(remedy).toMatch(/updateChannelConfiguration/);
    expect(failed.marketingActions).toEqual([]);

    await update(w.h, { id: draft.id, marketingActionIds: [] });
    await waitForConfigStatus(w.h, draft.id, 'ACTIVE');
  });
});

describe('secrets', () => {
  it('no token reaches a log line or a stored check message', async () => {
    const logs = w.h.logs.text();
    const stored = JSON.stringify(await sqlRows(w.h.server, 'SELECT message, remedy FROM channel_configuration_checks'));
    const reasons = JSON.stringify(await sqlRows(w.h.server, 'SELECT status_reason FROM channel_configurations'));
    for (const token of [IDS.token.systemUser, IDS.token.expired, 'SIMexpiringSoonToken000000000000000000009']) {
      expect(logs).not.toContain(token);
      expect(stored).not.toContain(token);
      expect(reasons).not.toContain(token);
    }
    // The rows looked at are real check results, not an empty table.
    expect(stored).toContain('WhatsApp Business Account');
  });
});
