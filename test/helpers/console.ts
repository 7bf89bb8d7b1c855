import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * Driving the admin console in chromium: build it once when console/dist is missing or older than its sources
 * (the same script npm install runs), sign in through its form, and check a screen with axe.
 */

export const CONSOLE_DIST = path.resolve('console/dist');

export function ensureConsoleBuilt(): void {
  execFileSync(process.execPath, ['scripts/build-console.mjs', '--if-stale'], { stdio: 'inherit' });
  if (!fs.existsSync(path.join(CONSOLE_DIST, 'index.html'))) throw new Error('the console build produced no index.html');
}

export interface ConsolePage {
  page: Page;
  /** Browser console messages (CSP refusals show up here). */
  messages: string[];
}

export async function openConsole(browser: Browser, baseUrl: string, key?: string): Promise<ConsolePage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  // Fail a step well within the test's own timeout, with the locator in the message.
  page.setDefaultTimeout(10_000);
  const messages: string[] = [];
  page.on('console', (m) =>
    messages.push(`${m.type()}: ${m.text()} at ${m.location().url}:${m.location().lineNumber}:${m.location().columnNumber}`),
  );
  page.on('pageerror', (e) => messages.push(`pageerror: ${e.message}`));
  await page.goto(`${baseUrl}/console/`);
  if (key) await signIn(page, key);
  return { page, messages };
}

export async function signIn(page: Page, key: string): Promise<void> {
  await page.getByRole('textbox', { name: 'API key', exact: true }).fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

export async function go(page: Page, link: 'API credentials' | 'Webhooks' | 'Channel configurations' | 'Activity'): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link }).click();
  await page.getByRole('heading', { level: 1, name: link }).waitFor();
}

/** axe on the page as it is: no serious or critical violation (the list names each rule and where). */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  // react-aria's live announcer (a visually hidden log) keeps an announcement that points at the label of a popup
  // already closed for a few seconds after a selection; it is not part of the screen, so it is left out.
  const result = await new AxeBuilder({ page }).exclude('[data-live-announcer]').analyze();
  const bad = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${screen}: ${v.id} (${v.impact}) ${v.nodes.map((n) => `${n.target.join(' ')} ${n.html.slice(0, 200)}`).join(', ')}`);
  expect(bad).toEqual([]);
}

/** Every button, link, field and choice on the page has an accessible name. */
export async function expectNamedControls(page: Page, screen: string): Promise<void> {
  const unnamed = await page.evaluate(() => {
    const selector =
      'button, a[href], input:not([type=hidden]), textarea, select, [role=radio], [role=checkbox], [role=option], [role=link]';
    const out: string[] = [];
    for (const el of Array.from(document.querySelectorAll<HTMLElement>(selector))) {
      if (el.closest('[aria-hidden=true]') || el.closest('.visually-hidden[data-react-aria-prevent-focus]')) continue;
      const labelledBy = (el.getAttribute('aria-labelledby') ?? '')
        .split(/\s+/)
        .map((id) => document.getElementById(id)?.textContent ?? '')
        .join('');
      const labels = 'labels' in el ? Array.from((el as HTMLInputElement).labels ?? []).map((l) => l.textContent ?? '') : [];
      const name = [el.getAttribute('aria-label') ?? '', labelledBy, ...labels, el.textContent ?? '', el.getAttribute('title') ?? '']
        .join('')
        .trim();
      if (!name) out.push(el.outerHTML.slice(0, 120));
    }
    return out;
  });
  expect(unnamed, `${screen}: controls without a name`).toEqual([]);
}
