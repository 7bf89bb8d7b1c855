import { toGlobalId } from '../../src/graphql/ids.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectWs, subscribeSse, type WsConnection } from '../helpers/live.js';
import { DeleteDoc as DeleteCredentialDoc } from '../credentials/helpers.js';
import { sqlValue } from '../helpers/sql.js';
import { sandboxIdOf, useWorld } from '../helpers/world.js';
import {
  activeCredential,
  check,
  checkJobs,
  ConfigListDoc,
  configInput,
  createConfig,
  createConfigRaw,
  createWebhook,
  DeactivateConfigDoc,
  DeleteConfigDoc,
  marketingActions,
  NUMBERS,
  rawId,
  ReactivateConfigDoc,
  readConfig,
  StatusSubDoc,
  submit,
  update,
  UpdateGeneralSettingsDoc,
  waitForConfigStatus,
  waitUntil,
} from './helpers.js';

/**
 * The lifecycle of a channel configuration over the real server, the simulator
 * playing Meta: submission and the live PROCESSING → ACTIVE (acceptance 1),
 * drafts (3), late subscribers (7), deactivate/reactivate (8), edits, delete,
 * the list and SSE.
 */

const ALL_CHECKS = ['CREDENTIAL_ACTIVE', 'SENDER_NUMBER', 'APP_SUBSCRIBED', 'WEBHOOK', 'EXECUTION_FIELD', 'MARKETING_ACTIONS'];

const w = useWorld();
const storedChecks = (id: string) =>
  sqlValue(w.h.server, 'SELECT count(*) FROM channel_configuration_checks WHERE configuration_id = ?', rawId(id));
let credentialId: string;
let ws: WsConnection;

beforeAll(async () => {
  credentialId = await activeCredential(w.h, 'lifecycle main');
  ws = connectWs(w.h.wsUrl, w.h.adminKey);
});

afterAll(async () => {
  await ws?.dispose();
});

describe('submission (acceptance 1)', () => {
  it('a graphql-ws subscriber sees PROCESSING then ACTIVE with every check PASSED, and the query agrees', async () => {
    const sandboxId = await sandboxIdOf(w.h);
    const before = w.h.server.deps.pubsub.listenerCount(sandboxId, 'channel-configuration:status-changed');
    const sub = ws.subscribe(StatusSubDoc, {});
    await waitUntil(
      () => w.h.server.deps.pubsub.listenerCount(sandboxId, 'channel-configuration:status-changed') > before,
      5_000,
      'subscribed',
    );
    const seenBefore = sub.events.all.length;

    const actions = await marketingActions(w.h);
    const created = await createConfig(
      w.h,
      configInput('Welcome-flow.v1', credentialId, { description: 'Welcome series', marketingActionIds: [actions[0]!.id] }),
    );
    expect(created.status).toBe('PROCESSING');
    expect(created.checks.map((c) => c.name)).toEqual(ALL_CHECKS);
    // PENDING, unless the check job (woken at the commit, on PostgreSQL through the bus) already ran some of them
    // before the mutation read its answer back.
    expect(created.checks.every((c) => c.status === 'PENDING' || c.status === 'PASSED')).toBe(true);

    const processing = await sub.events.until((e) => e.data?.channelConfigurationStatusChanged.channelConfiguration.id === created.id);
    expect(processing.data!.channelConfigurationStatusChanged).toMatchObject({ previousStatus: null, status: 'PROCESSING' });
    const active = await sub.events.until((e) => e.data?.channelConfigurationStatusChanged.channelConfiguration.id === created.id);
    expect(active.data!.channelConfigurationStatusChanged).toMatchObject({ previousStatus: 'PROCESSING', status: 'ACTIVE' });
    const checks = active.data!.channelConfigurationStatusChanged.channelConfiguration.checks;
    expect(checks.map((c) => [c.name, c.status])).toEqual(ALL_CHECKS.map((n) => [n, 'PASSED']));
    // Exactly two events for this configuration.
    await sub.events.none(200);
    const mine = sub.events.all
      .slice(seenBefore)
      .filter((e) => e.data?.channelConfigurationStatusChanged.channelConfiguration.id === created.id);
    expect(mine.map((e) => e.data!.channelConfigurationStatusChanged.status)).toEqual(['PROCESSING', 'ACTIVE']);
    sub.unsubscribe();

    const read = await readConfig(w.h, created.id);
    expect(read).toMatchObject({
      name: 'Welcome-flow.v1',
      description: 'Welcome series',
      channel: 'WHATSAPP',
      status: 'ACTIVE',
      statusReason: null,
      marketingActions: [{ id: actions[0]!.id }],
      whatsApp: {
        apiCredential: { id: credentialId },
        webhook: null,
        senderPhoneNumber: NUMBERS.acmeGreen,
        executionField: null,
        effectiveExecutionField: 'mobilePhone.number',
      },
    });
    for (const c of read!.checks) {
      expect(c.status).toBe('PASSED');
      expect(c.message).toBeTruthy();
      expect(c.remedy).toBeNull();
      expect(c.checkedAt).toBeTruthy();
    }
    expect(check(read!, 'WEBHOOK').message).toMatch(/inbound keywords .* delivery reports will not be processed/);
  });

  it('the sandbox default execution field is used until the configuration sets its own', async () => {
    const created = await createConfig(w.h, configInput('exec-default', credentialId));
    await waitForConfigStatus(w.h, created.id, 'ACTIVE');
    const res = await w.h.gql(UpdateGeneralSettingsDoc, { input: { whatsAppExecutionField: 'contact.whatsApp' } });
    expect(res.data!.updateChannelGeneralSettings.__typename).toBe('UpdateChannelGeneralSettingsSuccess');
    expect((await readConfig(w.h, created.id))!.whatsApp).toMatchObject({
      executionField: null,
      effectiveExecutionField: 'contact.whatsApp',
    });
    const own = await createConfig(
      w.h,
      configInput('exec-own', credentialId, {
        whatsApp: { apiCredentialId: credentialId, senderPhoneNumber: NUMBERS.acmeGreen, executionField: 'phones.main' },
      }),
    );
    expect(own.whatsApp).toMatchObject({ executionField: 'phones.main', effectiveExecutionField: 'phones.main' });
    await w.h.gql(UpdateGeneralSettingsDoc, { input: { whatsAppExecutionField: 'mobilePhone.number' } });
    await waitForConfigStatus(w.h, own.id, 'ACTIVE');
  });
});

describe('drafts (acceptance 3)', () => {
  it('a draft is saved incomplete and not checked; submitting it incomplete names the missing fields', async () => {
    const jobsBefore = (await checkJobs(w.h)).length;
    const draft = await createConfig(w.h, { name: 'draft-one', channel: 'WHATSAPP', whatsApp: {}, saveAsDraft: true });
    expect(draft).toMatchObject({ status: 'DRAFT', checks: [], whatsApp: { apiCredential: null, senderPhoneNumber: null } });
    expect((await checkJobs(w.h)).length).toBe(jobsBefore);
    expect(await storedChecks(draft.id)).toBe(0);

    const res = await submit(w.h, draft.id);
    expect(res.__typename).toBe('ValidationError');
    if (res.__typename !== 'ValidationError') return;
    expect(res.fieldErrors.map((f) => f.path.join('.')).sort()).toEqual(['whatsApp.apiCredentialId', 'whatsApp.senderPhoneNumber']);
    expect((await readConfig(w.h, draft.id))!.status).toBe('DRAFT');
    expect((await checkJobs(w.h)).length).toBe(jobsBefore);

    // Half-complete: only the missing one is named.
    const half = await update(w.h, { id: draft.id, whatsApp: { apiCredentialId: credentialId } });
    expect(half.__typename).toBe('UpdateChannelConfigurationSuccess');
    if (half.__typename === 'UpdateChannelConfigurationSuccess') expect(half.data.status).toBe('DRAFT');
    const again = await submit(w.h, draft.id);
    expect(again.__typename === 'ValidationError' && again.fieldErrors.map((f) => f.path.join('.'))).toEqual([
      'whatsApp.senderPhoneNumber',
    ]);

    const complete = await update(w.h, { id: draft.id, whatsApp: { senderPhoneNumber: '1 555 010 0001' } });
    expect(complete.__typename === 'UpdateChannelConfigurationSuccess' && complete.data).toMatchObject({
      status: 'DRAFT',
      checks: [],
      whatsApp: { senderPhoneNumber: NUMBERS.acmeGreen },
    });
    expect((await checkJobs(w.h)).length).toBe(jobsBefore);
    const submitted = await submit(w.h, draft.id);
    expect(submitted.__typename === 'SubmitChannelConfigurationSuccess' && submitted.data.status).toBe('PROCESSING');
    await waitForConfigStatus(w.h, draft.id, 'ACTIVE');
  });

  it('creating without saveAsDraft requires the WhatsApp settings; nothing is stored', async () => {
    const res = await createConfigRaw(w.h, { name: 'not-a-draft', channel: 'WHATSAPP', whatsApp: { senderPhoneNumber: '' } });
    const r = res.data!.createChannelConfiguration;
    expect(r.__typename).toBe('ValidationError');
    if (r.__typename === 'ValidationError') {
      expect(r.fieldErrors.map((f) => f.path.join('.')).sort()).toEqual(['whatsApp.apiCredentialId', 'whatsApp.senderPhoneNumber']);
    }
    const list = await w.h.gql(ConfigListDoc, { search: 'not-a-draft' });
    expect(list.data!.channelConfigurations.totalCount).toBe(0);
  });
});

describe('late subscribers (acceptance 7)', () => {
  it('a subscriber that connects after the transition gets the current state first, once, then each transition once', async () => {
    const created = await createConfig(w.h, configInput('late-sub', credentialId));
    await waitForConfigStatus(w.h, created.id, 'ACTIVE');
    const late = connectWs(w.h.wsUrl, w.h.adminKey);
    try {
      const sub = late.subscribe(StatusSubDoc, { id: created.id });
      const first = await sub.events.next();
      expect(first.data!.channelConfigurationStatusChanged).toMatchObject({
        previousStatus: 'PROCESSING',
        status: 'ACTIVE',
        channelConfiguration: { id: created.id, status: 'ACTIVE' },
      });
      await sub.events.none(200);
      const res = await w.h.gql(DeactivateConfigDoc, { input: { id: created.id } });
      expect(res.data!.deactivateChannelConfiguration.__typename).toBe('DeactivateChannelConfigurationSuccess');
      const next = await sub.events.next();
      expect(next.data!.channelConfigurationStatusChanged).toMatchObject({ previousStatus: 'ACTIVE', status: 'DEACTIVATED' });
      await sub.events.none(200);
      expect(sub.events.all).toHaveLength(2);
    } finally {
      await late.dispose();
    }
  });

  it('subscribing to an id that does not exist is NOT_FOUND; a malformed id is BAD_USER_INPUT (the one id rule)', async () => {
    const late = connectWs(w.h.wsUrl, w.h.adminKey);
    try {
      const missing = late.subscribe(StatusSubDoc, { id: toGlobalId('ChannelConfiguration', '01KCDOESNOTEXIST0000000000') });
      expect((await missing.events.next()).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const malformed = late.subscribe(StatusSubDoc, { id: 'nonsense' });
      expect((await malformed.events.next()).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    } finally {
      await late.dispose();
    }
  });
});

describe('deactivate and reactivate (acceptance 8)', () => {
  it('ACTIVE → DEACTIVATED → PROCESSING → ACTIVE, each transition pushed once and in order', async () => {
    const created = await createConfig(w.h, configInput('toggle-me', credentialId));
    await waitForConfigStatus(w.h, created.id, 'ACTIVE');
    const sub = ws.subscribe(StatusSubDoc, { id: created.id });
    expect((await sub.events.next()).data!.channelConfigurationStatusChanged.status).toBe('ACTIVE');

    const off = await w.h.gql(DeactivateConfigDoc, { input: { id: created.id } });
    expect(off.data!.deactivateChannelConfiguration).toMatchObject({
      __typename: 'DeactivateChannelConfigurationSuccess',
      data: { status: 'DEACTIVATED' },
    });
    const offRead = await readConfig(w.h, created.id);
    expect(offRead!.statusReason).toMatch(/Deactivated/);

    // Invalid transitions are typed errors and change nothing.
    const twice = await w.h.gql(DeactivateConfigDoc, { input: { id: created.id } });
    expect(twice.data!.deactivateChannelConfiguration).toMatchObject({ __typename: 'InvalidStateError', code: 'INVALID_STATE' });
    const submitDeactivated = await submit(w.h, created.id);
    expect(submitDeactivated).toMatchObject({ __typename: 'InvalidStateError', code: 'INVALID_STATE' });

    const on = await w.h.gql(ReactivateConfigDoc, { input: { id: created.id } });
    expect(on.data!.reactivateChannelConfiguration).toMatchObject({
      __typename: 'ReactivateChannelConfigurationSuccess',
      data: { status: 'PROCESSING' },
    });
    await waitForConfigStatus(w.h, created.id, 'ACTIVE');
    const reactivateActive = await w.h.gql(ReactivateConfigDoc, { input: { id: created.id } });
    expect(reactivateActive.data!.reactivateChannelConfiguration).toMatchObject({ __typename: 'InvalidStateError' });

    const statuses: string[] = [];
    for (let i = 0; i < 3; i++) {
      const e = (await sub.events.next()).data!.channelConfigurationStatusChanged;
      statuses.push(`${e.previousStatus}->${e.status}`);
    }
    expect(statuses).toEqual(['ACTIVE->DEACTIVATED', 'DEACTIVATED->PROCESSING', 'PROCESSING->ACTIVE']);
    await sub.events.none(200);
    sub.unsubscribe();
  });

  it('a draft cannot be deactivated, reactivated or submitted twice', async () => {
    const draft = await createConfig(w.h, { name: 'draft-states', channel: 'WHATSAPP', whatsApp: {}, saveAsDraft: true });
    const off = await w.h.gql(DeactivateConfigDoc, { input: { id: draft.id } });
    expect(off.data!.deactivateChannelConfiguration.__typename).toBe('InvalidStateError');
    const on = await w.h.gql(ReactivateConfigDoc, { input: { id: draft.id } });
    expect(on.data!.reactivateChannelConfiguration.__typename).toBe('InvalidStateError');
    const active = await createConfig(w.h, configInput('submit-active', credentialId));
    await waitForConfigStatus(w.h, active.id, 'ACTIVE');
    expect((await submit(w.h, active.id)).__typename).toBe('InvalidStateError');
  });
});

describe('edits', () => {
  it('editing checked settings of an ACTIVE configuration re-runs the checks; a new name alone does not', async () => {
    const created = await createConfig(w.h, configInput('edit-me', credentialId));
    const active = await waitForConfigStatus(w.h, created.id, 'ACTIVE');
    const renamed = await update(w.h, { id: created.id, name: 'edit-me-2', description: 'renamed' });
    expect(renamed.__typename === 'UpdateChannelConfigurationSuccess' && renamed.data).toMatchObject({
      name: 'edit-me-2',
      description: 'renamed',
      status: 'ACTIVE',
      statusChangedAt: active.statusChangedAt,
    });
    const jobsBefore = (await checkJobs(w.h)).length;
    const sub = ws.subscribe(StatusSubDoc, { id: created.id });
    expect((await sub.events.next()).data!.channelConfigurationStatusChanged.status).toBe('ACTIVE');
    const changed = await update(w.h, { id: created.id, whatsApp: { executionField: 'phones.whatsApp' } });
    expect(changed.__typename === 'UpdateChannelConfigurationSuccess' && changed.data.status).toBe('PROCESSING');
    expect((await checkJobs(w.h)).length).toBe(jobsBefore + 1);
    expect((await sub.events.next()).data!.channelConfigurationStatusChanged).toMatchObject({
      previousStatus: 'ACTIVE',
      status: 'PROCESSING',
    });
    expect((await sub.events.next()).data!.channelConfigurationStatusChanged).toMatchObject({
      previousStatus: 'PROCESSING',
      status: 'ACTIVE',
    });
    sub.unsubscribe();
    // A submitted configuration cannot lose its required settings.
    const cleared = await update(w.h, { id: created.id, whatsApp: { senderPhoneNumber: null } });
    expect(cleared.__typename === 'ValidationError' && cleared.fieldErrors.map((f) => f.path.join('.'))).toEqual([
      'whatsApp.senderPhoneNumber',
    ]);
    expect((await readConfig(w.h, created.id))!.whatsApp.senderPhoneNumber).toBe(NUMBERS.acmeGreen);
  });

  it('a webhook can be set and cleared; delete removes the configuration and its checks', async () => {
    const webhook = await createWebhook(w.h, credentialId, 'lifecycle-hook', w.sim);
    const created = await createConfig(
      w.h,
      configInput('with-hook', credentialId, {
        whatsApp: { apiCredentialId: credentialId, senderPhoneNumber: NUMBERS.acmeGreen, webhookId: webhook.id },
      }),
    );
    const active = await waitForConfigStatus(w.h, created.id, 'ACTIVE');
    expect(active.whatsApp.webhook).toMatchObject({ id: webhook.id });
    expect(check(active, 'WEBHOOK').message).toMatch(/verified by Meta/);
    const cleared = await update(w.h, { id: created.id, whatsApp: { webhookId: null } });
    expect(cleared.__typename === 'UpdateChannelConfigurationSuccess' && cleared.data.whatsApp.webhook).toBeNull();
    await waitForConfigStatus(w.h, created.id, 'ACTIVE');

    const del = await w.h.gql(DeleteConfigDoc, { input: { id: created.id } });
    expect(del.data!.deleteChannelConfiguration).toMatchObject({
      __typename: 'DeleteChannelConfigurationSuccess',
      data: { id: created.id, name: 'with-hook' },
    });
    expect(await readConfig(w.h, created.id)).toBeNull();
    expect(await storedChecks(created.id)).toBe(0);
    const again = await w.h.gql(DeleteConfigDoc, { input: { id: created.id } });
    expect(again.data!.deleteChannelConfiguration).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
  });

  it('a credential used by a configuration (even a draft) cannot be deleted: ConflictError; it can once the configuration is gone', async () => {
    const own = await activeCredential(w.h, 'used by a draft');
    const draft = await createConfig(w.h, { ...configInput('uses-credential', own), saveAsDraft: true });
    const refused = await w.h.gql(DeleteCredentialDoc, { input: { id: own } });
    expect(refused.data!.deleteWhatsAppApiCredential).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT' });
    expect((await readConfig(w.h, draft.id))!.whatsApp.apiCredential).toMatchObject({ id: own });

    await w.h.gql(DeleteConfigDoc, { input: { id: draft.id } });
    const deleted = await w.h.gql(DeleteCredentialDoc, { input: { id: own } });
    expect(deleted.data!.deleteWhatsAppApiCredential.__typename).toBe('DeleteWhatsAppApiCredentialSuccess');
  });
});

describe('the list', () => {
  it('filters by status, channel and name (case-insensitive substring) and pages with cursors', async () => {
    for (const name of ['Search-Alpha', 'search-beta', 'SEARCH_gamma']) {
      await createConfig(w.h, { name, channel: 'WHATSAPP', whatsApp: {}, saveAsDraft: true });
    }
    const found = await w.h.gql(ConfigListDoc, { search: 'SeArCh', first: 2 });
    const page1 = found.data!.channelConfigurations;
    expect(page1.totalCount).toBe(3);
    expect(page1.edges.map((e) => e.node.name)).toEqual(['SEARCH_gamma', 'search-beta']);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = (await w.h.gql(ConfigListDoc, { search: 'search', first: 2, after: page1.pageInfo.endCursor })).data!
      .channelConfigurations;
    expect(page2.edges.map((e) => e.node.name)).toEqual(['Search-Alpha']);
    expect(page2.pageInfo.hasNextPage).toBe(false);
    // "_" and "%" are literal characters, not LIKE wildcards.
    expect((await w.h.gql(ConfigListDoc, { search: 'h_g' })).data!.channelConfigurations.totalCount).toBe(1);
    expect((await w.h.gql(ConfigListDoc, { search: '%' })).data!.channelConfigurations.totalCount).toBe(0);

    const drafts = (await w.h.gql(ConfigListDoc, { status: 'DRAFT', first: 100 })).data!.channelConfigurations;
    expect(drafts.edges.every((e) => e.node.status === 'DRAFT')).toBe(true);
    expect(drafts.edges.map((e) => e.node.name)).toEqual(expect.arrayContaining(['Search-Alpha', 'search-beta', 'SEARCH_gamma']));
    const whatsapp = (await w.h.gql(ConfigListDoc, { channel: 'WHATSAPP', first: 100 })).data!.channelConfigurations;
    const all = (await w.h.gql(ConfigListDoc, { first: 100 })).data!.channelConfigurations;
    expect(whatsapp.totalCount).toBe(all.totalCount);
  });
});

describe('SSE transport', () => {
  it('channelConfigurationStatusChanged works over SSE: current state first, then the transitions', async () => {
    const created = await createConfig(w.h, configInput('over-sse', credentialId));
    await waitForConfigStatus(w.h, created.id, 'ACTIVE');
    const sse = await subscribeSse(w.h.url, w.h.adminKey, StatusSubDoc, { id: created.id });
    try {
      expect(sse.status).toBe(200);
      expect((await sse.events.next()).data!.channelConfigurationStatusChanged).toMatchObject({ status: 'ACTIVE' });
      await w.h.gql(DeactivateConfigDoc, { input: { id: created.id } });
      expect((await sse.events.next()).data!.channelConfigurationStatusChanged).toMatchObject({
        previousStatus: 'ACTIVE',
        status: 'DEACTIVATED',
      });
      await w.h.gql(ReactivateConfigDoc, { input: { id: created.id } });
      expect((await sse.events.next()).data!.channelConfigurationStatusChanged.status).toBe('PROCESSING');
      expect((await sse.events.next()).data!.channelConfigurationStatusChanged.status).toBe('ACTIVE');
    } finally {
      sse.close();
    }
  });
});
