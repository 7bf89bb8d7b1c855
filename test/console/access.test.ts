import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configInput, ConfigListDoc, createConfig, waitForConfigStatus } from '../channel-configurations/helpers.js';
import { launchChromium, saveScreenshot } from '../helpers/browser.js';
import { ensureConsoleBuilt, go, openConsole } from '../helpers/console.js';
import { activeCredential, startWorld, useWorld } from '../helpers/world.js';
import { createWebhook } from '../webhooks/helpers.js';
import { revokeApiKey } from '../../src/platform/tenancy/service.js';

/**
 * Acceptance 3 and 4 of the console: a VIEWER key sees everything and can change nothing (no write control is
 * even shown), a revoked key is sent back to sign-in with a message, and the API's typed errors appear beside
 * the fields they name while nothing is created.
 */

// Streams re-check their key often here, so a revocation shows within a second.
const world = useWorld(() => startWorld({ env: { STREAM_KEY_RECHECK_MS: '300' } }));
let browser: Browser;

beforeAll(async () => {
  ensureConsoleBuilt();
  browser = await launchChromium();
  const credentialId = await activeCredential(world.h);
  await createWebhook(world.h, { apiCredentialId: credentialId, name: 'inbound' });
  const config = await createConfig(world.h, configInput('ready', credentialId));
  await waitForConfigStatus(world.h, config.id, 'ACTIVE', 15_000);
}, 60_000);

afterEach(async (ctx) => {
  const page = browser.contexts().at(-1)?.pages()[0];
  if (ctx.task.result?.state === 'fail' && page)
    await saveScreenshot(page, `console-failed-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
  for (const context of browser.contexts()) await context.close();
});

afterAll(async () => {
  await browser?.close();
});

const WRITE_CONTROLS =
  /^(Create|Submit|Save as draft|Test(?! message)|Edit|Delete|Deactivate|Reactivate|Add rule|Add keyword|Copy Verify token|Continue)\b/;

async function writeControls(page: Page): Promise<string[]> {
  const names = await page.getByRole('button').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? e.textContent ?? ''));
  return names.map((n) => n.trim()).filter((n) => WRITE_CONTROLS.test(n));
}

/** The text a field's aria-describedby points at (where react-aria puts its description and its error). */
async function describedBy(field: Locator): Promise<string> {
  return field.evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' '),
  );
}

describe('roles and revoked keys', () => {
  it('a VIEWER key sees every screen with its data and no write control', async () => {
    const { page } = await openConsole(browser, world.h.url, world.h.viewerKey);
    await page.getByText('VIEWER').waitFor();

    await go(page, 'API credentials');
    await page.getByRole('rowheader', { name: 'acme main' }).waitFor();
    expect(await writeControls(page)).toEqual([]);

    await go(page, 'Webhooks');
    const card = page.getByRole('article').filter({ has: page.getByRole('heading', { name: 'inbound' }) });
    await card.waitFor();
    expect(await card.locator('[data-field=callbackUrl]').textContent()).toMatch(/\/webhooks\/whatsapp\//);
    // The verify token is ADMIN-only: the API masks it, and there is nothing to copy.
    const token = await card.locator('[data-field=verifyToken]').textContent();
    expect(token).not.toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(await writeControls(page)).toEqual([]);
    // The keyword tester is a dry run (a query): a VIEWER may use it.
    await page.getByRole('button', { name: 'Test message' }).waitFor();

    await go(page, 'Channel configurations');
    await page.getByRole('link', { name: 'ready' }).click();
    await page.getByRole('region', { name: 'ready' }).getByText('ACTIVE', { exact: true }).first().waitFor();
    expect(await writeControls(page)).toEqual([]);

    await go(page, 'Activity');
    expect(await writeControls(page)).toEqual([]);
    await saveScreenshot(page, 'console-viewer');
  });

  it('a revoked key is sent back to sign-in with a message, and the key leaves sessionStorage', async () => {
    const key = await world.h.createKey({ sandbox: 'prod', role: 'ADMIN' });
    const { page } = await openConsole(browser, world.h.url, key);
    await go(page, 'API credentials');
    await expect.poll(() => page.evaluate(() => Object.values(sessionStorage))).toEqual([key]);
    expect(await page.evaluate(() => Object.keys(localStorage).length)).toBe(0);

    await revokeApiKey(world.h.server.deps.db, key.split('_').slice(0, 2).join('_'));
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page
      .getByRole('alert')
      .filter({ hasText: /no longer accepted/ })
      .waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);

    // Signing in again with it fails the same way.
    await page.getByRole('textbox', { name: 'API key', exact: true }).fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /no longer accepted/ })
      .waitFor();
    await saveScreenshot(page, 'console-sign-in');
  });
});

describe('typed errors beside their fields', () => {
  it('a configuration name that starts with a digit and a bad sender number: each error on its field, nothing created', async () => {
    const { page } = await openConsole(browser, world.h.url, world.h.adminKey);
    await go(page, 'Channel configurations');
    await page.getByRole('button', { name: 'Create channel configuration' }).click();
    const name = page.getByRole('textbox', { name: 'Name', exact: true });
    const sender = page.getByRole('textbox', { name: 'Sender phone number', exact: true });
    await name.fill('1st-config');
    await sender.fill('not a number');
    await page.getByRole('button', { name: 'Save as draft' }).click();

    await expect.poll(() => name.getAttribute('aria-invalid')).toBe('true');
    expect(await describedBy(name)).toMatch(/must start with a letter/);
    await expect.poll(() => sender.getAttribute('aria-invalid')).toBe('true');
    expect(await describedBy(sender)).not.toMatch(/must start with a letter/);
    expect(await describedBy(sender)).toMatch(/\S/);
    await saveScreenshot(page, 'console-typed-errors');

    const list = await world.h.gql(ConfigListDoc, { first: 50 });
    expect(list.data!.channelConfigurations.edges.map((e) => e.node.name)).toEqual(['ready']);

    // Fixing the name clears its error; the draft is then saved and opens its detail.
    await name.fill('second-config');
    await sender.fill('+1 555 010 0001');
    await page.getByRole('button', { name: 'Save as draft' }).click();
    await page.getByRole('region', { name: 'second-config' }).getByText('DRAFT', { exact: true }).first().waitFor();
  });

  it("a keyword used twice across rules: the error sits on the second rule's Keyword field", async () => {
    const { page } = await openConsole(browser, world.h.url, world.h.adminKey);
    await go(page, 'Webhooks');
    await page.getByRole('button', { name: 'Create webhook' }).click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('duplicate-keywords');
    for (const [i, category] of [
      [1, 'Opt-out'],
      [2, 'Help'],
    ] as const) {
      await page.getByRole('button', { name: 'Add rule' }).click();
      const rule = page.getByRole('group', { name: `Rule ${i}` });
      await rule.getByRole('button', { name: /Inbound keyword category/ }).click();
      await page.getByRole('option', { name: category }).click();
      await rule.getByRole('textbox', { name: 'Keyword', exact: true }).fill('STOP');
      await rule.getByRole('button', { name: 'Add keyword' }).click();
      await rule.getByRole('textbox', { name: 'Reply message', exact: true }).fill(`reply ${i}`);
    }
    await page.getByRole('textbox', { name: 'App secret', exact: true }).fill('a-secret-of-the-app');
    // The form picks the sandbox's one credential once the credentials are read; on a loaded CI box Submit came
    // first and the form (rightly) asked for one instead of sending the mutation.
    await expect.poll(() => page.getByRole('button', { name: /API credential/ }).textContent()).toContain('acme main');
    await page.getByRole('button', { name: 'Submit' }).click();
    const second = page.getByRole('group', { name: 'Rule 2' }).getByRole('textbox', { name: 'Keyword', exact: true });
    await expect.poll(() => second.getAttribute('aria-invalid')).toBe('true');
    expect(await describedBy(second)).toMatch(/STOP/i);
    expect(await page.getByRole('article').count()).toBe(1);
  });
});
