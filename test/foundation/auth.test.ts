import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { graphql } from '../generated/index.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import * as tenancy from '../../src/platform/tenancy/service.js';

const ViewerDoc = graphql(`
  query Viewer {
    viewer {
      organization {
        name
      }
      sandbox {
        name
      }
      role
      entitlements
    }
  }
`);

const MarketingActionsDoc = graphql(`
  query MarketingActions {
    marketingActions {
      id
      key
      consentPolicy {
        attribute
      }
    }
  }
`);

const NodeDoc = graphql(`
  query NodeById($id: ID!) {
    node(id: $id) {
      id
      __typename
    }
    nodes(ids: [$id]) {
      id
    }
  }
`);

const CreateActionDoc = graphql(`
  mutation CreateAction($input: CreateMarketingActionInput!) {
    createMarketingAction(input: $input) {
      __typename
      ... on CreateMarketingActionSuccess {
        data {
          id
          key
        }
      }
      ...ErrorFields
    }
  }
`);

const SettingsDoc = graphql(`
  mutation UpdateSettings($field: String!) {
    updateChannelGeneralSettings(input: { whatsAppExecutionField: $field }) {
      __typename
      ... on UpdateChannelGeneralSettingsSuccess {
        data {
          whatsAppExecutionField
        }
      }
      ...ErrorFields
    }
  }
`);

const AuditDoc = graphql(`
  query Audit {
    auditLog(first: 10) {
      totalCount
      edges {
        node {
          action
          actor
          objectType
          objectId
          outcome
          role
        }
      }
    }
  }
`);

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.stop());

describe('authentication', () => {
  it('answers 401 without a key, with a wrong key, and with a revoked key', async () => {
    const body = { query: '{ viewer { role } }' };
    expect((await h.post(body)).status).toBe(401);
    expect((await h.post(body, { authorization: 'Bearer wcs_nope_nope' })).status).toBe(401);
    expect((await h.post(body, { authorization: 'Basic abc' })).status).toBe(401);
    const key = await h.createKey({ sandbox: 'prod', role: 'ADMIN' });
    expect((await h.post(body, { authorization: `Bearer ${key}` })).status).toBe(200);
    await tenancy.revokeApiKey(h.server.deps.db, key.split('_').slice(0, 2).join('_'));
    const revoked = await h.post(body, { authorization: `Bearer ${key}` });
    expect(revoked.status).toBe(401);
    expect(JSON.parse(revoked.body).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('tells a key who it is', async () => {
    const res = await h.gql(ViewerDoc, {});
    expect(res.data?.viewer).toEqual({
      organization: { name: 'acme' },
      sandbox: { name: 'prod' },
      role: 'ADMIN',
      entitlements: ['cjm_whatsapp'],
    });
    const viewer = await h.gql(ViewerDoc, {}, h.viewerKey);
    expect(viewer.data?.viewer.role).toBe('VIEWER');
  });
});

describe('authorization', () => {
  it('a VIEWER mutation is a top-level FORBIDDEN error and changes nothing', async () => {
    const res = await h.gql(SettingsDoc, { field: 'phone.mobile' }, h.viewerKey);
    expect(res.data).toBeNull();
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const settings = await h.post(
      { query: '{ channelGeneralSettings { whatsAppExecutionField } }' },
      { authorization: `Bearer ${h.viewerKey}` },
    );
    expect(JSON.parse(settings.body).data.channelGeneralSettings.whatsAppExecutionField).toBe('mobilePhone.number');
  });

  it('a VIEWER cannot read the audit log', async () => {
    const res = await h.gql(AuditDoc, {}, h.viewerKey);
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('sandbox isolation', () => {
  it('sandbox B never sees sandbox A objects, by list, node or nodes, and the reverse', async () => {
    const keyB = await h.createKey({ sandbox: 'staging', role: 'ADMIN' });
    const a = await h.gql(CreateActionDoc, { input: { key: 'a_only', name: 'Only in A' } });
    expect(a.data?.createMarketingAction.__typename).toBe('CreateMarketingActionSuccess');
    const aId = a.data?.createMarketingAction.__typename === 'CreateMarketingActionSuccess' ? a.data.createMarketingAction.data.id : '';
    const b = await h.gql(CreateActionDoc, { input: { key: 'b_only', name: 'Only in B' } }, keyB);
    const bId = b.data?.createMarketingAction.__typename === 'CreateMarketingActionSuccess' ? b.data.createMarketingAction.data.id : '';

    const listA = await h.gql(MarketingActionsDoc, {});
    const listB = await h.gql(MarketingActionsDoc, {}, keyB);
    expect(listA.data?.marketingActions.map((m) => m.key)).toContain('a_only');
    expect(listA.data?.marketingActions.map((m) => m.key)).not.toContain('b_only');
    expect(listB.data?.marketingActions.map((m) => m.key)).toContain('b_only');
    expect(listB.data?.marketingActions.map((m) => m.key)).not.toContain('a_only');

    expect((await h.gql(NodeDoc, { id: aId })).data?.node?.id).toBe(aId);
    const crossAB = await h.gql(NodeDoc, { id: aId }, keyB);
    const crossBA = await h.gql(NodeDoc, { id: bId });
    const missing = await h.gql(NodeDoc, { id: encodeGlobalID('MarketingAction', 'does-not-exist') }, keyB);
    for (const res of [crossAB, crossBA]) {
      expect(res.data).toEqual({ node: null, nodes: [null] });
      expect(res).toEqual(missing);
    }
  });
});

describe('settings and the marketing action catalog', () => {
  it('seeds WhatsApp marketing actions with consent policies', async () => {
    const res = await h.gql(MarketingActionsDoc, {});
    const marketing = res.data?.marketingActions.find((m) => m.key === 'whatsapp_marketing');
    expect(marketing?.consentPolicy?.attribute).toBe('consents.marketing.whatsApp.val');
  });

  it.each([
    ['', 'must not be empty'],
    ['mobile phone', 'dotted attribute path'],
    ['.mobile', 'dotted attribute path'],
    ['mobile..number', 'dotted attribute path'],
    ['1mobile', 'dotted attribute path'],
  ])('rejects execution field %j with a ValidationError and keeps the old value', async (field, message) => {
    const res = await h.gql(SettingsDoc, { field });
    const result = res.data?.updateChannelGeneralSettings;
    expect(result?.__typename).toBe('ValidationError');
    if (result?.__typename === 'ValidationError') {
      expect(result.fieldErrors[0]).toEqual({ path: ['whatsAppExecutionField'], message: expect.stringContaining(message) });
    }
    const settings = await h.post(
      { query: '{ channelGeneralSettings { whatsAppExecutionField } }' },
      { authorization: `Bearer ${h.adminKey}` },
    );
    expect(JSON.parse(settings.body).data.channelGeneralSettings.whatsAppExecutionField).toBe('mobilePhone.number');
  });

  it('rejects bad marketing actions and duplicates with typed errors', async () => {
    const bad = await h.gql(CreateActionDoc, {
      input: { key: 'Bad Key', name: ' ', consentPolicy: { attribute: 'x y', allowedValues: [] } },
    });
    const result = bad.data?.createMarketingAction;
    expect(result?.__typename).toBe('ValidationError');
    if (result?.__typename === 'ValidationError') {
      expect(result.fieldErrors.map((f) => f.path.join('.'))).toEqual([
        'key',
        'name',
        'consentPolicy.attribute',
        'consentPolicy.allowedValues',
      ]);
    }
    await h.gql(CreateActionDoc, { input: { key: 'dup_action', name: 'Dup' } });
    const dup = await h.gql(CreateActionDoc, { input: { key: 'dup_action', name: 'Dup again' } });
    expect(dup.data?.createMarketingAction.__typename).toBe('ConflictError');
  });
});

describe('audit log', () => {
  it('records who ran which mutation on which object, and the outcome', async () => {
    const h2 = await startHarness();
    try {
      const created = await h2.gql(CreateActionDoc, { input: { key: 'audited', name: 'Audited' } });
      const id =
        created.data?.createMarketingAction.__typename === 'CreateMarketingActionSuccess' ? created.data.createMarketingAction.data.id : '';
      await h2.gql(SettingsDoc, { field: 'not valid!' });
      await h2.gql(SettingsDoc, { field: 'x' }, h2.viewerKey); // forbidden: never reaches the resolver
      const audit = await h2.gql(AuditDoc, {});
      const prefix = h2.adminKey.split('_').slice(0, 2).join('_');
      expect(audit.data?.auditLog.totalCount).toBe(2);
      expect(audit.data?.auditLog.edges.map((e) => e.node)).toEqual([
        {
          action: 'updateChannelGeneralSettings',
          actor: prefix,
          objectType: 'ChannelGeneralSettings',
          objectId: null,
          outcome: 'VALIDATION_FAILED',
          role: 'ADMIN',
        },
        {
          action: 'createMarketingAction',
          actor: prefix,
          objectType: 'MarketingAction',
          objectId: expect.any(String),
          outcome: 'SUCCESS',
          role: 'ADMIN',
        },
      ]);
      expect(id).toBeTruthy();
    } finally {
      await h2.stop();
    }
  });
});
