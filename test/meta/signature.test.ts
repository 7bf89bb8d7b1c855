// X-Hub-Signature-256: signing and verifying over raw bytes, and the
// simulator playing Meta's webhook side (handshake, signed POSTs, retries).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseWebhookPayload, signWebhookBody, verifyWebhookSignature } from '../../src/meta/index.js';
import { DEFAULT_IDS, type RunningMetaSimulator } from '../../src/meta-simulator/index.js';
import { startReceiver, startSim, type Receiver } from './helpers.js';

const SECRET = DEFAULT_IDS.appSecret;

describe('signWebhookBody / verifyWebhookSignature', () => {
  it("matches GitHub's published test vector", () => {
    const sig = signWebhookBody('Hello, World!', "It's a Secret to Everybody");
    expect(sig).toBe('sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17');
    expect(verifyWebhookSignature(Buffer.from('Hello, World!'), sig, ["It's a Secret to Everybody"])).toBe(true);
  });

  it('fails when one byte changes, with the wrong secret, or on malformed headers, and never throws', () => {
    const body = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');
    const sig = signWebhookBody(body, SECRET);
    const flipped = Buffer.from(body);
    flipped[10] = (flipped[10] as number) ^ 0x01;
    expect(verifyWebhookSignature(flipped, sig, [SECRET])).toBe(false);
    expect(verifyWebhookSignature(body, sig, ['another-secret'])).toBe(false);
    const hex = sig.slice('sha256='.length);
    for (const header of [
      undefined,
      null,
      '',
      hex,
      `sha1=${hex}`,
      `SHA256=${hex}`,
      `sha256=${hex.slice(2)}`,
      `sha256=${hex}00`,
      `sha256=${'z'.repeat(64)}`,
      `sha256= ${hex.slice(1)}`,
    ]) {
      expect(verifyWebhookSignature(body, header, [SECRET]), String(header)).toBe(false);
    }
    expect(verifyWebhookSignature(body, `sha256=${hex.toUpperCase()}`, [SECRET])).toBe(true);
    expect(verifyWebhookSignature('not a buffer' as unknown as Buffer, sig, [SECRET])).toBe(false);
    expect(verifyWebhookSignature(body, sig, [])).toBe(false);
  });

  it('accepts any of several active secrets (rotation)', () => {
    const body = Buffer.from('{}');
    expect(verifyWebhookSignature(body, signWebhookBody(body, 'new-secret-123'), ['old-secret-123', 'new-secret-123'])).toBe(true);
  });

  it('signs non-ASCII text over the UTF-8 bytes, not a re-serialisation', () => {
    const text = '{"text":"Olá ünïcödé 😀"}';
    const bytes = Buffer.from(text, 'utf8');
    expect(bytes.length).toBeGreaterThan(text.length);
    expect(signWebhookBody(text, SECRET)).toBe(signWebhookBody(bytes, SECRET));
    const escaped = Buffer.from(
      JSON.stringify(JSON.parse(text)).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
    );
    expect(verifyWebhookSignature(escaped, signWebhookBody(bytes, SECRET), [SECRET])).toBe(false);
  });
});

describe('the simulator as Meta’s webhook sender', () => {
  let running: RunningMetaSimulator;
  let receiver: Receiver;

  beforeAll(async () => {
    running = await startSim();
    receiver = await startReceiver('my-verify-token');
  });
  afterAll(async () => {
    await running.close();
    await receiver.close();
  });
  afterEach(() => {
    receiver.requests.length = 0;
    receiver.postStatus = 200;
  });

  it('performs the verification handshake exactly like Meta', async () => {
    const r = await running.sim.configureWebhook({ callbackUrl: receiver.url, verifyToken: 'my-verify-token' });
    expect(r).toMatchObject({ verified: true, status: 200 });
    const get = receiver.requests[0];
    const q = new URL(get?.url ?? '', 'http://x').searchParams;
    expect(get?.method).toBe('GET');
    expect(q.get('hub.mode')).toBe('subscribe');
    expect(q.get('hub.verify_token')).toBe('my-verify-token');
    expect(q.get('hub.challenge')).toMatch(/^\d{10}$/);
    expect(r.body).toBe(q.get('hub.challenge'));
  });

  it('reports a failed handshake and then refuses to deliver', async () => {
    expect(await running.sim.configureWebhook({ callbackUrl: receiver.url, verifyToken: 'wrong' })).toMatchObject({
      verified: false,
      status: 403,
    });
    await expect(
      running.sim.sendInboundText({ phoneNumberId: DEFAULT_IDS.phone.acmeGreen, from: { waId: '16505551234' }, text: 'hi' }),
    ).rejects.toThrow(/not verified/);
    const echoWrong = await startReceiver('t', { echoWrongChallenge: true });
    try {
      expect(await running.sim.configureWebhook({ callbackUrl: echoWrong.url, verifyToken: 't' })).toMatchObject({
        verified: false,
        status: 200,
      });
    } finally {
      await echoWrong.close();
    }
  });

  it.each([false, true])('signs non-ASCII notifications over the exact bytes sent (escapeUnicode=%s)', async (escapeUnicode) => {
    await running.sim.configureWebhook({ callbackUrl: receiver.url, verifyToken: 'my-verify-token', escapeUnicode });
    receiver.requests.length = 0;
    const text = 'Olá ünïcödé 😀';
    const { delivery, wamid } = await running.sim.sendInboundText({
      phoneNumberId: DEFAULT_IDS.phone.acmeGreen,
      from: { waId: '16505551234', name: 'Zoë' },
      text,
    });
    expect(delivery).toMatchObject({ delivered: true, status: 200, attempts: 1 });
    const post = receiver.requests[0];
    expect(post?.method).toBe('POST');
    expect(post?.headers['content-type']).toBe('application/json');
    const header = post?.headers['x-hub-signature-256'] as string;
    const raw = post?.raw as Buffer;
    expect(raw.equals(delivery.rawBody)).toBe(true);
    expect(raw.toString('utf8').includes(text)).toBe(!escapeUnicode);
    expect(verifyWebhookSignature(raw, header, [SECRET])).toBe(true);
    const flipped = Buffer.from(raw);
    flipped[flipped.length - 5] = (flipped[flipped.length - 5] as number) ^ 0x20;
    expect(verifyWebhookSignature(flipped, header, [SECRET])).toBe(false);
    const parsed = parseWebhookPayload(JSON.parse(raw.toString('utf8')));
    const change = parsed.ok ? parsed.entries[0]?.changes[0] : undefined;
    expect(change?.kind === 'messages' && change.messages[0]).toMatchObject({ id: wamid, text, from: '16505551234' });
  });

  it('retries a notification answered with non-200, up to maxAttempts', async () => {
    await running.sim.configureWebhook({ callbackUrl: receiver.url, verifyToken: 'my-verify-token', maxAttempts: 3, retryDelayMs: 5 });
    receiver.requests.length = 0;
    receiver.postStatus = 500;
    const { delivery } = await running.sim.sendInboundText({
      phoneNumberId: DEFAULT_IDS.phone.acmeGreen,
      from: { waId: '16505551234' },
      text: 'retry me',
    });
    expect(delivery).toMatchObject({ delivered: false, status: 500, attempts: 3 });
    expect(receiver.requests.filter((r) => r.method === 'POST')).toHaveLength(3);
    // Every retry carries the same bytes and signature, like Meta's.
    expect(new Set(receiver.requests.map((r) => r.headers['x-hub-signature-256'])).size).toBe(1);
  });
});
