import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { GraphQLFormattedError } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../generated/index.js';
import { connectWs } from '../helpers/live.js';
import { activeCredential, useWorld } from '../helpers/world.js';
import { createWebhook } from '../webhooks/helpers.js';

// Issue 12 point 8: one id rule everywhere (docs/api.md "Ids"). node/nodes answer null per malformed, unknown
// or foreign id; every other argument given a malformed id (or one of another type) is a BAD_USER_INPUT error
// naming the argument; Organization.id and Sandbox.id are global ids node() resolves for their own key only.

const NodeDoc = graphql(`
  query IdsNode($id: ID!) {
    node(id: $id) {
      __typename
      id
      ... on WhatsAppApiCredential {
        name
      }
      ... on Sandbox {
        name
      }
      ... on Organization {
        name
      }
    }
  }
`);

const NodesDoc = graphql(`
  query IdsNodes($ids: [ID!]!) {
    nodes(ids: $ids) {
      __typename
      id
    }
  }
`);

const ViewerIdsDoc = graphql(`
  query IdsViewer {
    viewer {
      organization {
        id
        name
      }
      sandbox {
        id
        name
      }
    }
  }
`);

const FiltersDoc = graphql(`
  query IdsFilters($id: ID) {
    whatsAppMessages(channelConfigurationId: $id) {
      totalCount
    }
  }
`);

const ReportDoc = graphql(`
  query IdsReport($id: ID) {
    messageReport(channelConfigurationId: $id) {
      sent
    }
  }
`);

const BatchesDoc = graphql(`
  query IdsBatches($id: ID) {
    messageBatches(channelConfigurationId: $id) {
      totalCount
    }
  }
`);

const KeywordDoc = graphql(`
  query IdsKeyword($id: ID!) {
    testInboundKeyword(webhookId: $id, text: "stop") {
      category
    }
  }
`);

const RenameDoc = graphql(`
  mutation IdsRename($input: UpdateWhatsAppApiCredentialInput!) {
    updateWhatsAppApiCredential(input: $input) {
      __typename
      ... on Error {
        code
      }
    }
  }
`);

const DeleteHookDoc = graphql(`
  mutation IdsDeleteHook($input: DeleteWhatsAppWebhookInput!) {
    deleteWhatsAppWebhook(input: $input) {
      __typename
    }
  }
`);

const StatusSubDoc = graphql(`
  subscription IdsStatus($id: ID) {
    whatsAppApiCredentialStatusChanged(id: $id) {
      status
    }
  }
`);

const MALFORMED = ['garbage', '', 'V2hhdHNBcHBBcGlDcmVkZW50aWFs', encodeGlobalID('NoSuchType', '1'), `${encodeGlobalID('Sandbox', 'x')}!!`];

describe('the id rule', () => {
  const w = useWorld();
  let credentialId: string;
  let foreignCredentialId: string;
  let webhookId: string;
  let otherKey: string;

  beforeAll(async () => {
    credentialId = await activeCredential(w.h, 'ids main');
    otherKey = await w.h.createKey({ organization: 'other-org', sandbox: 'prod', role: 'ADMIN', entitlements: ['cjm_whatsapp'] });
    foreignCredentialId = await activeCredential(w.h, 'ids foreign', undefined, otherKey);
    webhookId = (await createWebhook(w.h, { apiCredentialId: credentialId })).id;
  });

  it('node(id:) answers null, without an error, for malformed, unknown-type, missing and foreign ids', async () => {
    for (const id of [...MALFORMED, encodeGlobalID('WhatsAppApiCredential', 'missing'), foreignCredentialId]) {
      const res = await w.h.gql(NodeDoc, { id });
      expect(res.errors, id).toBeUndefined();
      expect(res.data!.node, id).toBeNull();
    }
    const own = await w.h.gql(NodeDoc, { id: credentialId });
    expect(own.data!.node).toMatchObject({ __typename: 'WhatsAppApiCredential', id: credentialId, name: 'ids main' });
  });

  it('nodes(ids:) answers null per bad id and still returns the good ones, in order', async () => {
    const res = await w.h.gql(NodesDoc, { ids: [credentialId, 'garbage', foreignCredentialId, webhookId, encodeGlobalID('Nope', '1')] });
    expect(res.errors).toBeUndefined();
    expect(res.data!.nodes).toEqual([
      { __typename: 'WhatsAppApiCredential', id: credentialId },
      null,
      null,
      { __typename: 'WhatsAppWebhook', id: webhookId },
      null,
    ]);
  });

  it('Organization.id and Sandbox.id are global ids node() resolves, for their own key only', async () => {
    const mine = (await w.h.gql(ViewerIdsDoc)).data!.viewer;
    const theirs = (await w.h.gql(ViewerIdsDoc, {}, otherKey)).data!.viewer;
    expect(await w.h.gql(NodeDoc, { id: mine.sandbox.id })).toEqual({
      data: { node: { __typename: 'Sandbox', id: mine.sandbox.id, name: mine.sandbox.name } },
    });
    expect((await w.h.gql(NodeDoc, { id: mine.organization.id })).data!.node).toEqual({
      __typename: 'Organization',
      id: mine.organization.id,
      name: mine.organization.name,
    });
    const res = await w.h.gql(NodesDoc, { ids: [theirs.sandbox.id, theirs.organization.id] });
    expect(res).toEqual({ data: { nodes: [null, null] } });
  });

  it('a filter given a malformed or wrong-type id is a BAD_USER_INPUT error naming the argument', async () => {
    for (const id of ['garbage', credentialId]) {
      for (const doc of [FiltersDoc, ReportDoc, BatchesDoc] as Array<TypedDocumentNode<unknown, { id?: string | null }>>) {
        const res = await w.h.gql(doc, { id });
        expect(res.data ?? null).toBeNull();
        expect(res.errors).toHaveLength(1);
        expect(res.errors![0]!.extensions).toMatchObject({
          code: 'BAD_USER_INPUT',
          argument: 'channelConfigurationId',
          expectedType: 'ChannelConfiguration',
        });
        expect(res.errors![0]!.message).toContain('channelConfigurationId');
      }
    }
    const hook = await w.h.gql(KeywordDoc, { id: 'garbage' });
    expect(hook.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'webhookId' });
    // A well-formed id that matches nothing filters to nothing: no error, nothing leaked.
    const unknown = await w.h.gql(FiltersDoc, { id: encodeGlobalID('ChannelConfiguration', 'missing') });
    expect(unknown).toEqual({ data: { whatsAppMessages: { totalCount: 0 } } });
  });

  it('a mutation given a malformed id is BAD_USER_INPUT and changes nothing; an unknown one is NotFoundError', async () => {
    const bad = await w.h.gql(RenameDoc, { input: { id: 'garbage', name: 'renamed' } });
    expect(bad.errors![0]!.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'input.id',
      expectedType: 'WhatsAppApiCredential',
    });
    expect(bad.errors![0]!.message).toBe(
      'input.id is not a valid id: "garbage". Pass the id field of a WhatsAppApiCredential as the API returned it.',
    );
    const wrongType = await w.h.gql(DeleteHookDoc, { input: { id: credentialId } });
    expect(wrongType.errors![0]!.message).toBe('input.id is a WhatsAppApiCredential id; it needs the id of a WhatsAppWebhook.');
    expect((await w.h.gql(NodeDoc, { id: credentialId })).data!.node).toMatchObject({ name: 'ids main' });
    expect((await w.h.gql(NodeDoc, { id: webhookId })).data!.node).not.toBeNull();

    const foreign = await w.h.gql(RenameDoc, { input: { id: foreignCredentialId, name: 'stolen' } });
    expect(foreign.data!.updateWhatsAppApiCredential).toEqual({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
    // A key without the entitlement still learns about the entitlement first, whatever the id.
    const noEntitlement = await w.h.createKey({ organization: 'plain', sandbox: 'prod', role: 'ADMIN', entitlements: [] });
    const ent = await w.h.gql(RenameDoc, { input: { id: 'garbage', name: 'x' } }, noEntitlement);
    expect(ent.data!.updateWhatsAppApiCredential).toEqual({ __typename: 'EntitlementError', code: 'ENTITLEMENT_MISSING' });
  });

  it('a subscription given a malformed id is BAD_USER_INPUT; a foreign one is NOT_FOUND', async () => {
    const ws = connectWs(w.h.wsUrl, w.h.adminKey);
    try {
      for (const [id, code] of [
        ['garbage', 'BAD_USER_INPUT'],
        [foreignCredentialId, 'NOT_FOUND'],
      ] as const) {
        const sub = ws.subscribe(StatusSubDoc, { id });
        // graphql-ws sends a failed subscribe either as a result with errors or as an error message.
        const errors = await Promise.race([
          sub.events.next(5000).then((r) => r.errors),
          sub.done.then(
            () => undefined,
            () => sub.events.error as GraphQLFormattedError[],
          ),
        ]);
        expect(errors?.[0]?.extensions?.code, id).toBe(code);
      }
    } finally {
      await ws.dispose();
    }
  });
});
