import { createHash, randomBytes } from 'node:crypto';
import type { Db, DbOrTx } from '../db.js';
import { inTransaction } from '../db.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { newId } from '../ids.js';
import * as store from './store.js';
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

export function createOrganization(db: Db, name: string, entitlements: string[] = [], now = new Date()): store.OrganizationRecord {
  checkName('organization', name);
  for (const e of entitlements) checkEntitlement(e);
  return inTransaction(db, (tx) => {
    if (store.findOrganizationByName(tx, name)) throw new ConflictError(`organization "${name}" already exists`);
    const row = { id: newId(), name, entitlements: [...new Set(entitlements)].sort(), createdAt: now };
    store.insertOrganization(tx, row);
    return row;
  });
}

function checkEntitlement(entitlement: string): void {
  if (!ENTITLEMENT_RULE.test(entitlement)) {
    throw ValidationError.field('entitlement', 'entitlements are lower-case identifiers (letters, digits, underscores)');
  }
}

export function entitleOrganization(db: Db, name: string, entitlement: string): store.OrganizationRecord {
  checkEntitlement(entitlement);
  return inTransaction(db, (tx) => {
    const org = store.findOrganizationByName(tx, name);
    if (!org) throw new NotFoundError(`organization "${name}"`);
    const entitlements = [...new Set([...org.entitlements, entitlement])].sort();
    store.setEntitlements(tx, org.id, entitlements);
    return { ...org, entitlements };
  });
}

export interface CreatedApiKey {
  /** The whole key: shown once, never stored. */
  key: string;
  record: store.ApiKeyRecord;
  sandbox: store.SandboxRecord;
  organization: store.OrganizationRecord;
}

/** Creates an API key for a sandbox of an organization, creating the sandbox when missing. */
export function createApiKey(
  db: Db,
  input: { organization: string; sandbox: string; role: Role; label?: string },
  now = new Date(),
): CreatedApiKey {
  checkName('sandbox', input.sandbox);
  if (input.role !== 'ADMIN' && input.role !== 'VIEWER') throw ValidationError.field('role', 'role must be ADMIN or VIEWER');
  return inTransaction(db, (tx) => {
    const organization = store.findOrganizationByName(tx, input.organization);
    if (!organization) throw new NotFoundError(`organization "${input.organization}"`);
    let sandbox = store.findSandbox(tx, organization.id, input.sandbox);
    if (!sandbox) {
      sandbox = { id: newId(), organizationId: organization.id, name: input.sandbox, createdAt: now };
      store.insertSandbox(tx, sandbox);
    }
    const prefix = `wcs_${base62(10)}`;
    const key = `${prefix}_${base62(40)}`;
    const record: store.ApiKeyRecord = {
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
    store.insertApiKey(tx, record);
    return { key, record, sandbox, organization };
  });
}

export function revokeApiKey(db: Db, prefix: string, now = new Date()): store.ApiKeyRecord {
  return inTransaction(db, (tx) => {
    const key = store.findApiKeyByPrefix(tx, prefix);
    if (!key) throw new NotFoundError(`API key ${prefix}`);
    if (!key.revokedAt) store.revokeApiKey(tx, key.id, now);
    return { ...key, revokedAt: key.revokedAt ?? now };
  });
}

export function listApiKeys(db: Db): store.ApiKeyListing[] {
  return store.listApiKeys(db);
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Resolves an Authorization header value to a viewer, or null for a missing, unknown or revoked key. Reads only: the
 * service's requests go through an ApiKeyAuthenticator, which also records the key's use.
 */
export function authenticate(db: Db, authorization: string | undefined | null): Viewer | null {
  if (!authorization) return null;
  const match = BEARER.exec(authorization);
  if (!match || match[1]!.length > 200) return null;
  const row = store.findActiveKeyByHash(db, hashApiKey(match[1]!));
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

  authenticate(authorization: string | undefined | null, now = new Date()): Viewer | null {
    const viewer = authenticate(this.db, authorization);
    if (viewer) this.touchLater(viewer.apiKeyId, now);
    return viewer;
  }

  private touchLater(keyId: string, now: Date): void {
    if (now.getTime() - (this.lastTouched.get(keyId) ?? -Infinity) < LAST_USED_WRITE_INTERVAL_MS) return;
    this.lastTouched.set(keyId, now.getTime());
    setImmediate(() => {
      try {
        store.touchApiKey(this.db, keyId, now, LAST_USED_WRITE_INTERVAL_MS);
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
export function bootstrapIfEmpty(db: Db, entitlements: string[]): CreatedApiKey | null {
  if (store.countOrganizations(db) > 0) return null;
  createOrganization(db, 'default', entitlements);
  return createApiKey(db, { organization: 'default', sandbox: 'prod', role: 'ADMIN', label: 'bootstrap' });
}

/** Writes an audit row; given a transaction, the row commits (or rolls back) with it. */
export function recordAudit(
  db: DbOrTx,
  viewer: Viewer,
  entry: { action: string; objectType?: string | null; objectId?: string | null; outcome: string },
  now = new Date(),
): string {
  const id = newId(now.getTime());
  store.insertAuditEntry(db, {
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
export function amendAudit(db: DbOrTx, id: string, patch: { objectId?: string | null; outcome?: string }): void {
  store.updateAuditEntry(db, id, patch);
}

export { findSandboxById, findOrganizationById } from './store.js';
