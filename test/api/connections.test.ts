import { isObjectType, isListType, isNonNullType, getNamedType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSchema } from '../../src/service/schema.js';
import { graphql } from '../generated/index.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { upsert } from '../profiles/helpers.js';

// Issue 12 point 11: every connection offers `nodes` beside `edges` (as GitHub's API does).

const AuditPageDoc = graphql(`
  query ConnectionsAuditPage($first: Int, $after: String) {
    auditLog(first: $first, after: $after) {
      totalCount
      nodes {
        id
        action
      }
      edges {
        cursor
        node {
          id
          action
        }
      }
      pageInfo {
        hasNextPage
        endCursor
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

describe('connections', () => {
  it('every *Connection type of the schema has nodes: [T!]! of the type its edges hold', () => {
    const connections = Object.values(getSchema().getTypeMap()).filter((t) => isObjectType(t) && t.name.endsWith('Connection'));
    expect(connections.length).toBeGreaterThan(5);
    for (const type of connections) {
      if (!isObjectType(type)) continue;
      const fields = type.getFields();
      const nodes = fields.nodes?.type;
      expect(nodes && isNonNullType(nodes) && isListType(nodes.ofType), type.name).toBe(true);
      const edgeType = getNamedType(fields.edges!.type);
      expect(isObjectType(edgeType) && getNamedType(nodes!).name, type.name).toBe(
        isObjectType(edgeType) && getNamedType(edgeType.getFields().node!.type).name,
      );
    }
  });

  it('nodes are the nodes of the edges, page by page', async () => {
    for (const id of ['a', 'b', 'c']) await upsert(h, `conn-${id}`, {});
    const first = (await h.gql(AuditPageDoc, { first: 2 })).data!.auditLog;
    expect(first.nodes).toHaveLength(2);
    expect(first.nodes).toEqual(first.edges.map((e) => e.node));
    const next = (await h.gql(AuditPageDoc, { first: 2, after: first.pageInfo.endCursor })).data!.auditLog;
    expect(next.nodes).toEqual(next.edges.map((e) => e.node));
    expect([...first.nodes, ...next.nodes].map((n) => n.action)).toEqual(['upsertProfile', 'upsertProfile', 'upsertProfile']);
  });
});
