import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectAccessible, submit } from './support/browser.js';
import { visit } from './support/pages.js';
import { useDemoApp } from './support/app.js';

const { as } = useDemoApp();

/** Clicks and waits for the file the click downloads; returns its name and text. */
async function download(page: Page, click: () => Promise<void>): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  return { name: file.suggestedFilename(), text: await readFile((await file.path())!, 'utf8') };
}

describe('exports', () => {
  it('a team lead opens the exports page from home and downloads the quarterly return', async () => {
    const { page, done } = await as('teamlead@linkwork.example');
    await visit(page, '/');
    await page.getByRole('link', { name: 'Exports' }).click();
    await page.waitForLoadState();
    expect(await page.locator('h1').textContent()).toBe('Exports');
    await expectAccessible(page);

    // The demo's referrals arrived today, so the quarter in progress is the one with numbers.
    const inProgress = (await page.locator('select#quarter option', { hasText: 'so far' }).getAttribute('value'))!;
    await page.getByLabel('Quarter').selectOption(inProgress);
    const file = await download(page, () => page.getByRole('button', { name: 'Download the quarterly return (CSV)' }).click());
    expect(file.name).toBe(`quarterly-return-${inProgress}-so-far.csv`);
    const lines = file.text.split('\r\n');
    expect(lines[0]).toBe('quarter,service,group,measure_code,measure,category_code,category,count');
    expect(lines).toContain(`${inProgress},Riverside PCN Social Prescribing,Demographics,referrals-received,Referrals received,all,All referrals,5`);
    expect(lines.some((line) => line.includes(',Needs and concerns,need,'))).toBe(true);
    await done();
  });

  it('a team lead checks a practice’s SNOMED extract, sees who is left out, and downloads it', async () => {
    const { page, done } = await as('teamlead@linkwork.example');
    await visit(page, '/reports/exports');
    await submit(page, 'Check the extract');
    expect(await page.locator('.nhsuk-error-summary').textContent()).toContain('Choose a GP practice that has referred people to the service');

    await page.getByLabel('GP practice').selectOption({ label: 'Parkview Surgery' });
    await submit(page, 'Check the extract');
    const summary = (await page.locator('#extract-summary').textContent()) ?? '';
    expect(summary).toContain('3 events to record.');
    expect(summary).toContain('2 events are left out because the person has no NHS number');
    const file = await download(page, () => page.getByRole('link', { name: 'Download the extract (CSV)' }).click());
    const lines = file.text.trim().split('\r\n');
    expect(lines[0]).toBe('nhs_number,date_of_birth,event_date,snomed_code,snomed_term,referral_reference');
    expect(lines.slice(1).map((line) => line.split(',')[0]).sort()).toEqual(['9990000042', '9990000050', '9990000069']);
    await done();
  });
});
