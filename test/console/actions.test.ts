import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configInput, ConfigListDoc, createConfig, waitForConfigStatus } from '../channel-configurations/helpers.js';
import { launchChromium, saveScreenshot } from '../helpers/browser.js';
import { ensureConsoleBuilt, go, openConsole } from '../helpers/console.js';
import { activeCredential, IDS, useWorld } from '../helpers/world.js';
import { createWebhook, WebhookNodeDoc } from '../webhooks/helpers.js';

/** The console's other writes: Deactivate / Reactivate a configuration (live), Edit a webhook, Delete it after confirming. */

const world = useWorld();
let browser: Browser;
let page: Page;
let webhookId: string;

beforeAll(async () => {
  ensureConsoleBuilt();
  browser = await launchChromium();
  const credentialId = await activeCredential(world.h);
  webhookId = (await createWebhook(world.h, { apiCredentialId: credentialId, name: 'to-edit' })).id;
  const config = await createConfig(world.h, configInput('to-toggle', credentialId));
  await waitForConfigStatus(world.h, config.id, 'ACTIVE', 15_000);
  ({ page } = await openConsole(browser, world.h.url, world.h.adminKey));
}, 60_000);

afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') await saveScreenshot(page, `console-failed-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
});

afterAll(async () => {
  await browser?.close();
});

describe('configuration lifecycle from the detail', () => {
  it('Deactivate (confirmed) shows DEACTIVATED; Reactivate goes back to ACTIVE through its checks', async () => {
    await go(page, 'Channel configurations');
    await page.getByRole('link', { name: 'to-toggle' }).click();
    const detail = page.getByRole('region', { name: 'to-toggle' });
    await detail.getByText('ACTIVE', { exact: true }).first().waitFor();
    await detail.getByRole('button', { name: 'Deactivate' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Deactivate' }).click();
    await detail.getByText('DEACTIVATED', { exact: true }).first().waitFor();
    await detail.getByRole('button', { name: 'Reactivate' }).click();
    await detail.getByText('ACTIVE', { exact: true }).first().waitFor({ timeout: 15_000 });
    const list = await world.h.gql(ConfigListDoc, { first: 10 });
    expect(list.data!.channelConfigurations.edges.map((e) => e.node.status)).toEqual(['ACTIVE']);
  });
});

describe('webhook Edit and Delete', () => {
  it('Edit renames it and replaces its rules; the app secret is kept when left empty', async () => {
    await go(page, 'Webhooks');
    await page.getByRole('button', { name: 'Edit to-edit' }).click();
    const form = page.getByRole('region', { name: 'Edit webhook to-edit' });
    await form.getByRole('textbox', { name: 'Name', exact: true }).fill('edited');
    await form.getByRole('button', { name: 'Add rule' }).click();
    const rules = await form.getByRole('group').count();
    const last = form.getByRole('group', { name: `Rule ${rules}` });
    await last.getByRole('textbox', { name: 'Keyword', exact: true }).fill('DETAILS');
    await last.getByRole('button', { name: 'Add keyword' }).click();
    await last.getByRole('textbox', { name: 'Reply message', exact: true }).fill('Here is some help.');
    await form.getByRole('button', { name: 'Submit' }).click();
    const card = page.getByRole('article').filter({ has: page.getByRole('heading', { name: 'edited' }) });
    await expect.poll(() => card.textContent()).toMatch(/Help: DETAILS/);
    const stored = await world.h.gql(WebhookNodeDoc, { id: webhookId });
    const node = stored.data!.node;
    expect(node?.__typename === 'WhatsAppWebhook' && node.appSecretLast4).toBe(IDS.appSecret.slice(-4));
  });

  it('Delete asks first: Cancel keeps it, confirming removes it', async () => {
    const card = page.getByRole('article').filter({ has: page.getByRole('heading', { name: 'edited' }) });
    await card.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('alertdialog', { name: 'Delete webhook edited?' }).getByRole('button', { name: 'Cancel' }).click();
    expect(await page.getByRole('article').count()).toBe(1);
    await card.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete webhook' }).click();
    await page.getByText('No webhook yet.').waitFor();
  });
});
