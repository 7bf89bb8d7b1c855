import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runProcess } from '../helpers/spawn.js';
import { testDatabase, type TestDatabase } from './backend.js';

let env: Record<string, string>;
let dataDir: string;

/** The real binary: a process with its exit code and output streams. */
const wcs = (...args: string[]) => runProcess('node', ['bin/wcs.js', ...args], env);
/** The same command in this process (the usage table and the rotations, where the process adds nothing). */
const wcsHere = (...args: string[]) => runCli(args, env);

let database: TestDatabase;
const count = (table: string) => database.count(table);

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-cli-'));
  database = await testDatabase(dataDir);
  env = { ...database.env, NODE_ENV: 'development', LOG_LEVEL: 'silent' };
});
afterAll(async () => database?.drop());

describe('the wcs command', () => {
  it('creates and entitles organizations', async () => {
    const created = await wcs('org', 'create', 'acme', '--entitlement', 'cjm_whatsapp');
    expect(created.code).toBe(0);
    expect(created.stderr).toContain('created organization acme entitled cjm_whatsapp');
    const entitled = await wcsHere('org', 'entitle', 'acme', 'cjm_email');
    expect(entitled.code).toBe(0);
    expect(entitled.stderr).toContain('cjm_email, cjm_whatsapp');
    const dup = await wcsHere('org', 'create', 'acme');
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('already exists');
  });

  it('creates API keys, printing the key alone on stdout', async () => {
    const res = await wcs('api-key', 'create', '--org', 'acme', '--sandbox', 'prod', '--role', 'ADMIN', '--label', 'ci');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^wcs_[A-Za-z0-9]{10}_[A-Za-z0-9]{40}\n$/);
    const viewer = await wcsHere('api-key', 'create', '--org', 'acme', '--sandbox', 'staging', '--role', 'viewer');
    expect(viewer.code).toBe(0);
    const list = await wcsHere('api-key', 'list');
    expect(list.code).toBe(0);
    const prefix = res.stdout.trim().split('_').slice(0, 2).join('_');
    expect(list.stdout).toContain(`${prefix}\tacme\tprod\tADMIN`);
    expect(list.stdout).toContain('acme\tstaging\tVIEWER');
    expect(list.stdout).not.toContain(res.stdout.trim());

    const revoke = await wcsHere('api-key', 'revoke', prefix);
    expect(revoke.code).toBe(0);
    expect((await wcsHere('api-key', 'list')).stdout).toMatch(new RegExp(`${prefix}.*\\t\\d{4}-\\d\\d-\\d\\dT[^\\t]+\\tci`));
  });

  it.each([
    [['org', 'create'], 'expected 1 argument'],
    [['org', 'create', 'bad name!'], 'organization name must be'],
    [['org', 'create', 'x', '--entitlement', 'Not-Valid'], 'entitlements are lower-case'],
    [['org', 'entitle', 'ghost', 'cjm_whatsapp'], 'organization "ghost" not found'],
    [['api-key', 'create', '--org', 'acme', '--sandbox', 'prod'], 'missing --role'],
    [['api-key', 'create', '--org', 'acme', '--sandbox', 'prod', '--role', 'OWNER'], '--role must be ADMIN or VIEWER'],
    [['api-key', 'create', '--org', 'ghost', '--sandbox', 'prod', '--role', 'ADMIN'], 'organization "ghost" not found'],
    [['api-key', 'create', '--org', 'acme', '--sandbox', 'prod', '--role', 'ADMIN', '--bogus'], "Unknown option '--bogus'"],
    [['api-key', 'revoke', 'wcs_nothing'], 'not found'],
    [['secrets', 'rotate', '--new-key', 'dG9vIHNob3J0'], '--new-key must be base64 of exactly 32 bytes'],
    [['frobnicate'], 'unknown command'],
    [[], 'Usage: wcs'],
  ])('wcs %j exits 2 with a clear message and changes nothing', async (args, message) => {
    const orgs = await count('organizations');
    const keys = await count('api_keys');
    const sandboxes = await count('sandboxes');
    const res = await wcsHere(...args);
    expect(res.code).toBe(2);
    expect(res.stderr + res.stdout).toContain(message);
    expect([await count('organizations'), await count('api_keys'), await count('sandboxes')]).toEqual([orgs, keys, sandboxes]);
  });

  it('the binary exits 2 on a usage error, with the message on stderr', async () => {
    const res = await wcs('frobnicate');
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('unknown command');
    expect(res.stdout).toBe('');
  });

  it('rotates the data-folder key', async () => {
    const keyFile = path.join(dataDir, 'encryption.key');
    fs.writeFileSync(keyFile, `${Buffer.alloc(32, 1).toString('base64')}\n`);
    const res = await wcs('secrets', 'rotate');
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/re-encrypted \d+ secret\(s\) under key [0-9a-f]{12}/);
    expect(fs.readFileSync(keyFile, 'utf8').trim()).not.toBe(Buffer.alloc(32, 1).toString('base64'));
    expect(fs.existsSync(path.join(dataDir, 'encryption.key.next'))).toBe(false);
  });

  it('finishes an interrupted rotation with the key it left behind, never a new one', async () => {
    const keyFile = path.join(dataDir, 'encryption.key');
    const nextFile = path.join(dataDir, 'encryption.key.next');
    const leftover = Buffer.alloc(32, 7).toString('base64');
    fs.writeFileSync(nextFile, `${leftover}\n`);
    const other = Buffer.alloc(32, 9).toString('base64');
    const refused = await wcsHere('secrets', 'rotate', '--new-key', other);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('interrupted rotation');
    expect(fs.readFileSync(nextFile, 'utf8').trim()).toBe(leftover);

    const res = await wcsHere('secrets', 'rotate');
    expect(res.code).toBe(0);
    expect(fs.readFileSync(keyFile, 'utf8').trim()).toBe(leftover);
    expect(fs.existsSync(nextFile)).toBe(false);
  });
});
