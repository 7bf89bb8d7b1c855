import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainQueryParams } from '../../src/http/graphql-post.js';
import { startHarness, type Harness } from '../helpers/harness.js';

/**
 * Issue 14: a plain JSON POST of a query is answered without yoga's Fetch-API round trip (src/http/graphql-post.ts).
 * The same request sent with an Accept header that only yoga handles takes yoga's path: both answers must be the
 * same (status, content type, body), whether the query succeeds, fails in a resolver, or fails in variable coercion.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ startJobs: false });
});
afterAll(() => h.stop());

const auth = () => ({ authorization: `Bearer ${h.adminKey}` });

/** Posts the body twice: once as a plain JSON query (the fast path), once with an Accept only yoga negotiates. */
async function bothPaths(body: unknown) {
  const before = h.server.app.fastPost.answered;
  const fast = await h.post(body, auth());
  const afterFast = h.server.app.fastPost.answered;
  const yoga = await h.post(body, { ...auth(), accept: 'application/json, text/plain' });
  return { fast, yoga, fastAnswered: afterFast - before, yogaAnswered: h.server.app.fastPost.answered - afterFast };
}

const VIEWER = '{ viewer { role apiKeyPrefix entitlements organization { name } sandbox { name } } }';

describe('the GraphQL POST fast path', () => {
  it('answers a query exactly as yoga does, with a request id', async () => {
    const { fast, yoga, fastAnswered, yogaAnswered } = await bothPaths({ query: VIEWER });
    expect([fastAnswered, yogaAnswered]).toEqual([1, 0]);
    expect(fast.status).toBe(200);
    expect(JSON.parse(fast.body)).toMatchObject({ data: { viewer: { role: 'ADMIN', organization: { name: 'acme' } } } });
    expect(fast.body).toBe(yoga.body);
    expect(fast.headers['content-type']).toBe(yoga.headers['content-type']);
    expect(fast.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(fast.headers['x-request-id']).not.toBe(yoga.headers['x-request-id']);
  });

  it('answers a resolver error and a variable coercion error with yoga’s status and error shape', async () => {
    const cases = [
      { query: 'query($n: Int) { channelConfigurations(first: $n) { totalCount } }', variables: { n: 1000 } },
      { query: 'query($n: Int) { channelConfigurations(first: $n) { totalCount } }', variables: { n: 'many' } },
      { query: 'query Q($n: Int) { channelConfigurations(first: $n) { totalCount } }', variables: null, operationName: 'Q' },
    ];
    for (const body of cases) {
      const { fast, yoga, fastAnswered } = await bothPaths(body);
      expect(fastAnswered, JSON.stringify(body)).toBe(1);
      expect(fast.status, fast.body).toBe(yoga.status);
      expect(fast.headers['content-type']).toBe(yoga.headers['content-type']);
      expect(fast.body).toBe(yoga.body);
    }
    const tooMany = await h.post(cases[0], auth());
    expect(JSON.parse(tooMany.body).errors[0].message).toMatch(/first must be between 0 and 100/);
  });

  it('leaves to yoga what only yoga answers: mutations, invalid documents, other parameters, other Accepts', async () => {
    const before = h.server.app.fastPost.answered;
    const invalid = await h.post({ query: '{ viewer { noSuchField } }' }, auth());
    expect(JSON.parse(invalid.body).errors[0].message).toMatch(/noSuchField/);
    const unparsable = await h.post({ query: '{ viewer {' }, auth());
    expect(JSON.parse(unparsable.body).errors[0].message).toMatch(/^Syntax Error/);
    const extraParam = await h.post({ query: VIEWER, foo: 1 }, auth());
    expect(extraParam.status).toBe(400);
    const oddContentType = await h.post({ query: VIEWER }, { ...auth(), 'content-type': 'Application/JSON' });
    expect(oddContentType.status).toBe(415);
    const graphqlResponse = await h.post({ query: VIEWER }, { ...auth(), accept: 'application/graphql-response+json' });
    expect(graphqlResponse.headers['content-type']).toMatch(/^application\/graphql-response\+json/);
    const mutation = await h.post({ query: 'mutation { __typename }' }, auth());
    expect(JSON.parse(mutation.body)).toEqual({ data: { __typename: 'Mutation' } });
    expect(h.server.app.fastPost.answered).toBe(before);
  });

  it('takes only { query, variables?, operationName? } with yoga’s types', () => {
    expect(plainQueryParams({ query: '{a}' })).not.toBeNull();
    expect(plainQueryParams({ query: '{a}', variables: { x: 1 }, operationName: 'A' })).not.toBeNull();
    expect(plainQueryParams({ query: '{a}', variables: null, operationName: null })).not.toBeNull();
    for (const bad of [null, [], [{ query: '{a}' }], {}, { query: 1 }, { query: '{a}', variables: [] }, { query: '{a}', variables: 'x' }]) {
      expect(plainQueryParams(bad), JSON.stringify(bad)).toBeNull();
    }
    expect(plainQueryParams({ query: '{a}', operationName: 1 })).toBeNull();
    expect(plainQueryParams({ query: '{a}', extensions: {} })).toBeNull();
  });
});
