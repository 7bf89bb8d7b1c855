import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, saveScreenshot } from '../helpers/browser.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { sqlValue } from '../helpers/sql.js';
import { waitUntil } from '../helpers/wait.js';
import { startPageServer, type PageServer } from './page-server.js';

/**
 * Issue 12's acceptance, in Debian's chromium: a page served from another origin listed in CORS_ORIGINS runs a
 * query over POST and over GET, an SSE subscription and a graphql-ws subscription with its key; a page from an
 * origin that is not listed is refused on all of them. Screenshots of both pages are saved as artifacts.
 */

const QUERY = '{ viewer { role organization { name } } }';
const SUBSCRIPTION = 'subscription { auditLogEntryAdded { action outcome } }';
const MUTATION = 'mutation { updateChannelGeneralSettings(input: { whatsAppExecutionField: "mobilePhone.number" }) { __typename } }';

let listed: PageServer;
let unlisted: PageServer;
let h: Harness;
let browser: Browser;

beforeAll(async () => {
  listed = await startPageServer();
  unlisted = await startPageServer();
  h = await startHarness({ env: { CORS_ORIGINS: listed.origin } });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await h?.stop();
  await listed?.close();
  await unlisted?.close();
});

async function openPage(origin: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 700 } });
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => 'wcs' in window && 'graphqlWs' in window && 'graphqlSse' in window, undefined, { timeout: 30_000 });
  return page;
}

const api = () => `${h.url}/graphql`;

type Outcome = { status?: number; body?: { data?: unknown; errors?: unknown }; error?: string; event?: { data?: unknown } };

async function runQueries(page: Page) {
  const post = (await page.evaluate(([a, k, q]) => (window as never as Wcs).wcs.post(a, k, q), [api(), h.adminKey, QUERY])) as Outcome;
  const get = (await page.evaluate(([a, k, q]) => (window as never as Wcs).wcs.get(a, k, q), [api(), h.adminKey, QUERY])) as Outcome;
  return { post, get };
}

/** Starts both subscriptions in the page, makes one audit event once they listen, and returns what each received. */
async function runSubscriptions(page: Page, expectListening: boolean) {
  const sandboxId = await sqlValue<string>(h.server, "SELECT id FROM sandboxes WHERE name = 'prod'");
  const listeners = () => h.server.deps.pubsub.listenerCount(sandboxId, 'audit:entry-added');
  const before = listeners();
  await page.evaluate(([a, k, q]) => (window as never as Wcs).wcs.sse(a, k, q), [api(), h.adminKey, SUBSCRIPTION]);
  await page.evaluate(([u, k, q]) => (window as never as Wcs).wcs.ws(u, k, q), [h.wsUrl, h.adminKey, SUBSCRIPTION]);
  if (expectListening) {
    await waitUntil(() => listeners() >= before + 2, 20_000, 'both browser subscriptions to listen');
    await h.post({ query: MUTATION }, { authorization: `Bearer ${h.adminKey}` });
  }
  const sse = (await page.evaluate(() => (window as never as Wcs).sseResult)) as Outcome;
  const ws = (await page.evaluate(() => (window as never as Wcs).wsResult)) as Outcome;
  return { sse, ws };
}

interface Wcs {
  wcs: Record<'post' | 'get' | 'sse' | 'ws', (url: string, key: string, query: string) => unknown>;
  sseResult: Promise<unknown>;
  wsResult: Promise<unknown>;
}

describe('a dashboard on another origin (issue 12 acceptance)', { timeout: 90_000 }, () => {
  it('listed in CORS_ORIGINS: query over POST and GET, SSE and graphql-ws subscriptions all work', async () => {
    const page = await openPage(listed.origin);
    const { post, get } = await runQueries(page);
    for (const res of [post, get]) {
      expect(res.error).toBeUndefined();
      expect(res.status).toBe(200);
      expect(res.body?.data).toEqual({ viewer: { role: 'ADMIN', organization: { name: 'acme' } } });
    }
    const { sse, ws } = await runSubscriptions(page, true);
    for (const res of [sse, ws]) {
      expect(res.error).toBeUndefined();
      expect(res.event?.data).toEqual({ auditLogEntryAdded: { action: 'updateChannelGeneralSettings', outcome: 'SUCCESS' } });
    }
    await page.locator('#log li').nth(3).waitFor();
    await saveScreenshot(page, 'cross-origin-listed');
    await page.close();
  });

  it('not listed: POST, GET, SSE and graphql-ws are all refused, and nothing runs', async () => {
    const auditCount = () => sqlValue<number>(h.server, 'SELECT count(*) AS n FROM audit_log');
    const before = await auditCount();
    const page = await openPage(unlisted.origin);
    const { post, get } = await runQueries(page);
    for (const res of [post, get]) {
      expect(res.status).toBeUndefined();
      expect(res.error).toMatch(/Failed to fetch/);
    }
    const { sse, ws } = await runSubscriptions(page, false);
    for (const res of [sse, ws]) {
      expect(res.event).toBeUndefined();
      expect(res.error).toBeDefined();
    }
    expect(await auditCount()).toBe(before);
    await page.locator('#log li').nth(3).waitFor();
    await saveScreenshot(page, 'cross-origin-unlisted');
    await page.close();
  });
});
