import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../graphql/builder.js';
import type { GraphQLContext } from '../graphql/context.js';
import { NotFoundError, ValidationError } from '../graphql/errors.js';
import { parseGlobalId } from '../graphql/ids.js';
import * as service from './service.js';
import type { ProfileRecord } from './service.js';
import { profileIdProblem } from './validation.js';

export const PROFILE_TYPE_NAME = 'Profile';

export const ProfileRef = builder.node(builder.objectRef<ProfileRecord>(PROFILE_TYPE_NAME), {
  description: 'A person the sandbox can message: your id for them and their attributes (phone number, consents, names …).',
  id: { resolve: (row) => row.id },
  authScopes: (row) => ({ sandbox: row.sandboxId }),
  runScopesOnType: true,
  loadMany: async (ids, ctx) => {
    const rows = await service.findProfilesByIds(ctx.deps, ctx.viewer.sandboxId, ids as string[]);
    return ids.map((id) => rows.find((r) => r.id === id) ?? null);
  },
  fields: (t) => ({
    profileId: t.exposeString('profileId', { description: 'Your id for the person (the id passed to upsertProfile and to sends).' }),
    attributes: t.field({
      type: 'JSON',
      description: 'The attributes object; each value is addressable by a dotted path such as mobilePhone.number.',
      resolve: (row) => row.attributes,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the profile was first stored.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When its attributes were last replaced.' }),
  }),
});

const DeletedProfileRef = builder.objectRef<{ id: string; profileId: string }>('DeletedProfile').implement({
  description: 'The profile that was deleted.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Its global id.' }),
    profileId: t.exposeString('profileId', { description: 'Your id for the person.' }),
  }),
});

/**
 * profile(id:) and deleteProfile take your id for the person (profileId), and also the global Profile.id
 * that node(id:) and the Profile type hand out (issue 12 point 12). Your id wins if both could match.
 */
async function profileByRef(ctx: GraphQLContext, ref: string): Promise<{ record?: ProfileRecord; given: string }> {
  const own = await service.getProfile(ctx.deps, ctx.viewer.sandboxId, ref);
  if (own) return { record: own, given: `your id ${JSON.stringify(ref)}` };
  const global = parseGlobalId(ref);
  if (global?.typename === PROFILE_TYPE_NAME) {
    const [record] = await service.findProfilesByIds(ctx.deps, ctx.viewer.sandboxId, [global.id]);
    return { record, given: `the global id ${JSON.stringify(ref)} (a Profile.id)` };
  }
  if (global) return { given: `${JSON.stringify(ref)}, a ${global.typename} id (not a profile)` };
  return { given: `your id ${JSON.stringify(ref)}` };
}

builder.queryFields((t) => ({
  profile: t.field({
    type: ProfileRef,
    nullable: true,
    description: 'The profile with your id for the person (or its global Profile.id); null when the sandbox has none.',
    args: { id: t.arg.string({ required: true, description: 'Your id for the person (profileId); the global Profile.id works too.' }) },
    resolve: async (_root, args, ctx) => (await profileByRef(ctx, args.id)).record ?? null,
  }),
}));

const UpsertProfileInput = builder.inputType('UpsertProfileInput', {
  description: 'A profile to create, or whose attributes to replace.',
  fields: (t) => ({
    id: t.string({ required: true, description: 'Your id for the person: 1-128 characters, no control characters.' }),
    attributes: t.field({
      type: 'JSON',
      required: true,
      description:
        'The complete attributes object (replaces the stored one): at most 64 KiB as JSON, 10 levels deep, names made of letters, digits and "_".',
    }),
  }),
});

const DeleteProfileInput = builder.inputType('DeleteProfileInput', {
  description: 'The profile to delete.',
  fields: (t) => ({
    id: t.string({ required: true, description: 'Your id for the person (profileId); the global Profile.id works too.' }),
  }),
});

builder.mutationFields((t) => ({
  upsertProfile: t.field({
    type: ProfileRef,
    description: 'Creates the profile, or replaces all attributes of the existing one with the same id.',
    args: { input: t.arg({ type: UpsertProfileInput, required: true }) },
    errors: { types: [ValidationError] },
    resolve: (_root, { input }, ctx) => service.upsertProfile(ctx.deps, ctx.viewer, input),
  }),
  deleteProfile: t.field({
    type: DeletedProfileRef,
    description: 'Deletes the profile; messages already sent to it keep their records.',
    args: { input: t.arg({ type: DeleteProfileInput, required: true }) },
    errors: { types: [ValidationError, NotFoundError] },
    resolve: async (_root, { input }, ctx) => {
      const found = await profileByRef(ctx, input.id);
      // Neither your id nor a Profile.id of this sandbox: say which kind of id was given.
      if (!found.record && !profileIdProblem(input.id)) throw new NotFoundError(`Profile with ${found.given}`);
      const deleted = await service.deleteProfile(ctx.deps, ctx.viewer, { id: found.record?.profileId ?? input.id });
      return { id: encodeGlobalID(PROFILE_TYPE_NAME, deleted.id), profileId: deleted.profileId };
    },
  }),
}));
