import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../generated/index.js';
import { GRAPHQL_LIMITS } from '../../src/graphql/limits.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { connectWs } from '../helpers/live.js';

/**
 * Oversized documents are rejected by validation, before any resolver runs: the
 * proof is that the mutation in them leaves no audit row (the audit plugin wraps
 * every mutation resolver) and changes nothing.
 */

const AuditCountDoc = graphql(`
  query AuditCount {
    auditLog(first: 1) {
      totalCount
    }
  }
`);

function deepMutation(depth: number): string {
  // Valid fields as far as the schema goes, then nested selections that armor's depth rule counts.
  let inner = 'whatsAppExecutionField';
  for (let i = 0; i < depth; i++) inner = `data { ${inner} }`;
  return `mutation { updateChannelGeneralSettings(input: { whatsAppExecutionField: "deep.one" }) { ... on UpdateChannelGeneralSettingsSuccess { ${inner} } } }`;
}

function aliasedMutation(count: number): string {
  const fields = Array.from(
    { length: count },
    (_, i) => `a${i}: updateChannelGeneralSettings(input: { whatsAppExecutionField: "alias.x${i}" }) { __typename }`,
  );
  return `mutation { ${fields.join(' ')} }`;
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.stop());

async function auditCount(): Promise<number> {
  return (await h.gql(AuditCountDoc, {})).data!.auditLog.totalCount;
}

describe('operation limits over HTTP', () => {
  it('rejects a document deeper than the limit', async () => {
    const before = await auditCount();
    const res = await h.post({ query: deepMutation(GRAPHQL_LIMITS.maxDepth) }, { authorization: `Bearer ${h.adminKey}` });
    const body = JSON.parse(res.body);
    expect(body.data).toBeUndefined();
    expect(JSON.stringify(body.errors)).toContain('depth limit');
    expect(await auditCount()).toBe(before);
  });

  it('a valid query at the depth limit runs; one level deeper is rejected', async () => {
    // Every field exists: tracking event -> message -> configuration -> webhook -> credential -> number (depth 10).
    const path = (leaf: string) =>
      `{ trackingEvents(first: 1) { edges { node { message { channelConfiguration { whatsApp { webhook { apiCredential { ${leaf} } } } } } } } } }`;
    const atLimit = JSON.parse(
      (await h.post({ query: path('phoneNumber { qualityRating }') }, { authorization: `Bearer ${h.adminKey}` })).body,
    );
    expect(atLimit).toEqual({ data: { trackingEvents: { edges: [] } } });
    // The WABA's numbers are one level further down (depth 11).
    const over = JSON.parse(
      (
        await h.post(
          { query: path('whatsAppBusinessAccount { phoneNumbers { qualityRating } }') },
          { authorization: `Bearer ${h.adminKey}` },
        )
      ).body,
    );
    expect(over.data).toBeUndefined();
    expect(over.errors).toEqual([{ message: `Syntax Error: Query depth limit of ${GRAPHQL_LIMITS.maxDepth} exceeded, found 11.` }]);
  });

  it('rejects more aliases than allowed, but runs a document at the limit', async () => {
    const before = await auditCount();
    const over = JSON.parse(
      (await h.post({ query: aliasedMutation(GRAPHQL_LIMITS.maxAliases + 1) }, { authorization: `Bearer ${h.adminKey}` })).body,
    );
    expect(JSON.stringify(over.errors)).toContain('Aliases limit');
    expect(await auditCount()).toBe(before);
    const atLimit = JSON.parse(
      (await h.post({ query: aliasedMutation(GRAPHQL_LIMITS.maxAliases) }, { authorization: `Bearer ${h.adminKey}` })).body,
    );
    expect(atLimit.errors).toBeUndefined();
    expect(await auditCount()).toBe(before + GRAPHQL_LIMITS.maxAliases);
  });

  it('rejects too many tokens', async () => {
    const query = `{ viewer { ${Array.from({ length: GRAPHQL_LIMITS.maxTokens }, () => 'role').join(' ')} } }`;
    const body = JSON.parse((await h.post({ query }, { authorization: `Bearer ${h.adminKey}` })).body);
    expect(JSON.stringify(body.errors)).toContain('Token limit');
  });

  it('rejects an oversized body with 413 before reading it', async () => {
    const before = await auditCount();
    const big = JSON.stringify({ query: aliasedMutation(1), variables: { pad: 'x'.repeat(h.config.limits.graphqlMaxBodyBytes) } });
    const res = await h.post(big, { authorization: `Bearer ${h.adminKey}` });
    expect(res.status).toBe(413);
    expect(await auditCount()).toBe(before);
  });

  it('never runs a mutation sent with GET, and refuses form (CSRF-able) POSTs for their content type', async () => {
    const { request } = await import('undici');
    const get = await request(
      `${h.url}/graphql?query=${encodeURIComponent('mutation { updateChannelGeneralSettings(input: { whatsAppExecutionField: "get.x" }) { __typename } }')}`,
      {
        headers: { authorization: `Bearer ${h.adminKey}`, 'x-graphql-yoga-csrf': '1' },
      },
    );
    expect(get.statusCode).toBe(405);
    await get.body.text();
    const form = await request(`${h.url}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.adminKey}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'query=mutation%7BupdateChannelGeneralSettings(input%3A%7BwhatsAppExecutionField%3A%22f.x%22%7D)%7B__typename%7D%7D',
    });
    expect(form.statusCode).toBe(415);
    await form.body.text();
  });
});

describe('the same limits over WebSocket', () => {
  it('rejects the same deep and aliased documents before any resolver', async () => {
    const before = await auditCount();
    const conn = connectWs(h.wsUrl, h.adminKey);
    try {
      const validButTooDeep = `{ trackingEvents(first: 1) { edges { node { message { channelConfiguration { whatsApp { webhook { apiCredential { whatsAppBusinessAccount { phoneNumbers { qualityRating } } } } } } } } } } }`;
      for (const query of [deepMutation(GRAPHQL_LIMITS.maxDepth), validButTooDeep, aliasedMutation(GRAPHQL_LIMITS.maxAliases + 1)]) {
        const errors = await new Promise<unknown>((resolve) => {
          conn.client.subscribe(
            { query },
            { next: (v) => resolve(v.errors), error: (e) => resolve(e), complete: () => resolve('completed') },
          );
        });
        expect(JSON.stringify(errors)).toMatch(/depth limit|Aliases limit/);
      }
    } finally {
      await conn.dispose();
    }
    expect(await auditCount()).toBe(before);
  });
});
