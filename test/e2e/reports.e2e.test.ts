import { describe, expect, it } from 'vitest';
import { expectAccessible, submit } from './support/browser.js';
import { visit } from './support/pages.js';
import { useDemoApp } from './support/app.js';

const app = useDemoApp();
const { as } = app;

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

describe('reports', () => {
  it('a commissioner opens the referrals report, changes the period, reads the suppressed table, downloads the CSV and opens flow', async () => {
    const { page, done } = await as('commissioner@linkwork.example');
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Reports' }).first().click();
    await page.waitForLoadState();
    expect(new URL(page.url()).pathname).toBe('/reports');
    await expectAccessible(page);

    await page.getByRole('link', { name: 'Referrals' }).click();
    await page.waitForLoadState();
    await expectAccessible(page);
    await page.getByLabel('From').fill(day(-30));
    await page.getByLabel('To (inclusive)').fill(day(0));
    await submit(page, 'Apply filters');
    expect(page.url()).toContain(`from=${day(-30)}`);

    const needs = page.getByRole('table', { name: /Referrals by need/ });
    await expect(needs.getByRole('cell', { name: 'fewer than 5' }).first().textContent()).resolves.toBe('fewer than 5');
    expect(await page.getByRole('img', { name: 'Referrals by month' }).count()).toBe(1);
    expect(await page.getByText('Numbers from 1 to 4, and rates worked out from fewer than 5 people').count()).toBe(1);

    // The link's own request, with the signed-in session: an attachment named for the report, period and figure.
    const href = await page.getByRole('link', { name: /^Download this data \(CSV\)\W*Referrals by need$/ }).getAttribute('href');
    const response = await page.request.get(href!);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-disposition']).toBe(`attachment; filename="linkwork-referrals-${day(-30)}-to-${day(0)}-by-need.csv"`);
    const csv = await response.text();
    expect(csv.split('\r\n')[0]).toBe('Need,Referrals naming it');
    expect(csv).toContain('fewer than 5');

    await visit(page, '/reports');
    await page.getByRole('link', { name: 'Flow' }).click();
    await page.waitForLoadState();
    await expectAccessible(page);
    expect(await page.getByRole('heading', { name: 'Waiting for a first contact now' }).count()).toBe(1);
    await done();
  });

  it('shows bad filters in an error summary', async () => {
    const { page, done } = await as('commissioner@linkwork.example');
    await visit(page, '/reports/referrals?from=2026-02-30');
    expect(await page.getByRole('link', { name: /Enter the start of the period as a real date/ }).count()).toBe(1);
    await done();
  });

  it('a team lead finds the reports from the home page', async () => {
    const { page, done } = await as('teamlead@linkwork.example');
    await page.getByRole('link', { name: 'Reports' }).first().click();
    await page.waitForLoadState();
    await expectAccessible(page);
    expect(await page.getByRole('link', { name: 'Flow' }).count()).toBe(1);
    await done();
  });
});
