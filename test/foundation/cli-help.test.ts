import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, runProcess } from '../helpers/spawn.js';

/** `wcs --help` and `wcs <command> --help` (issue 12 point 14): usage on stdout, exit 0, nothing opened or created. */

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-help-'));
const env = { DATABASE_URL: `file:${path.join(dataDir, 'wcs.sqlite')}`, NODE_ENV: 'development', LOG_LEVEL: 'silent' };
/** The real binary (exit code and stdout of a process); wcsHere runs the same command line in this process. */
const wcs = (...args: string[]) => runProcess('node', ['bin/wcs.js', ...args], env);
const wcsHere = (...args: string[]) => runCli(args, env);

describe('wcs help', () => {
  it('wcs --help and -h print the usage of every command and exit 0', async () => {
    for (const run of [() => wcs('--help'), () => wcsHere('-h')]) {
      const res = await run();
      expect(res.code).toBe(0);
      for (const command of ['org create', 'api-key create', 'api-key revoke', 'secrets rotate', 'meta-simulator', 'demo']) {
        expect(res.stdout).toContain(command);
      }
    }
  });

  it('wcs <command> --help prints that command usage and exits 0, whatever else is on the line', async () => {
    const cases: Array<[string[], string, string]> = [
      [['api-key', 'create', '--help'], 'wcs api-key create --org <name>', 'api-key list'],
      [['org', 'create', 'acme', '-h'], 'wcs org create <name>', 'api-key'],
      [['demo', '--help'], 'wcs demo [--keep]', 'org create'],
      [['meta-simulator', '--port', 'nonsense', '--help'], 'wcs meta-simulator', 'demo'],
      [['secrets', 'rotate', '--help'], 'wcs secrets rotate', 'api-key'],
    ];
    for (const [args, shown, notShown] of cases) {
      const res = await wcsHere(...args);
      expect(res.code, args.join(' ')).toBe(0);
      expect(res.stdout).toContain(shown);
      expect(res.stdout).not.toContain(notShown);
    }
    const group = await wcsHere('api-key', '--help');
    expect(group.code).toBe(0);
    expect(group.stdout).toContain('wcs api-key create');
    expect(group.stdout).toContain('wcs api-key revoke');
    // Help changes nothing: no database was created by any of these.
    expect(fs.existsSync(path.join(dataDir, 'wcs.sqlite'))).toBe(false);
  });

  it('an unknown command with --help is still a usage error (exit 2)', async () => {
    const res = await wcs('bogus', '--help');
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('unknown command: bogus');
  });
});
