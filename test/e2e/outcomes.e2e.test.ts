import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectAccessible, submit } from './support/browser.js';
import { visit } from './support/pages.js';
import { useDemoApp } from './support/app.js';

const app = useDemoApp();
const { as } = app;

/** Answers one ONS4 question by its wording, 0–10. */
async function answer(page: Page, question: RegExp, value: number): Promise<void> {
  await page.getByRole('group', { name: question }).getByRole('radio', { name: new RegExp(`^${value}( –|$)`) }).check();
}

async function completedOn(page: Page, day: string, month: string, year: string): Promise<void> {
  const date = page.getByRole('group', { name: 'Date completed' });
  await date.getByLabel('Day').fill(day);
  await date.getByLabel('Month').fill(month);
  await date.getByLabel('Year').fill(year);
}

describe('outcome measures on a case', () => {
  let caseId = '';

  it('a person refers themselves and the team lead accepts, opening a case', async () => {
    const { context, page, problems } = await app.open();
    await visit(page, '/self-referral');
    if (!page.url().includes('/self-referral/')) {
      await page.getByRole('link').filter({ hasText: 'Riverside' }).first().click();
      await page.waitForLoadState();
    }
    await page.getByLabel('First name').fill('Dee');
    await page.getByLabel('Last name').fill('Walker');
    await page.getByLabel('Day').fill('9');
    await page.getByLabel('Month').fill('11');
    await page.getByLabel('Year').fill('1979');
    await page.getByLabel('Postcode').fill('BS5 6XX');
    await page.getByRole('radio', { name: 'Email' }).check();
    await page.getByLabel('Email address').fill('dee@example.org');
    await page.getByRole('group', { name: 'Is it OK for us to leave you a message?' }).getByRole('radio', { name: 'No' }).check();
    await page.getByLabel('What would you like help with?').fill('Lonely since moving here; would like to meet people.');
    await page.getByRole('group', { name: 'Do you agree?' }).getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.waitForLoadState();
    expect(problems).toEqual([]);
    await context.close();

    const lead = await as('teamlead@linkwork.example');
    await visit(lead.page, '/referrals/triage');
    await lead.page.getByRole('row', { name: /Dee Walker/ }).getByRole('link').click();
    await lead.page.waitForLoadState();
    await submit(lead.page, 'Accept referral');
    caseId = ((await lead.page.getByRole('link', { name: 'Open the case' }).getAttribute('href')) ?? '').replace('/cases/', '');
    expect(caseId).toMatch(/^[0-9a-f-]{36}$/);
    await lead.done();
  });

  it('the link worker records a baseline and a review, checking the score first, and sees the history with axe clean throughout', async () => {
    const { page, done } = await as('linkworker@linkwork.example');
    await visit(page, `/cases/${caseId}/outcomes`);
    expect(await page.locator('main').textContent()).toContain('No measures recorded yet.');

    await page.getByRole('button', { name: 'Record a measure' }).or(page.getByRole('link', { name: 'Record a measure' })).first().click();
    await page.waitForLoadState();
    await expectAccessible(page);
    await page.getByRole('radio', { name: 'ONS4 personal wellbeing' }).check();
    await submit(page, 'Continue');

    // Saving with nothing chosen shows the error summary, still accessible.
    await page.getByRole('group', { name: 'Date completed' }).getByLabel('Day').fill('');
    await submit(page, 'Save');
    expect(await page.locator('.nhsuk-error-summary').textContent()).toMatch(/Date completed must include a day[\s\S]*Choose when this was completed/);

    await page.getByRole('group', { name: /When in the person’s support/ }).getByRole('radio', { name: 'Baseline' }).check();
    await completedOn(page, '5', '1', '2026');
    await answer(page, /satisfied are you with your life/, 4);
    await answer(page, /worthwhile/, 5);
    await answer(page, /how happy did you feel/, 3);
    await answer(page, /how anxious did you feel/, 7);
    await submit(page, 'Check the score');
    const preview = (await page.locator('#score-check').textContent()) ?? '';
    expect(preview).toContain('4 of 4 questions answered');
    expect(preview).toMatch(/7 \(High\)\s*– from 0 to 10; lower is better/);
    await submit(page, 'Save');
    expect(await page.locator('main').textContent()).toContain('Measure recorded.');

    await page.getByRole('button', { name: 'Record a measure' }).or(page.getByRole('link', { name: 'Record a measure' })).first().click();
    await page.waitForLoadState();
    await page.getByRole('radio', { name: 'ONS4 personal wellbeing' }).check();
    await submit(page, 'Continue');
    await page.getByRole('group', { name: /When in the person’s support/ }).getByRole('radio', { name: 'Review' }).check();
    await completedOn(page, '6', '4', '2026');
    await answer(page, /satisfied are you with your life/, 7);
    await answer(page, /worthwhile/, 7);
    await answer(page, /how happy did you feel/, 6);
    await answer(page, /how anxious did you feel/, 3);
    await submit(page, 'Save');

    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain('Baseline: recorded');
    expect(main).toContain('Review: recorded');
    expect(await page.locator('main svg[role="img"]').count()).toBe(4);
    const anxiety = page.locator('main svg[role="img"]').nth(3);
    expect(await anxiety.getAttribute('aria-labelledby')).toBe('chart-ons4-anxious-title chart-ons4-anxious-desc');
    expect(await page.locator('#chart-ons4-anxious-desc').textContent()).toBe(
      'ONS4 personal wellbeing: Anxious yesterday, from 0 to 10. Lower is better. 7 on 5 Jan 2026 (baseline), 3 on 6 Apr 2026 (review).',
    );
    const table = page.getByRole('table', { name: /ONS4 personal wellbeing: every record/ });
    expect(await table.getByRole('row').count()).toBe(3);
    expect(await table.getByRole('row').nth(2).textContent()).toMatch(/6 Apr 2026\s*Review\s*7 \(High\)\s*7 \(High\)\s*6 \(Medium\)\s*3 \(Low\)/);
    await done();
  });

  it('an administrator’s Outcome measures page and its add form are accessible, errors included', async () => {
    const { page, done } = await as('admin@linkwork.example');
    await page.getByRole('link', { name: 'Outcome measures' }).click();
    await page.waitForLoadState();
    await expectAccessible(page);
    expect(await page.locator('main').textContent()).toContain('Wording for licensed measures');
    await submit(page, 'Add measure');
    expect(await page.locator('.nhsuk-error-summary').textContent()).toContain('Enter the lowest answer as a whole number');
    await done();
  });
});
