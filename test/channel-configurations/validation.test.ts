import { beforeAll, describe, expect, it } from 'vitest';
import { useWorld } from '../helpers/world.js';
import { acmeInput, createCredential } from '../credentials/helpers.js';
import {
  activeCredential,
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
  ReactivateConfigDoc,
  readConfig,
  submit,
  update,
  UpdateConfigDoc,
  SubmitConfigDoc,
  type ConfigInput,
} from './helpers.js';

/**
 * Acceptance 5 and every input rule: the name rule (table), case-insensitive
 * uniqueness, phone normalisation (table), description, execution field,
 * references into the sandbox, entitlement. A bad input is a typed error and
 * changes nothing.
 */

const w = useWorld();
let credentialId: string;
let otherKey: string;
let foreignCredentialId: string;
let noEntitlementKey: string;

beforeAll(async () => {
  credentialId = await activeCredential(w.h, 'validation main');
  otherKey = await w.h.createKey({ sandbox: 'other', role: 'ADMIN' });
  foreignCredentialId = await createCredential(w.h, acmeInput('other sandbox cred'), otherKey);
  noEntitlementKey = await w.h.createKey({ organization: 'noent', sandbox: 'prod', role: 'ADMIN', entitlements: [] });
});

async function total(): Promise<number> {
  const res = await w.h.gql(ConfigListDoc, { first: 1 });
  return res.data!.channelConfigurations.totalCount;
}

/** The mutations that take only a configuration id; each returns its result union member. */
const byId = {
  submit: async (id: string, key?: string) => (await w.h.gql(SubmitConfigDoc, { input: { id } }, key)).data!.submitChannelConfiguration,
  deactivate: async (id: string, key?: string) =>
    (await w.h.gql(DeactivateConfigDoc, { input: { id } }, key)).data!.deactivateChannelConfiguration,
  reactivate: async (id: string, key?: string) =>
    (await w.h.gql(ReactivateConfigDoc, { input: { id } }, key)).data!.reactivateChannelConfiguration,
  delete: async (id: string, key?: string) => (await w.h.gql(DeleteConfigDoc, { input: { id } }, key)).data!.deleteChannelConfiguration,
};

const draft = (name: string, whatsApp: ConfigInput['whatsApp'] = {}): ConfigInput => ({
  name,
  channel: 'WHATSAPP',
  whatsApp,
  saveAsDraft: true,
});

/** The input is refused with exactly these field paths, and nothing is stored. */
async function expectRejected(input: ConfigInput, paths: string[]): Promise<string[]> {
  const before = await total();
  const jobs = (await checkJobs(w.h)).length;
  const res = await createConfigRaw(w.h, input);
  expect(res.errors).toBeUndefined();
  const r = res.data!.createChannelConfiguration;
  expect(r.__typename, JSON.stringify(input)).toBe('ValidationError');
  if (r.__typename !== 'ValidationError') return [];
  expect(r.code).toBe('VALIDATION_FAILED');
  expect(r.fieldErrors.map((f) => f.path.join('.')).sort()).toEqual([...paths].sort());
  expect(await total()).toBe(before);
  expect((await checkJobs(w.h)).length).toBe(jobs);
  return r.fieldErrors.map((f) => f.message);
}

describe('the name rule (acceptance 5)', () => {
  const VALID = ['a', 'Z', 'Welcome', 'welcome_flow', 'flow.v2', 'x-1', 'Promo2025', 'a.b-c_d', 'q'.repeat(128)];
  const INVALID: [string, RegExp][] = [
    ['', /must not be empty/],
    ['1abc', /start with a letter/],
    ['_abc', /start with a letter/],
    ['.abc', /start with a letter/],
    ['-abc', /start with a letter/],
    [' lead', /start with a letter/],
    ['has space', /only letters/],
    ['trail ', /only letters/],
    ['émoji', /start with a letter/],
    ['caf\u00e9', /only letters/],
    ['a/b', /only letters/],
    ['a@b', /only letters/],
    ['tab\there', /only letters/],
    ['r'.repeat(129), /at most 128/],
  ];

  it.each(VALID)('accepts %j', async (name) => {
    const created = await createConfig(w.h, draft(name));
    expect(created.name).toBe(name);
  });

  it.each(INVALID)('rejects %j', async (name, message) => {
    const messages = await expectRejected(draft(name), ['name']);
    expect(messages[0]).toMatch(message);
  });

  it('names are unique in the sandbox ignoring case (ConflictError), also on rename; another sandbox may reuse them', async () => {
    const first = await createConfig(w.h, draft('Promo'));
    const before = await total();
    for (const name of ['Promo', 'PROMO', 'promo']) {
      const res = await createConfigRaw(w.h, draft(name));
      expect(res.data!.createChannelConfiguration).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT' });
    }
    expect(await total()).toBe(before);
    const second = await createConfig(w.h, draft('Promo-2'));
    const rename = await w.h.gql(UpdateConfigDoc, { input: { id: second.id, name: 'pRoMo' } });
    expect(rename.data!.updateChannelConfiguration).toMatchObject({ __typename: 'ConflictError' });
    expect((await readConfig(w.h, second.id))!.name).toBe('Promo-2');
    // Changing only the case of its own name is fine.
    const recase = await update(w.h, { id: first.id, name: 'PROMO' });
    expect(recase.__typename === 'UpdateChannelConfigurationSuccess' && recase.data.name).toBe('PROMO');
    const elsewhere = await createConfigRaw(w.h, draft('promo'), otherKey);
    expect(elsewhere.data!.createChannelConfiguration.__typename).toBe('CreateChannelConfigurationSuccess');
  });
});

describe('sender phone number normalisation (acceptance 5)', () => {
  const VALID: [string, string][] = [
    ['+1 415 555 0123', '+14155550123'],
    ['+14155550123', '+14155550123'],
    ['14155550123', '+14155550123'],
    ['1-415-555-0123', '+14155550123'],
    ['1.415.555.0123', '+14155550123'],
    ['+1 (415) 555-0123', '+14155550123'],
    ['1 (415) 555.0123', '+14155550123'],
    ['0014155550123', '+14155550123'],
    ['  +44 20 7183 8750 ', '+442071838750'],
    ['+351 21 000 0005', '+351210000005'],
    // Meta's test numbers (+1 555 …) are outside assigned ranges but must be accepted.
    ['1 555 010 0001', NUMBERS.acmeGreen],
  ];
  const INVALID = [
    '(415) 555-0123', // no country code: read as +41 5 …, which is no number
    '415-555-0123',
    'phone',
    '+1 415 555 01',
    '++14155550123',
    '+1 415 555 0123 ext 2',
    '123',
    '+1 415 555 0123 4567 89',
    '+1/415/555/0123',
  ];

  it.each(VALID)('%j is stored as %s', async (input, e164) => {
    const created = await createConfig(
      w.h,
      draft(`phone-${e164.slice(1)}-${Math.random().toString(36).slice(2, 8)}`, { senderPhoneNumber: input }),
    );
    expect(created.whatsApp.senderPhoneNumber).toBe(e164);
  });

  it.each(INVALID)('rejects %j', async (input) => {
    await expectRejected(draft('phone-bad', { senderPhoneNumber: input }), ['whatsApp.senderPhoneNumber']);
  });

  it('an update with a bad number is refused and keeps the stored one', async () => {
    const created = await createConfig(w.h, draft('phone-update', { senderPhoneNumber: '+1 415 555 0123' }));
    const res = await w.h.gql(UpdateConfigDoc, { input: { id: created.id, whatsApp: { senderPhoneNumber: '415 555' } } });
    expect(res.data!.updateChannelConfiguration.__typename).toBe('ValidationError');
    expect((await readConfig(w.h, created.id))!.whatsApp.senderPhoneNumber).toBe('+14155550123');
  });
});

describe('the other fields', () => {
  it('description: at most 1000 characters (trimmed; empty is none)', async () => {
    await expectRejected({ ...draft('desc-long'), description: 'd'.repeat(1001) }, ['description']);
    const ok = await createConfig(w.h, { ...draft('desc-max'), description: 'd'.repeat(1000) });
    expect(ok.description).toHaveLength(1000);
    const empty = await createConfig(w.h, { ...draft('desc-empty'), description: '   ' });
    expect(empty.description).toBeNull();
  });

  it.each(['mobile phone', '1abc', 'a..b', '.a', 'a.', ' a'])('executionField %j is a ValidationError', async (field) => {
    await expectRejected(draft('exec-bad', { executionField: field }), ['whatsApp.executionField']);
  });

  it('references must be ids of the right type (else BAD_USER_INPUT) in the caller sandbox (a field error, never another sandbox)', async () => {
    const actions = await marketingActions(w.h);
    const badId = async (input: ConfigInput, argument: string) => {
      const before = await total();
      const res = await createConfigRaw(w.h, input);
      expect(res.errors?.[0]?.extensions, JSON.stringify(input)).toMatchObject({ code: 'BAD_USER_INPUT', argument });
      expect(await total()).toBe(before);
    };
    await badId(draft('ref-type', { apiCredentialId: actions[0]!.id }), 'input.whatsApp.apiCredentialId');
    await badId(draft('ref-garbage', { apiCredentialId: 'not-an-id' }), 'input.whatsApp.apiCredentialId');
    await badId(draft('hook-type', { webhookId: credentialId }), 'input.whatsApp.webhookId');
    await badId({ ...draft('ma-junk'), marketingActionIds: [actions[0]!.id, 'junk'] }, 'input.marketingActionIds.1');
    await expectRejected(draft('ref-foreign', { apiCredentialId: foreignCredentialId }), ['whatsApp.apiCredentialId']);
    const foreignHook = await createWebhook(w.h, foreignCredentialId, 'other-sandbox-hook', undefined, otherKey);
    await expectRejected(draft('hook-foreign', { webhookId: foreignHook.id }), ['whatsApp.webhookId']);
    const otherActions = await marketingActions(w.h, otherKey);
    await expectRejected({ ...draft('ma-foreign'), marketingActionIds: [actions[0]!.id, otherActions[0]!.id] }, ['marketingActionIds.1']);
    // Every problem at once, nothing stored.
    await expectRejected(
      {
        name: '9lives',
        channel: 'WHATSAPP',
        description: 'x'.repeat(1001),
        whatsApp: { apiCredentialId: foreignCredentialId, senderPhoneNumber: 'junk', executionField: 'a b' },
      },
      ['name', 'description', 'whatsApp.apiCredentialId', 'whatsApp.senderPhoneNumber', 'whatsApp.executionField'],
    );
  });

  it('a configuration id of another type is BAD_USER_INPUT; one of another sandbox is NotFoundError', async () => {
    const mine = await createConfig(w.h, draft('not-yours'));
    for (const doc of [SubmitConfigDoc, DeactivateConfigDoc, ReactivateConfigDoc, DeleteConfigDoc]) {
      for (const id of [credentialId, 'junk']) {
        const res = await w.h.gql(doc as typeof SubmitConfigDoc, { input: { id } });
        expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.id' });
      }
    }
    for (const run of Object.values(byId)) {
      expect(await run(mine.id, otherKey)).toMatchObject({ __typename: 'NotFoundError' });
    }
    const upd = await w.h.gql(UpdateConfigDoc, { input: { id: mine.id, name: 'stolen' } }, otherKey);
    expect(upd.data!.updateChannelConfiguration).toMatchObject({ __typename: 'NotFoundError' });
    expect((await readConfig(w.h, mine.id))!.name).toBe('not-yours');
  });

  it('a channel other than WHATSAPP is refused by the schema', async () => {
    const before = await total();
    const res = await w.h.post(
      { query: 'mutation { createChannelConfiguration(input: { name: "sms", channel: SMS, whatsApp: {} }) { __typename } }' },
      { authorization: `Bearer ${w.h.adminKey}` },
    );
    // The error names the enum, never the literal written (a mistyped secret would be echoed the same way).
    expect(JSON.parse(res.body).errors[0].message).toMatch(/"Channel" enum/);
    expect(res.body).not.toMatch(/SMS/);
    expect(JSON.parse(res.body).errors).toBeTruthy();
    expect(await total()).toBe(before);
  });
});

describe('entitlement', () => {
  it('without cjm_whatsapp every mutation returns EntitlementError and changes nothing', async () => {
    const full = await createConfigRaw(w.h, configInput('no-ent', credentialId), noEntitlementKey);
    expect(full.data!.createChannelConfiguration).toMatchObject({
      __typename: 'EntitlementError',
      code: 'ENTITLEMENT_MISSING',
      entitlement: 'cjm_whatsapp',
    });
    for (const run of Object.values(byId))
      expect(await run('anything', noEntitlementKey)).toMatchObject({ __typename: 'EntitlementError' });
    const upd = await w.h.gql(UpdateConfigDoc, { input: { id: 'anything', name: 'x' } }, noEntitlementKey);
    expect(upd.data!.updateChannelConfiguration).toMatchObject({ __typename: 'EntitlementError' });
    const list = await w.h.gql(ConfigListDoc, { first: 1 }, noEntitlementKey);
    expect(list.data!.channelConfigurations.totalCount).toBe(0);
  });
});

describe('submission completeness', () => {
  it('submitting a draft that lacks only the credential names only that field', async () => {
    const d = await createConfig(w.h, draft('complete-later', { senderPhoneNumber: NUMBERS.acmeGreen }));
    const r = await submit(w.h, d.id);
    expect(r.__typename === 'ValidationError' && r.fieldErrors.map((f) => f.path.join('.'))).toEqual(['whatsApp.apiCredentialId']);
  });
});
