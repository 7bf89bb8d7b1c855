import { describe, expect, it } from 'vitest';
import { MetaUnreachableError } from '../../src/meta/index.js';
import { takeBlockedConnections } from '../setup/no-internet.mjs';
import { spawnProcess } from '../helpers/spawn.js';
import { makeClient, rejection } from './helpers.js';

// Acceptance (issue 3): no test reaches the internet. The guard (test/setup/no-internet.mjs) is loaded in every
// test process and, through NODE_OPTIONS, in every process the tests spawn; the hook fails any test that made
// such a connection. These tests show that it really blocks, and that loopback (the simulator) stays open.

describe('the no-internet guard of the test suite', () => {
  it("blocks the real Graph API: the client's call fails as Meta unreachable and the attempt is recorded", async () => {
    const { client } = makeClient('https://graph.facebook.com', { retry: { maxAttempts: 1 } });
    try {
      const err = await rejection(client.session('EAAG-canary-never-sent').getWaba('102290129340398'));
      expect(err).toBeInstanceOf(MetaUnreachableError);
      expect((err as Error).message).not.toContain('EAAG-canary-never-sent');
    } finally {
      await client.close();
    }
    expect(takeBlockedConnections()).toEqual(['graph.facebook.com:443']);
  });

  it('blocks IP addresses and names alike, and lets loopback through', async () => {
    const { default: net } = await import('node:net');
    for (const host of ['93.184.215.14', 'example.com', '2606:2800:21f:cb07:6820:80da:af6b:8b2c']) {
      expect(() => net.connect({ host, port: 80 })).toThrow(/test guard/);
    }
    expect(takeBlockedConnections()).toHaveLength(3);
    const local = net.connect({ host: '127.0.0.1', port: 9 });
    await new Promise<void>((resolve) => local.once('error', () => resolve()).once('connect', () => resolve()));
    local.destroy();
    expect(takeBlockedConnections()).toEqual([]);
  });

  it('is loaded in spawned processes too', async () => {
    const child = spawnProcess(
      process.execPath,
      ['-e', "require('node:net').connect({ host: 'graph.facebook.com', port: 443 }).on('error', () => {});"],
      {},
    );
    const code = await child.exited;
    expect(code).not.toBe(0);
    expect(child.stderr()).toContain('[test guard] blocked a connection to graph.facebook.com:443');
  });
});
