import { listCredentialsByPhoneNumberId, type CredentialRecord } from '../credentials/service.js';
import type { AppDeps } from '../core/deps.js';

/**
 * One Meta app calls one callback URL for every number of every WABA it is
 * subscribed to, so a webhook receives traffic for numbers other than its own
 * credential's. A change is applied as the credential of the webhook's sandbox
 * that owns its phone_number_id (the webhook's own first, then an ACTIVE one,
 * then the newest); only a number no credential of the sandbox owns is
 * quarantined. Sandboxes stay isolated: a change never lands in another one.
 */
export class CredentialRouter {
  private readonly owners = new Map<string, CredentialRecord | null>();

  constructor(
    private readonly deps: AppDeps,
    private readonly own: CredentialRecord,
  ) {}

  async ownerOf(phoneNumberId: string): Promise<CredentialRecord | null> {
    if (phoneNumberId === this.own.phoneNumberId) return this.own;
    if (!this.owners.has(phoneNumberId)) {
      const candidates = await listCredentialsByPhoneNumberId(this.deps, this.own.sandboxId, phoneNumberId);
      const best = candidates.find((c) => c.status === 'ACTIVE') ?? candidates[candidates.length - 1] ?? null;
      this.owners.set(phoneNumberId, best);
    }
    return this.owners.get(phoneNumberId) ?? null;
  }
}
