import { createHash, randomBytes } from 'node:crypto';
import type { Db, DbOrTx, Tx } from '../db.js';
import { inTransaction } from '../db.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { newId } from '../ids.js';
import { store } from './store.js';
import type { ApiKeyListing, ApiKeyRecord, OrganizationRecord, SandboxRecord } from './store.js';
import type { Role, Viewer } from './viewer.js';

const NAME_RULE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const ENTITLEMENT_RULE = /^[a-z][a-z0-9_]{1,63}$/;
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const LAST_USED_WRITE_INTERVAL_MS = 60_000;

function base62(bytes: number): string {
  // Rejection sampling keeps every character equally likely.
  let out = '';
  while (out.length < bytes) {
    for (const b of randomBytes(bytes * 2)) {
      if (b < 248 && out.length < bytes) out += BASE62[b % 62];
    }
  }
  return out;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

function checkName(kind: string, name: string): void {
  if (!NAME_RULE.test(name)) {
    throw ValidationError.field('name', `${kind} name must be 1-64 letters, digits, "_", "." or "-", starting with a letter or digit`);
  }
}

export async function createOrganization(db: Db, name: string, entitlements: string[] = [], now = new Date()): Promise<OrganizationRecord> {
  checkName('organization', name);
  for (const e of entitlements) checkEntitlement(e);
  return await inTransaction(db, async (tx) => {
    if (await store.findOrganizationByName(tx, name)) throw new ConflictError(`organization "${name}" already exists`);
    const row = { id: newId(), name, entitlements: [...new Set(entitlements)].sort(), createdAt: now };
    await store.insertOrganization(tx, row);
    return row;
  });
}

function checkEntitlement(entitlement: string): void {
  if (!ENTITLEMENT_RULE.test(entitlement)) {
    throw ValidationError.field('entitlement', 'entitlements are lower-case identifiers (letters, digits, underscores)');
  }
}

export async function entitleOrganization(db: Db, name: string, entitlement: string): Promise<OrganizationRecord> {
  checkEntitlement(entitlement);
  return await inTransaction(db, async (tx) => {
    const org = await store.findOrganizationByName(tx, name);
    if (!org) throw new NotFoundError(`organization "${name}"`);
    const entitlements = [...new Set([...org.entitlements, entitlement])].sort();
    await store.setEntitlements(tx, org.id, entitlements);
    return { ...org, entitlements };
  });
}

export interface CreatedApiKey {
  /** The whole key: shown once, never stored. */
  key: string;
  record: ApiKeyRecord;
  sandbox: SandboxRecord;
  organization: OrganizationRecord;
}

/** Creates an API key for a sandbox of an organization, creating the sandbox when missing. */
export async function createApiKey(
  db: Db,
  input: { organization: string; sandbox: string; role: Role; label?: string },
  now = new Date(),
): Promise<CreatedApiKey> {
  checkName('sandbox', input.sandbox);
  if (input.role !== 'ADMIN' && input.role !== 'VIEWER') throw ValidationError.field('role', 'role must be ADMIN or VIEWER');
  return await inTransaction(db, async (tx) => {
    const organization = await store.findOrganizationByName(tx, input.organization);
    if (!organization) throw new NotFoundError(`organization "${input.organization}"`);
    let sandbox = await store.findSandbox(tx, organization.id, input.sandbox);
    if (!sandbox) {
      sandbox = { id: newId(), organizationId: organization.id, name: input.sandbox, createdAt: now };
      await store.insertSandbox(tx, sandbox);
    }
    const prefix = `wcs_${base62(10)}`;
    const key = `${prefix}_${base62(40)}`;
    const record: ApiKeyRecord = {
      id: newId(),
      organizationId: organization.id,
      sandboxId: sandbox.id,
      role: input.role,
      prefix,
      keyHash: hashApiKey(key),
      label: input.label ?? null,
      createdAt: now,
      lastUsedAt: null,
      revokedAt: null,
    };
    await store.insertApiKey(tx, record);
    return { key, record, sandbox, organization };
  });
}

declare module '../pubsub.js' {
  interface PubSubEvents {
    /** Instance-wide (SYSTEM_SANDBOX): an API key was revoked; every instance checks its open streams' keys now. */
    'api-key:revoked': { apiKeyId: string };
  }
}

/** Tells the running instances, inside the revoking transaction, that the key was revoked (ids only). */
export type RevocationAnnouncer = (tx: Tx, apiKeyId: string) => Promise<void> | void;

/**
 * Revokes the key: it stops authenticating at this commit. `announce` (given where instances may be running, e.g.
 * the CLI on PostgreSQL) runs in the transaction, so the instances end the key's live streams at once instead of
 * at their next periodic key check.
 */
export async function revokeApiKey(db: Db, prefix: string, now = new Date(), announce?: RevocationAnnouncer): Promise<ApiKeyRecord> {
  return await inTransaction(db, async (tx) => {
    const key = await store.findApiKeyByPrefix(tx, prefix);
    if (!key) throw new NotFoundError(`API key ${prefix}`);
    if (!key.revokedAt) {
      await store.revokeApiKey(tx, key.id, now);
      await announce?.(tx, key.id);
    }
    return { ...key, revokedAt: key.revokedAt ?? now };
  });
}

export async function listApiKeys(db: Db): Promise<ApiKeyListing[]> {
  return await store.listApiKeys(db);
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Resolves an Authorization header value to a viewer, or null for a missing, unknown or revoked key. Reads only: the
 * service's requests go through an ApiKeyAuthenticator, which also records the key's use.
 */
export async function authenticate(db: Db, authorization: string | undefined | null): Promise<Viewer | null> {
  if (!authorization) return null;
  const match = BEARER.exec(authorization);
  if (!match || match[1]!.length > 200) return null;
  const row = await store.findActiveKeyByHash(db, hashApiKey(match[1]!));
  if (!row) return null;
  return {
    apiKeyId: row.key.id,
    keyPrefix: row.key.prefix,
    organizationId: row.organization.id,
    organizationName: row.organization.name,
    sandboxId: row.sandbox.id,
    sandboxName: row.sandbox.name,
    role: row.key.role,
    entitlements: row.organization.entitlements,
  };
}

/**
 * The service's authentication: resolves keys and records their last-used time. One per running service (created
 * where the service is composed), since it remembers when it last wrote each key's time: that time is written at
 * most once a minute per key, and after the request's own work (next turn of the event loop), so reads do not become
 * writes on their critical path. A database closed meanwhile skips the write.
 */
export class ApiKeyAuthenticator {
  /** When each key's last-used time was last written by this service (the process is the only writer). */
  private readonly lastTouched = new Map<string, number>();

  constructor(private readonly db: Db) {}

  async authenticate(authorization: string | undefined | null, now = new Date()): Promise<Viewer | null> {
    const viewer = await authenticate(this.db, authorization);
    if (viewer) this.touchLater(viewer.apiKeyId, now);
    return viewer;
  }

  private touchLater(keyId: string, now: Date): void {
    if (now.getTime() - (this.lastTouched.get(keyId) ?? -Infinity) < LAST_USED_WRITE_INTERVAL_MS) return;
    this.lastTouched.set(keyId, now.getTime());
    setImmediate(async () => {
      try {
        await store.touchApiKey(this.db, keyId, now, LAST_USED_WRITE_INTERVAL_MS);
      } catch {
        // The service stopped (database closed) before the write: last-used is advisory.
      }
    });
  }
}

/**
 * On an empty database outside production: organization "default" with the
 * given entitlements, sandbox "prod", and one ADMIN key, returned so it can be printed once.
 */
export async function bootstrapIfEmpty(db: Db, entitlements: string[]): Promise<CreatedApiKey | null> {
  if ((await store.countOrganizations(db)) > 0) return null;
  await createOrganization(db, 'default', entitlements);
  return createApiKey(db, { organization: 'default', sandbox: 'prod', role: 'ADMIN', label: 'bootstrap' });
}

/** Writes an audit row; given a transaction, the row commits (or rolls back) with it. */
export async function recordAudit(
  db: DbOrTx,
  viewer: Viewer,
  entry: { action: string; objectType?: string | null; objectId?: string | null; outcome: string },
  now = new Date(),
): Promise<string> {
  const id = newId(now.getTime());
  await store.insertAuditEntry(db, {
    id,
    organizationId: viewer.organizationId,
    sandboxId: viewer.sandboxId,
    apiKeyId: viewer.apiKeyId,
    actor: viewer.keyPrefix,
    role: viewer.role,
    action: entry.action,
    objectType: entry.objectType ?? null,
    objectId: entry.objectId ?? null,
    outcome: entry.outcome,
    at: now,
  });
  return id;
}

/** Corrects an audit row written earlier in the same mutation: its final outcome, or the object it came to name. */
export async function amendAudit(db: DbOrTx, id: string, patch: { objectId?: string | null; outcome?: string }): Promise<void> {
  await store.updateAuditEntry(db, id, patch);
}

export async function findSandboxById(db: DbOrTx, id: string) {
  return await store.findSandboxById(db, id);
}

export async function findOrganizationById(db: DbOrTx, id: string) {
  return await store.findOrganizationById(db, id);
}
