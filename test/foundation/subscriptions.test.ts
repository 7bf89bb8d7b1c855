import { print } from 'graphql';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeApiKey } from '../../src/platform/tenancy/service.js';
import WebSocket from 'ws';
import { startHarness, type Harness } from '../helpers/harness.js';
import { sqlColumn } from '../helpers/sql.js';
import { AuditAddedDoc, TouchDoc } from '../helpers/live-docs.js';
import { connectWs, subscribeSse } from '../helpers/live.js';
import { waitUntil } from '../helpers/wait.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.stop());

describe('subscriptions over graphql-ws', () => {
  it('a key connects, subscribes and receives an event published after the commit', async () => {
    const conn = connectWs(h.wsUrl, h.adminKey);
    try {
      const sub = conn.subscribe(AuditAddedDoc);
      await waitForListener(h);
      await h.gql(TouchDoc, { field: 'mobilePhone.number' });
      const event = await sub.events.next();
      expect(event.data?.auditLogEntryAdded).toEqual({
        action: 'updateChannelGeneralSettings',
        outcome: 'SUCCESS',
        actor: expect.stringMatching(/^wcs_/),
      });
    } finally {
      await conn.dispose();
    }
  });

  it('closes the socket with 4403 for a bad key or no key', async () => {
    for (const key of ['wcs_wrong_key', undefined]) {
      const conn = connectWs(h.wsUrl, key);
      const sub = conn.subscribe(AuditAddedDoc);
      await expect(sub.done).rejects.toBeDefined();
      expect((await conn.closed).code).toBe(4403);
      await conn.dispose();
    }
  });

  it("never delivers another sandbox's events", async () => {
    const otherKey = await h.createKey({ sandbox: 'other', role: 'ADMIN' });
    const mine = connectWs(h.wsUrl, h.adminKey);
    const theirs = connectWs(h.wsUrl, otherKey);
    try {
      const subMine = mine.subscribe(AuditAddedDoc);
      const subTheirs = theirs.subscribe(AuditAddedDoc);
      await waitForListener(h, 2);
      await h.gql(TouchDoc, { field: 'a.b' }, otherKey);
      expect((await subTheirs.events.next()).data?.auditLogEntryAdded.action).toBe('updateChannelGeneralSettings');
      await subMine.events.none(300);
    } finally {
      await mine.dispose();
      await theirs.dispose();
    }
  });

  it('a VIEWER may subscribe only where the field allows it (audit is ADMIN-only)', async () => {
    const conn = connectWs(h.wsUrl, h.viewerKey);
    try {
      const sub = conn.subscribe(AuditAddedDoc);
      const first = await sub.events.next().catch(() => null);
      const error = first?.errors?.[0] ?? (sub.events.error as Array<{ extensions?: { code?: string } }> | undefined)?.[0];
      expect(error?.extensions?.code).toBe('FORBIDDEN');
    } finally {
      await conn.dispose();
    }
  });

  it('caps the operations one connection may run at once', async () => {
    const conn = connectWs(h.wsUrl, h.adminKey);
    try {
      const subs = Array.from({ length: 21 }, () => conn.subscribe(AuditAddedDoc));
      const rejected = await Promise.race([
        subs[20]!.done.then(
          () => 'completed',
          (err: Error) => err.message,
        ),
        new Promise((r) => setTimeout(() => r('still open'), 3000)),
      ]);
      expect(String(rejected)).toContain('TOO_MANY_SUBSCRIPTIONS');
      // The first twenty still work (they share one execution, so one listener).
      await waitForListener(h, 1);
      await waitUntil(() => h.server.app.fanout.memberCount >= 20, 5_000, 'twenty live subscribers');
      subs[0]!.unsubscribe();
      await h.gql(TouchDoc, { field: 'mobilePhone.number' });
      expect((await subs[1]!.events.next()).data?.auditLogEntryAdded.action).toBe('updateChannelGeneralSettings');
    } finally {
      await conn.dispose();
    }
  });

  it('closes with 1009 when a message is larger than the cap', async () => {
    const ws = new WebSocket(h.wsUrl, 'graphql-transport-ws');
    await new Promise((resolve) => ws.once('open', resolve));
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${h.adminKey}`, pad: 'x'.repeat(70 * 1024) } }));
    expect(await closed).toBe(1009);
  });
});

describe('subscriptions over SSE', () => {
  it("delivers the same events through yoga's SSE transport with the same auth", async () => {
    const sse = await subscribeSse(h.url, h.adminKey, AuditAddedDoc);
    try {
      expect(sse.status).toBe(200);
      await waitForListener(h);
      await h.gql(TouchDoc, { field: 'mobilePhone.number' });
      expect((await sse.events.next()).data?.auditLogEntryAdded.outcome).toBe('SUCCESS');
    } finally {
      sse.close();
    }
    const anonymous = await h.post({ query: 'subscription { auditLogEntryAdded { action } }' }, { accept: 'text/event-stream' });
    expect(anonymous.status).toBe(401);
  });
});

/** Waits until the server has registered n audit listeners for the sandbox (the subscription is live). */
async function waitForListener(harness: Harness, n = 1): Promise<void> {
  const deadline = Date.now() + 5_000;
  const sandboxes = await sqlColumn<string>(harness.server, 'SELECT id FROM sandboxes');
  while (Date.now() < deadline) {
    const total = sandboxes.reduce((sum, id) => sum + harness.server.deps.pubsub.listenerCount(id, 'audit:entry-added'), 0);
    if (total >= n) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('subscription listener not registered');
}

describe('a key revoked while its streams run', () => {
  it('ends its graphql-ws connection (4403) and its SSE stream at the next key check', async () => {
    const own = await startHarness({ env: { STREAM_KEY_RECHECK_MS: '200' } });
    try {
      const key = await own.createKey({ sandbox: 'prod', role: 'ADMIN' });
      const conn = connectWs(own.wsUrl, key);
      conn.subscribe(AuditAddedDoc);
      const sse = await request(`${own.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: print(AuditAddedDoc) }),
      });
      expect(sse.statusCode).toBe(200);
      const sseEnded = (async () => {
        try {
          for await (const _chunk of sse.body) {
            // keep-alive pings until the server ends the stream
          }
        } catch {
          // a destroyed connection ends the loop with an error: ended all the same
        }
        return Date.now();
      })();
      await new Promise((r) => setTimeout(r, 500));
      const revokedAt = Date.now();
      await revokeApiKey(own.server.deps.db, key.split('_').slice(0, 2).join('_'));
      expect((await conn.closed).code).toBe(4403);
      expect((await sseEnded) - revokedAt).toBeLessThan(5_000);
    } finally {
      await own.stop();
    }
  });
});
