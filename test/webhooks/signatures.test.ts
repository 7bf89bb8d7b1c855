import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { signWebhookBody } from '../../src/meta/index.js';
import { inboundTextPayload } from '../../src/meta-simulator/index.js';
import { sqlRows } from '../helpers/sql.js';
import { cleanup, connectedWorld } from '../helpers/world.js';
import { countRows, deliveries, IDS, MessagesDoc, postRaw, settledDeliveries, UpdateWebhookDoc, WebhookNodeDoc } from './helpers.js';

// Acceptance 2: X-Hub-Signature-256 over the raw bytes, before anything is parsed or stored.
// Also: the body cap (413), and an app secret change takes effect at once (the decrypted-secret cache is dropped).

afterEach(cleanup);

/** A stored body as bytes: SQLite gives a Buffer, the raw PostgreSQL read a bytea as its hex text ('\\x7b22…'). */
const bytesOf = (stored: Buffer | string): Buffer =>
  typeof stored === 'string' && stored.startsWith('\\x') ? Buffer.from(stored.slice(2), 'hex') : Buffer.from(stored);

const CANARY_SECRET = 'canary-app-secret-7f3a9c1e5b2d4f60a8e1';

describe('webhook signatures', () => {
  it('accepts a valid signature; missing, malformed, wrong-secret and one-flipped-byte signatures get 401 and nothing is stored', async () => {
    const { sim, h, webhook, url } = await connectedWorld({ appSecret: CANARY_SECRET });
    const body = Buffer.from(JSON.stringify(inboundTextPayload(sim.sim.numberRef(IDS.phone.acmeGreen), { waId: '16505551111' }, 'hello')));
    const good = signWebhookBody(body, CANARY_SECRET);
    const flipped = Buffer.from(body);
    flipped[20] = flipped[20]! ^ 0x01;
    const hex = good.slice('sha256='.length);

    const bad: Array<[string, Buffer, Record<string, string>]> = [
      ['missing', body, {}],
      ['empty', body, { 'x-hub-signature-256': '' }],
      ['sha1 prefix', body, { 'x-hub-signature-256': `sha1=${hex}` }],
      ['no prefix', body, { 'x-hub-signature-256': hex }],
      ['63 hex', body, { 'x-hub-signature-256': `sha256=${hex.slice(1)}` }],
      ['65 hex', body, { 'x-hub-signature-256': `${good}0` }],
      ['non-hex', body, { 'x-hub-signature-256': `sha256=${'z'.repeat(64)}` }],
      ['wrong secret', body, { 'x-hub-signature-256': signWebhookBody(body, IDS.appSecret) }],
      ['one flipped byte in the body', flipped, { 'x-hub-signature-256': good }],
      ['one flipped hex digit', body, { 'x-hub-signature-256': `sha256=${hex[0] === '0' ? '1' : '0'}${hex.slice(1)}` }],
      ['duplicated header', body, { 'x-hub-signature-256': `${good}, ${good}` }],
    ];
    for (const [what, payload, headers] of bad) {
      const res = await postRaw(url, payload, headers);
      expect(res.status, what).toBe(401);
    }
    expect(await countRows(h, 'webhook_deliveries')).toBe(0);

    const ok = await postRaw(url, body, { 'x-hub-signature-256': good });
    expect(ok.status).toBe(200);
    // Committed before the 200: the row is there the moment the answer arrives.
    expect(await countRows(h, 'webhook_deliveries')).toBe(1);
    const [delivery] = await settledDeliveries(h, webhook.id, 1);
    expect(delivery).toMatchObject({ outcome: 'PROCESSED', changes: 1 });

    // The secret never shows: not in logs, not in any response.
    const node = await h.gql(WebhookNodeDoc, { id: webhook.id });
    expect(JSON.stringify(node)).not.toContain(CANARY_SECRET);
    expect(node.data?.node?.__typename === 'WhatsAppWebhook' && node.data.node.appSecretLast4).toBe(CANARY_SECRET.slice(-4));
    expect(h.logs.text()).not.toContain(CANARY_SECRET);
    expect(h.logs.text()).not.toContain(webhook.verifyToken);
  });

  it('a redelivery skips nothing it must not: a remembered signature never vouches for other bytes, another secret or a truncation', async () => {
    const { h, webhook, url } = await connectedWorld({ appSecret: CANARY_SECRET });
    const body = Buffer.from(JSON.stringify({ object: 'whatsapp_business_account', entry: [], n: 1 }));
    const headers = { 'x-hub-signature-256': signWebhookBody(body, CANARY_SECRET) };
    // Accepted once: the verified (signature, bytes) pair is remembered.
    expect((await postRaw(url, body, headers)).status).toBe(200);
    const flipped = Buffer.from(body);
    flipped[body.length - 3] = flipped[body.length - 3]! ^ 0x01;
    const forgeries: Array<[string, Buffer]> = [
      ['one flipped byte', flipped],
      ['truncated', body.subarray(0, body.length - 1)],
      ['one byte more', Buffer.concat([body, Buffer.from(' ')])],
    ];
    for (const [what, payload] of forgeries) expect((await postRaw(url, payload, headers)).status, what).toBe(401);
    // The exact redelivery is accepted and stored as a copy of the first, with the same digest.
    expect((await postRaw(url, body, headers)).status).toBe(200);
    const stored = await sqlRows<{ body: Buffer | string; sha: string }>(
      h.server,
      'SELECT body, body_sha256 AS sha FROM webhook_deliveries ORDER BY id',
    );
    expect(stored).toHaveLength(2);
    const sha = createHash('sha256').update(body).digest('hex');
    for (const row of stored) expect({ body: bytesOf(row.body).equals(body), sha: row.sha }).toEqual({ body: true, sha });
    // After a secret change the remembered pair is worthless: the old signature is refused even for the same bytes.
    const res = await h.gql(UpdateWebhookDoc, { input: { id: webhook.id, appSecret: 'another-app-secret-0123456789' } });
    expect(res.data!.updateWhatsAppWebhook.__typename).toBe('UpdateWhatsAppWebhookSuccess');
    expect((await postRaw(url, body, headers)).status).toBe(401);
    expect(await countRows(h, 'webhook_deliveries')).toBe(2);
  });

  it('verifies non-ASCII text over the raw bytes, whether Meta escapes it or sends UTF-8', async () => {
    const { sim, h, webhook, url } = await connectedWorld();
    const text = 'Olá! äöå 😀 — ünïcödé \\/ "quoted"';
    for (const escapeUnicode of [false, true]) {
      await sim.sim.configureWebhook({ callbackUrl: url, verifyToken: webhook.verifyToken, escapeUnicode });
      const r = await sim.sim.sendInboundText({
        phoneNumberId: IDS.phone.acmeGreen,
        from: { waId: '16505552222' },
        text: `${text} ${escapeUnicode}`,
      });
      expect(r.delivery.status, `escapeUnicode=${escapeUnicode}`).toBe(200);
    }
    // Re-serialising would change the bytes and break the signature; the raw body verifies.
    const rawBody = Buffer.from(
      JSON.stringify({ object: 'whatsapp_business_account', entry: [], note: 'ünï' }).replace('ünï', '\\u00fcn\\u00ef'),
    );
    expect((await postRaw(url, rawBody, { 'x-hub-signature-256': signWebhookBody(rawBody, IDS.appSecret) })).status).toBe(200);

    await settledDeliveries(h, webhook.id, 3);
    const messages = await h.gql(MessagesDoc, { first: 10 });
    const texts = messages.data!.whatsAppMessages.edges.map((e) => e.node.text);
    expect(texts).toContain(`${text} false`);
    expect(texts).toContain(`${text} true`);
  });

  it('refuses bodies over WEBHOOK_MAX_BODY_BYTES with 413 and stores nothing', async () => {
    const { h, url } = await connectedWorld({ env: { WEBHOOK_MAX_BODY_BYTES: '4096' } });
    const big = Buffer.from(JSON.stringify({ object: 'whatsapp_business_account', entry: [], pad: 'x'.repeat(5000) }));
    const declared = await postRaw(url, big, { 'x-hub-signature-256': signWebhookBody(big, IDS.appSecret) });
    expect(declared.status).toBe(413);

    // Without a Content-Length (chunked), the cap applies while reading.
    const chunked = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhookBody(big, IDS.appSecret) },
      body: Readable.from([big.subarray(0, 3000), big.subarray(3000)]),
    });
    expect(chunked.statusCode).toBe(413);
    await chunked.body.dump();
    expect(await countRows(h, 'webhook_deliveries')).toBe(0);

    const small = Buffer.from(JSON.stringify({ object: 'whatsapp_business_account', entry: [] }));
    expect((await postRaw(url, small, { 'x-hub-signature-256': signWebhookBody(small, IDS.appSecret) })).status).toBe(200);
  });

  it('a new app secret takes effect at once: the old one is refused, the new one accepted', async () => {
    const { sim, h, webhook, url } = await connectedWorld();
    const body = Buffer.from(JSON.stringify({ object: 'whatsapp_business_account', entry: [] }));
    expect((await postRaw(url, body, { 'x-hub-signature-256': signWebhookBody(body, IDS.appSecret) })).status).toBe(200);

    const res = await h.gql(UpdateWebhookDoc, { input: { id: webhook.id, appSecret: ` ${CANARY_SECRET} ` } });
    expect(res.data!.updateWhatsAppWebhook.__typename).toBe('UpdateWhatsAppWebhookSuccess');
    expect((await postRaw(url, body, { 'x-hub-signature-256': signWebhookBody(body, IDS.appSecret) })).status).toBe(401);
    expect((await postRaw(url, body, { 'x-hub-signature-256': signWebhookBody(body, CANARY_SECRET) })).status).toBe(200);
    expect(await deliveries(h, webhook.id)).toHaveLength(2);
    expect(JSON.stringify(res)).not.toContain(CANARY_SECRET);
    expect(h.logs.text()).not.toContain(CANARY_SECRET);
    void sim;
  });
});
