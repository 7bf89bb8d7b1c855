import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../helpers/harness.js';
import { sqlRows, sqlValue } from '../helpers/sql.js';
import type { RunningMetaSimulator } from '../../src/meta-simulator/index.js';
import { CreateDoc as CreateCredentialDoc, DeleteDoc as DeleteCredentialDoc } from '../credentials/helpers.js';
import { activeCredential, cleanup, rawId, startWorld } from '../helpers/world.js';
import {
  createWebhook,
  createWebhookRaw,
  DeleteWebhookDoc,
  IDS,
  STANDARD_RULES,
  UpdateWebhookDoc,
  waitUntil,
  WebhookNodeDoc,
  type RuleInput,
  type WebhookView,
} from './helpers.js';

// Acceptance 8 (validation): every rule returns its typed error and changes nothing.
// Also: deleteWhatsAppApiCredential is refused (ConflictError) while a webhook uses the credential.

let sim: RunningMetaSimulator;
let h: Harness;
let credentialId: string;
let existing: WebhookView;

beforeAll(async () => {
  ({ sim, h } = await startWorld());
  credentialId = await activeCredential(h);
  existing = await createWebhook(h, { name: 'Inbound', apiCredentialId: credentialId });
});
afterAll(cleanup);

function webhookRows(): Promise<unknown[]> {
  return sqlRows(h.server, 'SELECT * FROM whatsapp_webhooks ORDER BY id');
}

const rules = (...r: RuleInput[]): RuleInput[] => r;
const optOut = (keywords: string[], replyMessage = 'bye'): RuleInput => ({ category: 'OPT_OUT', keywords, replyMessage });

describe('createWhatsAppWebhook validation', () => {
  const cases: Array<[string, Partial<{ name: string; appSecret: string; keywordRules: RuleInput[] }>, string[]]> = [
    ['empty name', { name: '' }, ['name']],
    ['blank name', { name: '   ' }, ['name']],
    ['name with a line break', { name: 'a\nb' }, ['name']],
    ['empty app secret', { appSecret: '' }, ['appSecret']],
    ['app secret with a space', { appSecret: 'abc def' }, ['appSecret']],
    ['empty keyword', { keywordRules: rules(optOut(['STOP', '  '])) }, ['keywordRules', '0', 'keywords', '1']],
    ['keyword over 64 characters', { keywordRules: rules(optOut(['x'.repeat(65)])) }, ['keywordRules', '0', 'keywords', '0']],
    [
      'keyword repeated in another rule, other case and spaces',
      { keywordRules: rules(optOut(['STOP']), { category: 'HELP', keywords: [' stop '], replyMessage: 'help' }) },
      ['keywordRules', '1', 'keywords', '0'],
    ],
    ['keyword repeated in the same rule', { keywordRules: rules(optOut(['stop', 'Stop'])) }, ['keywordRules', '0', 'keywords', '1']],
    [
      'DEFAULT with keywords',
      { keywordRules: rules({ category: 'DEFAULT', keywords: ['hi'], replyMessage: 'hello' }) },
      ['keywordRules', '0', 'keywords'],
    ],
    [
      'two DEFAULT rules',
      {
        keywordRules: rules(
          { category: 'DEFAULT', keywords: [], replyMessage: 'a' },
          { category: 'DEFAULT', keywords: [], replyMessage: 'b' },
        ),
      },
      ['keywordRules', '1', 'category'],
    ],
    [
      'OPT_IN without keywords',
      { keywordRules: rules({ category: 'OPT_IN', keywords: [], replyMessage: 'hi' }) },
      ['keywordRules', '0', 'keywords'],
    ],
    ['OPT_OUT without keywords', { keywordRules: rules(optOut([])) }, ['keywordRules', '0', 'keywords']],
    [
      'HELP without keywords',
      { keywordRules: rules({ category: 'HELP', keywords: [], replyMessage: 'hi' }) },
      ['keywordRules', '0', 'keywords'],
    ],
    ['empty reply', { keywordRules: rules(optOut(['STOP'], '')) }, ['keywordRules', '0', 'replyMessage']],
    ['blank reply', { keywordRules: rules(optOut(['STOP'], '   ')) }, ['keywordRules', '0', 'replyMessage']],
    ['reply over 4096 characters', { keywordRules: rules(optOut(['STOP'], 'x'.repeat(4097))) }, ['keywordRules', '0', 'replyMessage']],
  ];

  for (const [what, override, path] of cases) {
    it(`${what} → ValidationError at ${path.join('.')}, nothing stored`, async () => {
      const before = await webhookRows();
      const res = await createWebhookRaw(h, {
        name: 'new webhook',
        apiCredentialId: credentialId,
        appSecret: IDS.appSecret,
        keywordRules: STANDARD_RULES,
        ...override,
      });
      expect(res.errors).toBeUndefined();
      const r = res.data!.createWhatsAppWebhook;
      if (r.__typename !== 'ValidationError') throw new Error(`expected ValidationError, got ${JSON.stringify(r)}`);
      expect(r.code).toBe('VALIDATION_FAILED');
      expect(r.fieldErrors.map((f) => f.path)).toContainEqual(path);
      expect(await webhookRows()).toEqual(before);
    });
  }

  it('accepts the boundaries: a 64-character keyword, a 4096-character reply, trimmed keywords, no rules at all', async () => {
    const boundary = await createWebhook(h, {
      name: 'boundaries',
      apiCredentialId: credentialId,
      keywordRules: rules(optOut([` ${'k'.repeat(64)} `, '🛑'], 'r'.repeat(4096))),
    });
    expect(boundary.keywordRules[0]!.keywords).toEqual(['k'.repeat(64), '🛑']);
    const none = await createWebhook(h, { name: 'no rules', apiCredentialId: credentialId, keywordRules: [] });
    expect(none.keywordRules).toEqual([]);
    expect(none.standardConsentMessagesEnabled).toBe(false);
    for (const w of [boundary, none]) await h.gql(DeleteWebhookDoc, { input: { id: w.id } });
  });

  it('a name used in the sandbox (any case) → ConflictError, nothing stored', async () => {
    const before = await webhookRows();
    const res = await createWebhookRaw(h, {
      name: '  INBOUND ',
      apiCredentialId: credentialId,
      appSecret: IDS.appSecret,
      keywordRules: [],
    });
    expect(res.data!.createWhatsAppWebhook).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT' });
    expect(await webhookRows()).toEqual(before);
  });

  it('a credential that does not exist, is of another type or is FAILED is refused, nothing stored', async () => {
    const before = await webhookRows();
    const input = (apiCredentialId: string) => ({ name: 'x', apiCredentialId, appSecret: IDS.appSecret, keywordRules: [] });
    const unknown = await createWebhookRaw(h, input(encodeGlobalID('WhatsAppApiCredential', '01NOPE')));
    expect(unknown.data!.createWhatsAppWebhook).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
    // Not a credential id at all: the id rule (docs/api.md) makes it a BAD_USER_INPUT error.
    for (const id of [existing.id, 'not-a-global-id']) {
      const res = await createWebhookRaw(h, input(id));
      expect(res.errors?.[0]?.extensions, id).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.apiCredentialId' });
    }
    const failed = await h.gql(CreateCredentialDoc, {
      input: {
        name: 'expired',
        apiToken: IDS.token.expired,
        businessAccountId: IDS.business.acme,
        whatsAppBusinessAccountId: IDS.waba.acmeMain,
        phoneNumberId: IDS.phone.acmeGreen,
      },
    });
    const failedId = (failed.data!.createWhatsAppApiCredential as { data: { id: string } }).data.id;
    await waitUntil(
      async () => (await sqlValue(h.server, 'SELECT status FROM whatsapp_api_credentials WHERE id = ?', rawId(failedId))) === 'FAILED',
      10_000,
      'credential FAILED',
    );
    const res = await createWebhookRaw(h, input(failedId));
    const r = res.data!.createWhatsAppWebhook;
    if (r.__typename !== 'ValidationError') throw new Error(JSON.stringify(r));
    expect(r.fieldErrors[0]!.path).toEqual(['apiCredentialId']);
    expect(r.fieldErrors[0]!.message).toContain('FAILED');
    expect(await webhookRows()).toEqual(before);
  });
});

describe('updateWhatsAppWebhook validation', () => {
  it('every bad update returns its typed error and changes nothing', async () => {
    const other = await createWebhook(h, { name: 'Second', apiCredentialId: credentialId });
    const before = await webhookRows();
    const bad: Array<[string, Record<string, unknown>, string]> = [
      ['nothing to change', { id: existing.id }, 'ValidationError'],
      ['blank name', { id: existing.id, name: ' ' }, 'ValidationError'],
      ['taken name', { id: existing.id, name: 'second' }, 'ConflictError'],
      ['blank app secret', { id: existing.id, appSecret: '' }, 'ValidationError'],
      ['app secret with a tab', { id: existing.id, appSecret: 'a\tb' }, 'ValidationError'],
      ['duplicate keyword', { id: existing.id, keywordRules: rules(optOut(['STOP', 'stop'])) }, 'ValidationError'],
      [
        'DEFAULT with keywords',
        { id: existing.id, keywordRules: rules({ category: 'DEFAULT', keywords: ['x'], replyMessage: 'y' }) },
        'ValidationError',
      ],
      ['valid name, bad rules together', { id: existing.id, name: 'fine', keywordRules: rules(optOut([])) }, 'ValidationError'],
      ['unknown id', { id: encodeGlobalID('WhatsAppWebhook', '01NOPE'), name: 'x' }, 'NotFoundError'],
    ];
    for (const [what, input, typename] of bad) {
      const res = await h.gql(UpdateWebhookDoc, { input: input as { id: string } });
      expect(res.errors, what).toBeUndefined();
      expect(res.data!.updateWhatsAppWebhook.__typename, what).toBe(typename);
    }
    const wrongType = await h.gql(UpdateWebhookDoc, { input: { id: credentialId, name: 'x' } });
    expect(wrongType.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.id' });
    expect(await webhookRows()).toEqual(before);

    // A valid update keeps the rest; renaming to its own name in another case is fine.
    const ok = await h.gql(UpdateWebhookDoc, { input: { id: other.id, name: 'SECOND', keywordRules: rules(optOut(['halt'])) } });
    const r = ok.data!.updateWhatsAppWebhook;
    if (r.__typename !== 'UpdateWhatsAppWebhookSuccess') throw new Error(JSON.stringify(r));
    expect(r.data).toMatchObject({
      name: 'SECOND',
      verifyToken: other.verifyToken,
      callbackUrl: other.callbackUrl,
      appSecretLast4: other.appSecretLast4,
    });
    expect(r.data.keywordRules).toEqual([{ category: 'OPT_OUT', keywords: ['halt'], replyMessage: 'bye' }]);
    await h.gql(DeleteWebhookDoc, { input: { id: other.id } });
  });
});

describe('credentials in use', () => {
  it('deleteWhatsAppApiCredential returns ConflictError while a webhook uses the credential, and works once it is gone', async () => {
    const credential = await activeCredential(h, 'to delete');
    const webhook = await createWebhook(h, { name: 'uses it', apiCredentialId: credential });
    const refused = await h.gql(DeleteCredentialDoc, { input: { id: credential } });
    expect(refused.data!.deleteWhatsAppApiCredential).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT' });
    const node = await h.gql(WebhookNodeDoc, { id: webhook.id });
    expect(node.data!.node).toMatchObject({ __typename: 'WhatsAppWebhook', apiCredential: { id: credential } });

    expect((await h.gql(DeleteWebhookDoc, { input: { id: webhook.id } })).data!.deleteWhatsAppWebhook).toMatchObject({
      __typename: 'DeleteWhatsAppWebhookSuccess',
      data: { id: webhook.id, name: 'uses it' },
    });
    expect((await h.gql(WebhookNodeDoc, { id: webhook.id })).data!.node).toBeNull();
    const deleted = await h.gql(DeleteCredentialDoc, { input: { id: credential } });
    expect(deleted.data!.deleteWhatsAppApiCredential.__typename).toBe('DeleteWhatsAppApiCredentialSuccess');
    void sim;
  });
});
