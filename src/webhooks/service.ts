import { createHash, timingSafeEqual } from 'node:crypto';
import { getCredential, requireWhatsAppEntitlement } from '../credentials/service.js';
import type { AppDeps } from '../core/deps.js';
import { inTransaction, type DbOrTx } from '../platform/db.js';
import { ConflictError, FieldErrors, NotFoundError, ValidationError } from '../platform/errors.js';
import { newId, randomToken } from '../platform/ids.js';
import { toPage, type Page, type PageWindow } from '../platform/pagination.js';
import { last4 } from '../platform/secrets.js';
import type { Viewer } from '../platform/tenancy/viewer.js';
import { publishRouteChanged } from './route-cache.js';
import { matchKeyword, standardConsentMessagesEnabled, type KeywordMatch } from './keyword-matcher.js';
import { checkAppSecret, checkKeywordRules, checkName, type KeywordRuleInput } from './rules.js';
import { store } from './store.js';
import type { DeliverySummary, WebhookPatch, WebhookRow } from './store.js';
import type { KeywordRule } from './tables.js';

/**
 * WhatsApp webhooks: configuration rules and transactions, the handshake check,
 * the dry run of keyword rules, and the reads other slices use (getWebhook).
 * Ingest (ingest.ts) and processing (processor.ts) build on this.
 */

/** A stored webhook. `verifyTokenEnc` and `appSecretEnc` are ciphertext; never expose them. */
export type WebhookRecord = WebhookRow;
export type DeliveryRecord = DeliverySummary;
export type { KeywordRule };

export const SECRET_TABLE = 'whatsapp_webhooks';
export const VERIFY_TOKEN_COLUMN = 'verify_token_enc';
export const APP_SECRET_COLUMN = 'app_secret_enc';
const NOT_FOUND = 'WhatsApp webhook';
const VERIFY_TOKEN_BYTES = 32;
const PATH_ID_BYTES = 24;

// ---- for other slices ------------------------------------------------------------

export async function getWebhook(deps: AppDeps, sandboxId: string, id: string): Promise<WebhookRecord | undefined> {
  return await store.findWebhook(deps.db, sandboxId, id);
}

/** At once on SQLite when it can (store.now: a page's references then load without a promise), else a promise. */
export function findWebhooks(deps: AppDeps, sandboxId: string, ids: string[]): WebhookRecord[] | Promise<WebhookRecord[]> {
  return store.now(deps.db)?.findWebhooks(deps.db, sandboxId, ids) ?? store.findWebhooks(deps.db, sandboxId, ids);
}

export async function listWebhooksByCredential(deps: AppDeps, sandboxId: string, credentialId: string): Promise<WebhookRecord[]> {
  return await store.listWebhooksByCredential(deps.db, sandboxId, credentialId);
}

// ---- reads -------------------------------------------------------------------------

/** The webhook behind a callback URL (any sandbox: the path id is the unguessable secret part). */
export async function getWebhookByPathId(deps: AppDeps, pathId: string): Promise<WebhookRecord | undefined> {
  return await store.findWebhookByPathId(deps.db, pathId);
}

export function callbackUrl(deps: AppDeps, webhook: Pick<WebhookRecord, 'pathId'>): string {
  return `${deps.config.publicUrl}/webhooks/whatsapp/${webhook.pathId}`;
}

export function decryptVerifyToken(deps: AppDeps, webhook: WebhookRecord): string {
  return deps.secrets.decrypt(webhook.verifyTokenEnc, { table: SECRET_TABLE, column: VERIFY_TOKEN_COLUMN, rowId: webhook.id });
}

export function decryptAppSecret(deps: AppDeps, webhook: Pick<WebhookRecord, 'id' | 'appSecretEnc'>): string {
  return deps.secrets.decrypt(webhook.appSecretEnc, { table: SECRET_TABLE, column: APP_SECRET_COLUMN, rowId: webhook.id });
}

/** What a VIEWER sees instead of the verify token (the field is non-null in the contract). */
export function maskedVerifyToken(webhook: WebhookRecord): string {
  return `••••${webhook.verifyTokenLast4}`;
}

export function isStandardConsentEnabled(webhook: WebhookRecord): boolean {
  return standardConsentMessagesEnabled(webhook.keywordRules);
}

export async function listWebhooks(deps: AppDeps, viewer: Viewer, window: PageWindow): Promise<Page<WebhookRecord>> {
  const rows = await store.listWebhooks(deps.db, viewer.sandboxId, window);
  return toPage(rows, window, await store.countWebhooks(deps.db, viewer.sandboxId));
}

export async function listDeliveries(deps: AppDeps, webhook: WebhookRecord, window: PageWindow): Promise<Page<DeliveryRecord>> {
  const rows = await store.listDeliveries(deps.db, webhook.id, window);
  return toPage(rows, window, await store.countDeliveries(deps.db, webhook.id));
}

export async function findDeliveries(deps: AppDeps, sandboxId: string, ids: string[]): Promise<DeliveryRecord[]> {
  return await store.findDeliverySummaries(deps.db, sandboxId, ids);
}

export async function getWebhookForViewer(deps: AppDeps, viewer: Viewer, id: string): Promise<WebhookRecord> {
  const found = await store.findWebhook(deps.db, viewer.sandboxId, id);
  if (!found) throw new NotFoundError(NOT_FOUND);
  return found;
}

/** Dry run: what the rules would do with this text; reads only. */
export async function testInboundKeyword(deps: AppDeps, viewer: Viewer, webhookId: string, text: string): Promise<KeywordMatch | null> {
  const webhook = await getWebhookForViewer(deps, viewer, webhookId);
  return matchKeyword(webhook.keywordRules, text);
}

// ---- the handshake ---------------------------------------------------------------

const sha256Hex = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

/**
 * Meta's GET handshake: the token matches this webhook's (constant-time, on the
 * SHA-256 so the stored token need not be decrypted per request). Records verifiedAt.
 */
export async function verifyHandshake(deps: AppDeps, webhook: WebhookRecord, token: string): Promise<boolean> {
  const given = createHash('sha256').update(token, 'utf8').digest();
  const expected = Buffer.from(webhook.verifyTokenHash, 'hex');
  if (expected.length !== given.length || !timingSafeEqual(given, expected)) return false;
  await store.updateWebhook(deps.db, webhook.id, { verifiedAt: new Date() });
  return true;
}

// ---- mutations -------------------------------------------------------------------

async function assertNameFree(tx: DbOrTx, sandboxId: string, name: string, exceptId?: string): Promise<void> {
  const clash = await store.findWebhookByNameKey(tx, sandboxId, name.toLowerCase());
  if (clash && clash.id !== exceptId) {
    throw new ConflictError(`A WhatsApp webhook named "${clash.name}" already exists in this sandbox; choose another name.`);
  }
}

function newVerifyToken(deps: AppDeps, id: string): Pick<WebhookRecord, 'verifyTokenEnc' | 'verifyTokenHash' | 'verifyTokenLast4'> {
  const token = randomToken(VERIFY_TOKEN_BYTES);
  return {
    verifyTokenEnc: deps.secrets.encrypt(token, { table: SECRET_TABLE, column: VERIFY_TOKEN_COLUMN, rowId: id }),
    verifyTokenHash: sha256Hex(token),
    verifyTokenLast4: token.slice(-4),
  };
}

function encryptAppSecret(deps: AppDeps, id: string, secret: string): string {
  return deps.secrets.encrypt(secret, { table: SECRET_TABLE, column: APP_SECRET_COLUMN, rowId: id });
}

/** The credential must exist in the caller's sandbox and not be FAILED. */
async function checkCredential(deps: AppDeps, viewer: Viewer, credentialId: string): Promise<void> {
  const credential = await getCredential(deps, viewer.sandboxId, credentialId);
  if (!credential) throw new NotFoundError('WhatsApp API credential');
  if (credential.status === 'FAILED') {
    throw ValidationError.field(
      'apiCredentialId',
      `the credential "${credential.name}" is FAILED (${credential.statusMessage ?? 'see its status message'}); fix it or pick another one`,
    );
  }
}

export interface CreateWebhookInput {
  name: string;
  apiCredentialId: string;
  appSecret: string;
  keywordRules: readonly KeywordRuleInput[];
}

export async function createWebhook(deps: AppDeps, viewer: Viewer, input: CreateWebhookInput): Promise<WebhookRecord> {
  requireWhatsAppEntitlement(viewer);
  const errors = new FieldErrors();
  const name = checkName(errors, input.name);
  const appSecret = checkAppSecret(errors, input.appSecret);
  const keywordRules = checkKeywordRules(errors, input.keywordRules);
  errors.throwIfAny();
  await checkCredential(deps, viewer, input.apiCredentialId);

  const now = new Date();
  const id = newId(now.getTime());
  const row: WebhookRecord = {
    id,
    sandboxId: viewer.sandboxId,
    name,
    nameKey: name.toLowerCase(),
    credentialId: input.apiCredentialId,
    pathId: randomToken(PATH_ID_BYTES),
    ...newVerifyToken(deps, id),
    appSecretEnc: encryptAppSecret(deps, id, appSecret),
    appSecretLast4: last4(appSecret),
    keywordRules,
    secretVersion: 1,
    verifiedAt: null,
    lastEventAt: null,
    createdAt: now,
    updatedAt: now,
  };
  await inTransaction(deps.db, async (tx) => {
    await assertNameFree(tx, viewer.sandboxId, name);
    await store.insertWebhook(tx, row);
  });
  return row;
}

export interface UpdateWebhookInput {
  id: string;
  name?: string | null;
  appSecret?: string | null;
  keywordRules?: readonly KeywordRuleInput[] | null;
}

export async function updateWebhook(deps: AppDeps, viewer: Viewer, input: UpdateWebhookInput): Promise<WebhookRecord> {
  requireWhatsAppEntitlement(viewer);
  const errors = new FieldErrors();
  const name = input.name != null ? checkName(errors, input.name) : null;
  const appSecret = input.appSecret != null ? checkAppSecret(errors, input.appSecret) : null;
  const keywordRules = input.keywordRules != null ? checkKeywordRules(errors, input.keywordRules) : null;
  if (name === null && appSecret === null && keywordRules === null) errors.add('input', 'give a new name, appSecret or keywordRules');
  errors.throwIfAny();

  const updated = await inTransaction(deps.db, async (tx) => {
    const current = await store.findWebhook(tx, viewer.sandboxId, input.id);
    if (!current) throw new NotFoundError(NOT_FOUND);
    const patch: WebhookPatch = { updatedAt: new Date() };
    if (name !== null) {
      await assertNameFree(tx, viewer.sandboxId, name, current.id);
      patch.name = name;
      patch.nameKey = name.toLowerCase();
    }
    if (appSecret !== null) {
      patch.appSecretEnc = encryptAppSecret(deps, current.id, appSecret);
      patch.appSecretLast4 = last4(appSecret);
      patch.secretVersion = current.secretVersion + 1;
      publishRouteChanged(deps, current.id);
    }
    if (keywordRules !== null) patch.keywordRules = keywordRules;
    await store.updateWebhook(tx, current.id, patch);
    return { ...current, ...patch };
  });
  // This instance at once; the others (and this one again) when the event arrives.
  deps.state.webhookRoutes.forget(updated.pathId);
  return updated;
}

/** Issues a new verify token; the old one stops working at once (Meta must be given the new one). */
export async function rotateVerifyToken(deps: AppDeps, viewer: Viewer, id: string): Promise<WebhookRecord> {
  requireWhatsAppEntitlement(viewer);
  return await inTransaction(deps.db, async (tx) => {
    const current = await store.findWebhook(tx, viewer.sandboxId, id);
    if (!current) throw new NotFoundError(NOT_FOUND);
    // verifiedAt stays: it records the last handshake Meta completed, and POSTs keep flowing (they are signed, not tokened).
    const patch: WebhookPatch = { ...newVerifyToken(deps, current.id), updatedAt: new Date() };
    await store.updateWebhook(tx, current.id, patch);
    return { ...current, ...patch };
  });
}

/** Deletes the webhook and its stored deliveries; its callback URL answers 404 from now on. */
export async function deleteWebhook(deps: AppDeps, viewer: Viewer, id: string): Promise<WebhookRecord> {
  requireWhatsAppEntitlement(viewer);
  const deleted = await inTransaction(deps.db, async (tx) => {
    const current = await store.findWebhook(tx, viewer.sandboxId, id);
    if (!current || !(await store.deleteWebhook(tx, viewer.sandboxId, id))) throw new NotFoundError(NOT_FOUND);
    publishRouteChanged(deps, current.id);
    return current;
  });
  deps.state.webhookRoutes.forget(deleted.pathId);
  return deleted;
}

/** How many deliveries of the webhook were quarantined (signed, but about numbers or accounts no credential of the sandbox owns, or not a notification). */
export async function countQuarantinedDeliveries(deps: AppDeps, webhookId: string): Promise<number> {
  return await store.countQuarantinedDeliveries(deps.db, webhookId);
}
