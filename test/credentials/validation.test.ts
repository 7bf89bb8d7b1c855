import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../helpers/harness.js';
import { sqlRows, sqlRun, sqlValue } from '../helpers/sql.js';
import { cleanup, startWorld } from '../helpers/world.js';
import {
  acmeInput,
  CreateDoc,
  createCredential,
  DeleteDoc,
  DiscoverDoc,
  IDS,
  ListDoc,
  readCredential,
  TestDoc,
  UpdateDoc,
  waitForStatus,
  type CreateInput,
} from './helpers.js';

// Every validation rule: bad input -> ValidationError (or ConflictError for a taken name) and nothing changed.
// Also: delete, and the step-by-step test report.

let h: Harness;
beforeAll(async () => ({ h } = await startWorld()));
afterAll(cleanup);

async function snapshot() {
  return {
    credentials: await sqlRows(h.server, 'SELECT * FROM whatsapp_api_credentials ORDER BY id'),
    jobs: await sqlValue<number>(h.server, "SELECT count(*) AS n FROM jobs WHERE kind = 'credentials.verify'"),
  };
}

const long = (n: number, ch = 'a') => ch.repeat(n);

const CREATE_CASES: Array<[string, Partial<CreateInput>, string[]]> = [
  ['empty name', { name: '' }, ['name']],
  ['blank name', { name: '   ' }, ['name']],
  ['name over 128 characters', { name: long(129) }, ['name']],
  ['name with a line break', { name: 'two\nlines' }, ['name']],
  ['empty token', { apiToken: '' }, ['apiToken']],
  ['token with a space inside', { apiToken: 'SIMabc def' }, ['apiToken']],
  ['token over 1024 characters', { apiToken: long(1025, 'T') }, ['apiToken']],
  ['non-numeric business id', { businessAccountId: 'acme-retail' }, ['businessAccountId']],
  ['empty business id', { businessAccountId: '' }, ['businessAccountId']],
  ['non-numeric WABA id', { whatsAppBusinessAccountId: '3000x' }, ['whatsAppBusinessAccountId']],
  ['non-numeric phone number id', { phoneNumberId: '+15550100001' }, ['phoneNumberId']],
  ['WABA id typed as the portfolio id', { businessAccountId: IDS.waba.acmeMain }, ['businessAccountId']],
  ['several at once', { name: '', apiToken: '', phoneNumberId: 'x' }, ['name', 'apiToken', 'phoneNumberId']],
];

describe('createWhatsAppApiCredential validation', () => {
  for (const [label, patch, paths] of CREATE_CASES) {
    it(`${label} -> ValidationError on ${paths.join(', ')}, nothing stored`, async () => {
      const before = await snapshot();
      const res = await h.gql(CreateDoc, { input: acmeInput('valid name', patch) });
      const r = res.data!.createWhatsAppApiCredential;
      if (r.__typename !== 'ValidationError') throw new Error(JSON.stringify(r));
      expect(r.code).toBe('VALIDATION_FAILED');
      expect(r.fieldErrors.map((f) => f.path.join('.'))).toEqual(paths);
      expect(await snapshot()).toEqual(before);
    });
  }

  it('accepts 128 characters and trims the name, the token and the ids', async () => {
    const id = await createCredential(
      h,
      acmeInput(`  ${long(128, 'n')}  `, { apiToken: ` ${IDS.token.systemUser}\n`, businessAccountId: ` ${IDS.business.acme} ` }),
    );
    const c = await waitForStatus(h, id, 'ACTIVE');
    expect(c.name).toBe(long(128, 'n'));
    expect(c.businessAccountId).toBe(IDS.business.acme);
  });

  it('a name already used in the sandbox (any case, any surrounding spaces) -> ConflictError, nothing stored', async () => {
    // Its verification finishes first: the snapshot is about what the refused create changes, not that job.
    await waitForStatus(h, await createCredential(h, acmeInput('Main Sender')), 'ACTIVE');
    const before = await snapshot();
    const res = await h.gql(CreateDoc, { input: acmeInput('  main sender ') });
    const r = res.data!.createWhatsAppApiCredential;
    expect(r).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT' });
    expect(r.__typename === 'ConflictError' && r.message).toMatch(/"Main Sender" already exists/);
    expect(await snapshot()).toEqual(before);
  });
});

describe('discoverWhatsAppBusinessAccounts validation', () => {
  it('empty token and non-numeric business id -> ValidationError without asking Meta', async () => {
    await h.server.deps.jobs.idle();
    const callsBefore = h.logs.lines.filter((l) => l.includes('"Meta call"')).length;
    const res = await h.gql(DiscoverDoc, { input: { apiToken: ' ', businessAccountId: '12 34' } });
    const r = res.data!.discoverWhatsAppBusinessAccounts;
    if (r.__typename !== 'ValidationError') throw new Error(JSON.stringify(r));
    expect(r.fieldErrors.map((f) => f.path[0])).toEqual(['apiToken', 'businessAccountId']);
    expect(h.logs.lines.filter((l) => l.includes('"Meta call"')).length).toBe(callsBefore);
  });
});

describe('updateWhatsAppApiCredential', () => {
  it('bad names, bad tokens, nothing to change, or a taken name change nothing', async () => {
    const id = await createCredential(h, acmeInput('to update'));
    const taken = await createCredential(h, acmeInput('Taken'));
    await waitForStatus(h, id, 'ACTIVE');
    await waitForStatus(h, taken, 'ACTIVE');
    const before = await snapshot();
    for (const [input, expected] of [
      [{ id, name: '' }, 'ValidationError'],
      [{ id, name: long(129) }, 'ValidationError'],
      [{ id, apiToken: 'has space' }, 'ValidationError'],
      [{ id, apiToken: '' }, 'ValidationError'],
      [{ id }, 'ValidationError'],
      [{ id, name: 'TAKEN' }, 'ConflictError'],
    ] as const) {
      const res = await h.gql(UpdateDoc, { input });
      expect(res.data!.updateWhatsAppApiCredential.__typename, JSON.stringify(input)).toBe(expected);
    }
    expect(await snapshot()).toEqual(before);

    // Renaming to a different case of its own name is fine.
    const res = await h.gql(UpdateDoc, { input: { id, name: 'TO UPDATE' } });
    expect(res.data!.updateWhatsAppApiCredential).toMatchObject({
      __typename: 'UpdateWhatsAppApiCredentialSuccess',
      data: { name: 'TO UPDATE', status: 'ACTIVE' },
    });
  });
});

describe('deleteWhatsAppApiCredential', () => {
  it('deletes, then answers NotFoundError', async () => {
    const id = await createCredential(h, acmeInput('to delete'));
    await waitForStatus(h, id, 'ACTIVE');
    const res = await h.gql(DeleteDoc, { input: { id } });
    expect(res.data!.deleteWhatsAppApiCredential).toMatchObject({
      __typename: 'DeleteWhatsAppApiCredentialSuccess',
      data: { id, name: 'to delete' },
    });
    expect(await readCredential(h, id)).toBeNull();
    const list = await h.gql(ListDoc, { first: 100 });
    expect(list.data!.whatsAppApiCredentials.edges.map((e) => e.node.id)).not.toContain(id);
    const again = await h.gql(DeleteDoc, { input: { id } });
    expect(again.data!.deleteWhatsAppApiCredential).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
    // Its call log and quality history went with it.
    const left = await sqlValue<number>(
      h.server,
      'SELECT count(*) AS n FROM meta_api_calls WHERE credential_id NOT IN (SELECT id FROM whatsapp_api_credentials)',
    );
    expect(left).toBe(0);
  });
});

describe('deleteWhatsAppApiCredential while in use', () => {
  it('a row that references the credential with ON DELETE RESTRICT (as webhooks and channel configurations do) -> ConflictError, nothing deleted', async () => {
    const id = await createCredential(h, acmeInput('in use'));
    await waitForStatus(h, id, 'ACTIVE');
    // Stands in for the later slices' tables: the same foreign key they declare.
    await sqlRun(
      h.server,
      'CREATE TABLE test_credential_users (id TEXT PRIMARY KEY, credential_id TEXT NOT NULL REFERENCES whatsapp_api_credentials(id) ON DELETE RESTRICT)',
    );
    const raw = await sqlValue<string>(h.server, 'SELECT id FROM whatsapp_api_credentials WHERE name = ?', 'in use');
    await sqlRun(h.server, 'INSERT INTO test_credential_users VALUES (?, ?)', 'user-1', raw);
    const before = await snapshot();
    const res = await h.gql(DeleteDoc, { input: { id } });
    const r = res.data!.deleteWhatsAppApiCredential;
    if (r.__typename !== 'ConflictError') throw new Error(JSON.stringify(r));
    expect(r.message).toMatch(/"in use" is used by a webhook or channel configuration/);
    expect(await snapshot()).toEqual(before);
    expect((await readCredential(h, id))!.status).toBe('ACTIVE');

    await sqlRun(h.server, 'DELETE FROM test_credential_users');
    const ok = await h.gql(DeleteDoc, { input: { id } });
    expect(ok.data!.deleteWhatsAppApiCredential.__typename).toBe('DeleteWhatsAppApiCredentialSuccess');
    await sqlRun(h.server, 'DROP TABLE test_credential_users');
  });
});

describe('testWhatsAppApiCredential', () => {
  it('reports every step for a healthy credential and changes nothing', async () => {
    const id = await createCredential(h, acmeInput('healthy'));
    const before = await waitForStatus(h, id, 'ACTIVE');
    const res = await h.gql(TestDoc, { input: { id } });
    const r = res.data!.testWhatsAppApiCredential;
    if (r.__typename !== 'TestWhatsAppApiCredentialSuccess') throw new Error(JSON.stringify(r));
    expect(r.data.passed).toBe(true);
    expect(r.data.steps.map((s) => [s.step, s.passed, s.remedy])).toEqual([
      ['TOKEN', true, null],
      ['PERMISSIONS', true, null],
      ['BUSINESS_ACCOUNT', true, null],
      ['PHONE_NUMBER', true, null],
      ['SENDING', true, null],
    ]);
    expect(r.data.steps[2]!.detail).toMatch(/Acme Main/);
    expect((await readCredential(h, id))!.updatedAt).toBe(before.updatedAt);
  });

  it('names the failing step and its remedy without changing the status (missing permission)', async () => {
    const id = await createCredential(h, acmeInput('no messaging', { apiToken: IDS.token.noMessaging }));
    const before = await waitForStatus(h, id, 'FAILED');
    const res = await h.gql(TestDoc, { input: { id } });
    const r = res.data!.testWhatsAppApiCredential;
    if (r.__typename !== 'TestWhatsAppApiCredentialSuccess') throw new Error(JSON.stringify(r));
    expect(r.data.passed).toBe(false);
    const permissions = r.data.steps.find((s) => s.step === 'PERMISSIONS')!;
    expect(permissions).toMatchObject({ passed: false });
    expect(permissions.detail).toMatch(/whatsapp_business_messaging/);
    expect(permissions.remedy).toMatch(/generate a new token/);
    expect(r.data.steps.find((s) => s.step === 'TOKEN')!.passed).toBe(true);
    const after = await readCredential(h, id);
    expect(after).toMatchObject({ status: 'FAILED', statusMessage: before.statusMessage, updatedAt: before.updatedAt });
  });
});
