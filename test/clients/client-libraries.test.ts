import { Client as UrqlClient, fetchExchange, gql } from '@urql/core';
import { EventSource } from 'eventsource';
import { createClient as createSseClient, type Client as SseClient } from 'graphql-sse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';
import { EventQueue } from '../helpers/live.js';
import { sqlValue } from '../helpers/sql.js';
import { waitUntil } from '../helpers/wait.js';

/**
 * The client libraries frontend teams use, with their default options, against the real server (issue 12 points 3
 * and the client-library acceptance): @urql/core (queries go out as GET within the URL limit), the `eventsource`
 * package (GET, SSE, the key through its fetch option) and graphql-sse (distinct connections mode).
 */

const SUBSCRIPTION = 'subscription { auditLogEntryAdded { action outcome } }';
const MUTATION = 'mutation { updateChannelGeneralSettings(input: { whatsAppExecutionField: "mobilePhone.number" }) { __typename } }';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.stop());

const auditListeners = async () => {
  const id = await sqlValue<string>(h.server, "SELECT id FROM sandboxes WHERE name = 'prod'");
  return h.server.deps.pubsub.listenerCount(id, 'audit:entry-added');
};

/** Waits for one more audit listener (the client's subscription is live), then makes one audit event. */
async function publishOnceListening(before: number): Promise<void> {
  await waitUntil(async () => (await auditListeners()) > before, 10_000, 'the subscription to listen');
  const res = await h.post({ query: MUTATION }, { authorization: `Bearer ${h.adminKey}` });
  expect(res.status).toBe(200);
}

describe('@urql/core with its default options', () => {
  it('runs a query over GET (preferGetMethod within the URL limit) and a mutation over POST', async () => {
    const methods: string[] = [];
    const client = new UrqlClient({
      url: `${h.url}/graphql`,
      exchanges: [fetchExchange],
      fetchOptions: { headers: { authorization: `Bearer ${h.adminKey}` } },
      // Observes the method urql chose; the request itself goes out unchanged.
      fetch: (input, init) => {
        methods.push(init?.method ?? 'GET');
        return fetch(input, init);
      },
    });
    const query = await client
      .query(
        gql`
          {
            viewer {
              role
              organization {
                name
              }
            }
          }
        `,
        {},
      )
      .toPromise();
    expect(query.error).toBeUndefined();
    expect(query.data).toEqual({ viewer: { role: 'ADMIN', organization: { name: 'acme' } } });
    const mutation = await client.mutation(gql(MUTATION), {}).toPromise();
    expect(mutation.error).toBeUndefined();
    expect(mutation.data.updateChannelGeneralSettings.__typename).toBe('UpdateChannelGeneralSettingsSuccess');
    expect(methods).toEqual(['GET', 'POST']);
  });
});

describe('the eventsource package', () => {
  it('receives subscription events over GET + SSE with the key sent through its fetch option', async () => {
    const url = `${h.url}/graphql?query=${encodeURIComponent(SUBSCRIPTION)}`;
    const events = new EventQueue<unknown>();
    const before = await auditListeners();
    const source = new EventSource(url, {
      fetch: (input, init) => fetch(input, { ...init, headers: { ...init?.headers, authorization: `Bearer ${h.adminKey}` } }),
    });
    try {
      // yoga names its events "next" and "complete" (the graphql-sse protocol), not the default "message".
      source.addEventListener('next', (e) => events.push(JSON.parse(e.data)));
      await publishOnceListening(before);
      expect(await events.next()).toEqual({ data: { auditLogEntryAdded: { action: 'updateChannelGeneralSettings', outcome: 'SUCCESS' } } });
    } finally {
      source.close();
    }
  });

  it('gets a 401 (and no events) without a key', async () => {
    const source = new EventSource(`${h.url}/graphql?query=${encodeURIComponent(SUBSCRIPTION)}`);
    const error = await new Promise<{ code?: number }>((resolve) => source.addEventListener('error', (e) => resolve(e)));
    source.close();
    expect(error.code).toBe(401);
  });
});

describe('graphql-sse', () => {
  let client: SseClient;
  afterAll(() => client?.dispose());

  it('subscribes in distinct connections mode (its default) with the key in its headers', async () => {
    client = createSseClient({ url: `${h.url}/graphql`, headers: { authorization: `Bearer ${h.adminKey}` }, retryAttempts: 0 });
    const events = new EventQueue<unknown>();
    const before = await auditListeners();
    const dispose = client.subscribe(
      { query: SUBSCRIPTION },
      { next: (v) => events.push(v), error: (e) => (events.error = e), complete: () => {} },
    );
    try {
      await publishOnceListening(before);
      expect(await events.next()).toEqual({ data: { auditLogEntryAdded: { action: 'updateChannelGeneralSettings', outcome: 'SUCCESS' } } });
    } finally {
      dispose();
    }
  });

  it('runs queries too, over the same transport', async () => {
    const result = await new Promise<unknown>((resolve, reject) => {
      let value: unknown;
      client.subscribe({ query: '{ viewer { role } }' }, { next: (v) => (value = v), error: reject, complete: () => resolve(value) });
    });
    expect(result).toEqual({ data: { viewer: { role: 'ADMIN' } } });
  });

  // Single connection mode reserves a stream with PUT (the graphql-sse protocol); yoga serves only the distinct
  // connections mode (its plugin-graphql-sse would add the other on /graphql/stream). Documented in docs/api.md:
  // the client fails at once with the server's 405 instead of waiting.
  it('single connection mode is not offered: the reservation is refused with 405 at once', async () => {
    const single = createSseClient({
      url: `${h.url}/graphql`,
      singleConnection: true,
      headers: { authorization: `Bearer ${h.adminKey}` },
      retryAttempts: 0,
    });
    try {
      const error = await new Promise<unknown>((resolve) =>
        single.subscribe({ query: '{ viewer { role } }' }, { next: () => resolve(null), error: resolve, complete: () => resolve(null) }),
      );
      expect(String(error)).toContain('405');
    } finally {
      single.dispose();
    }
  });
});
