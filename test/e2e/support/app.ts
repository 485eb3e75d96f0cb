import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser, openPage } from './browser.js';
import { startServer, type RunningServer } from './server.js';

/**
 * One running Linkwork (demo data, its own data directory) and one Chromium for the test file that
 * calls this, both stopped after it. `open()` gives a fresh browser context and page for one role.
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
  return {
    open: () => openPage(browser!, server!.url),
  };
}
