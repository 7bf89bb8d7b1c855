import type { Harness } from '../helpers/harness.js';
import { sqlRows } from '../helpers/sql.js';
import { graphql } from '../generated/index.js';

export { sandboxIdOf } from '../helpers/world.js';

export const UpsertProfileDoc = graphql(`
  mutation ProfilesUpsert($input: UpsertProfileInput!) {
    upsertProfile(input: $input) {
      __typename
      ... on UpsertProfileSuccess {
        data {
          id
          profileId
          attributes
          createdAt
          updatedAt
        }
      }
      ...ErrorFields
    }
  }
`);

export const DeleteProfileDoc = graphql(`
  mutation ProfilesDelete($input: DeleteProfileInput!) {
    deleteProfile(input: $input) {
      __typename
      ... on DeleteProfileSuccess {
        data {
          id
          profileId
        }
      }
      ...ErrorFields
    }
  }
`);

export const ProfileQueryDoc = graphql(`
  query ProfilesRead($id: String!) {
    profile(id: $id) {
      id
      profileId
      attributes
      createdAt
      updatedAt
    }
  }
`);

export const ProfileNodeDoc = graphql(`
  query ProfilesNode($id: ID!) {
    node(id: $id) {
      __typename
      id
      ... on Profile {
        profileId
        attributes
      }
    }
  }
`);

export const ProfileNodesDoc = graphql(`
  query ProfilesNodes($ids: [ID!]!) {
    nodes(ids: $ids) {
      __typename
      id
    }
  }
`);

export const ProfilesAuditDoc = graphql(`
  query ProfilesAudit {
    auditLog(first: 5) {
      edges {
        node {
          action
          outcome
        }
      }
    }
  }
`);

/** Upserts and returns the stored profile; fails the test on any other outcome. */
export async function upsert(h: Harness, id: string, attributes: unknown, key?: string) {
  const res = await h.gql(UpsertProfileDoc, { input: { id, attributes } }, key);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  const r = res.data!.upsertProfile;
  if (r.__typename !== 'UpsertProfileSuccess') throw new Error(JSON.stringify(r));
  return r.data;
}

export async function readProfile(h: Harness, id: string, key?: string) {
  const res = await h.gql(ProfileQueryDoc, { id }, key);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!.profile;
}

/** Every stored profile row of the database, for "nothing changed" assertions. */
export function profileRows(h: Harness): Promise<unknown[]> {
  return sqlRows(h.server, 'SELECT * FROM profiles ORDER BY id');
}
