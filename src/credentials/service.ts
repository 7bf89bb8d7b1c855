import type { AppDeps } from '../core/deps.js';
import type { MetaSession, QualityRating } from '../meta/index.js';
import { ConcurrentChangeError, inTransaction } from '../platform/db.js';
import { isForeignKeyFailure } from '../platform/db-errors.js';
import { ConflictError, FieldErrors, NotFoundError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import type { Page, PageWindow } from '../platform/pagination.js';
import { toPage } from '../platform/pagination.js';
import { last4 } from '../platform/secrets.js';
import type { Viewer } from '../platform/tenancy/viewer.js';
import { WHATSAPP_ENTITLEMENT } from '../core/entitlements.js';
import { requireEntitlement } from '../platform/tenancy/viewer.js';
import { mergePhoneWarnings } from './checks.js';
import { store } from './store.js';
import type { CredentialPatch, CredentialRow, MetaApiCallRow, QualityChangeRow } from './store.js';
import { publishStatus, SECRET_AAD_COLUMN, statusTransaction, SECRET_AAD_TABLE, tokenFingerprint, transition } from './status.js';
import type { CredentialQualityRating, CredentialStatus, CredentialThroughputLevel } from './tables.js';

/**
 * WhatsApp API credentials: the rules, the transactions and the functions other
 * slices call (getCredential, openMetaSession, applyPhoneNumberUpdate,
 * markCredentialFailed …). Verification against Meta lives in verification.ts.
 */

/** A stored credential. `apiTokenEnc` is ciphertext; use openMetaSession to call Meta with it. */
export type CredentialRecord = CredentialRow;
export type { CredentialStatus, CredentialQualityRating, CredentialThroughputLevel };

export const VERIFY_JOB = 'credentials.verify';
export interface VerifyPayload {
  credentialId: string;
  statusVersion: number;
}

const NOT_FOUND = 'WhatsApp API credential';
const ID_RULE = /^\d{1,32}$/;
// C0/C1 control characters (tabs, newlines, escapes) have no place in a display name.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

export function requireWhatsAppEntitlement(viewer: Viewer): void {
  requireEntitlement(viewer, WHATSAPP_ENTITLEMENT);
}

// ---- for other slices ------------------------------------------------------

export async function getCredential(deps: AppDeps, sandboxId: string, id: string): Promise<CredentialRecord | undefined> {
  return await store.findCredential(deps.db, sandboxId, id);
}

/** At once on SQLite when it can (store.now: a page's references then load without a promise), else a promise. */
export function findCredentials(deps: AppDeps, sandboxId: string, ids: string[]): CredentialRecord[] | Promise<CredentialRecord[]> {
  return store.now(deps.db)?.findCredentials(deps.db, sandboxId, ids) ?? store.findCredentials(deps.db, sandboxId, ids);
}

export async function listCredentialsByPhoneNumberId(deps: AppDeps, sandboxId: string, phoneNumberId: string): Promise<CredentialRecord[]> {
  return await store.listCredentialsByPhoneNumberId(deps.db, sandboxId, phoneNumberId);
}

export async function listCredentialsByWabaId(deps: AppDeps, sandboxId: string, wabaId: string): Promise<CredentialRecord[]> {
  return await store.listCredentialsByWabaId(deps.db, sandboxId, wabaId);
}

export function decryptToken(deps: AppDeps, credential: CredentialRecord): string {
  return deps.secrets.decrypt(credential.apiTokenEnc, { table: SECRET_AAD_TABLE, column: SECRET_AAD_COLUMN, rowId: credential.id });
}

/**
 * A Meta session with the credential's token. Its calls are tagged, so they land
 * in the credential's recentApiCalls and a 190 on any of them fails the credential.
 */
export function openMetaSession(deps: AppDeps, credential: CredentialRecord): MetaSession {
  return deps.meta.session(decryptToken(deps, credential), {
    tag: { credentialId: credential.id, sandboxId: credential.sandboxId, tokenFp: tokenFingerprint(credential.apiTokenEnc) },
  });
}

export interface PhoneNumberPatch {
  qualityRating?: QualityRating;
  throughputLevel?: CredentialThroughputLevel | 'UNKNOWN';
  messagesPerSecond?: number | null;
  messagingLimitTier?: string | null;
  displayPhoneNumber?: string | null;
  verifiedName?: string | null;
  phoneStatus?: string | null;
  canSendMessage?: boolean | null;
  /** Meta's raw health status (AVAILABLE | LIMITED | BLOCKED), for the warnings. */
  canSendMessageRaw?: string | null;
}

/** The health status a patch tells (undefined: it says nothing about it). */
function healthOf(patch: PhoneNumberPatch): string | null | undefined {
  if (patch.canSendMessageRaw !== undefined) return patch.canSendMessageRaw;
  if (patch.canSendMessage === undefined || patch.canSendMessage === null) return patch.canSendMessage;
  return patch.canSendMessage ? 'AVAILABLE' : 'BLOCKED';
}

/**
 * Stores what Meta says about the credential's number (refresh job, refresh
 * mutation, or a phone_number_quality_update webhook), records a quality change
 * when the rating moved, and publishes it after commit.
 */
export async function applyPhoneNumberUpdate(
  deps: AppDeps,
  credential: CredentialRecord,
  patch: PhoneNumberPatch,
  source: 'refresh' | 'webhook',
  /** Webhook processing publishes after its own (outer) commit is on disk. */
  publish: (event: () => void) => void = (event) => event(),
): Promise<void> {
  const now = new Date();
  const qualityChangeId = await inTransaction(deps.db, async (tx) => {
    const current = await store.findCredentialById(tx, credential.id);
    if (!current) return null;
    const update: CredentialPatch = { updatedAt: now };
    if (patch.qualityRating !== undefined) update.qualityRating = patch.qualityRating;
    if (patch.throughputLevel !== undefined)
      update.throughputLevel = patch.throughputLevel === 'UNKNOWN' ? 'NOT_APPLICABLE' : patch.throughputLevel;
    if (patch.messagesPerSecond !== undefined) update.messagesPerSecond = patch.messagesPerSecond;
    if (patch.messagingLimitTier !== undefined) update.messagingLimitTier = patch.messagingLimitTier;
    if (patch.displayPhoneNumber !== undefined && patch.displayPhoneNumber !== null) update.displayPhoneNumber = patch.displayPhoneNumber;
    if (patch.verifiedName !== undefined && patch.verifiedName !== null) update.verifiedName = patch.verifiedName;
    if (patch.phoneStatus !== undefined) update.phoneStatus = patch.phoneStatus;
    if (patch.canSendMessage !== undefined) update.canSendMessage = patch.canSendMessage;
    if (source === 'refresh') update.phoneNumberRefreshedAt = now;
    update.warnings = mergePhoneWarnings(current.warnings, { qualityRating: update.qualityRating, canSendMessageRaw: healthOf(patch) });
    await store.updateCredential(tx, current.id, update);
    if (patch.qualityRating === undefined || patch.qualityRating === current.qualityRating) return null;
    const id = newId(now.getTime());
    await store.insertQualityChange(tx, {
      id,
      sandboxId: current.sandboxId,
      credentialId: current.id,
      phoneNumberId: current.phoneNumberId,
      previousQualityRating: current.qualityRating,
      qualityRating: patch.qualityRating,
      at: now,
      source,
    });
    return id;
  });
  if (qualityChangeId)
    publish(() =>
      deps.pubsub.publish(credential.sandboxId, 'credential:quality-changed', { credentialId: credential.id, qualityChangeId }),
    );
}

/** Moves the credential to FAILED with a message saying what to fix (no-op when it already says exactly that). */
export async function markCredentialFailed(deps: AppDeps, credential: CredentialRecord, message: string): Promise<void> {
  await statusTransaction(deps, async (tx) => {
    const current = await store.findCredentialById(tx, credential.id);
    if (!current || (current.status === 'FAILED' && current.statusMessage === message)) return null;
    return transition(deps, tx, current, 'FAILED', message);
  });
}

/**
 * A call made with the credential's token came back 190. Ignored when the token
 * has been replaced since (the call used the old one) or the credential already failed.
 */
export async function failOnRejectedToken(
  deps: AppDeps,
  credentialId: string,
  tokenFp: string | undefined,
  message: string,
): Promise<void> {
  const event = await statusTransaction(deps, async (tx) => {
    const current = await store.findCredentialById(tx, credentialId);
    if (!current || current.status === 'FAILED') return null;
    if (tokenFp && tokenFp !== tokenFingerprint(current.apiTokenEnc)) return null;
    return transition(deps, tx, current, 'FAILED', message);
  });
  if (event) deps.logger.warn({ credentialId, sandboxId: event.sandboxId }, 'Meta rejected a credential token (190): credential FAILED');
}

// ---- reads -------------------------------------------------------------------

export async function listCredentials(
  deps: AppDeps,
  viewer: Viewer,
  window: PageWindow,
  status?: CredentialStatus | null,
): Promise<Page<CredentialRecord>> {
  const rows = await store.listCredentials(deps.db, viewer.sandboxId, window, status);
  return toPage(rows, window, await store.countCredentials(deps.db, viewer.sandboxId, status));
}

export async function listAllCredentials(deps: AppDeps, sandboxId: string): Promise<CredentialRecord[]> {
  return await store.listAllCredentials(deps.db, sandboxId);
}

export const MAX_RECENT_CALLS = 100;

export async function recentApiCalls(deps: AppDeps, credential: CredentialRecord, first: number): Promise<MetaApiCallRow[]> {
  return await store.listRecentApiCalls(deps.db, credential.sandboxId, credential.id, Math.min(Math.max(first, 0), MAX_RECENT_CALLS));
}

export async function findQualityChange(deps: AppDeps, sandboxId: string, id: string): Promise<QualityChangeRow | undefined> {
  return await store.findQualityChange(deps.db, sandboxId, id);
}

// ---- validation ----------------------------------------------------------------

function checkName(errors: FieldErrors, raw: string): string {
  const name = raw.trim();
  if (name.length < 1 || name.length > 128) errors.add('name', 'must be 1-128 characters (spaces around it are ignored)');
  else if (CONTROL_CHARS.test(name)) errors.add('name', 'must not contain control characters such as tabs or line breaks');
  return name;
}

export function checkToken(errors: FieldErrors, raw: string, path = 'apiToken'): string {
  const token = raw.trim();
  if (!token) errors.add(path, 'must not be empty');
  else if (/\s/.test(token)) errors.add(path, 'must not contain spaces or line breaks (check for a stray character when pasting)');
  else if (token.length > 1024) errors.add(path, 'must be at most 1024 characters');
  return token;
}

export function checkNumericId(errors: FieldErrors, path: string, raw: string, what: string): string {
  const id = raw.trim();
  if (!ID_RULE.test(id)) errors.add(path, `must be the numeric ${what} id (digits only)`);
  return id;
}

async function assertNameFree(
  tx: Parameters<typeof store.findCredentialByNameKey>[0],
  sandboxId: string,
  name: string,
  exceptId?: string,
): Promise<void> {
  const clash = await store.findCredentialByNameKey(tx, sandboxId, name.toLowerCase());
  if (clash && clash.id !== exceptId)
    throw new ConflictError(`A WhatsApp API credential named "${clash.name}" already exists in this sandbox; choose another name.`);
}

function encryptToken(deps: AppDeps, id: string, token: string): string {
  return deps.secrets.encrypt(token, { table: SECRET_AAD_TABLE, column: SECRET_AAD_COLUMN, rowId: id });
}

// ---- mutations ---------------------------------------------------------------

export interface CreateCredentialInput {
  name: string;
  apiToken: string;
  businessAccountId: string;
  whatsAppBusinessAccountId: string;
  phoneNumberId: string;
}

/** Stores the credential in PROCESSING and enqueues its verification in the same transaction; Meta is asked by the job. */
export async function createCredential(deps: AppDeps, viewer: Viewer, input: CreateCredentialInput): Promise<CredentialRecord> {
  requireWhatsAppEntitlement(viewer);
  const errors = new FieldErrors();
  const name = checkName(errors, input.name);
  const token = checkToken(errors, input.apiToken);
  const businessAccountId = checkNumericId(errors, 'businessAccountId', input.businessAccountId, 'business portfolio');
  const wabaId = checkNumericId(errors, 'whatsAppBusinessAccountId', input.whatsAppBusinessAccountId, 'WhatsApp Business Account');
  const phoneNumberId = checkNumericId(errors, 'phoneNumberId', input.phoneNumberId, 'phone number');
  if (errors.isEmpty && businessAccountId === wabaId) {
    errors.add('businessAccountId', 'is the same as the WhatsApp Business Account id; enter the business portfolio id that owns the WABA');
  }
  if (errors.isEmpty && phoneNumberId === wabaId)
    errors.add('phoneNumberId', 'is the same as the WhatsApp Business Account id; pick the phone number id');
  errors.throwIfAny();

  const now = new Date();
  const id = newId(now.getTime());
  const row: CredentialRecord = {
    id,
    sandboxId: viewer.sandboxId,
    name,
    nameKey: name.toLowerCase(),
    businessAccountId,
    wabaId,
    wabaName: null,
    wabaOwnership: null,
    phoneNumberId,
    displayPhoneNumber: null,
    verifiedName: null,
    qualityRating: 'UNKNOWN',
    throughputLevel: 'NOT_APPLICABLE',
    messagesPerSecond: null,
    messagingLimitTier: null,
    phoneStatus: null,
    canSendMessage: null,
    apiTokenEnc: encryptToken(deps, id, token),
    apiTokenLast4: last4(token),
    apiTokenType: null,
    apiTokenExpiresAt: null,
    apiTokenScopes: [],
    appId: null,
    status: 'PROCESSING',
    previousStatus: null,
    statusMessage: 'Checking the token, permissions, WhatsApp Business Account and phone number with Meta.',
    statusVersion: 1,
    statusChangedAt: now,
    warnings: [],
    phoneNumberRefreshedAt: null,
    createdAt: now,
    updatedAt: now,
  };
  await inTransaction(deps.db, async (tx) => {
    await assertNameFree(tx, viewer.sandboxId, name);
    await store.insertCredential(tx, row);
    await deps.jobs.enqueue<VerifyPayload>(tx, VERIFY_JOB, { credentialId: id, statusVersion: 1 }, { sandboxId: viewer.sandboxId });
    publishStatus(deps, {
      sandboxId: row.sandboxId,
      credentialId: id,
      previousStatus: null,
      status: 'PROCESSING',
      at: now.toISOString(),
      statusVersion: 1,
    });
  });
  return row;
}

export interface UpdateCredentialInput {
  id: string;
  name?: string | null;
  apiToken?: string | null;
}

/** Renames and/or replaces the token; a new token sends the credential back to PROCESSING and verifies it again. */
export async function updateCredential(deps: AppDeps, viewer: Viewer, input: UpdateCredentialInput): Promise<CredentialRecord> {
  requireWhatsAppEntitlement(viewer);
  const errors = new FieldErrors();
  const name = input.name !== undefined && input.name !== null ? checkName(errors, input.name) : null;
  const token = input.apiToken !== undefined && input.apiToken !== null ? checkToken(errors, input.apiToken) : null;
  if (name === null && token === null) errors.add('input', 'give a new name, a new apiToken, or both');
  errors.throwIfAny();

  const now = new Date();
  await statusTransaction(deps, async (tx) => {
    const current = await store.findCredential(tx, viewer.sandboxId, input.id);
    if (!current) throw new NotFoundError(NOT_FOUND);
    const patch: CredentialPatch = { updatedAt: now };
    if (name !== null) {
      await assertNameFree(tx, viewer.sandboxId, name, current.id);
      patch.name = name;
      patch.nameKey = name.toLowerCase();
    }
    if (token === null) {
      await store.updateCredential(tx, current.id, patch);
      return null;
    }
    patch.apiTokenEnc = encryptToken(deps, current.id, token);
    patch.apiTokenLast4 = last4(token);
    // What Meta said about the old token no longer holds.
    patch.apiTokenType = null;
    patch.apiTokenExpiresAt = null;
    patch.apiTokenScopes = [];
    patch.appId = null;
    patch.warnings = current.warnings.filter((w) => w.code !== 'TEMPORARY_TOKEN' && w.code !== 'TOKEN_EXPIRES_SOON');
    const moved = await transition(deps, tx, current, 'PROCESSING', 'Checking the new token with Meta.', patch, now);
    if (!moved) throw new ConcurrentChangeError('the credential');
    await deps.jobs.enqueue<VerifyPayload>(
      tx,
      VERIFY_JOB,
      { credentialId: current.id, statusVersion: moved.statusVersion },
      { sandboxId: viewer.sandboxId },
    );
    return moved;
  });
  return (await store.findCredential(deps.db, viewer.sandboxId, input.id))!;
}

/** Deletes the credential; refused while a webhook or channel configuration still points at it (their foreign keys RESTRICT). */
export async function deleteCredential(deps: AppDeps, viewer: Viewer, id: string): Promise<CredentialRecord> {
  requireWhatsAppEntitlement(viewer);
  const existing = await store.findCredential(deps.db, viewer.sandboxId, id);
  if (!existing) throw new NotFoundError(NOT_FOUND);
  try {
    await inTransaction(deps.db, async (tx) => {
      if (!(await store.deleteCredential(tx, viewer.sandboxId, id))) throw new NotFoundError(NOT_FOUND);
    });
  } catch (err) {
    if (isForeignKeyFailure(err)) {
      throw new ConflictError(
        `The WhatsApp API credential "${existing.name}" is used by a webhook or channel configuration; point those at another credential or delete them first.`,
      );
    }
    throw err;
  }
  return existing;
}

export async function getCredentialForViewer(deps: AppDeps, viewer: Viewer, id: string): Promise<CredentialRecord> {
  const found = await store.findCredential(deps.db, viewer.sandboxId, id);
  if (!found) throw new NotFoundError(NOT_FOUND);
  return found;
}
