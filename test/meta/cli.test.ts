import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_IDS, defaultScenarioInput } from '../../src/meta-simulator/index.js';
import { runProcess, spawnProcess, type Spawned } from '../helpers/spawn.js';

// `wcs meta-simulator [--port N] [--scenario file.json]` runs the simulator alone (issue 3).

let proc: Spawned | undefined;
afterEach(async () => {
  proc?.kill('SIGTERM');
  await proc?.exited;
  proc = undefined;
});

describe('wcs meta-simulator', () => {
  it('serves the Graph API and the control API until stopped', async () => {
    proc = spawnProcess('node', ['bin/wcs.js', 'meta-simulator', '--port', '0'], {});
    const [, url, baseUrl] = await proc.waitFor(/listening on (http:\/\/[^\s]+) \(use META_GRAPH_URL=(http:\/\/[^\s)]+)\)/);
    const state = await request(`${url}/__simulator/state`);
    expect(state.statusCode).toBe(200);
    await state.body.json();
    const debug = await request(`${baseUrl}/v25.0/debug_token?input_token=${DEFAULT_IDS.token.systemUser}`, {
      headers: { authorization: `Bearer ${DEFAULT_IDS.token.systemUser}` },
    });
    expect(((await debug.body.json()) as { data: { is_valid: boolean } }).data.is_valid).toBe(true);
    proc.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
    proc = undefined;
  });

  it('loads a scenario file, and names the bad field of an invalid one (exit code 2)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-scenario-'));
    const good = path.join(dir, 'good.json');
    const scenario = defaultScenarioInput();
    scenario.businesses![0]!.name = 'Scenario From File';
    fs.writeFileSync(good, JSON.stringify(scenario));
    proc = spawnProcess('node', ['bin/wcs.js', 'meta-simulator', '--port', '0', '--scenario', good], {});
    const [, url] = await proc.waitFor(/listening on (http:\/\/[^\s]+)/);
    const state = await (await request(`${url}/__simulator/state`)).body.text();
    expect(state).toContain('Scenario From File');

    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ ...scenario, wabas: [{ id: 42 }] }));
    const res = await runProcess('node', ['bin/wcs.js', 'meta-simulator', '--port', '0', '--scenario', bad], {});
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/wabas\.0\./);
  });
});
