import { createHash } from 'node:crypto';
import type { AppDeps } from '../core/deps.js';
import { currentTransactionHooks, inTransaction, type Tx } from '../platform/db.js';
import { store } from './store.js';
import type { CredentialPatch, CredentialRow } from './store.js';
import type { CredentialStatus } from './tables.js';

/**
 * Status transitions of a credential, in one place: each bumps status_version
 * (so stale verification runs and duplicate live events are dropped), emits the
 * durable domain event in the writer's transaction, and returns the pubsub
 * event to publish once that transaction has committed.
 */

declare module '../platform/pubsub.js' {
  interface PubSubEvents {
    'credential:status-changed': {
      credentialId: string;
      previousStatus: CredentialStatus | null;
      status: CredentialStatus;
      /** ISO-8601. */
      at: string;
      statusVersion: number;
    };
    'credential:quality-changed': { credentialId: string; qualityChangeId: string };
  }
}

declare module '../platform/events.js' {
  interface DomainEventMap {
    /** Every status transition of a WhatsApp API credential (channel configurations react to FAILED and recoveries). */
    'credential.status-changed': {
      sandboxId: string;
      credentialId: string;
      previousStatus: CredentialStatus | null;
      status: CredentialStatus;
    };
  }
}

export const SECRET_AAD_TABLE = 'whatsapp_api_credentials';
export const SECRET_AAD_COLUMN = 'api_token_enc';

export interface StatusEvent {
  sandboxId: string;
  credentialId: string;
  previousStatus: CredentialStatus | null;
  status: CredentialStatus;
  at: string;
  statusVersion: number;
}

/** Identifies which stored token a Meta call used, without revealing anything about it (the ciphertext has a random IV). */
export function tokenFingerprint(apiTokenEnc: string): string {
  return createHash('sha256').update(apiTokenEnc).digest('hex').slice(0, 16);
}

/**
 * Moves the credential to `status` if it is still at `from.statusVersion`.
 * Returns the event to publish after commit, or null when someone else moved it first.
 */
export async function transition(
  deps: AppDeps,
  tx: Tx,
  from: CredentialRow,
  status: CredentialStatus,
  statusMessage: string | null,
  patch: CredentialPatch = {},
  now = new Date(),
): Promise<StatusEvent | null> {
  const statusVersion = from.statusVersion + 1;
  const written = await store.updateCredentialAtVersion(tx, from.id, from.statusVersion, {
    ...patch,
    status,
    previousStatus: from.status,
    statusMessage,
    statusVersion,
    statusChangedAt: now,
    updatedAt: now,
  });
  if (!written) return null;
  await deps.events.emit(
    tx,
    'credential.status-changed',
    { sandboxId: from.sandboxId, credentialId: from.id, previousStatus: from.status, status },
    from.sandboxId,
  );
  return { sandboxId: from.sandboxId, credentialId: from.id, previousStatus: from.status, status, at: now.toISOString(), statusVersion };
}

/**
 * Call last inside the transaction that produced the event (delivered once it committed: on PostgreSQL with its
 * NOTIFY, so every instance sees the transitions in commit order), or after a commit made durable elsewhere.
 */
export function publishStatus(deps: AppDeps, event: StatusEvent | null): void {
  if (!event) return;
  const { sandboxId, ...payload } = event;
  deps.pubsub.publish(sandboxId, 'credential:status-changed', payload);
  const hooks = currentTransactionHooks();
  if (hooks) hooks.afterCommit(() => deps.jobs.notify());
  else deps.jobs.notify();
}

/** Runs fn in one transaction and publishes the status event it returns (if any) with that transaction. */
export function statusTransaction<E extends StatusEvent | null>(deps: AppDeps, fn: (tx: Tx) => Promise<E>): Promise<E> {
  return inTransaction(deps.db, async (tx) => {
    const event = await fn(tx);
    publishStatus(deps, event);
    return event;
  });
}
