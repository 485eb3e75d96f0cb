import { describe, expect, it } from 'vitest';
import { expectAccessible } from './support/browser.js';
import { SignInPage, visit } from './support/pages.js';
import { useDemoApp } from './support/app.js';

const app = useDemoApp();

describe('the community directory, as a link worker uses it', () => {
  it('searches with a typo, filters, opens a service, and records an unmet need', async () => {
    const { context, page, problems } = await app.open();
    const signIn = new SignInPage(page);
    await signIn.open();
    await signIn.signIn('linkworker@linkwork.example');
    await visit(page, '/directory');

    await page.getByLabel('What are you looking for?').fill('gardning');
    await page.getByLabel('Near postcode').fill('BS5 6XX');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForLoadState();
    await expectAccessible(page);
    const results = (await page.locator('main').textContent()) ?? '';
    expect(results).toContain('Community gardening sessions');
    expect(results).toMatch(/\d+(\.\d+)? km/);

    await page.getByLabel('What are you looking for?').fill('');
    await page.getByRole('checkbox', { name: /Drop-in/ }).check();
    await page.getByRole('checkbox', { name: /No ID/ }).check();
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForLoadState();
    await expectAccessible(page);
    const filtered = (await page.locator('main').textContent()) ?? '';
    expect(filtered).toContain('Money and debt advice drop-in');
    expect(filtered).not.toContain('Tuesday lunch club');

    await page.getByRole('link', { name: 'Money and debt advice drop-in' }).first().click();
    await page.waitForLoadState();
    await expectAccessible(page);
    expect(await page.locator('h1').textContent()).toContain('Money and debt advice drop-in');
    expect(await page.locator('main').textContent()).toMatch(/Tuesday|Tue/);

    await visit(page, '/directory?need=domestic-abuse&postcode=DN15+6XX&maxKm=5');
    await page.getByRole('button', { name: 'Record an unmet need' }).click();
    await page.waitForLoadState();
    await expectAccessible(page);
    expect(await page.locator('main').textContent()).toContain('Unmet need recorded');

    expect(problems).toEqual([]);
    await context.close();
  });
});
