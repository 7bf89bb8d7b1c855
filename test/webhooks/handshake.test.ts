import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { activeCredential, cleanup, startWorld } from '../helpers/world.js';
import { createWebhook, localCallback, RotateDoc, WebhookNodeDoc } from './helpers.js';

// Acceptance 1: Meta's GET handshake. Also: 404 for unknown paths, 405 for other methods.

afterEach(cleanup);

async function get(url: string, params: Record<string, string>) {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  const res = await request(u, { method: 'GET' });
  return { status: res.statusCode, body: await res.body.text(), headers: res.headers };
}

describe('webhook verification handshake', () => {
  it('answers the right token with exactly the challenge as text/plain and records verifiedAt; anything else is 403', async () => {
    const { sim, h } = await startWorld();
    const credentialId = await activeCredential(h);
    const a = await createWebhook(h, { name: 'a', apiCredentialId: credentialId });
    const b = await createWebhook(h, { name: 'b', apiCredentialId: credentialId });
    expect(a.verifiedAt).toBeNull();
    expect(a.verifyToken).not.toBe(b.verifyToken);
    expect(Buffer.from(a.verifyToken, 'base64url').length).toBeGreaterThanOrEqual(32);
    expect(a.callbackUrl).toMatch(new RegExp(`^${h.config.publicUrl}/webhooks/whatsapp/[A-Za-z0-9_-]{32,}$`));
    const url = localCallback(h, a);

    const ok = await get(url, { 'hub.mode': 'subscribe', 'hub.verify_token': a.verifyToken, 'hub.challenge': '1158201444' });
    expect(ok.status).toBe(200);
    expect(ok.body).toBe('1158201444');
    expect(ok.headers['content-type']).toMatch(/^text\/plain/);
    expect(ok.headers['x-content-type-options']).toBe('nosniff');

    const node = await h.gql(WebhookNodeDoc, { id: a.id });
    const verifiedAt = node.data?.node?.__typename === 'WhatsAppWebhook' ? node.data.node.verifiedAt : null;
    expect(verifiedAt).not.toBeNull();

    const refused: Array<Record<string, string>> = [
      { 'hub.mode': 'subscribe', 'hub.verify_token': 'wrong', 'hub.challenge': '42' },
      { 'hub.mode': 'subscribe', 'hub.verify_token': b.verifyToken, 'hub.challenge': '42' }, // another webhook's token
      { 'hub.verify_token': a.verifyToken, 'hub.challenge': '42' }, // no mode
      { 'hub.mode': 'unsubscribe', 'hub.verify_token': a.verifyToken, 'hub.challenge': '42' },
      { 'hub.mode': 'subscribe', 'hub.challenge': '42' }, // no token
      { 'hub.mode': 'subscribe', 'hub.verify_token': a.verifyToken }, // no challenge
      { 'hub.mode': 'subscribe', 'hub.verify_token': a.verifyToken, 'hub.challenge': '<script>alert(1)</script>' },
      { 'hub.mode': 'subscribe', 'hub.verify_token': a.verifyToken, 'hub.challenge': 'x'.repeat(257) },
      { 'hub.mode': 'subscribe', 'hub.verify_token': `${a.verifyToken} `, 'hub.challenge': '42' },
    ];
    for (const params of refused) {
      const res = await get(url, params);
      expect(res.status, JSON.stringify(params)).toBe(403);
      expect(res.body).not.toContain('42');
      expect(res.body).not.toContain('script');
    }

    // The simulator does Meta's handshake the same way.
    expect((await sim.sim.configureWebhook({ callbackUrl: url, verifyToken: b.verifyToken })).verified).toBe(false);
    expect((await sim.sim.configureWebhook({ callbackUrl: url, verifyToken: a.verifyToken })).verified).toBe(true);
  });

  it('rotation invalidates the old token at once and the new one works', async () => {
    const { sim, h } = await startWorld();
    const credentialId = await activeCredential(h);
    const webhook = await createWebhook(h, { apiCredentialId: credentialId });
    const url = localCallback(h, webhook);
    expect((await sim.sim.configureWebhook({ callbackUrl: url, verifyToken: webhook.verifyToken })).verified).toBe(true);

    const res = await h.gql(RotateDoc, { input: { id: webhook.id } });
    const r = res.data!.rotateWhatsAppWebhookVerifyToken;
    if (r.__typename !== 'RotateWhatsAppWebhookVerifyTokenSuccess') throw new Error(JSON.stringify(r));
    const rotated = r.data.verifyToken;
    expect(rotated).not.toBe(webhook.verifyToken);
    expect(r.data.callbackUrl).toBe(webhook.callbackUrl);

    const old = await get(url, { 'hub.mode': 'subscribe', 'hub.verify_token': webhook.verifyToken, 'hub.challenge': '7' });
    expect(old.status).toBe(403);
    expect((await sim.sim.configureWebhook({ callbackUrl: url, verifyToken: rotated })).verified).toBe(true);
  });

  it('answers 404 for an unknown or deleted path and 405 for other methods', async () => {
    const { h } = await startWorld();
    const credentialId = await activeCredential(h);
    const webhook = await createWebhook(h, { apiCredentialId: credentialId });
    const url = localCallback(h, webhook);

    const unknown = `${h.url}/webhooks/whatsapp/${'A'.repeat(32)}`;
    expect((await get(unknown, { 'hub.mode': 'subscribe', 'hub.verify_token': webhook.verifyToken, 'hub.challenge': '1' })).status).toBe(
      404,
    );
    expect((await request(unknown, { method: 'POST', body: '{}' })).statusCode).toBe(404);
    expect((await request(`${h.url}/webhooks/whatsapp/bad%20id`, { method: 'GET' })).statusCode).toBe(404);

    for (const method of ['PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const) {
      const res = await request(url, { method });
      expect(res.statusCode, method).toBe(405);
      expect(res.headers.allow).toBe('GET, POST');
      await res.body.dump();
    }
  });
});
