// X-Hub-Signature-256 (FACTS §2, RELIABILITY §1.5): HMAC-SHA256 of the raw
// body bytes with the app secret, `sha256=<lowercase hex>`. Verification
// checks the format first (Buffer.from(hex) silently truncates bad hex), then
// compares equal-length buffers in constant time, trying every active secret.
import { createHmac, timingSafeEqual } from 'node:crypto';

const SIGNATURE_RE = /^sha256=[0-9a-fA-F]{64}$/;

export function signWebhookBody(rawBody: Buffer | string, appSecret: string): string {
  const bytes = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
  return `sha256=${createHmac('sha256', appSecret).update(bytes).digest('hex')}`;
}

/** True when `header` is a valid signature of `rawBody` under any of `appSecrets`. Never throws. */
export function verifyWebhookSignature(rawBody: Buffer, header: string | undefined | null, appSecrets: readonly string[]): boolean {
  try {
    if (typeof header !== 'string' || !SIGNATURE_RE.test(header) || !Buffer.isBuffer(rawBody)) return false;
    // Hex case is not significant to the digest; Meta sends lowercase.
    const given = Buffer.from(header.slice('sha256='.length).toLowerCase(), 'hex');
    let ok = false;
    for (const secret of appSecrets) {
      if (typeof secret !== 'string' || secret.length === 0) continue;
      const expected = createHmac('sha256', secret).update(rawBody).digest();
      // No early exit: every secret is tried so timing does not reveal which one matched.
      if (expected.length === given.length && timingSafeEqual(expected, given)) ok = true;
    }
    return ok;
  } catch {
    return false;
  }
}
