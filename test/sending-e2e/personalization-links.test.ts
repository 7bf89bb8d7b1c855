import { request } from 'undici';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWorld } from '../helpers/world.js';
import { EventsDoc, MessageNodeDoc, readMessage, report, sendOk, startSendWorld, upsertProfile } from './helpers.js';

// Issue 8, acceptance 3 (personalization: values, defaults; a missing path is in send.test.ts and
// batches.test.ts) and 4 (link tracking: rewritten link, 302 to the original, one CLICKED event, 404).

const PUBLIC_URL = 'https://wa.example.test';
const w = useWorld(() => startSendWorld({ openWindow: true, env: { PUBLIC_URL } }));
let otherKey: string;
beforeAll(async () => {
  otherKey = await w.h.createKey({ sandbox: 'other', role: 'ADMIN' });
  await upsertProfile(w.h, 'ana', {
    firstName: 'Ana',
    nickname: '',
    address: { city: 'Lisbon' },
    note: '{{profile.firstName}}',
    mobilePhone: { number: '+16505550201' },
  });
  await upsertProfile(w.h, 'ben', { firstName: 'Ben', mobilePhone: { number: '+16505550202' } });
  await upsertProfile(w.h, 'cid', { mobilePhone: { number: '+16505550203' } });
}, 30_000);

const get = (path: string, method: 'GET' | 'HEAD' = 'GET') => request(`${w.h.url}${path}`, { method, maxRedirections: 0 } as never);

describe('personalization', () => {
  it('fills values and defaults, and never renders what a value contains', async () => {
    const m = await sendOk(w.h, {
      channelConfigurationId: w.configId,
      profileId: 'ana',
      text: 'Hi {{profile.firstName}} from {{ profile.address.city }}, a.k.a. {{profile.nickname | default: "friend"}}; {{profile.plan | default: "no plan"}}. Note: {{profile.note}}',
    });
    const expected = 'Hi Ana from Lisbon, a.k.a. friend; no plan. Note: {{profile.firstName}}';
    expect(m).toMatchObject({ status: 'SENT', text: expected });
    expect(w.sim.sim.sentMessages({ to: '+16505550201' })[0]!.body).toMatchObject({ text: { body: expected } });
  });
});

describe('link tracking', () => {
  let messageId: string;
  let tokens: string[];

  it('rewrites every http(s) link to PUBLIC_URL/l/<token>, one token per distinct URL', async () => {
    const m = await sendOk(w.h, {
      channelConfigurationId: w.configId,
      profileId: 'ben',
      text: 'Sale: https://shop.example.com/sale?x=1 (again https://shop.example.com/sale?x=1) and http://other.example.org/a. mailto:x@y.z stays.',
      trackLinks: true,
    });
    messageId = m.id;
    expect(m.status).toBe('SENT');
    const body = (w.sim.sim.sentMessages({ to: '+16505550202' })[0]!.body as { text: { body: string; preview_url?: boolean } }).text;
    expect(body.body).not.toContain('shop.example.com');
    expect(body.body).not.toContain('other.example.org');
    expect(body.body).toContain('mailto:x@y.z');
    // A tracked link must not be fetched for a preview (that would count as a click).
    expect(body.preview_url).toBeUndefined();
    const found = [...body.body.matchAll(/https:\/\/wa\.example\.test\/l\/([A-Za-z0-9_-]{24})/g)].map((x) => x[1]!);
    expect(found).toHaveLength(3);
    expect(found[0]).toBe(found[1]);
    expect(found[2]).not.toBe(found[0]);
    tokens = [found[0]!, found[2]!];
    expect(m.trackedLinks.map((l) => l.url).sort()).toEqual(['http://other.example.org/a', 'https://shop.example.com/sale?x=1']);
  });

  it('redirects (302) to exactly the stored URL, counts every click, records one CLICKED event per message and link', async () => {
    for (let i = 0; i < 2; i++) {
      // A query string cannot choose the target: it comes only from storage.
      const res = await get(`/l/${tokens[0]}?url=https://evil.example`);
      expect(res.statusCode).toBe(302);
      expect(res.headers.location).toBe('https://shop.example.com/sale?x=1');
      expect(res.headers['cache-control']).toBe('no-store');
      await res.body.dump();
    }
    const head = await get(`/l/${tokens[1]}`, 'HEAD');
    expect(head.statusCode).toBe(302);
    expect(head.headers.location).toBe('http://other.example.org/a');
    await head.body.dump();
    const events = (await w.h.gql(EventsDoc, { type: 'CLICKED' })).data!.trackingEvents;
    expect(events.totalCount).toBe(1);
    expect(events.edges[0]!.node.message?.id).toBe(messageId);
    expect(events.edges[0]!.node.detail).toMatchObject({ url: 'https://shop.example.com/sale?x=1' });
    const m = await readMessage(w.h, messageId);
    const clicks = Object.fromEntries(m.trackedLinks.map((l) => [l.url, l.clicks]));
    expect(clicks).toEqual({ 'https://shop.example.com/sale?x=1': 2, 'http://other.example.org/a': 0 });
    expect(await report(w.h, { channelConfigurationId: w.configId })).toMatchObject({ clicked: 1, sent: 2, clickRate: 0.5 });
  });

  it('an unknown or ill-formed token -> 404', async () => {
    for (const path of ['/l/AAAAAAAAAAAAAAAAAAAAAAAA', '/l/short', '/l/', `/l/${tokens[0]}x`, '/l/..%2Fgraphql', `/l/${tokens[0]}/more`]) {
      const res = await get(path);
      expect(res.statusCode, path).toBe(404);
      expect(res.headers.location).toBeUndefined();
      await res.body.dump();
    }
  });

  it("a click is recorded in the link's sandbox only; another sandbox sees neither the event nor the message", async () => {
    const events = (await w.h.gql(EventsDoc, { type: 'CLICKED' }, otherKey)).data!.trackingEvents;
    expect(events.totalCount).toBe(0);
    expect((await report(w.h, {}, otherKey)).clicked).toBe(0);
    expect((await w.h.gql(MessageNodeDoc, { id: messageId }, otherKey)).data?.node ?? null).toBeNull();
  });

  it('untracked links keep their URL and ask Meta for a preview', async () => {
    await sendOk(w.h, { channelConfigurationId: w.configId, profileId: 'cid', text: 'Read https://blog.example.com/post' });
    expect(w.sim.sim.sentMessages({ to: '+16505550203' })[0]!.body).toMatchObject({
      text: { body: 'Read https://blog.example.com/post', preview_url: true },
    });
  });
});
