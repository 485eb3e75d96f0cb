import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { launchBrowser, openPage } from './browser.js';
import { SignInPage } from './pages.js';
import { startServer, type RunningServer } from './server.js';

/**
 * One running Linkwork (demo data, its own data directory) and one Chromium for the test file that
 * calls this, both stopped after it. `open()` gives a fresh browser context and page; `as(email)`
 * signs in there as one demo user, and its `done()` checks the page had no console errors or
 * off-server requests before closing it.
 */
export function useDemoApp() {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  const open = () => openPage(browser!, server!.url);
  async function as(email: string): Promise<{ page: Page; done: () => Promise<void> }> {
    const { context, page, problems } = await open();
    const signIn = new SignInPage(page);
    await signIn.open();
    await signIn.signIn(email);
    return {
      page,
      done: async () => {
        expect(problems).toEqual([]);
        await context.close();
      },
    };
  }
  return { open, as };
}
