import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pgDriver from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFreshPgDatabase, type FreshPgDatabase } from '../../src/platform/pg/fresh-database.js';
import { SecretBox, generateKey } from '../../src/platform/secrets.js';
import { PG_ADMIN_URL, pg } from '../helpers/pg.js';
import { runCli, runProcess } from '../helpers/spawn.js';

/**
 * The `wcs` command against PostgreSQL (DATABASE_URL=postgres://…): the same commands and answers as on SQLite
 * (test/foundation/cli.test.ts), on a fresh database the command migrates itself, and `secrets rotate` with the key in
 * ENCRYPTION_KEY re-encrypting real credential and webhook rows.
 */

describe.skipIf(!pg.available)(pg.title('the wcs command on PostgreSQL'), () => {
  let fresh: FreshPgDatabase;
  let client: pgDriver.Client;
  let env: Record<string, string>;
  let dataDir: string;
  const oldKey = generateKey();
  const wcs = (...args: string[]) => runProcess('node', ['bin/wcs.js', ...args], env);
  const wcsHere = (...args: string[]) => runCli(args, env);
  const count = async (table: string) => (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;

  beforeAll(async () => {
    fresh = await createFreshPgDatabase(PG_ADMIN_URL);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-pgcli-'));
    env = { DATABASE_URL: fresh.url, DATA_DIR: dataDir, ENCRYPTION_KEY: oldKey, NODE_ENV: 'development', LOG_LEVEL: 'silent' };
    client = new pgDriver.Client({ connectionString: fresh.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await fresh?.drop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates and entitles organizations (the first command migrates the empty database)', async () => {
    const created = await wcs('org', 'create', 'acme', '--entitlement', 'cjm_whatsapp');
    expect(created.stderr).toContain('created organization acme entitled cjm_whatsapp');
    expect(created.code).toBe(0);
    const entitled = await wcsHere('org', 'entitle', 'acme', 'cjm_email');
    expect(entitled.code).toBe(0);
    expect(entitled.stderr).toContain('cjm_email, cjm_whatsapp');
    const dup = await wcsHere('org', 'create', 'acme');
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('already exists');
    expect(await count('organizations')).toBe(1);
  });

  it('creates, lists and revokes API keys', async () => {
    const res = await wcsHere('api-key', 'create', '--org', 'acme', '--sandbox', 'prod', '--role', 'ADMIN', '--label', 'ci');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^wcs_[A-Za-z0-9]{10}_[A-Za-z0-9]{40}\n$/);
    expect((await wcsHere('api-key', 'create', '--org', 'acme', '--sandbox', 'staging', '--role', 'viewer')).code).toBe(0);
    const list = await wcsHere('api-key', 'list');
    expect(list.code).toBe(0);
    const prefix = res.stdout.trim().split('_').slice(0, 2).join('_');
    expect(list.stdout).toContain(`${prefix}\tacme\tprod\tADMIN`);
    expect(list.stdout).toContain('acme\tstaging\tVIEWER');
    expect(list.stdout).not.toContain(res.stdout.trim());

    const revoke = await wcsHere('api-key', 'revoke', prefix);
    expect(revoke.code).toBe(0);
    expect(revoke.stderr).toContain(`revoked ${prefix}`);
    expect((await wcsHere('api-key', 'list')).stdout).toMatch(new RegExp(`${prefix}.*\\t\\d{4}-\\d\\d-\\d\\dT[^\\t]+\\tci`));
  });

  it.each([
    [['org', 'entitle', 'ghost', 'cjm_whatsapp'], 'organization "ghost" not found'],
    [['api-key', 'create', '--org', 'ghost', '--sandbox', 'prod', '--role', 'ADMIN'], 'organization "ghost" not found'],
    [['api-key', 'revoke', 'wcs_nothing'], 'not found'],
  ])('wcs %j exits 2 with a clear message and changes nothing', async (args, message) => {
    const before = [await count('organizations'), await count('api_keys'), await count('sandboxes')];
    const res = await wcsHere(...args);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(message);
    expect([await count('organizations'), await count('api_keys'), await count('sandboxes')]).toEqual(before);
  });

  it('rotates ENCRYPTION_KEY: every stored secret moves to the new key, printed alone on stdout', async () => {
    const old = SecretBox.fromBase64(oldKey);
    const sandbox = (await client.query<{ id: string }>("SELECT id FROM sandboxes WHERE name = 'prod'")).rows[0]!.id;
    const enc = (table: string, column: string, rowId: string, value: string) => old.encrypt(value, { table, column, rowId });
    await client.query(
      `INSERT INTO whatsapp_api_credentials (id, sandbox_id, name, name_key, business_account_id, waba_id, phone_number_id,
         quality_rating, throughput_level, api_token_enc, api_token_last4, api_token_scopes, status, status_version,
         status_changed_at, warnings, created_at, updated_at)
       VALUES ('cred1', $1, 'main', 'main', 'b1', 'w1', 'p1', 'GREEN', 'STANDARD', $2, 'ok12', '[]', 'ACTIVE', 1, now(), '[]', now(), now())`,
      [sandbox, enc('whatsapp_api_credentials', 'api_token_enc', 'cred1', 'token-1')],
    );
    await client.query(
      `INSERT INTO whatsapp_webhooks (id, sandbox_id, name, name_key, credential_id, path_id, verify_token_enc, verify_token_hash,
         verify_token_last4, app_secret_enc, app_secret_last4, keyword_rules, created_at, updated_at)
       VALUES ('wh1', $1, 'hook', 'hook', 'cred1', 'path1', $2, 'hash', 'vt12', $3, 'as12', '[]', now(), now())`,
      [
        sandbox,
        enc('whatsapp_webhooks', 'verify_token_enc', 'wh1', 'verify-1'),
        enc('whatsapp_webhooks', 'app_secret_enc', 'wh1', 'secret-1'),
      ],
    );

    const res = await wcsHere('secrets', 'rotate');
    expect(res.stderr).toMatch(/re-encrypted 3 secret\(s\) under key [0-9a-f]{12}\. Set ENCRYPTION_KEY to the new key/);
    expect(res.code).toBe(0);
    const newKey = res.stdout.trim();
    expect(Buffer.from(newKey, 'base64')).toHaveLength(32);
    const next = SecretBox.fromBase64(newKey);
    const cred = (await client.query<{ v: string }>("SELECT api_token_enc AS v FROM whatsapp_api_credentials WHERE id = 'cred1'")).rows[0]!;
    const hook = (
      await client.query<{ vt: string; as: string }>(
        "SELECT verify_token_enc AS vt, app_secret_enc AS as FROM whatsapp_webhooks WHERE id = 'wh1'",
      )
    ).rows[0]!;
    expect(next.decrypt(cred.v, { table: 'whatsapp_api_credentials', column: 'api_token_enc', rowId: 'cred1' })).toBe('token-1');
    expect(next.decrypt(hook.vt, { table: 'whatsapp_webhooks', column: 'verify_token_enc', rowId: 'wh1' })).toBe('verify-1');
    expect(next.decrypt(hook.as, { table: 'whatsapp_webhooks', column: 'app_secret_enc', rowId: 'wh1' })).toBe('secret-1');

    // The old key opens nothing now: a rotation from it fails, and changes nothing.
    const stale = await wcsHere('secrets', 'rotate');
    expect(stale.code).toBe(1);
    const after = (await client.query<{ v: string }>("SELECT api_token_enc AS v FROM whatsapp_api_credentials WHERE id = 'cred1'"))
      .rows[0]!;
    expect(after.v).toBe(cred.v);
    // With the key it printed, the next rotation works.
    expect((await runCli(['secrets', 'rotate'], { ...env, ENCRYPTION_KEY: newKey })).code).toBe(0);
  });

  it('a server it cannot reach is a clear error that never shows the password', async () => {
    const res = await runCli(['api-key', 'list'], { ...env, DATABASE_URL: 'postgres://wcs:s3cret-Pa55@127.0.0.1:1/wcs' });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/cannot use PostgreSQL at 127\.0\.0\.1:1\/wcs/);
    expect(res.stderr + res.stdout).not.toContain('s3cret-Pa55');
  });
});
