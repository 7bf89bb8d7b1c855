import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_IDS, defaultScenarioInput } from '../../src/meta-simulator/index.js';
import { request } from 'undici';
import { runCli, runProcess, spawnProcess } from '../helpers/spawn.js';

describe('npm run demo', () => {
  it('sets up the whole channel through the public API and exits 0 with a summary', async () => {
    const res = await runProcess('npm', ['run', 'demo', '--silent'], {});
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const steps = res.stdout.split('\n').filter((l) => l.trim().startsWith('✓'));
    expect(
      steps.map(
        (l) =>
          l
            .trim()
            .slice(2)
            .split(/\s{2,}/)[0],
      ),
    ).toEqual([
      'start the Meta simulator and the service',
      'discover WhatsApp Business Accounts',
      'create the credential, watch PROCESSING → ACTIVE',
      'create the webhook with OPT_IN/OPT_OUT/HELP/DEFAULT',
      "Meta's verification handshake",
      'save a channel configuration as a draft',
      'submit it, watch DRAFT → PROCESSING → ACTIVE',
      'inbound " stop " opts the customer out',
      'the auto-reply went out through Meta',
      'delivery statuses move the reply to READ',
      'tracking events recorded',
    ]);
    for (const line of steps) expect(line).toMatch(/\d+ ms/);
    expect(res.stdout).toMatch(/DRAFT → PROCESSING → ACTIVE; 6\/6 checks passed/);
    expect(res.stdout).toMatch(/consent OPTED_OUT \(source KEYWORD, keyword STOP\)/);
    expect(res.stdout).toMatch(/Summary: 11 steps passed in \d+ ms/);
    // The simulator's values, and how to keep it running to try them (issue 12 point 13).
    for (const value of [DEFAULT_IDS.token.systemUser, DEFAULT_IDS.business.acme, DEFAULT_IDS.appSecret])
      expect(res.stdout).toContain(value);
    expect(res.stdout).toContain('--keep');
  }, 90_000);

  it('names the failed step and exits non-zero when a step fails', async () => {
    // A scenario in which the admin's token has expired: Continue fails with Meta's 190.
    const scenario = defaultScenarioInput();
    const token = scenario.tokens!.find((t) => t.value === DEFAULT_IDS.token.systemUser)!;
    Object.assign(token, { expiresAt: 1, expiresInSeconds: undefined });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-demo-')), 'expired.json');
    fs.writeFileSync(file, JSON.stringify(scenario));
    // The same command line in this process: the other two runs show the binary's exit codes and streams.
    const res = await runCli(['demo', '--scenario', file], {});
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('✗ discover WhatsApp Business Accounts');
    expect(res.stderr).toMatch(/FAILED at step "discover WhatsApp Business Accounts": MetaApiError \(META_API_ERROR\)/);
  }, 90_000);

  it('--keep leaves the service running and prints the admin key and the GraphiQL URL', async () => {
    const proc = spawnProcess('node', ['bin/wcs.js', 'demo', '--keep'], {});
    try {
      const [, graphiql] = await proc.waitFor(/GraphiQL:\s+(http:\/\/\S+\/graphql)/, 60_000);
      const [, key] = await proc.waitFor(/ADMIN key:\s+(wcs_\S+)/);
      // How to complete Meta's handshake and inject a customer's message on the simulator that keeps running.
      await proc.waitFor(/__simulator\/webhook\/inbound-text/);
      const res = await request(graphiql!, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: '{ channelConfigurations(first: 5) { totalCount edges { node { name status } } } }' }),
      });
      expect(await res.body.json()).toEqual({
        data: { channelConfigurations: { totalCount: 1, edges: [{ node: { name: 'demo-whatsapp', status: 'ACTIVE' } }] } },
      });
      proc.kill('SIGINT');
      expect(await proc.exited).toBe(0);
    } finally {
      proc.kill('SIGKILL');
    }
  }, 90_000);
});
