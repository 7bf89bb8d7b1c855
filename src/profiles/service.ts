import type { AppDeps } from '../core/deps.js';
import { FieldErrors, NotFoundError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import type { Viewer } from '../platform/tenancy/viewer.js';
import { store } from './store.js';
import type { ProfileRecord } from './store.js';
import type { ProfileAttributes } from './tables.js';
import { checkAttributes, profileIdProblem } from './validation.js';

export type { ProfileRecord } from './store.js';
export type { ProfileAttributes } from './tables.js';

/**
 * Profiles are not WhatsApp-specific (any channel may read them), so no
 * cjm_whatsapp entitlement is required; ADMIN is enforced by the Mutation type.
 */

export interface UpsertProfileInput {
  id: string;
  /** Any JSON from the caller; checked here (GraphQL's JSON! already refuses null). */
  attributes?: unknown;
}

export async function upsertProfile(deps: AppDeps, viewer: Viewer, input: UpsertProfileInput): Promise<ProfileRecord> {
  const errors = new FieldErrors();
  const idProblem = profileIdProblem(input.id);
  if (idProblem) errors.add('id', idProblem);
  checkAttributes(input.attributes, errors);
  errors.throwIfAny();
  const now = new Date();
  // One statement, so no explicit transaction: the unique index makes concurrent upserts of one id safe.
  return await store.upsertProfile(deps.db, {
    id: newId(now.getTime()),
    sandboxId: viewer.sandboxId,
    profileId: input.id,
    attributes: input.attributes as ProfileAttributes,
    createdAt: now,
    updatedAt: now,
  });
}

export async function deleteProfile(deps: AppDeps, viewer: Viewer, input: { id: string }): Promise<ProfileRecord> {
  const problem = profileIdProblem(input.id);
  if (problem) {
    const errors = new FieldErrors();
    errors.add('id', problem);
    errors.throwIfAny();
  }
  const deleted = await store.deleteProfile(deps.db, viewer.sandboxId, input.id);
  if (!deleted) throw new NotFoundError(`Profile ${JSON.stringify(input.id)}`);
  return deleted;
}

/** The profile with the caller's id in the sandbox; undefined when absent (or the id cannot exist). */
export async function getProfile(deps: AppDeps, sandboxId: string, profileId: string): Promise<ProfileRecord | undefined> {
  if (profileIdProblem(profileId)) return undefined;
  return await store.findProfile(deps.db, sandboxId, profileId);
}

/**
 * Many profiles by the caller's ids, keyed by profileId; ids without a profile
 * are simply absent from the map. Duplicates are read once; large lists are
 * read in chunks of one query each.
 */
export async function getProfiles(deps: AppDeps, sandboxId: string, profileIds: string[]): Promise<Map<string, ProfileRecord>> {
  const wanted = [...new Set(profileIds)].filter((id) => !profileIdProblem(id));
  const out = new Map<string, ProfileRecord>();
  for (const row of await store.findProfilesByProfileIds(deps.db, sandboxId, wanted)) out.set(row.profileId, row);
  return out;
}

/** Profiles by their row ids (node loader), scoped to the sandbox. */
export async function findProfilesByIds(deps: AppDeps, sandboxId: string, ids: string[]): Promise<ProfileRecord[]> {
  return await store.findProfilesByIds(deps.db, sandboxId, ids);
}
