import { createHash } from 'node:crypto';
import { verifyWebhookSignature } from '../meta/index.js';
import type { RouteEntry } from './route-cache.js';

/**
 * Meta redelivers a notification with the same bytes and the same
 * X-Hub-Signature-256 until it sees a 200 (and retries after timeouts), so a
 * body that was verified a moment ago often arrives again. This remembers the
 * last verified (route, signature header, bytes) triples with the body's
 * SHA-256: when a POST carries exactly the same header and byte-for-byte the
 * same body for the same route entry, its HMAC and digest are the same as
 * before and neither is computed again. Anything else (another header, another
 * byte, another route entry, as after a secret change) is verified in full.
 *
 * A hit needs a header that was valid for these exact bytes: only a replay of a
 * genuine delivery can hit, and a replay is accepted (and stored DUPLICATE)
 * anyway. Bounded in entries and in body size; bodies are copied, so no socket
 * buffer is kept alive.
 */

const MAX_ENTRIES = 512;
const MAX_BODY_BYTES = 16 * 1024;

interface Verified {
  route: RouteEntry;
  body: Buffer;
  sha256: string;
}

export class VerifiedBodies {
  private readonly entries = new Map<string, Verified>();

  /** The body's hex SHA-256 when `header` is a valid signature of `body` for this route, else undefined. */
  verify(route: RouteEntry, header: string | undefined, body: Buffer): string | undefined {
    if (typeof header !== 'string') return undefined;
    const known = this.entries.get(header);
    if (known && known.route === route && known.body.equals(body)) return known.sha256;
    if (!verifyWebhookSignature(body, header, [route.appSecret])) return undefined;
    const sha256 = createHash('sha256').update(body).digest('hex');
    if (body.length <= MAX_BODY_BYTES) this.remember(header, { route, body: Buffer.from(body), sha256 });
    return sha256;
  }

  private remember(header: string, entry: Verified): void {
    this.entries.delete(header);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(header, entry);
  }
}
