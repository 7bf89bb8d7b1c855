import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';
import { profileRows, readProfile, upsert } from '../profiles/helpers.js';

// Issue 12 point 7: JSON written inline in the query (the docs' own example) behaves exactly like the same JSON
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
    const before = profileRows(h);
    const inline = await upsertInline('bad-inline', '{ ok: 1, nested: { __proto__: 1 } }');
    expect(inline.data!.upsertProfile.__typename).toBe('ValidationError');
    const notObject = await upsertInline('bad-inline', '[1, 2]');
    expect(notObject.data!.upsertProfile).toEqual({
      __typename: 'ValidationError',
      fieldErrors: [{ path: ['attributes'], message: 'must be a JSON object, not an array' }],
    });
    expect(profileRows(h)).toEqual(before);
  });
});
