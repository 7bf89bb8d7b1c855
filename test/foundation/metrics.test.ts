import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startHarness, type Harness } from '../helpers/harness.js';
import { connectWs } from '../helpers/live.js';
import { cleanup, connectedWorld, onCleanup } from '../helpers/world.js';
import { IDS, repliesTo, settledDeliveries, waitUntil } from '../webhooks/helpers.js';

// Issue 16 point 10: Prometheus metrics at /metrics for the people on call, behind a bearer token (no token
// configured: no /metrics at all), and the caller's W3C traceparent carried into the log lines of its request.

afterEach(cleanup);

const TOKEN = 'metrics-token-0123456789abcdef';
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

async function scrape(h: Harness, authorization?: string): Promise<{ status: number; body: string; type: string }> {
  const res = await request(`${h.url}/metrics`, { headers: authorization ? { authorization } : {} });
  return { status: res.statusCode, body: await res.body.text(), type: String(res.headers['content-type'] ?? '') };
}

/** Value of the first sample of `name` whose labels include every given label. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('GET /metrics', () => {
  it('after a credential, a webhook delivery and a send, reports every instrument the on-call needs', async () => {
    const { sim, h, webhook } = await connectedWorld({ env: { METRICS_TOKEN: TOKEN } });
    // A webhook delivery whose STOP gets an auto-reply: a send through the sender's pacing.
    const waId = '16505559001';
    const inbound = await sim.sim.sendInboundText({ phoneNumberId: IDS.phone.acmeGreen, from: { waId }, text: 'STOP' });
    expect(inbound.delivery.status).toBe(200);
    await settledDeliveries(h, webhook.id, 1);
    await waitUntil(() => repliesTo(sim, waId).length === 1, 10_000, 'auto-reply sent');
    // A named operation, and a live subscription over graphql-ws.
    expect(
      (await h.post({ query: 'query WhoAmI { viewer { role } }', operationName: 'WhoAmI' }, { authorization: `Bearer ${h.adminKey}` }))
        .status,
    ).toBe(200);
    const conn = connectWs(h.wsUrl, h.adminKey);
    onCleanup(() => conn.dispose());
    conn.client.subscribe(
      { query: 'subscription AuditFeed { auditLogEntryAdded { action } }' },
      { next: () => {}, error: () => {}, complete: () => {} },
    );
    let text = '';
    await waitUntil(
      async () => {
        text = (await scrape(h, `Bearer ${TOKEN}`)).body;
        return sample(text, 'wcs_live_subscriptions', { transport: 'websocket' }) === 1;
      },
      10_000,
      'the subscription counted',
    );
    const { status, type } = await scrape(h, `Bearer ${TOKEN}`);
    expect(status).toBe(200);
    expect(type).toContain('text/plain');

    const helps = [
      'wcs_http_requests_total',
      'wcs_http_request_duration_seconds',
      'wcs_graphql_operations_total',
      'wcs_graphql_operation_duration_seconds',
      'wcs_webhook_ack_seconds',
      'wcs_webhook_inbox_backlog',
      'wcs_webhook_inbox_oldest_pending_age_seconds',
      'wcs_jobs_queued',
      'wcs_jobs_due',
      'wcs_jobs_running',
      'wcs_jobs_oldest_due_age_seconds',
      'wcs_whatsapp_sends_total',
      'wcs_sender_pacing_rate',
      'wcs_sender_pacing_used',
      'wcs_sender_pacing_utilization',
      'wcs_sender_pacing_waiting',
      'wcs_live_connections',
      'wcs_live_subscriptions',
      'nodejs_eventloop_lag_seconds',
      'nodejs_eventloop_lag_p99_seconds',
    ];
    for (const name of helps) expect(text, name).toContain(`# HELP ${name} `);

    expect(sample(text, 'wcs_http_requests_total', { route: 'graphql', method: 'POST', status: '200' })).toBeGreaterThan(0);
    expect(sample(text, 'wcs_http_request_duration_seconds_count', { route: 'webhooks', method: 'POST' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'wcs_graphql_operations_total', { operation: 'WhoAmI', type: 'query', outcome: 'ok' })).toBe(1);
    expect(sample(text, 'wcs_graphql_operation_duration_seconds_count', { operation: 'WhoAmI' })).toBe(1);
    // One subscriber, one operation: the execution its fan-out group shares (fanout.ts) is not another one.
    expect(sample(text, 'wcs_graphql_operations_total', { operation: 'AuditFeed', type: 'subscription', outcome: 'ok' })).toBe(1);
    expect(sample(text, 'wcs_webhook_ack_seconds_count', { status: '200' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'wcs_webhook_inbox_backlog')).toBe(0);
    expect(sample(text, 'wcs_whatsapp_sends_total', { outcome: 'ok', meta_code: 'none' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'wcs_sender_pacing_rate', { sender: IDS.phone.acmeGreen })).toBeGreaterThan(0);
    expect(sample(text, 'wcs_sender_pacing_used', { sender: IDS.phone.acmeGreen })).toBeGreaterThanOrEqual(0);
    // Recurring jobs (e.g. the webhook prune) are always queued, so the per-kind gauges have samples.
    expect(text).toMatch(/^wcs_jobs_queued\{kind="[^"]+"\} \d+$/m);
    expect(text).toMatch(/^wcs_jobs_oldest_due_age_seconds\{kind="[^"]+"\} [\d.e+-]+$/m);
    expect(sample(text, 'wcs_live_connections', { transport: 'websocket' })).toBe(1);
    expect(sample(text, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    // Secrets never reach the scrape.
    expect(text).not.toContain(h.adminKey);
    expect(text).not.toContain(TOKEN);
  });

  it('counts each graphql-ws subscription once, whether it starts a shared fan-out group or joins one', async () => {
    const h = await startHarness({ env: { METRICS_TOKEN: TOKEN } });
    onCleanup(() => h.stop());
    const operations = async () =>
      sample((await scrape(h, `Bearer ${TOKEN}`)).body, 'wcs_graphql_operations_total', {
        operation: 'AuditFeed',
        type: 'subscription',
        outcome: 'ok',
      }) ?? 0;
    const conn = connectWs(h.wsUrl, h.adminKey);
    onCleanup(() => conn.dispose());
    const subscribe = () =>
      conn.client.subscribe(
        { query: 'subscription AuditFeed { auditLogEntryAdded { action } }' },
        { next: () => {}, error: () => {}, complete: () => {} },
      );
    subscribe();
    await waitUntil(() => h.server.app.fanout.memberCount === 1, 10_000, 'the first subscriber live');
    expect(h.server.app.fanout.groupCount).toBe(1);
    expect(await operations()).toBe(1);
    // Two more of the same operation and visibility join the group: still one execution per event, three operations.
    subscribe();
    subscribe();
    await waitUntil(() => h.server.app.fanout.memberCount === 3, 10_000, 'three subscribers live');
    expect(h.server.app.fanout.groupCount).toBe(1);
    expect(await operations()).toBe(3);
  });

  it('refuses a scrape without the token or with a wrong one, and does not exist when no token is configured', async () => {
    const h = await startHarness({ env: { METRICS_TOKEN: TOKEN } });
    onCleanup(() => h.stop());
    for (const authorization of [undefined, 'Bearer wrong-token', `Bearer ${TOKEN}x`, `Basic ${TOKEN}`, h.adminKey]) {
      const res = await scrape(h, authorization);
      expect(res.status, String(authorization)).toBe(401);
      expect(res.body).not.toContain('wcs_');
    }
    const off = await startHarness({});
    onCleanup(() => off.stop());
    expect((await scrape(off)).status).toBe(404);
    expect((await scrape(off, `Bearer ${TOKEN}`)).status).toBe(404);
  });

  it('refuses a METRICS_TOKEN shorter than 16 characters at start-up', async () => {
    const { loadConfig, ConfigError } = await import('../../src/core/config.js');
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(ConfigError);
  });
});

describe('trace context', () => {
  it("carries the caller's traceparent into the log lines of its request, with the request id", async () => {
    const h = await startHarness({});
    onCleanup(() => h.stop());
    // An operation whose variable cannot be coerced: yoga logs it while serving the request.
    const res = await h.post(
      { query: 'query Roles($first: Int!) { viewer { role } }', variables: { first: 'many' } },
      { authorization: `Bearer ${h.adminKey}`, traceparent: TRACEPARENT },
    );
    expect(res.status).toBe(200);
    const requestId = String(res.headers['x-request-id']);
    const lines = h.logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.traceId === TRACE_ID);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatchObject({ requestId, traceId: TRACE_ID, parentSpanId: '00f067aa0ba902b7' });

    // A malformed traceparent is ignored: the request id alone.
    const before = h.logs.lines.length;
    await h.post(
      { query: 'query Roles($first: Int!) { viewer { role } }', variables: { first: 'many' } },
      {
        authorization: `Bearer ${h.adminKey}`,
        traceparent: `ff-${TRACE_ID}-00f067aa0ba902b7-01`,
      },
    );
    const later = h.logs.lines.slice(before).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(later.some((l) => typeof l.requestId === 'string')).toBe(true);
    expect(later.some((l) => 'traceId' in l)).toBe(false);
  });
});
