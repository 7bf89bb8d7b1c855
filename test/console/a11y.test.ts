import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ListDoc, RefreshDoc } from '../credentials/helpers.js';
import { launchChromium, saveScreenshot } from '../helpers/browser.js';
import { ensureConsoleBuilt, expectAccessible, expectNamedControls, openConsole, type ConsolePage } from '../helpers/console.js';
import { IDS, useWorld } from '../helpers/world.js';

/**
 * Acceptance 5 and 6 of the console: the flow of acceptance 1 with the keyboard alone (Tab, Enter, arrows and
 * typing; never a click), axe finding no serious or critical violation on any screen, every control named,
 * and a screenshot of each screen saved as a test artifact.
 */

const world = useWorld();
let browser: Browser;
let ui: ConsolePage;
let page: Page;

beforeAll(async () => {
  ensureConsoleBuilt();
  browser = await launchChromium();
  ui = await openConsole(browser, world.h.url);
  page = ui.page;
}, 60_000);

afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') await saveScreenshot(page, `console-failed-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
});

afterAll(async () => {
  await browser?.close();
});

/** Presses Tab until the target (or something inside it, e.g. a radio group's checked radio) has the focus. */
async function tabTo(target: Locator, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((el) => el === document.activeElement || el.contains(document.activeElement))) return;
  }
  throw new Error(`Tab never reached ${String(target)}`);
}

async function screen(name: string): Promise<void> {
  await expectAccessible(page, name);
  await expectNamedControls(page, name);
  await saveScreenshot(page, `console-${name}`);
}

const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });
const textbox = (name: string, scope: Page | Locator = page) => scope.getByRole('textbox', { name, exact: true });

// Tab by Tab, with axe on each screen, on 2 shared cores: these steps take longer than a click-through.
describe('the whole flow by keyboard, every screen checked', { timeout: 90_000 }, () => {
  it('signs in with the keyboard', async () => {
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await screen('sign-in');
    // The key field has the focus on arrival.
    await page.keyboard.type(world.h.adminKey);
    await page.keyboard.press('Enter');
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
  });

  it('creates an API credential: Continue, account and sender by arrows, Submit, ACTIVE', async () => {
    await tabTo(nav('API credentials'));
    await page.keyboard.press('Enter');
    await page.getByText('No API credential yet.').waitFor();
    await screen('credentials-empty');
    await tabTo(page.getByRole('button', { name: 'Create API credential' }));
    await page.keyboard.press('Enter');
    await tabTo(textbox('Name'));
    await page.keyboard.type('acme-main');
    await tabTo(textbox('API token'));
    await page.keyboard.type(IDS.token.systemUser);
    await tabTo(textbox('Business account ID'));
    await page.keyboard.type(IDS.business.acme);
    await page.keyboard.press('Enter');

    const acmeMain = page.getByRole('radio', { name: /Acme Main/ });
    await acmeMain.waitFor();
    await tabTo(page.getByRole('radiogroup', { name: 'WhatsApp Business account' }));
    for (let i = 0; i < 5 && !(await acmeMain.isChecked()); i++) await page.keyboard.press('ArrowDown');
    expect(await acmeMain.isChecked()).toBe(true);
    const green = page.getByRole('radio', { name: /0100001/ });
    await tabTo(page.getByRole('radiogroup', { name: 'Sender' }));
    for (let i = 0; i < 5 && !(await green.isChecked()); i++) await page.keyboard.press('ArrowDown');
    expect(await green.isChecked()).toBe(true);
    await expect.poll(() => page.getByRole('definition').allTextContents()).toEqual(expect.arrayContaining(['GREEN']));
    await screen('credential-create');
    await tabTo(page.getByRole('button', { name: 'Submit' }));
    await page.keyboard.press('Enter');

    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'acme-main' }) });
    await row.getByText('ACTIVE', { exact: true }).waitFor({ timeout: 15_000 });
    await tabTo(row.getByRole('button', { name: 'Test acme-main' }));
    await page.keyboard.press('Enter');
    await page.getByText('Every step passed.').waitFor();
    await screen('credentials');
  });

  it('creates a webhook with an Opt-out rule by keyboard; its URL and token are shown; the delete confirmation is accessible', async () => {
    await tabTo(nav('Webhooks'));
    await page.keyboard.press('Enter');
    await tabTo(page.getByRole('button', { name: 'Create webhook' }));
    await page.keyboard.press('Enter');
    await tabTo(textbox('Name'));
    await page.keyboard.type('inbound');
    await tabTo(page.getByRole('button', { name: 'Add rule' }));
    await page.keyboard.press('Enter');
    const rule = page.getByRole('group', { name: 'Rule 1' });
    // The first rule starts as Opt-out; Enter in the Keyword field adds the keyword.
    expect(await rule.getByRole('button', { name: /Inbound keyword category/ }).textContent()).toContain('Opt-out');
    await tabTo(textbox('Keyword', rule));
    await page.keyboard.type('STOP');
    await page.keyboard.press('Enter');
    await rule.getByRole('button', { name: 'Remove keyword STOP' }).waitFor();
    await tabTo(textbox('Reply message', rule));
    await page.keyboard.type('You will not hear from us again.');
    await tabTo(textbox('App secret'));
    await page.keyboard.type(IDS.appSecret);
    await screen('webhook-create');
    await page.keyboard.press('Enter');

    const card = page.getByRole('article').filter({ has: page.getByRole('heading', { name: 'inbound' }) });
    const callbackUrl = (await card.locator('[data-field=callbackUrl]').textContent())!;
    const verifyToken = (await card.locator('[data-field=verifyToken]').textContent())!;
    const handshake = await world.sim.sim.configureWebhook({
      callbackUrl: `${world.h.url}${new URL(callbackUrl).pathname}`,
      verifyToken,
      appSecret: IDS.appSecret,
    });
    expect(handshake.verified).toBe(true);
    await card.getByText(/Verified by Meta/).waitFor();
    await screen('webhooks');

    await tabTo(card.getByRole('button', { name: 'Delete' }));
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('alertdialog', { name: 'Delete webhook inbound?' });
    await dialog.waitFor();
    await screen('webhook-delete-confirm');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await page.getByRole('article').count()).toBe(1);
  });

  it('submits a channel configuration by keyboard (the selects by arrows) and sees PROCESSING then ACTIVE', async () => {
    world.sim.sim.injectFault({ method: 'GET', path: '**/subscribed_apps', delayMs: 1_500 });
    await tabTo(nav('Channel configurations'));
    await page.keyboard.press('Enter');
    await tabTo(page.getByRole('button', { name: 'Create channel configuration' }));
    await page.keyboard.press('Enter');
    await tabTo(textbox('Name'));
    await page.keyboard.type('whatsapp-main');
    await tabTo(page.getByRole('button', { name: /API credential/ }));
    await page.keyboard.press('ArrowDown');
    await page.getByRole('option', { name: /acme-main/ }).waitFor();
    await page.keyboard.press('Enter');
    await expect.poll(() => textbox('Sender phone number').inputValue()).not.toBe('');
    await tabTo(page.getByRole('button', { name: /Webhook/ }));
    await page.keyboard.press('ArrowDown');
    await page.getByRole('option', { name: 'inbound' }).waitFor();
    for (let i = 0; i < 3 && !(await page.getByRole('option', { name: 'inbound' }).evaluate((el) => el === document.activeElement)); i++) {
      await page.keyboard.press('ArrowDown');
    }
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('button', { name: /Webhook/ }).textContent()).toContain('inbound');
    await screen('configuration-create');
    await tabTo(page.getByRole('button', { name: 'Submit' }));
    await page.keyboard.press('Enter');

    const detail = page.getByRole('region', { name: 'whatsapp-main' });
    await detail.getByText('PROCESSING', { exact: true }).first().waitFor();
    await detail.getByText('ACTIVE', { exact: true }).first().waitFor({ timeout: 15_000 });
    await screen('channel-configurations');
  });

  it('shows a sender quality change on API credentials as it is noticed', async () => {
    await tabTo(nav('API credentials'));
    await page.keyboard.press('Enter');
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'acme-main' }) });
    await row.getByText('GREEN', { exact: true }).waitFor();
    // Meta lowers the rating; another client asks for a refresh: the open page follows.
    world.sim.sim.setPhoneNumber(IDS.phone.acmeGreen, { qualityRating: 'YELLOW' });
    const credentialId = (await world.h.gql(ListDoc, { first: 5 })).data!.whatsAppApiCredentials.edges[0]!.node.id;
    await world.h.gql(RefreshDoc, { input: { credentialId } });
    await row.getByText('YELLOW', { exact: true }).waitFor();
  });

  it('shows tracking events and webhook deliveries as they happen on Activity', async () => {
    await tabTo(nav('Activity'));
    await page.keyboard.press('Enter');
    await page.getByText('No tracking event yet.').waitFor();
    await world.sim.sim.sendInboundText({ phoneNumberId: IDS.phone.acmeGreen, from: { waId: '14155550199' }, text: 'stop' });
    await page.getByRole('cell', { name: 'OPT_OUT' }).first().waitFor({ timeout: 15_000 });
    await page.getByRole('cell', { name: 'PROCESSED' }).first().waitFor({ timeout: 15_000 });
    await screen('activity');
    expect(ui.messages.filter((m) => /Content Security Policy|Refused to|pageerror/.test(m))).toEqual([]);
  });
});
