import type { AppDeps } from '../../core/deps.js';
import { inTransaction, type DbOrTx, type Tx } from '../../platform/db.js';
import { AccountBlockedError } from '../../core/errors.js';
import { VERIFY_JOB, type CredentialRecord, type VerifyPayload } from '../service.js';
import { publishStatus, statusTransaction, transition, type StatusEvent } from '../status.js';
import { store as credentialStore } from '../store.js';
import type { CredentialPatch, CredentialRow } from '../store.js';
import type { CredentialWarning } from '../tables.js';
import { store } from './store.js';
import type { AccountBlockRow } from './store.js';

/**
 * Meta's `account_update` webhook applied to the credentials of the WABA it
 * names. What each event means here (docs/api.md "Account events"):
 *
 * - ACCOUNT_DELETED, DISABLED_UPDATE (DISABLE), ACCOUNT_OFFBOARDED,
 *   PARTNER_APP_UNINSTALLED, PARTNER_REMOVED: nothing can be sent any more. The
 *   credential moves to FAILED naming the event (its configurations follow the
 *   readiness rules: CREDENTIAL_ACTIVE fails), and a block keeps it FAILED even
 *   if it is verified again, until Meta lifts it.
 * - The lifts: DISABLED_UPDATE (REINSTATE), ACCOUNT_RECONNECTED,
 *   PARTNER_APP_INSTALLED, PARTNER_ADDED remove the block they answer and verify
 *   the credential again (ACTIVE when Meta agrees; configurations are re-checked).
 * - ACCOUNT_RESTRICTION: messaging is limited until the latest expiration; the
 *   credential stays ACTIVE, sends the restriction covers are refused, and the
 *   block ends by itself at that time (a job pushes the change). An
 *   ACCOUNT_RESTRICTION with no restriction_info lifts it.
 * - ACCOUNT_VIOLATION and DISABLED_UPDATE (SCHEDULE_FOR_DISABLE) are warnings:
 *   Meta enforces a violation through a restriction or a ban, which arrive as
 *   their own events.
 *
 * Every change is pushed to whatsAppApiCredentialStatusChanged (a status
 * transition, or a same-status one that bumps statusVersion) and logged.
 */

export const RESTRICTION_EXPIRED_JOB = 'credentials.account-restriction-expired';
export interface RestrictionExpiredPayload {
  credentialId: string;
  /** The end time the job was scheduled for (ms); a newer restriction makes the job stale. */
  until: number;
}

const FAILING_EVENTS: Record<string, string> = {
  ACCOUNT_DELETED: 'the WhatsApp Business Account was deleted',
  ACCOUNT_OFFBOARDED: 'the WhatsApp Business Account was offboarded from this app',
  PARTNER_APP_UNINSTALLED: 'the app was uninstalled from the WhatsApp Business Account',
  PARTNER_REMOVED: 'the partner was removed from the WhatsApp Business Account',
};

/** Which FAILED block each lifting event answers. */
const LIFTS: Record<string, string> = {
  ACCOUNT_RECONNECTED: 'ACCOUNT_OFFBOARDED',
  PARTNER_APP_INSTALLED: 'PARTNER_APP_UNINSTALLED',
  PARTNER_ADDED: 'PARTNER_REMOVED',
};

/** Restriction types that stop sends, and which sends: template = business-initiated, the rest = replies. */
const BIZ_INITIATED = 'RESTRICTED_BIZ_INITIATED_MESSAGING';
const CUSTOMER_INITIATED = 'RESTRICTED_CUSTOMER_INITIATED_MESSAGING';

export interface AccountUpdate {
  event: string;
  banState: string | null;
  banDate: string | null;
  restrictions: { type: string; expiration: Date | null }[];
  violationType: string | null;
  deliveryId: string;
}

export type AccountUpdateEffect = 'failed' | 'restricted' | 'lifted' | 'warned' | 'unchanged';

export type AccountBlock = AccountBlockRow;

/** The block in force for a credential now (an expired restriction is no block), or null. */
export async function accountBlockOf(db: DbOrTx, credentialId: string, now = Date.now()): Promise<AccountBlock | null> {
  const block = await store.findBlock(db, credentialId);
  if (!block) return null;
  if (block.kind === 'RESTRICTED' && block.until && block.until.getTime() <= now) return null;
  return block;
}

/** Whether the block stops a send of this kind (template: business-initiated). */
function stopsSend(block: AccountBlock, template: boolean): boolean {
  if (block.kind === 'FAILED') return true;
  return block.restrictionTypes.includes(template ? BIZ_INITIATED : CUSTOMER_INITIATED);
}

/** The typed refusal for a send through this credential, or null when Meta reported nothing in its way. */
export async function accountSendRefusal(
  deps: AppDeps,
  credentialId: string,
  send: { template: boolean },
  now = Date.now(),
): Promise<AccountBlockedError | null> {
  const block = await accountBlockOf(deps.db, credentialId, now);
  if (!block || !stopsSend(block, send.template)) return null;
  const until = block.kind === 'RESTRICTED' ? block.until : null;
  const when = until ? ` until ${until.toISOString()}` : block.kind === 'RESTRICTED' ? ' until Meta lifts it' : '';
  return new AccountBlockedError(
    `Not sent: Meta reported ${block.event} for the sender's WhatsApp Business Account${when}: ${block.detail}`,
    block.event,
    block.restrictionTypes,
    until,
  );
}

const upsertWarning = (warnings: CredentialWarning[], warning: CredentialWarning): CredentialWarning[] => [
  ...warnings.filter((w) => w.code !== warning.code),
  warning,
];

/** The same status again with a new statusVersion: subscribers of the credential hear about the change. */
function touch(deps: AppDeps, tx: Tx, current: CredentialRow, patch: CredentialPatch, now: Date) {
  return transition(deps, tx, current, current.status, current.statusMessage, patch, now);
}

async function failWith(deps: AppDeps, tx: Tx, current: CredentialRow, message: string, now: Date): Promise<StatusEvent | null> {
  if (current.status === 'FAILED' && current.statusMessage === message) return null;
  return await transition(deps, tx, current, 'FAILED', message, {}, now);
}

/** Back to PROCESSING with a verification job: Meta decides whether the credential is ACTIVE again. */
async function reverify(deps: AppDeps, tx: Tx, current: CredentialRow, reason: string, now: Date): Promise<StatusEvent | null> {
  const moved = await transition(deps, tx, current, 'PROCESSING', reason, {}, now);
  if (moved) {
    await deps.jobs.enqueue<VerifyPayload>(
      tx,
      VERIFY_JOB,
      { credentialId: current.id, statusVersion: moved.statusVersion },
      { sandboxId: current.sandboxId },
    );
  }
  return moved;
}

interface Decision {
  effect: AccountUpdateEffect;
  event: StatusEvent | null;
}

async function decide(deps: AppDeps, tx: Tx, current: CredentialRow, u: AccountUpdate, now: Date): Promise<Decision> {
  const existing = await store.findBlock(tx, current.id);
  const block = (kind: AccountBlock['kind'], detail: string, restrictionTypes: string[] = [], until: Date | null = null) =>
    store.putBlock(tx, {
      credentialId: current.id,
      sandboxId: current.sandboxId,
      kind,
      event: u.event,
      detail,
      restrictionTypes,
      until,
      since: now,
      deliveryId: u.deliveryId,
    });
  const failing =
    u.event === 'DISABLED_UPDATE' && u.banState === 'DISABLE'
      ? 'the WhatsApp Business Account was disabled (banned)'
      : FAILING_EVENTS[u.event];
  if (failing) {
    const detail = `${failing}${u.banDate ? ` (${u.banDate})` : ''}. Nothing can be sent through it until Meta lifts this.`;
    await block('FAILED', detail);
    return { effect: 'failed', event: await failWith(deps, tx, current, `Meta reported ${u.event}: ${detail}`, now) };
  }
  const lifts = u.event === 'DISABLED_UPDATE' && u.banState === 'REINSTATE' ? 'DISABLED_UPDATE' : LIFTS[u.event];
  if (lifts) {
    if (existing?.kind !== 'FAILED' || existing.event !== lifts) return { effect: 'unchanged', event: null };
    await store.deleteBlock(tx, current.id);
    const reason = `Meta reported ${u.event} (lifting ${lifts}); checking the credential with Meta again.`;
    return {
      effect: 'lifted',
      event: current.status === 'FAILED' ? await reverify(deps, tx, current, reason, now) : await touch(deps, tx, current, {}, now),
    };
  }
  if (u.event === 'ACCOUNT_RESTRICTION') {
    // A ban or deletion outweighs a restriction: the FAILED block stays.
    if (existing?.kind === 'FAILED') return { effect: 'unchanged', event: null };
    if (!u.restrictions.length) {
      if (!existing) return { effect: 'unchanged', event: null };
      await store.deleteBlock(tx, current.id);
      return { effect: 'lifted', event: await touch(deps, tx, current, {}, now) };
    }
    const types = [...new Set(u.restrictions.map((r) => r.type))].sort();
    const until = u.restrictions.some((r) => !r.expiration)
      ? null
      : new Date(Math.max(...u.restrictions.map((r) => r.expiration!.getTime())));
    if (until && until.getTime() <= now.getTime()) {
      // Already over (a late redelivery): nothing is in force.
      if (existing) await store.deleteBlock(tx, current.id);
      return { effect: existing ? 'lifted' : 'unchanged', event: existing ? await touch(deps, tx, current, {}, now) : null };
    }
    await block('RESTRICTED', `Meta restricted messaging: ${types.join(', ')}.`, types, until);
    if (until) {
      await deps.jobs.enqueue<RestrictionExpiredPayload>(
        tx,
        RESTRICTION_EXPIRED_JOB,
        { credentialId: current.id, until: until.getTime() },
        { runAt: until, sandboxId: current.sandboxId, dedupeKey: `${RESTRICTION_EXPIRED_JOB}:${current.id}:${until.getTime()}` },
      );
    }
    return { effect: 'restricted', event: await touch(deps, tx, current, {}, now) };
  }
  const warning: CredentialWarning | null =
    u.event === 'ACCOUNT_VIOLATION'
      ? {
          code: 'ACCOUNT_VIOLATION',
          message: `Meta reported a policy violation on the WhatsApp Business Account${u.violationType ? ` (${u.violationType})` : ''}; a restriction or ban may follow (WhatsApp Manager → Account quality).`,
        }
      : u.event === 'DISABLED_UPDATE' && u.banState === 'SCHEDULE_FOR_DISABLE'
        ? {
            code: 'ACCOUNT_SCHEDULED_FOR_DISABLE',
            message: `Meta scheduled the WhatsApp Business Account to be disabled${u.banDate ? ` on ${u.banDate}` : ''}; appeal in WhatsApp Manager → Account quality.`,
          }
        : null;
  if (!warning) return { effect: 'unchanged', event: null };
  return { effect: 'warned', event: await touch(deps, tx, current, { warnings: upsertWarning(current.warnings, warning) }, now) };
}

/**
 * Applies one account_update to one credential of the WABA it is about, in the
 * caller's transaction; the status event is handed to `deferPublish` (published
 * once the caller's commit is on disk). Applying it twice changes nothing more.
 */
export async function applyAccountUpdate(
  deps: AppDeps,
  credential: CredentialRecord,
  update: AccountUpdate,
  deferPublish: (publish: () => void) => void = (p) => p(),
): Promise<AccountUpdateEffect> {
  const now = new Date();
  const decision = await inTransaction(deps.db, async (tx): Promise<Decision> => {
    const current = await credentialStore.findCredentialById(tx, credential.id);
    if (!current) return { effect: 'unchanged', event: null };
    return decide(deps, tx, current, update, now);
  });
  if (decision.effect !== 'unchanged') {
    deps.logger.warn(
      {
        credentialId: credential.id,
        sandboxId: credential.sandboxId,
        event: update.event,
        effect: decision.effect,
        deliveryId: update.deliveryId,
      },
      `account_update ${update.event}: credential ${decision.effect}`,
    );
  }
  deferPublish(() => {
    publishStatus(deps, decision.event);
    // Lifting enqueued a verification (or an expiry job): wake the worker.
    deps.jobs.notify();
  });
  return decision.effect;
}

/** The restriction's end time came: the block goes and subscribers hear it (reads already ignore an expired one). */
export async function expireRestriction(deps: AppDeps, payload: RestrictionExpiredPayload): Promise<void> {
  const now = new Date();
  const event = await statusTransaction(deps, async (tx) => {
    const block = await store.findBlock(tx, payload.credentialId);
    if (!block || block.kind !== 'RESTRICTED' || block.until?.getTime() !== payload.until || payload.until > now.getTime()) return null;
    await store.deleteBlock(tx, payload.credentialId);
    const current = await credentialStore.findCredentialById(tx, payload.credentialId);
    return current ? await touch(deps, tx, current, {}, now) : null;
  });
  if (event) deps.logger.info({ credentialId: payload.credentialId, sandboxId: event.sandboxId }, 'account restriction expired: lifted');
}

/** For the verification job: a credential whose account Meta reported gone stays FAILED, naming the event. */
export async function failedBlockMessage(db: DbOrTx, credentialId: string): Promise<string | null> {
  const block = await store.findBlock(db, credentialId);
  return block?.kind === 'FAILED' ? `Meta reported ${block.event}: ${block.detail}` : null;
}
