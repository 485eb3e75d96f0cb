import type { Page } from 'playwright-core';
import { expectAccessible } from './browser.js';

export const DEMO_PASSWORD = 'demo-linkwork-2026';

/** Every visit is checked with axe, so no page reaches users unchecked. */
export async function visit(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expectAccessible(page);
}

export class SignInPage {
  constructor(private readonly page: Page) {}

  async open(): Promise<void> {
    await visit(this.page, '/sign-in');
  }

  async signIn(email: string, password = DEMO_PASSWORD): Promise<void> {
    await this.page.getByLabel('Email address').fill(email);
    await this.page.getByLabel('Password', { exact: true }).fill(password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
    await this.page.waitForLoadState();
    await expectAccessible(this.page);
  }
}
