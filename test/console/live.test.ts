import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configInput, createConfig } from '../channel-configurations/helpers.js';
import { launchChromium, saveScreenshot } from '../helpers/browser.js';
import { ensureConsoleBuilt, go, openConsole, signIn } from '../helpers/console.js';
import { activeCredential, useWorld } from '../helpers/world.js';

/**
 * Acceptance 2 of the console: what another client does through the API shows up in an open console by itself,
 * over graphql-ws and, with the WebSocket blocked, over SSE; the page says which state its connection is in.
 */

const world = useWorld();
let browser: Browser;
let credentialId: string;

beforeAll(async () => {
  ensureConsoleBuilt();
  browser = await launchChromium();
  credentialId = await activeCredential(world.h);
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

describe('live updates', () => {
  it('a configuration created and submitted by another client appears and turns ACTIVE without a reload', async () => {
    const { page } = await openConsole(browser, world.h.url, world.h.adminKey);
    await go(page, 'Channel configurations');
    const badge = page.getByRole('status', { name: /^Connection:/ });
    await expect.poll(() => badge.getAttribute('aria-label')).toBe('Connection: Live');
    expect(await badge.getAttribute('data-transport')).toBe('websocket');
    await page.getByText('No channel configuration yet.').waitFor();

    world.sim.sim.injectFault({ method: 'GET', path: '**/subscribed_apps', delayMs: 1_500 });
    const created = await createConfig(world.h, configInput('from-the-api', credentialId));
    expect(created.status).toBe('PROCESSING');

    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'from-the-api' }) });
    await row.getByText('PROCESSING', { exact: true }).waitFor();
    await row.getByText('ACTIVE', { exact: true }).waitFor({ timeout: 15_000 });
    expect(await page.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(1);
    await page.context().close();
  });

  it('keeps working over SSE when the WebSocket is blocked, and says so', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    // As a proxy that refuses upgrades: every WebSocket to the service closes before graphql-ws is acknowledged.
    let attempts = 0;
    await page.routeWebSocket(/\/graphql$/, (ws) => {
      attempts++;
      void ws.close({ code: 1001, reason: 'blocked by test proxy' });
    });
    await page.goto(`${world.h.url}/console/`);
    await signIn(page, world.h.adminKey);
    await go(page, 'Channel configurations');
    const badge = page.getByRole('status', { name: /^Connection:/ });
    await expect.poll(() => badge.getAttribute('aria-label'), { timeout: 15_000 }).toBe('Connection: Live (SSE)');
    expect(attempts).toBeGreaterThanOrEqual(2);
    await page.getByRole('rowheader', { name: 'from-the-api' }).waitFor();

    world.sim.sim.injectFault({ method: 'GET', path: '**/subscribed_apps', delayMs: 1_500 });
    await createConfig(world.h, configInput('over-sse', credentialId));
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'over-sse' }) });
    await row.getByText('PROCESSING', { exact: true }).waitFor();
    await row.getByText('ACTIVE', { exact: true }).waitFor({ timeout: 15_000 });
    await saveScreenshot(page, 'console-live-over-sse');
    await context.close();
  });
});
