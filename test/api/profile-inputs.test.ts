import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';
import { DeleteProfileDoc, profileRows, readProfile, upsert } from '../profiles/helpers.js';

// Issue 12 points 7 and 12.
// Point 7: JSON written inline in the query (the docs' own example) behaves exactly like the same JSON
// passed as a variable. graphql-scalars' JSON scalar builds null-prototype objects from literals, which the
// store choked on ("Unexpected error.").

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.stop();
});

interface Raw {
  data?: { upsertProfile: { __typename: string; data?: { profileId: string; attributes: unknown }; fieldErrors?: unknown } };
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

/** upsertProfile with `attributes` written as a GraphQL literal, not a variable. */
async function upsertInline(id: string, literal: string): Promise<Raw> {
  const query = `mutation { upsertProfile(input: { id: ${JSON.stringify(id)}, attributes: ${literal} }) {
    __typename
    ... on UpsertProfileSuccess { data { profileId attributes } }
    ... on ValidationError { fieldErrors { path message } }
  } }`;
  const res = await h.post({ query }, { authorization: `Bearer ${h.adminKey}` });
  expect(res.status).toBe(200);
  return JSON.parse(res.body) as Raw;
}

const CASES: Array<[string, string, unknown]> = [
  ['an empty object', '{}', {}],
  [
    'the docs example',
    '{ mobilePhone: { number: "+14155550123" }, firstName: "Ada", consents: { marketing: { whatsApp: { val: "y" } } } }',
    {
      mobilePhone: { number: '+14155550123' },
      firstName: 'Ada',
      consents: { marketing: { whatsApp: { val: 'y' } } },
    },
  ],
  [
    'arrays of objects, numbers, booleans and null',
    '{ tags: ["vip", 1, 2.5, true, null, { a: [] }], nested: { list: [{ x: {} }] }, none: null }',
    {
      tags: ['vip', 1, 2.5, true, null, { a: [] }],
      nested: { list: [{ x: {} }] },
      none: null,
    },
  ],
];

describe('JSON inputs: literal and variable forms behave the same', () => {
  it.each(CASES)('upsertProfile with %s inline stores what the variable form stores', async (what, literal, value) => {
    const inline = await upsertInline(`inline-${what}`, literal);
    expect(inline.errors).toBeUndefined();
    expect(inline.data!.upsertProfile).toEqual({
      __typename: 'UpsertProfileSuccess',
      data: { profileId: `inline-${what}`, attributes: value },
    });
    const viaVariables = await upsert(h, `variables-${what}`, value);
    expect(viaVariables.attributes).toEqual(inline.data!.upsertProfile.data!.attributes);
    expect((await readProfile(h, `inline-${what}`))!.attributes).toEqual(value);
  });

  it('a broken inline document is the same ValidationError as through variables, and stores nothing', async () => {
    const before = await profileRows(h);
    const inline = await upsertInline('bad-inline', '{ ok: 1, nested: { __proto__: 1 } }');
    expect(inline.data!.upsertProfile.__typename).toBe('ValidationError');
    const notObject = await upsertInline('bad-inline', '[1, 2]');
    expect(notObject.data!.upsertProfile).toEqual({
      __typename: 'ValidationError',
      fieldErrors: [{ path: ['attributes'], message: 'must be a JSON object, not an array' }],
    });
    expect(await profileRows(h)).toEqual(before);
  });
});

// Issue 12 point 12: profile(id:) and deleteProfile(input: { id }) take your id or the global Profile.id.
describe('profile ids: your id or the global Profile.id', () => {
  it('profile(id:) finds a profile by either id; another sandbox sees neither', async () => {
    const created = await upsert(h, 'either-id', { firstName: 'Eve' });
    expect(await readProfile(h, 'either-id')).toEqual(created);
    expect(await readProfile(h, created.id)).toEqual(created);
    const other = await h.createKey({ sandbox: 'other-profiles', role: 'ADMIN' });
    expect(await readProfile(h, created.id, other)).toBeNull();
    expect(await readProfile(h, 'either-id', other)).toBeNull();
    expect(await readProfile(h, encodeGlobalID('Profile', 'missing'))).toBeNull();
  });

  it('deleteProfile deletes by the global id too', async () => {
    const created = await upsert(h, 'delete-by-global', { a: 1 });
    const res = await h.gql(DeleteProfileDoc, { input: { id: created.id } });
    expect(res.data!.deleteProfile).toEqual({
      __typename: 'DeleteProfileSuccess',
      data: { id: created.id, profileId: 'delete-by-global' },
    });
    expect(await readProfile(h, 'delete-by-global')).toBeNull();
    const byOwn = await upsert(h, 'delete-by-own', { a: 1 });
    const own = await h.gql(DeleteProfileDoc, { input: { id: 'delete-by-own' } });
    expect(own.data!.deleteProfile).toMatchObject({ data: { id: byOwn.id, profileId: 'delete-by-own' } });
  });

  it('when neither resolves, the NotFoundError says which kind of id was given, and nothing changes', async () => {
    const kept = await upsert(h, 'kept', { a: 1 });
    const other = await h.createKey({ sandbox: 'other-delete', role: 'ADMIN' });
    const before = await profileRows(h);
    const cases: Array<[string, string | undefined, string]> = [
      ['nobody', undefined, 'Profile with your id "nobody" not found'],
      [kept.id, other, `Profile with the global id "${kept.id}" (a Profile.id) not found`],
      [
        encodeGlobalID('WhatsAppMessage', '01X'),
        undefined,
        `Profile with "${encodeGlobalID('WhatsAppMessage', '01X')}", a WhatsAppMessage id (not a profile) not found`,
      ],
    ];
    for (const [id, key, message] of cases) {
      const res = await h.gql(DeleteProfileDoc, { input: { id } }, key);
      expect(res.data!.deleteProfile).toEqual({ __typename: 'NotFoundError', code: 'NOT_FOUND', message });
    }
    expect(await profileRows(h)).toEqual(before);
  });
});
