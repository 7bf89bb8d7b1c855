import fs from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;
import { ConfigError, loadConfig, type Config } from '../core/config.js';
import { openDatabase, type Db } from '../platform/db.js';
import { ConflictError, DomainError } from '../platform/errors.js';
import { rotateSecrets } from '../platform/secret-rotation.js';
import { DEV_KEY_FILE, NEXT_KEY_FILE, SecretBox, generateKey, keyId, loadSecretBox } from '../platform/secrets.js';
import * as tenancy from '../platform/tenancy/service.js';
import { revocationAnnouncer } from './announce.js';
import { SECRET_COLUMNS } from '../service/secret-columns.js';

/**
 * `wcs`: operator commands. Bad arguments print a clear message and exit 2,
 * changing nothing. Output meant for scripts (a new key) goes alone to stdout.
 */

/** Every command: its name, its synopsis and what it does (the usage text and each command's --help). */
const COMMANDS: Array<{ name: string; synopsis: string; summary: string }> = [
  {
    name: 'org create',
    synopsis: 'org create <name> [--entitlement <e>]...',
    summary: 'Create an organization (e.g. --entitlement cjm_whatsapp)',
  },
  { name: 'org entitle', synopsis: 'org entitle <name> <entitlement>', summary: 'Grant an entitlement to an organization' },
  {
    name: 'api-key create',
    synopsis: 'api-key create --org <name> --sandbox <name> --role ADMIN|VIEWER [--label <text>]',
    summary: 'Create an API key (creates the sandbox if missing); prints the key alone',
  },
  { name: 'api-key list', synopsis: 'api-key list', summary: 'List API keys (prefix, org, sandbox, role, last used, revoked)' },
  { name: 'api-key revoke', synopsis: 'api-key revoke <prefix>', summary: 'Revoke an API key by its prefix' },
  { name: 'secrets rotate', synopsis: 'secrets rotate [--new-key <base64>]', summary: 'Re-encrypt every stored secret under a new key' },
  {
    name: 'meta-simulator',
    synopsis: 'meta-simulator [--port <n>] [--scenario <file.json>]',
    summary: 'Run the Meta Graph API simulator alone',
  },
  {
    name: 'demo',
    synopsis: 'demo [--keep] [--scenario <file.json>]',
    summary: 'Set up a whole channel against the simulator, step by step (--keep: leave it running to explore)',
  },
];

const SETTINGS_NOTE = 'Settings come from the environment (DATABASE_URL, ENCRYPTION_KEY, ...); see the README.';

const commandLine = (c: (typeof COMMANDS)[number]) =>
  c.synopsis.length <= 44 ? `  ${c.synopsis.padEnd(46)}${c.summary}` : `  ${c.synopsis}\n${' '.repeat(48)}${c.summary}`;

const USAGE = `Usage: wcs <command> [options]

Commands:
${COMMANDS.map(commandLine).join('\n')}

${SETTINGS_NOTE}`;

/** `wcs <command> --help`: the usage of the commands the words name (all of a group for `wcs api-key --help`). */
function commandUsage(words: string[]): string | null {
  const name = words.join(' ');
  const matching = COMMANDS.filter((c) => c.name === name || c.name.startsWith(`${name} `));
  if (!matching.length) return null;
  return `Usage:\n${matching.map((c) => `  wcs ${c.synopsis}\n      ${c.summary}`).join('\n')}\n\n${SETTINGS_NOTE}`;
}

const HELP_FLAGS = new Set(['--help', '-h']);

export class UsageError extends Error {}

type Out = { out: (line: string) => void; err: (line: string) => void };
type Env = Record<string, string | undefined>;

function parse(args: string[], options: ParseArgsOptionsConfig, positionals: number) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (parsed.positionals.length !== positionals) {
    throw new UsageError(`expected ${positionals} argument(s), got ${parsed.positionals.length}`);
  }
  return parsed;
}

/** A scenario file that is missing or invalid is a bad argument: its message names the file or the bad field. */
async function readScenario(file: string) {
  const { loadScenarioFile } = await import('../meta-simulator/index.js');
  try {
    return loadScenarioFile(file);
  } catch (err) {
    throw new UsageError(`--scenario ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * Opens the configured backend as the neutral handle the services take, migrated as the service would be, runs fn,
 * and closes it. PostgreSQL errors (PgDatabaseError) name the server by host, port and database, never the password.
 */
async function withDatabase<T>(config: Config, fn: (db: Db) => Promise<T> | T): Promise<T> {
  const setting = config.database;
  if (setting.kind === 'sqlite') {
    const db = openDatabase(setting.file);
    try {
      return await fn(db.db);
    } finally {
      db.close();
    }
  }
  // Loaded only for PostgreSQL: the pg driver stays out of an SQLite command's start.
  // The advisory lock of the migration makes this safe while instances run: it waits for theirs, then finds nothing to do.
  const { openServicePg } = await import('../platform/pg/open-service-db.js');
  const pgdb = await openServicePg(setting.url, { poolSize: 2, applicationName: 'wcs-cli' });
  try {
    return await fn(pgdb.db);
  } finally {
    await pgdb.close();
  }
}

function formatDate(d: Date | null): string {
  return d ? d.toISOString() : '-';
}

async function run(argv: string[], io: Out, env: Env | undefined): Promise<number> {
  const [group, sub, ...rest] = argv;
  if (!group || group === 'help' || HELP_FLAGS.has(group)) {
    io.out(USAGE);
    return group ? 0 : 2;
  }
  if (argv.some((a) => HELP_FLAGS.has(a))) {
    // Help is asked for before anything is parsed or opened: it needs no configuration and changes nothing.
    const words = argv.filter((a) => !a.startsWith('-')).slice(0, 2);
    const usage = commandUsage(words) ?? commandUsage(words.slice(0, 1));
    if (!usage) throw new UsageError(`unknown command: ${words.join(' ')}`);
    io.out(usage);
    return 0;
  }

  if (group === 'meta-simulator') {
    const { values } = parse(
      [sub, ...rest].filter((a): a is string => a !== undefined),
      { port: { type: 'string' }, scenario: { type: 'string' } },
      0,
    );
    const port = values.port === undefined ? 4010 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be a number from 0 to 65535');
    const { startMetaSimulator } = await import('../meta-simulator/index.js');
    const scenario = typeof values.scenario === 'string' ? await readScenario(values.scenario) : undefined;
    const sim = await startMetaSimulator({ port, host: '127.0.0.1', scenario });
    io.err(`Meta simulator listening on ${sim.url} (use META_GRAPH_URL=${sim.baseUrl}); control API under ${sim.url}/__simulator`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await sim.close();
    return 0;
  }

  if (group === 'demo') {
    const { values } = parse(
      [sub, ...rest].filter((a): a is string => a !== undefined),
      { keep: { type: 'boolean' }, scenario: { type: 'string' } },
      0,
    );
    const { runDemo } = await import('../demo/run-demo.js');
    const scenario = typeof values.scenario === 'string' ? await readScenario(values.scenario) : undefined;
    return runDemo({ keep: Boolean(values.keep), scenario, out: io.out, err: io.err });
  }

  const config = loadConfig(env);

  if (group === 'org' && sub === 'create') {
    const { values, positionals } = parse(rest, { entitlement: { type: 'string', multiple: true } }, 1);
    const org = await withDatabase(config, (db) =>
      tenancy.createOrganization(db, positionals[0]!, (values.entitlement as string[] | undefined) ?? []),
    );
    io.err(`created organization ${org.name}${org.entitlements.length ? ` entitled ${org.entitlements.join(', ')}` : ''}`);
    return 0;
  }
  if (group === 'org' && sub === 'entitle') {
    const { positionals } = parse(rest, {}, 2);
    const org = await withDatabase(config, (db) => tenancy.entitleOrganization(db, positionals[0]!, positionals[1]!));
    io.err(`organization ${org.name} entitlements: ${org.entitlements.join(', ')}`);
    return 0;
  }
  if (group === 'api-key' && sub === 'create') {
    const { values } = parse(
      rest,
      { org: { type: 'string' }, sandbox: { type: 'string' }, role: { type: 'string' }, label: { type: 'string' } },
      0,
    );
    const missing = (['org', 'sandbox', 'role'] as const).filter((k) => typeof values[k] !== 'string');
    if (missing.length) throw new UsageError(`missing ${missing.map((m) => `--${m}`).join(', ')}`);
    const role = String(values.role).toUpperCase();
    if (role !== 'ADMIN' && role !== 'VIEWER') throw new UsageError('--role must be ADMIN or VIEWER');
    const created = await withDatabase(config, (db) =>
      tenancy.createApiKey(db, {
        organization: String(values.org),
        sandbox: String(values.sandbox),
        role,
        label: typeof values.label === 'string' ? values.label : undefined,
      }),
    );
    io.out(created.key);
    io.err(`created ${role} key ${created.record.prefix} for ${created.organization.name}/${created.sandbox.name}; it is shown only once`);
    return 0;
  }
  if (group === 'api-key' && sub === 'list') {
    parse(rest, {}, 0);
    const keys = await withDatabase(config, (db) => tenancy.listApiKeys(db));
    io.out(['PREFIX', 'ORGANIZATION', 'SANDBOX', 'ROLE', 'CREATED', 'LAST USED', 'REVOKED', 'LABEL'].join('\t'));
    for (const k of keys) {
      io.out(
        [
          k.key.prefix,
          k.organizationName,
          k.sandboxName,
          k.key.role,
          formatDate(k.key.createdAt),
          formatDate(k.key.lastUsedAt),
          formatDate(k.key.revokedAt),
          k.key.label ?? '',
        ].join('\t'),
      );
    }
    return 0;
  }
  if (group === 'api-key' && sub === 'revoke') {
    const { positionals } = parse(rest, {}, 1);
    const announce = await revocationAnnouncer(config);
    const key = await withDatabase(config, (db) => tenancy.revokeApiKey(db, positionals[0]!, new Date(), announce));
    io.err(`revoked ${key.prefix}`);
    return 0;
  }
  if (group === 'secrets' && sub === 'rotate') {
    const { values } = parse(rest, { 'new-key': { type: 'string' } }, 0);
    return await rotate(config, typeof values['new-key'] === 'string' ? values['new-key'] : undefined, io);
  }
  throw new UsageError(`unknown command: ${[group, sub].filter(Boolean).join(' ')}`);
}

async function rotate(config: Config, newKeyArg: string | undefined, io: Out): Promise<number> {
  if (newKeyArg !== undefined && Buffer.from(newKeyArg, 'base64').length !== 32) {
    throw new UsageError('--new-key must be base64 of exactly 32 bytes (openssl rand -base64 32)');
  }
  const current = loadSecretBox({ encryptionKey: config.encryptionKey, dataDir: config.database.dataDir, allowGenerate: false });
  const fileMode = current.source === 'data-folder';
  const nextFile = path.join(config.database.dataDir, NEXT_KEY_FILE);
  // A next-key file left by an interrupted rotation may be the only copy of the key the data now uses: finish
  // that rotation with it, never overwrite it.
  const leftover = fileMode && fs.existsSync(nextFile) ? fs.readFileSync(nextFile, 'utf8').trim() : null;
  if (leftover && newKeyArg !== undefined && newKeyArg !== leftover) {
    throw new UsageError(`${nextFile} holds the key of an interrupted rotation: run "wcs secrets rotate" without --new-key to finish it`);
  }
  const newKey = leftover ?? newKeyArg ?? generateKey();
  const next = SecretBox.fromBase64(newKey);
  // Write the new key before the data moves to it, so a crash in between loses nothing.
  if (fileMode && !leftover) fs.writeFileSync(nextFile, `${newKey}\n`, { mode: 0o600 });
  const count = await withDatabase(config, (db) =>
    // The check that nothing still uses an old key runs inside the rotation's transaction: if it fails, nothing moved.
    rotateSecrets(db, SECRET_COLUMNS, current.box, next, {
      verify: (usage) => {
        const stale = Object.keys(usage).filter((kid) => kid !== next.currentKid);
        if (stale.length) throw new Error(`secrets still use old keys ${stale.join(', ')}`);
      },
    }),
  );
  if (fileMode) {
    fs.renameSync(nextFile, path.join(config.database.dataDir, DEV_KEY_FILE));
    io.err(`re-encrypted ${count} secret(s) under key ${keyId(Buffer.from(newKey, 'base64'))}; the data folder key file was replaced`);
  } else {
    io.err(
      `re-encrypted ${count} secret(s) under key ${keyId(Buffer.from(newKey, 'base64'))}. Set ENCRYPTION_KEY to the new key (below) before the next start; the old key is no longer needed.`,
    );
    io.out(newKey);
  }
  return 0;
}

/** Runs one command line; settings come from `env` when given (a test's), else from the process's environment. */
export async function cli(argv: string[], io: Out, env?: Env): Promise<number> {
  try {
    return await run(argv, io, env);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`wcs: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    if (err instanceof ConfigError) {
      io.err(err.message);
      return 2;
    }
    if (err instanceof DomainError) {
      io.err(`wcs: ${err.message}`);
      return err instanceof ConflictError ? 1 : 2;
    }
    io.err(`wcs: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

const isEntry = process.argv[1] && /(wcs(\.js)?|cli[\\/]main\.ts)$/.test(process.argv[1]);
if (isEntry) {
  const code = await cli(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  });
  // Long-running commands (meta-simulator, demo --keep) return only when done.
  process.exitCode = code;
}
