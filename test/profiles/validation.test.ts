import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';
import { DeleteProfileDoc, profileRows, readProfile, upsert, UpsertProfileDoc } from './helpers.js';

// Issue 8, profiles: every validation rule -> ValidationError with fieldErrors, nothing changed.

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  await upsert(h, 'existing', { keep: 'me' });
});

afterAll(async () => {
  await h?.stop();
});

/** `depth` nested objects including the outer one: nest(1) = { a: 'x' }, nest(2) = { a: { a: 'x' } } … */
function nest(depth: number, leaf: unknown = 'x'): unknown {
  let node: unknown = leaf;
  for (let i = 0; i < depth; i++) node = { a: node };
  return node;
}

const KiB = 1024;
// {"s":"…"} is 8 bytes plus the string.
const ofBytes = (n: number) => ({ s: 'x'.repeat(n - 8) });

const CASES: Array<[string, string, unknown, string[][]]> = [
  ['empty id', '', {}, [['id']]],
  ['id over 128 characters', 'x'.repeat(129), {}, [['id']]],
  ['id over 128 characters counted as characters, not bytes', '😀'.repeat(129), {}, [['id']]],
  ['id with a line break', 'a\nb', {}, [['id']]],
  ['id with a NUL', 'a\u0000b', {}, [['id']]],
  ['id with a DEL', 'a\u007fb', {}, [['id']]],
  ['id with a C1 control', 'a\u0085b', {}, [['id']]],
  ['id with a tab', 'a\tb', {}, [['id']]],
  ['id with a lone surrogate', 'a\ud800b', {}, [['id']]],
  ['id with surrounding spaces', ' padded ', {}, [['id']]],
  ['attributes an array', 'ok', [1, 2], [['attributes']]],
  ['attributes a string', 'ok', 'text', [['attributes']]],
  ['attributes a number', 'ok', 42, [['attributes']]],
  ['attributes a boolean', 'ok', true, [['attributes']]],
  ['attributes over 64 KiB', 'ok', ofBytes(64 * KiB + 1), [['attributes']]],
  ['attributes over 64 KiB in UTF-8 bytes', 'ok', { s: 'é'.repeat(32 * KiB) }, [['attributes']]],
  ['11 levels of objects', 'ok', nest(11), [['attributes', ...Array(10).fill('a')]]],
  ['11 levels through arrays', 'ok', { a: [[[[[[[[[{}]]]]]]]]] }, [['attributes', 'a', ...Array(9).fill('0')]]],
  ['a key with a dash', 'ok', { 'first-name': 'A' }, [['attributes', 'first-name']]],
  ['a key with a dot', 'ok', { 'mobile.phone': '1' }, [['attributes', 'mobile.phone']]],
  ['a key starting with a digit', 'ok', { '1st': 1 }, [['attributes', '1st']]],
  ['an empty key', 'ok', { '': 1 }, [['attributes', '']]],
  ['a key over 64 characters', 'ok', { ['k'.repeat(65)]: 1 }, [['attributes', 'k'.repeat(65)]]],
  ['a key with a space, nested', 'ok', { consents: { 'marketing whatsapp': 'y' } }, [['attributes', 'consents', 'marketing whatsapp']]],
  ['a bad key inside an array item', 'ok', { orders: [{ ok: 1 }, { 'order-id': 2 }] }, [['attributes', 'orders', '1', 'order-id']]],
  ['a non-ASCII key', 'ok', { prénom: 'A' }, [['attributes', 'prénom']]],
  ['the __proto__ key', 'ok', JSON.parse('{"__proto__": {"x": 1}}'), [['attributes', '__proto__']]],
  ['several problems at once', '', { 'a-b': 1, ok: { 'c d': 2 } }, [['id'], ['attributes', 'a-b'], ['attributes', 'ok', 'c d']]],
];

describe('upsertProfile validation', () => {
  for (const [label, id, attributes, paths] of CASES) {
    it(`${label} -> ValidationError on ${paths.map((p) => p.join('.')).join(', ')}; nothing stored`, async () => {
      const before = await profileRows(h);
      const res = await h.gql(UpsertProfileDoc, { input: { id, attributes } });
      expect(res.errors).toBeUndefined();
      const r = res.data!.upsertProfile;
      if (r.__typename !== 'ValidationError') throw new Error(JSON.stringify(r));
      expect(r.code).toBe('VALIDATION_FAILED');
      expect(r.fieldErrors.map((f) => f.path)).toEqual(paths);
      expect(r.fieldErrors.every((f) => f.message.length > 0)).toBe(true);
      expect(await profileRows(h)).toEqual(before);
    });
  }

  it('attributes null is refused by GraphQL itself (JSON! is non-null); nothing stored', async () => {
    const before = await profileRows(h);
    const res = await h.post(
      { query: print(UpsertProfileDoc), variables: { input: { id: 'ok', attributes: null } } },
      { authorization: `Bearer ${h.adminKey}` },
    );
    expect(res.status).toBe(400);
    expect(res.body).toContain('input.attributes');
    expect(await profileRows(h)).toEqual(before);
  });

  it('a bad update of an existing profile leaves its attributes as they were', async () => {
    const before = await profileRows(h);
    const res = await h.gql(UpsertProfileDoc, { input: { id: 'existing', attributes: { 'bad key': 1 } } });
    expect(res.data!.upsertProfile.__typename).toBe('ValidationError');
    expect(await profileRows(h)).toEqual(before);
    expect((await readProfile(h, 'existing'))!.attributes).toEqual({ keep: 'me' });
  });

  it('messages say what the rule is', async () => {
    const res = await h.gql(UpsertProfileDoc, { input: { id: 'ok', attributes: { ...ofBytes(64 * KiB + 1) } } });
    const r = res.data!.upsertProfile;
    if (r.__typename !== 'ValidationError') throw new Error(JSON.stringify(r));
    expect(r.fieldErrors[0]!.message).toBe(`must be at most ${64 * KiB} bytes as JSON (is ${64 * KiB + 1})`);
    const arr = await h.gql(UpsertProfileDoc, { input: { id: 'ok', attributes: [] } });
    expect(arr.data!.upsertProfile).toMatchObject({
      fieldErrors: [{ path: ['attributes'], message: 'must be a JSON object, not an array' }],
    });
    const key = await h.gql(UpsertProfileDoc, { input: { id: 'ok', attributes: { 'a-b': 1 } } });
    expect(key.data!.upsertProfile).toMatchObject({
      fieldErrors: [{ message: 'attribute names must be 1-64 characters: a letter or "_" first, then letters, digits or "_"' }],
    });
  });

  it('a document nested far too deep to even serialise is a ValidationError, not an unexpected error', async () => {
    // Built as text: JSON.stringify would overflow the stack on it here too. 200,000 levels stay under the body cap.
    const depth = 200_000;
    const attributes = `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    const body = `{"query":${JSON.stringify(print(UpsertProfileDoc))},"variables":{"input":{"id":"deep","attributes":${attributes}}}}`;
    const before = await profileRows(h);
    const res = await h.post(body, { authorization: `Bearer ${h.adminKey}` });
    expect(res.status).toBe(200);
    const r = (JSON.parse(res.body) as { data: { upsertProfile: { __typename: string; fieldErrors: Array<{ path: string[] }> } } }).data
      .upsertProfile;
    expect(r.__typename).toBe('ValidationError');
    expect(r.fieldErrors[0]!.path).toEqual(['attributes']);
    expect(await profileRows(h)).toEqual(before);
  });

  it('reports at most 20 bad keys, so a broken document does not produce a giant answer', async () => {
    const attributes = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`bad-${i}`, i]));
    const res = await h.gql(UpsertProfileDoc, { input: { id: 'ok', attributes } });
    const r = res.data!.upsertProfile;
    if (r.__typename !== 'ValidationError') throw new Error(JSON.stringify(r));
    expect(r.fieldErrors).toHaveLength(20);
  });

  it('the limits themselves are accepted: exactly 64 KiB, 10 levels, 64-character keys, 128-character ids', async () => {
    const exact = ofBytes(64 * KiB);
    expect(Buffer.byteLength(JSON.stringify(exact))).toBe(64 * KiB);
    expect((await upsert(h, 'limit-size', exact)).attributes).toEqual(exact);
    expect((await upsert(h, 'limit-depth', nest(10))).attributes).toEqual(nest(10));
    const arrays = { a: [[[[[[[[[1]]]]]]]]] }; // the object and 9 arrays: 10 levels
    expect((await upsert(h, 'limit-depth-arrays', arrays)).attributes).toEqual(arrays);
    const keys = { ['k'.repeat(64)]: 1, _private: 2, A1_b2: 3 };
    expect((await upsert(h, 'limit-keys', keys)).attributes).toEqual(keys);
    expect((await upsert(h, 'x'.repeat(128), {})).profileId).toBe('x'.repeat(128));
    // Values (not keys) may hold anything JSON can: control characters, dots, empty strings.
    const values = { note: 'a\u0000b', url: 'https://x.test/a.b', empty: '', nothing: null };
    expect((await upsert(h, 'any-values', values)).attributes).toEqual(values);
  });
});

describe('deleteProfile validation', () => {
  for (const [label, id] of [
    ['empty id', ''],
    ['id over 128 characters', 'x'.repeat(129)],
    ['id with a control character', 'a\u0001'],
  ] as const) {
    it(`${label} -> ValidationError on id; nothing deleted`, async () => {
      const before = await profileRows(h);
      const res = await h.gql(DeleteProfileDoc, { input: { id } });
      expect(res.data!.deleteProfile).toMatchObject({
        __typename: 'ValidationError',
        code: 'VALIDATION_FAILED',
        fieldErrors: [{ path: ['id'] }],
      });
      expect(await profileRows(h)).toEqual(before);
    });
  }
});
