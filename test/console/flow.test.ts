import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, saveScreenshot } from '../helpers/browser.js';
import { ensureConsoleBuilt, go, openConsole, type ConsolePage } from '../helpers/console.js';
import { IDS, useWorld } from '../helpers/world.js';

/**
 * Acceptance 1 of the console: the seed's whole flow by an admin in chromium against the simulator, every step
 * through the screens (the only help from outside is Meta's handshake, which the simulator plays with the URL
 * and token read off the page, as an admin would paste them into Meta's dashboard).
 */

const world = useWorld();
let browser: Browser;
let ui: ConsolePage;
let page: Page;

beforeAll(async () => {
  ensureConsoleBuilt();
  browser = await launchChromium();
  ui = await openConsole(browser, world.h.url, world.h.adminKey);
  page = ui.page;
}, 60_000);

// A failed step leaves a picture of the screen next to the others.
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') await saveScreenshot(page, `console-failed-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
});

afterAll(async () => {
  await browser?.close();
});

describe('the whole set-up through the console', () => {
  it('creates an API credential via Continue and sees it turn ACTIVE without a reload', async () => {
    await go(page, 'API credentials');
    await page.getByRole('button', { name: 'Create API credential' }).click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('acme-main');
    await page.getByRole('textbox', { name: 'API token', exact: true }).fill(IDS.token.systemUser);
    await page.getByRole('textbox', { name: 'Business account ID', exact: true }).fill(IDS.business.acme);
    await page.getByRole('button', { name: 'Continue' }).click();

    const wabas = page.getByRole('radiogroup', { name: 'WhatsApp Business account' });
    await wabas.getByRole('radio', { name: /Acme Main/ }).check();
    await page
      .getByRole('radiogroup', { name: 'Sender' })
      .getByRole('radio', { name: /0100001/ })
      .check();
    const facts = page.getByRole('definition');
    await expect.poll(() => facts.allTextContents()).toEqual(expect.arrayContaining(['GREEN']));
    expect((await facts.allTextContents()).join(' ')).toMatch(/Standard|High|Not applicable/);
    await saveScreenshot(page, 'console-credential-create');
    await page.getByRole('button', { name: 'Submit' }).click();

    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'acme-main' }) });
    await row.getByText('ACTIVE', { exact: true }).waitFor({ timeout: 15_000 });
    await expect.poll(() => row.textContent()).toContain('Acme Main');

    await row.getByRole('button', { name: 'Test acme-main' }).click();
    await page.getByText('Every step passed.').waitFor();
    expect(await page.getByRole('listitem').filter({ hasText: 'TOKEN' }).count()).toBeGreaterThan(0);
    await saveScreenshot(page, 'console-credentials');
  });

  it('creates a webhook with an Opt-out rule and shows its URL and verify token, then Meta verifies it', async () => {
    await go(page, 'Webhooks');
    await page.getByRole('button', { name: 'Create webhook' }).click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('inbound');
    await page.getByRole('button', { name: 'Add rule' }).click();
    const rule = page.getByRole('group', { name: 'Rule 1' });
    await rule.getByRole('button', { name: /Inbound keyword category/ }).click();
    await page.getByRole('option', { name: 'Opt-out' }).click();
    for (const keyword of ['STOP', 'unsubscribe']) {
      await rule.getByRole('textbox', { name: 'Keyword', exact: true }).fill(keyword);
      await rule.getByRole('button', { name: 'Add keyword' }).click();
    }
    await rule.getByRole('textbox', { name: 'Reply message', exact: true }).fill('You will not hear from us again.');
    await page.getByRole('textbox', { name: 'App secret', exact: true }).fill(IDS.appSecret);
    // The form picks the sandbox's one credential once the credentials are read (Submit before that asks for one).
    await expect.poll(() => page.getByRole('button', { name: /API credential/ }).textContent()).not.toContain('Choose');
    await page.getByRole('button', { name: 'Submit' }).click();

    const card = page.getByRole('article').filter({ has: page.getByRole('heading', { name: 'inbound' }) });
    const callbackUrl = (await card.locator('[data-field=callbackUrl]').textContent())!;
    const verifyToken = (await card.locator('[data-field=verifyToken]').textContent())!;
    expect(callbackUrl).toMatch(/\/webhooks\/whatsapp\//);
    expect(verifyToken.length).toBeGreaterThan(10);
    await card.getByText('Not verified by Meta yet').waitFor();
    await expect.poll(() => card.textContent()).toMatch(/Opt-out: STOP, unsubscribe/);

    const handshake = await world.sim.sim.configureWebhook({
      callbackUrl: `${world.h.url}${new URL(callbackUrl).pathname}`,
      verifyToken,
      appSecret: IDS.appSecret,
    });
    expect(handshake.verified).toBe(true);
    await card.getByText(/Verified by Meta/).waitFor({ timeout: 10_000 });

    await page.getByRole('textbox', { name: 'Message', exact: true }).fill('  stop ');
    await page.getByRole('button', { name: 'Test message' }).click();
    await page.getByText(/Answered by the Opt-out rule/).waitFor();
    await saveScreenshot(page, 'console-webhooks');
  });

  it('submits a channel configuration and watches it go PROCESSING → ACTIVE without a reload', async () => {
    // Meta answers the subscribed_apps check slowly this once, so PROCESSING stays on screen long enough to see.
    world.sim.sim.injectFault({ method: 'GET', path: '**/subscribed_apps', delayMs: 1_500 });
    await go(page, 'Channel configurations');
    await page.getByRole('button', { name: 'Create channel configuration' }).click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('whatsapp-main');
    await expect.poll(() => page.getByText(/sandbox default, mobilePhone\.number/).count()).toBe(1);
    await page.getByRole('button', { name: /API credential/ }).click();
    await page.getByRole('option', { name: /acme-main/ }).click();
    await page.getByRole('button', { name: /^None\s*▾?\s*Webhook|Webhook/ }).click();
    await page.getByRole('option', { name: 'inbound' }).click();
    await expect.poll(() => page.getByRole('textbox', { name: 'Sender phone number', exact: true }).inputValue()).not.toBe('');
    const navigations: string[] = [];
    page.on('framenavigated', (f) => navigations.push(f.url()));
    await page.getByRole('button', { name: 'Submit' }).click();

    const detail = page.getByRole('region', { name: 'whatsapp-main' });
    await detail.getByText('PROCESSING', { exact: true }).first().waitFor({ timeout: 10_000 });
    await detail.getByText('ACTIVE', { exact: true }).first().waitFor({ timeout: 15_000 });
    expect(await detail.getByRole('row').filter({ hasText: 'FAILED' }).count()).toBe(0);
    for (const check of ['CREDENTIAL_ACTIVE', 'SENDER_NUMBER', 'APP_SUBSCRIBED', 'WEBHOOK', 'EXECUTION_FIELD']) {
      await detail.getByRole('rowheader', { name: check }).waitFor();
    }
    // pushState only: the document was never reloaded.
    expect(navigations.every((u) => u.includes('/console'))).toBe(true);
    expect(await page.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(1);
    await saveScreenshot(page, 'console-channel-configurations');
    expect(ui.messages.filter((m) => /Content Security Policy|Refused to/.test(m))).toEqual([]);
  });
});
