import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainQueryParams, regularMediaType } from '../../src/http/graphql-post.js';
import { startHarness, type Harness } from '../helpers/harness.js';

/**
 * Issue 14: a plain JSON POST of a query is answered without yoga's Fetch-API round trip (src/http/graphql-post.ts).
 * The same request with an `extensions` parameter takes yoga's path (the fast path takes only query, variables and
 * operationName): both answers must be the same (status, content type, body), whether the query succeeds, fails in a
 * resolver, or fails in variable coercion, for every Accept the fast path takes (urql's and Apollo Client's
 * included).
 */

const URQL_ACCEPT = 'application/graphql-response+json, application/graphql+json, application/json, text/event-stream, multipart/mixed';
const APOLLO_ACCEPT = 'application/graphql-response+json,application/json;q=0.9';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ startJobs: false });
});
afterAll(() => h.stop());

const auth = () => ({ authorization: `Bearer ${h.adminKey}` });

/** Posts the body twice: once as a plain JSON query (the fast path), once with `extensions`, which only yoga takes. */
async function bothPaths(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const before = h.server.app.fastPost.answered;
  const fast = await h.post(body, { ...auth(), ...headers });
  const afterFast = h.server.app.fastPost.answered;
  const yoga = await h.post({ ...body, extensions: {} }, { ...auth(), ...headers });
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

  it("answers urql's and Apollo Client's Accept (application/graphql-response+json) exactly as yoga does", async () => {
    const bodies = [
      { query: VIEWER },
      { query: 'query($n: Int) { channelConfigurations(first: $n) { totalCount } }', variables: { n: 1000 } },
      { query: 'query($n: Int) { channelConfigurations(first: $n) { totalCount } }', variables: { n: 'many' } },
    ];
    for (const accept of [
      URQL_ACCEPT,
      APOLLO_ACCEPT,
      'application/graphql-response+json',
      'application/*',
      'application/json;charset=utf-8',
    ]) {
      for (const body of bodies) {
        const { fast, yoga, fastAnswered, yogaAnswered } = await bothPaths(body, { accept });
        expect([fastAnswered, yogaAnswered], accept).toEqual([1, 0]);
        expect(fast.status, `${accept} ${fast.body}`).toBe(yoga.status);
        expect(fast.headers['content-type'], accept).toBe(yoga.headers['content-type']);
        expect(fast.body).toBe(yoga.body);
      }
    }
    const urql = await h.post({ query: VIEWER }, { ...auth(), accept: URQL_ACCEPT });
    expect(urql.headers['content-type']).toBe('application/graphql-response+json; charset=utf-8');
  });

  it('chooses the media type as yoga does', () => {
    expect(regularMediaType(undefined)).toBe('application/json');
    expect(regularMediaType('*/*')).toBe('application/json');
    expect(regularMediaType('application/*')).toBe('application/json');
    expect(regularMediaType(URQL_ACCEPT)).toBe('application/graphql-response+json');
    expect(regularMediaType(APOLLO_ACCEPT)).toBe('application/graphql-response+json');
    expect(regularMediaType('application/json, application/graphql-response+json')).toBe('application/json');
    expect(regularMediaType('text/event-stream, application/json')).toBe('application/json');
    expect(regularMediaType('application/json;charset=iso-8859-1')).toBeNull();
    expect(regularMediaType('text/event-stream')).toBeNull();
    expect(regularMediaType('multipart/mixed')).toBeNull();
    expect(regularMediaType('text/plain')).toBeNull();
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
    const eventStream = await h.post({ query: VIEWER }, { ...auth(), accept: 'text/event-stream' });
    expect(eventStream.headers['content-type']).toMatch(/^text\/event-stream/);
    const latin1 = await h.post({ query: VIEWER }, { ...auth(), accept: 'application/json;charset=iso-8859-1' });
    expect(latin1.status).toBe(406);
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
