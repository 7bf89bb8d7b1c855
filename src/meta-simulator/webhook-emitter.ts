// Plays Meta's side of webhooks (FACTS §1, §2): the GET verification
// handshake and signed POST notifications, signed over the exact bytes sent.
import { randomInt } from 'node:crypto';
import { Agent, request } from 'undici';
import { signWebhookBody } from '../meta/signature.js';
import type { WebhookPayloadJson } from './webhook-payloads.js';

export interface WebhookConfigInput {
  callbackUrl: string;
  verifyToken: string;
  /** Defaults to the scenario's first app secret. */
  appSecret?: string;
  /** Only notifications whose entries are about these WABAs are delivered (default: all). */
  wabaIds?: string[];
  /** Escape non-ASCII as \uXXXX like Meta's Messenger does (default false: raw UTF-8). */
  escapeUnicode?: boolean;
  /** Attempts per notification while the receiver answers non-200 (default 1, max 10). */
  maxAttempts?: number;
  retryDelayMs?: number;
}

export interface HandshakeResult {
  verified: boolean;
  status: number | null;
  challenge: string;
  body: string | null;
  error: string | null;
}

export interface DeliveryResult {
  at: Date;
  callbackUrl: string;
  status: number | null;
  attempts: number;
  delivered: boolean;
  signature: string;
  rawBody: Buffer;
  error: string | null;
}

interface ActiveConfig extends Required<Omit<WebhookConfigInput, 'wabaIds'>> {
  wabaIds: string[] | null;
  verified: boolean;
}

export function escapeNonAscii(json: string): string {
  return json.replace(/[\u0080-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export class WebhookEmitter {
  private config: ActiveConfig | null = null;
  private readonly agent = new Agent({ connect: { timeout: 5_000 }, headersTimeout: 10_000, bodyTimeout: 10_000 });
  readonly deliveries: DeliveryResult[] = [];

  constructor(private readonly defaultSecret: () => string) {}

  get current(): { callbackUrl: string; verified: boolean; wabaIds: string[] | null; escapeUnicode: boolean; maxAttempts: number } | null {
    if (!this.config) return null;
    const { callbackUrl, verified, wabaIds, escapeUnicode, maxAttempts } = this.config;
    return { callbackUrl, verified, wabaIds, escapeUnicode, maxAttempts };
  }

  /** Runs Meta's verification GET; notifications flow only after it succeeded. */
  async configure(input: WebhookConfigInput): Promise<HandshakeResult> {
    const url = new URL(input.callbackUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('callbackUrl must be http(s)');
    const challenge = String(randomInt(1_000_000_000, 2_147_483_647));
    url.searchParams.set('hub.mode', 'subscribe');
    url.searchParams.set('hub.challenge', challenge);
    url.searchParams.set('hub.verify_token', input.verifyToken);
    let result: HandshakeResult;
    try {
      const res = await request(url, {
        method: 'GET',
        dispatcher: this.agent,
        headers: { 'user-agent': 'facebookplatform/1.0 (+http://developers.facebook.com)' },
      });
      const body = await res.body.text();
      result = { verified: res.statusCode === 200 && body === challenge, status: res.statusCode, challenge, body, error: null };
    } catch (err) {
      result = { verified: false, status: null, challenge, body: null, error: err instanceof Error ? err.message : String(err) };
    }
    this.config = {
      callbackUrl: input.callbackUrl,
      verifyToken: input.verifyToken,
      appSecret: input.appSecret ?? this.defaultSecret(),
      wabaIds: input.wabaIds ?? null,
      escapeUnicode: input.escapeUnicode ?? false,
      maxAttempts: Math.min(Math.max(input.maxAttempts ?? 1, 1), 10),
      retryDelayMs: input.retryDelayMs ?? 200,
      verified: result.verified,
    };
    return result;
  }

  /** Whether this payload would be delivered under the current configuration. */
  accepts(payload: WebhookPayloadJson): boolean {
    const c = this.config;
    if (!c?.verified) return false;
    return c.wabaIds === null || payload.entry.some((e) => c.wabaIds?.includes(e.id));
  }

  /** POSTs one notification, signed with the app secret over the raw bytes. */
  async deliver(payload: WebhookPayloadJson): Promise<DeliveryResult> {
    const c = this.config;
    if (!c) throw new Error('No webhook configured: call configureWebhook first');
    if (!c.verified) throw new Error('The webhook is not verified (the handshake failed): Meta would not send notifications');
    const json = JSON.stringify(payload);
    if (!this.accepts(payload)) {
      return {
        at: new Date(),
        callbackUrl: c.callbackUrl,
        status: null,
        attempts: 0,
        delivered: false,
        signature: '',
        rawBody: Buffer.from(json),
        error: 'not delivered: no entry is about a WABA in wabaIds',
      };
    }
    const rawBody = Buffer.from(c.escapeUnicode ? escapeNonAscii(json) : json, 'utf8');
    const signature = signWebhookBody(rawBody, c.appSecret);
    let status: number | null = null;
    let error: string | null = null;
    let attempts = 0;
    while (attempts < c.maxAttempts) {
      attempts++;
      try {
        const res = await request(c.callbackUrl, {
          method: 'POST',
          dispatcher: this.agent,
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature, 'user-agent': 'facebookexternalua' },
          body: rawBody,
        });
        await res.body.dump();
        status = res.statusCode;
        error = null;
        if (status === 200) break;
      } catch (err) {
        status = null;
        error = err instanceof Error ? err.message : String(err);
      }
      if (attempts < c.maxAttempts) await new Promise((r) => setTimeout(r, c.retryDelayMs));
    }
    const result: DeliveryResult = {
      at: new Date(),
      callbackUrl: c.callbackUrl,
      status,
      attempts,
      delivered: status === 200,
      signature,
      rawBody,
      error,
    };
    this.deliveries.push(result);
    if (this.deliveries.length > 1000) this.deliveries.splice(0, this.deliveries.length - 1000);
    return result;
  }

  reset(): void {
    this.config = null;
    this.deliveries.length = 0;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
