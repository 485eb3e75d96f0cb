import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectAccessible } from './support/browser.js';
import { visit } from './support/pages.js';
import { useDemoApp } from './support/app.js';

const app = useDemoApp();
const { as } = app;

/** Clicks a button or link and checks the page it lands on with axe. */
async function press(page: Page, role: 'button' | 'link', name: string | RegExp): Promise<void> {
  await page.getByRole(role, { name, exact: typeof name === 'string' }).first().click();
  await page.waitForLoadState();
  await expectAccessible(page);
}

const main = async (page: Page) => (await page.locator('main').textContent()) ?? '';

/** A day a week from now, as a date field takes it. */
function inAWeek(): string {
  return new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
}

describe('casework: allocate, contacts, what matters, pause, resume, close', () => {
  it('the team lead allocates Leyla from the waiting list to Jo, within capacity', async () => {
    const { page, done } = await as('teamlead@linkwork.example');
    await visit(page, '/team');
    const text = await main(page);
    expect(text).toContain('Leyla Khan');
    expect(text).toMatch(/Jo Okafor[\s\S]*6 of 30 units/);
    const label = await page.locator('select[name="linkWorker"] option', { hasText: 'Jo Okafor' }).first().textContent();
    await page.getByLabel('Link worker for Leyla Khan', { exact: true }).selectOption({ label: label! });
    await press(page, 'button', 'Allocate Leyla Khan');
    expect(await main(page)).toContain('Nobody is waiting.');
    await done();
  });

  it('Jo logs contacts, records what matters, prints the plan, pauses, resumes and closes', async () => {
    const { page, done } = await as('linkworker@linkwork.example');
    await visit(page, '/cases');
    const caseload = await main(page);
    expect(caseload).toContain('No session limit — multiple disadvantage');
    expect(caseload).toContain('Make first contact');
    await press(page, 'link', 'Leyla Khan');
    expect(await main(page)).toContain('First contact');

    await press(page, 'link', 'Contacts');
    await press(page, 'button', 'Log contact');
    expect(await page.locator('.nhsuk-error-summary').textContent()).toContain('Choose the type of contact');
    await page.getByRole('radio', { name: 'Tried to get in touch: no answer' }).check();
    await press(page, 'button', 'Log contact');
    await page.getByRole('radio', { name: 'Phone call' }).check();
    await page.getByLabel('Short note (optional)', { exact: true }).fill('Talked about the women’s group; not yet');
    await page.getByLabel('Next step (optional)', { exact: true }).fill('Call again about money advice');
    await page.getByLabel('Date of the next step (optional)', { exact: true }).fill(inAWeek());
    await press(page, 'button', 'Log contact');
    const contacts = await main(page);
    expect(contacts).toContain('Contact logged.');
    expect(contacts).toContain('Talked about the women’s group; not yet');

    await press(page, 'link', 'What matters');
    await page.getByLabel('What they want to happen', { exact: true }).fill('A safe home for me and the children\nSort out the rent');
    await page.getByLabel('What they are good at, and who and what helps', { exact: true }).fill('Determined\nHer sister helps');
    await press(page, 'button', 'Save what matters');
    await press(page, 'link', /Print or give Leyla their plan/);
    const plan = await main(page);
    expect(plan).toContain('A safe home for me and the children');
    expect(plan).toContain('does not affect your care');
    expect(plan).not.toMatch(/multiple disadvantage|domestic abuse/i);
    await page.goBack();

    await visit(page, page.url().replace(/\/plan.*$/, '/safety'));
    await page.getByLabel('Take lone-working precautions', { exact: true }).check();
    await page.getByLabel('Which precautions', { exact: true }).fill('Meet at the children’s centre, never at home');
    await press(page, 'button', 'Save flags');
    expect(await main(page)).toContain('Before you meet');

    await press(page, 'link', 'Overview');
    await page.getByLabel('Why is the case pausing?', { exact: true }).fill('Moving between temporary flats this month');
    await page.getByLabel('When to look at it again', { exact: true }).fill(inAWeek());
    await press(page, 'button', 'Pause case');
    expect(await main(page)).toContain('Case paused.');
    await press(page, 'button', 'Resume case');
    expect(await main(page)).toContain('Case resumed.');
    await page.getByRole('radio', { name: 'The person’s goals are met' }).check();
    await press(page, 'button', 'Close case');
    const closed = await main(page);
    expect(closed).toContain('Case closed.');
    expect(closed).toContain('Reopen case');
    expect(closed).toMatch(/Paused[\s\S]*Resumed[\s\S]*Closed/);
    await done();
  }, 240_000);

  it('the referrer sees only a neutral closure', async () => {
    const { page, done } = await as('referrer@linkwork.example');
    await visit(page, '/sent-referrals');
    await page.locator('tr', { hasText: 'Leyla Khan' }).getByRole('link').first().click();
    await page.waitForLoadState();
    await expectAccessible(page);
    const receipt = await main(page);
    expect(receipt).toContain('Closed');
    expect(receipt).toContain('does not affect the person’s care');
    expect(receipt).not.toMatch(/goals are met|temporary flats|women’s group|lone-working/i);
    await done();
  });
});
