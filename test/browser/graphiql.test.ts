import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, saveScreenshot } from '../helpers/browser.js';
import { activeCredential, sandboxIdOf, useWorld } from '../helpers/world.js';
import { waitUntil } from '../helpers/wait.js';
import { configInput, createConfig } from '../channel-configurations/helpers.js';

/**
 * The GraphiQL the README points to, in Debian's chromium with every request not to the service blocked (issue 12
 * points 4 and 5): it loads from the service's own assets, runs a query with the key typed into its Headers tab,
 * and runs a subscription over SSE that shows the current state first and then PROCESSING → ACTIVE.
 */

const w = useWorld();
let browser: Awaited<ReturnType<typeof launchChromium>>;
let context: BrowserContext;
let page: Page;
const blocked: string[] = [];
let credentialId: string;

beforeAll(async () => {
  credentialId = await activeCredential(w.h, 'graphiql main');
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const service = new URL(w.h.url).origin;
  // The machine "has no internet": anything but the service fails, as a CDN would.
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (url.startsWith(`${service}/`)) return route.continue();
    blocked.push(url);
    return route.abort('internetdisconnected');
  });
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
});

/** Replaces the whole text of a GraphiQL (Monaco) editor as a user would: select all, then type over it. */
async function replaceEditorText(editor: string, text: string): Promise<void> {
  await page.locator(`${editor} .monaco-editor`).first().click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  // insertText types without key events, so Monaco's auto-closing brackets and quotes do not double them.
  await page.keyboard.insertText(text);
  // GraphiQL takes an editor's text into its tab state a moment later (debounced); Execute before that runs the
  // old text. Its tab state is persisted, so wait until it holds what was typed, as a person would see it take.
  const field = editor.includes('graphiql-query-editor') ? 'query' : 'headers';
  await waitUntil(
    () =>
      page.evaluate(
        ({ field, text }) => {
          const state = JSON.parse(localStorage.getItem('graphiql:tabState') ?? '{}') as {
            tabs?: Array<Record<string, unknown>>;
            activeTabIndex?: number;
          };
          return state.tabs?.[state.activeTabIndex ?? 0]?.[field] === text;
        },
        { field, text },
      ),
    30_000,
    `GraphiQL to take the ${field} text`,
  );
}

const responseText = () => page.locator('.graphiql-response').first().innerText();

async function waitForResponse(predicate: (text: string) => boolean, what: string): Promise<string> {
  let last = '';
  await waitUntil(
    async () => {
      last = await responseText();
      return predicate(last);
    },
    30_000,
    `${what} (response pane: ${last.slice(0, 300)})`,
  );
  return last;
}

// A 9 MB page and a real browser on a shared CI box: generous, condition-based waits only.
describe('GraphiQL served by the service (points 4 and 5)', { timeout: 120_000 }, () => {
  it('loads with the network to anything but the service blocked', async () => {
    await page.goto(`${w.h.url}/graphql`);
    await page.locator('.graphiql-container').first().waitFor({ timeout: 60_000 });
    await page.locator('.graphiql-query-editor .monaco-editor').first().waitFor({ timeout: 60_000 });
    expect(await page.content()).not.toContain('__TITLE__');
    await saveScreenshot(page, 'graphiql-loaded-offline');
    expect(blocked).toEqual([]);
  });

  it('runs a query with the key from its Headers tab', async () => {
    await page.getByRole('button', { name: 'Headers' }).click();
    await replaceEditorText(
      '.graphiql-editor-tool .graphiql-editor:not(.hidden)',
      JSON.stringify({ Authorization: `Bearer ${w.h.adminKey}` }),
    );
    await replaceEditorText('.graphiql-query-editor', '{ viewer { role organization { name } } }');
    await page.getByRole('button', { name: /Execute query/ }).click();
    const text = await waitForResponse((t) => t.includes('"ADMIN"'), 'the query result');
    expect(text).toContain('"acme"');
    await saveScreenshot(page, 'graphiql-query');
  });

  it('runs a subscription (SSE, same key) that shows PROCESSING → ACTIVE of a new channel configuration', async () => {
    const sandboxId = await sandboxIdOf(w.h);
    const listeners = () => w.h.server.deps.pubsub.listenerCount(sandboxId, 'channel-configuration:status-changed');
    const before = listeners();
    await replaceEditorText(
      '.graphiql-query-editor',
      'subscription Live { channelConfigurationStatusChanged { previousStatus status channelConfiguration { name } } }',
    );
    await page.getByRole('button', { name: /Execute query/ }).click();
    await waitUntil(() => listeners() > before, 30_000, 'the GraphiQL subscription to be live');
    await createConfig(w.h, configInput('From-GraphiQL', credentialId));
    const text = await waitForResponse(
      (t) => /"previousStatus":\s*"PROCESSING"/.test(t) && /"status":\s*"ACTIVE"/.test(t),
      'PROCESSING → ACTIVE in the subscription',
    );
    expect(text).toContain('From-GraphiQL');
    await saveScreenshot(page, 'graphiql-subscription-processing-to-active');
    // Stop it (the run button toggles), so the next subscription starts from scratch.
    await page.getByRole('button', { name: /Stop/ }).click();
    await page.getByRole('button', { name: /Execute query/ }).waitFor({ timeout: 20_000 });
  });

  it('a subscription started there shows the current state first', async () => {
    await replaceEditorText(
      '.graphiql-query-editor',
      'subscription Now { channelConfigurationStatusChanged { status statusNow: status channelConfiguration { name } } }',
    );
    await page.getByRole('button', { name: /Execute query/ }).click();
    const text = await waitForResponse((t) => t.includes('"statusNow"'), 'the current state');
    expect(text).toMatch(/"statusNow":\s*"ACTIVE"/);
    expect(text).toContain('From-GraphiQL');
    await saveScreenshot(page, 'graphiql-subscription-current-state');
    expect(blocked).toEqual([]);
  });
});
