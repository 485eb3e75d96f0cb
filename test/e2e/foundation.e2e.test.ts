import { describe, expect, it } from 'vitest';
import { SignInPage, visit } from './support/pages.js';
import { useDemoApp } from './support/app.js';

const app = useDemoApp();

describe('the web shell in a real browser', () => {
  it('signs in, shows the role home page, switches organisation and signs out', async () => {
    const { context, page, problems } = await app.open();
    await visit(page, '/');
    expect(new URL(page.url()).pathname).toBe('/sign-in');

    const signIn = new SignInPage(page);
    await signIn.signIn('admin@linkwork.example', 'not the right password');
    await expect.poll(() => page.locator('.nhsuk-error-summary').textContent()).toContain('Your email or password is not right');
    expect(await page.title()).toMatch(/^Error: /);

    await signIn.signIn('admin@linkwork.example');
    expect(await page.locator('h1').textContent()).toContain('Linkwork');
    expect(await page.locator('header').textContent()).toContain('North City Integrated Care Board');

    await page.getByRole('link', { name: /North City Integrated Care Board/ }).click();
    await page.waitForLoadState();
    await visit(page, page.url());
    await page.getByLabel('Riverside PCN Social Prescribing').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForLoadState();
    expect(await page.locator('header').textContent()).toContain('Riverside PCN Social Prescribing');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForLoadState();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await visit(page, '/');
    expect(new URL(page.url()).pathname).toBe('/sign-in');

    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows NHS-style error pages without internals', async () => {
    const { context, page, problems } = await app.open();
    const response = await page.goto('/no-such-page');
    expect(response?.status()).toBe(404);
    await visit(page, '/no-such-page');
    expect(await page.locator('h1').textContent()).toContain('Page not found');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('gives each role its own home page', async () => {
    for (const email of ['referrer@linkwork.example', 'linkworker@linkwork.example', 'teamlead@linkwork.example', 'provider@linkwork.example', 'commissioner@linkwork.example']) {
      const { context, page, problems } = await app.open();
      const signIn = new SignInPage(page);
      await signIn.open();
      await signIn.signIn(email);
      expect(await page.locator('main').textContent()).toContain('You are signed in as');
      expect(problems).toEqual([]);
      await context.close();
    }
  });
});
