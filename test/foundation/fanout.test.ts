import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { KeyWatcher } from '../../src/http/live-connections.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { sqlColumn } from '../helpers/sql.js';
import { AuditAddedDoc, TouchDoc } from '../helpers/live-docs.js';
import { connectWs, subscribeSse, type WsConnection } from '../helpers/live.js';
import { sleep, waitUntil } from '../helpers/wait.js';

/** Issue 14 (shared fan-out, caps, one key timer) and issue 16 point 9 (closed subscriptions release everything). */

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { WS_MAX_CONNECTIONS_PER_KEY: '40', WS_MAX_CONNECTIONS: '60' } });
});
afterAll(async () => h?.stop());

async function listeners(harness: Harness): Promise<number> {
  const sandboxes = await sqlColumn<string>(harness.server, 'SELECT id FROM sandboxes');
  return sandboxes.reduce((sum, id) => sum + harness.server.deps.pubsub.listenerCount(id, 'audit:entry-added'), 0);
}

describe('closed subscriptions release their listener at once (no event needed)', () => {
  it('closing the socket, completing the operation, or closing an SSE stream leaves no listener', async () => {
    const conn = connectWs(h.wsUrl, h.adminKey);
    try {
      conn.subscribe(AuditAddedDoc);
      await waitUntil(async () => (await listeners(h)) === 1, 5_000, 'listener registered');
    } finally {
      // Also when the wait fails: a connection left open would break the exact counts of the tests after this one.
      await conn.dispose();
    }
    await waitUntil(async () => (await listeners(h)) === 0, 5_000, 'listener released after the socket closed');
    expect(h.server.app.fanout.memberCount).toBe(0);

    const second = connectWs(h.wsUrl, h.adminKey);
    try {
      const sub = second.subscribe(AuditAddedDoc);
      await waitUntil(async () => (await listeners(h)) === 1, 5_000, 'listener registered');
      sub.unsubscribe();
      await waitUntil(async () => (await listeners(h)) === 0, 5_000, 'listener released after "complete"');
    } finally {
      await second.dispose();
    }

    const sse = await subscribeSse(h.url, h.adminKey, AuditAddedDoc);
    await waitUntil(async () => (await listeners(h)) === 1, 5_000, 'SSE listener registered');
    sse.close();
    await waitUntil(async () => (await listeners(h)) === 0, 5_000, 'listener released after the SSE stream closed');
  });

  it('rounds of subscribe/close leave nothing behind (issue 16 point 9, small counts)', async () => {
    for (let round = 0; round < 5; round++) {
      const conns = Array.from({ length: 8 }, () => connectWs(h.wsUrl, h.adminKey));
      try {
        for (const c of conns) for (let i = 0; i < 5; i++) c.subscribe(AuditAddedDoc);
        await waitUntil(() => h.server.app.fanout.memberCount === 40, 10_000, 'forty subscribers live');
        expect(await listeners(h)).toBe(1);
      } finally {
        await Promise.all(conns.map((c) => c.dispose()));
      }
      await waitUntil(async () => (await listeners(h)) === 0 && h.server.app.fanout.memberCount === 0, 5_000, 'everything released');
      expect(h.server.app.fanout.groupCount).toBe(0);
      expect(h.server.app.keyWatcher.size).toBe(0);
    }
  });
});

describe('shared fan-out', () => {
  it('subscribers of one operation and visibility share one execution; each receives the event once', async () => {
    const otherKey = await h.createKey({ sandbox: 'fanout-other', role: 'ADMIN' });
    const conns: WsConnection[] = Array.from({ length: 5 }, () => connectWs(h.wsUrl, h.adminKey));
    const other = connectWs(h.wsUrl, otherKey);
    try {
      const subs = conns.flatMap((c) => Array.from({ length: 5 }, () => c.subscribe(AuditAddedDoc)));
      const theirs = other.subscribe(AuditAddedDoc);
      await waitUntil(() => h.server.app.fanout.memberCount === 26, 10_000, 'all subscribers live');
      // One listener (one execution per event) per sandbox, not one per subscriber.
      expect(await listeners(h)).toBe(2);
      expect(h.server.app.fanout.groupCount).toBe(2);

      const res = await h.gql(TouchDoc, { field: 'mobilePhone.number' });
      expect(res.errors).toBeUndefined();
      const received = await Promise.all(subs.map((s) => s.events.next()));
      for (const event of received) {
        expect(event.data?.auditLogEntryAdded).toEqual({
          action: 'updateChannelGeneralSettings',
          outcome: 'SUCCESS',
          actor: expect.stringMatching(/^wcs_/),
        });
      }
      await sleep(200);
      for (const s of subs) expect(s.events.all).toHaveLength(1);
      // The other sandbox heard nothing of it.
      await theirs.events.none(100);
    } finally {
      await Promise.all([...conns, other].map((c) => c.dispose()));
    }
  });
});

describe('connection caps', () => {
  it('refuses a connection above the per-key cap with 1008 and a reason that says why', async () => {
    const conns = Array.from({ length: 40 }, () => connectWs(h.wsUrl, h.adminKey));
    try {
      for (const c of conns) c.subscribe(AuditAddedDoc);
      await waitUntil(() => h.server.app.fanout.memberCount === 40, 10_000, 'forty connections live');
      const extra = await rawConnect(h.wsUrl, h.adminKey);
      expect(extra).toEqual({ code: 1008, reason: 'Too many connections for this API key (limit 40).' });
      // Another key still connects: the cap is per key.
      const viewer = connectWs(h.wsUrl, h.viewerKey);
      await viewer.client.subscribe(
        { query: 'subscription { channelConfigurationStatusChanged { status } }' },
        {
          next: () => {},
          error: () => {},
          complete: () => {},
        },
      );
      await waitUntil(() => h.server.app.fanout.memberCount === 41, 5_000, 'other key connected');
      await viewer.dispose();
    } finally {
      await Promise.all(conns.map((c) => c.dispose()));
    }
    // Places are given back when sockets close.
    await waitUntil(async () => (await rawConnect(h.wsUrl, h.adminKey, 300)).code === 0, 5_000, 'a place again');
  });

  it('refuses a connection above the total cap with 1013 (try again later)', async () => {
    const keys = await Promise.all(Array.from({ length: 2 }, () => h.createKey({ sandbox: 'prod', role: 'ADMIN' })));
    const conns = [
      ...Array.from({ length: 30 }, () => connectWs(h.wsUrl, keys[0])),
      ...Array.from({ length: 30 }, () => connectWs(h.wsUrl, keys[1])),
    ];
    try {
      for (const c of conns) c.subscribe(AuditAddedDoc);
      await waitUntil(() => h.server.app.fanout.memberCount === 60, 10_000, 'sixty connections live');
      const extra = await rawConnect(h.wsUrl, h.adminKey);
      expect(extra).toEqual({ code: 1013, reason: 'Server connection limit reached (60); try again later.' });
    } finally {
      await Promise.all(conns.map((c) => c.dispose()));
    }
  });
});

describe('key re-check', () => {
  it('checks each distinct key once per interval, on one timer, however many streams use it', async () => {
    const checked: string[] = [];
    const valid = new Set(['Bearer a', 'Bearer b']);
    const watcher = new KeyWatcher(20, (authorization) => {
      checked.push(authorization);
      return Promise.resolve(valid.has(authorization));
    });
    const revoked: string[] = [];
    const stops = Array.from({ length: 100 }, (_, i) => {
      const key = i % 2 ? 'Bearer a' : 'Bearer b';
      return watcher.watch(key, () => revoked.push(key));
    });
    await waitUntil(() => checked.length >= 2, 2_000, 'a check');
    expect(new Set(checked.slice(0, 2))).toEqual(new Set(['Bearer a', 'Bearer b']));
    valid.delete('Bearer b');
    await waitUntil(() => revoked.length === 50, 2_000, 'revocation');
    expect(new Set(revoked)).toEqual(new Set(['Bearer b']));
    expect(watcher.size).toBe(50);
    for (const stop of stops) stop();
    expect(watcher.size).toBe(0);
    const after = checked.length;
    await sleep(80);
    expect(checked.length).toBe(after); // no watch, no timer
    watcher.stop();
  });
});

/** Connects, sends connection_init and resolves with the close code (0 = still open after waitMs: accepted). */
async function rawConnect(url: string, key: string, waitMs = 2_000): Promise<{ code: number; reason: string }> {
  const ws = new WebSocket(url, 'graphql-transport-ws');
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  ws.once('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${key}` } })));
  const acked = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('message', (data) => {
      if (JSON.parse(String(data)).type === 'connection_ack') resolve({ code: 0, reason: '' });
    }),
  );
  const result = await Promise.race([closed, acked, sleep(waitMs).then(() => ({ code: 0, reason: 'timeout' }))]);
  ws.close();
  return result;
}
