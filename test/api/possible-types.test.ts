import fs from 'node:fs';
import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { isInterfaceType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POSSIBLE_TYPES_FILE } from '../../src/service/print-schema.js';
import { getSchema, printPossibleTypes } from '../../src/service/schema.js';
import { graphql } from '../generated/index.js';
import { startHarness, type Harness } from '../helpers/harness.js';

// Issue 12 point 10: typed errors in Apollo (and urql graphcache) need possibleTypes. The service ships
// schema/possible-types.json, generated with the SDL by `npm run schema:print` and checked for drift.

const shipped = JSON.parse(fs.readFileSync(POSSIBLE_TYPES_FILE, 'utf8')) as Record<string, string[]>;

graphql(`
  fragment PossibleTypesError on Error {
    message
    code
  }
`);

const UpsertDoc = graphql(`
  mutation PossibleTypesUpsert($input: UpsertProfileInput!) {
    upsertProfile(input: $input) {
      __typename
      ...PossibleTypesError
      ... on ValidationError {
        fieldErrors {
          path
          message
        }
      }
      ... on UpsertProfileSuccess {
        data {
          id
        }
      }
    }
  }
`);

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.stop();
});

const client = (possibleTypes?: Record<string, string[]>) =>
  new ApolloClient({
    cache: new InMemoryCache(possibleTypes ? { possibleTypes } : {}),
    link: new HttpLink({ uri: `${h.url}/graphql`, headers: { authorization: `Bearer ${h.adminKey}` } }),
  });

describe('schema/possible-types.json', () => {
  it('matches the schema the code builds (run `npm run schema:print` after changing types)', () => {
    expect(fs.readFileSync(POSSIBLE_TYPES_FILE, 'utf8')).toBe(printPossibleTypes());
  });

  it('lists every implementation of Error and Node, and every member of each result union', () => {
    const schema = getSchema();
    for (const name of ['Error', 'Node']) {
      const type = schema.getType(name);
      if (!isInterfaceType(type)) throw new Error(`${name} is not an interface`);
      expect(shipped[name]).toEqual(
        schema
          .getPossibleTypes(type)
          .map((t) => t.name)
          .sort(),
      );
    }
    expect(shipped.Error).toEqual(expect.arrayContaining(['ValidationError', 'NotFoundError', 'EntitlementError', 'MetaApiError']));
    expect(shipped.UpsertProfileResult).toEqual(['UpsertProfileSuccess', 'ValidationError']);
  });

  it('Apollo reads a typed error through a fragment on Error with the shipped possibleTypes (and loses it without)', async () => {
    const input = { id: '', attributes: {} };
    const withTypes = await client(shipped).mutate({ mutation: UpsertDoc, variables: { input } });
    expect(withTypes.data!.upsertProfile).toEqual({
      __typename: 'ValidationError',
      message: 'id: must not be empty',
      code: 'VALIDATION_FAILED',
      fieldErrors: [{ __typename: 'FieldError', path: ['id'], message: 'must not be empty' }],
    });
    // Why it is shipped: without it Apollo cannot tell that ValidationError implements Error.
    const warn = console.warn;
    console.warn = () => {};
    try {
      const without = await client().mutate({ mutation: UpsertDoc, variables: { input } });
      expect(without.data!.upsertProfile).not.toHaveProperty('message');
    } finally {
      console.warn = warn;
    }
  });
});
