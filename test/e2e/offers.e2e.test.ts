import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectAccessible } from './support/browser.js';
import { visit } from './support/pages.js';
import { useDemoApp } from './support/app.js';

const app = useDemoApp();
const { as } = app;

async function press(scope: Page | Locator, page: Page, button: string): Promise<void> {
  await scope.getByRole('button', { name: button, exact: true }).click();
  await page.waitForLoadState();
  await expectAccessible(page);
}

/** The card of one offer on the case's Offers page. */
const offer = (page: Page, service: string) => page.locator('section.nhsuk-card', { has: page.getByRole('heading', { name: service, exact: true }) });

describe('offers: Aisha tries, refuses and goes; the provider welcomes her', () => {
  let caseId = '';

  it('the link worker suggests three services; Aisha says no to one, tries one with her link worker and goes to another', async () => {
    const { page, done } = await as('linkworker@linkwork.example');
    // The demo case: Aisha's referral, accepted and allocated to Jo Okafor by the demo seed.
    await visit(page, '/referrals');
    await page.locator('tr', { hasText: 'Aisha Rahman' }).getByRole('link').click();
    await page.waitForLoadState();
    caseId = ((await page.getByRole('link', { name: 'Open the case' }).getAttribute('href')) ?? '').replace('/cases/', '');
    expect(caseId).toMatch(/^[0-9a-f-]{36}$/);

    await visit(page, `/cases/${caseId}/offers`);
    expect(await page.locator('main').textContent()).toContain('Nothing offered yet');
    await page.getByRole('link', { name: 'Find services for this person' }).click();
    await page.waitForLoadState();
    await expectAccessible(page);
    const found = (await page.locator('main').textContent()) ?? '';
    expect(found).toContain('Nearest to BS5 6XX first');
    for (const name of ['Women’s wellbeing group', 'Community gardening sessions', 'Street football']) expect(found).toContain(name);

    for (const name of ['Women’s wellbeing group', 'Community gardening sessions', 'Street football']) {
      await visit(page, `/cases/${caseId}/offers/find`);
      await press(page, page, `Suggest ${name}`);
      expect(await page.locator('main').textContent()).toContain('Offer added');
    }

    // She says no to the women's group, in her own words.
    const group = offer(page, 'Women’s wellbeing group');
    await group.locator('summary', { hasText: 'They said no' }).click();
    await group.getByLabel(/own words/).fill('Not ready for a group yet');
    await press(group, page, 'They said no');
    expect(await offer(page, 'Women’s wellbeing group').textContent()).toContain('Said no: “Not ready for a group yet”');

    // She tries gardening, with Jo going along the first time.
    await press(offer(page, 'Community gardening sessions'), page, 'They are interested');
    const garden = offer(page, 'Community gardening sessions');
    await garden.locator('summary', { hasText: 'Make the introduction' }).click();
    await garden.getByLabel(/What Aisha agreed the provider may know/).fill('Would like somewhere quiet to start');
    await garden.getByRole('checkbox', { name: /I will go along with Aisha/ }).check();
    await press(garden, page, 'Make the introduction');
    await offer(page, 'Community gardening sessions').getByRole('checkbox', { name: /I went with Aisha the first time/ }).check();
    await press(offer(page, 'Community gardening sessions'), page, 'They are going');
    const gardenText = (await offer(page, 'Community gardening sessions').textContent()) ?? '';
    expect(gardenText).toContain('Accompanied introduction');
    expect(gardenText).toContain('Going, went with them the first time');

    // And goes to street football.
    await press(offer(page, 'Street football'), page, 'They are interested');
    const football = offer(page, 'Street football');
    await football.locator('summary', { hasText: 'Make the introduction' }).click();
    await press(football, page, 'Make the introduction');
    await press(offer(page, 'Street football'), page, 'They are going');
    expect(await offer(page, 'Street football').textContent()).toContain('Going');

    // Suggestions no longer show the group she said no to, unless she asks about it.
    await visit(page, `/cases/${caseId}/offers/find`);
    const after = (await page.locator('main').textContent()) ?? '';
    expect(after).not.toContain('Women’s wellbeing group');
    expect(after).toContain('1 service they said no to is not shown');
    expect(after).toContain('Already offered: Going');
    await page.getByRole('checkbox', { name: /Show services they said no to/ }).check();
    await press(page, page, 'Search');
    expect(await page.locator('main').textContent()).toContain('Women’s wellbeing group');
    await done();
    // Fifteen pages, each checked with axe: longer than the default minute on a busy machine.
  }, 240_000);

  it('the garden’s provider sees the introduction, accepts it and records attendance; the link worker sees both', async () => {
    const { page, done } = await as('provider@linkwork.example');
    await page.getByRole('link', { name: 'Introductions' }).click();
    await page.waitForLoadState();
    await expectAccessible(page);
    const inbox = (await page.locator('main').textContent()) ?? '';
    expect(inbox).toContain('Aisha');
    expect(inbox).toContain('Community gardening sessions');
    expect(inbox).not.toContain('Rahman');
    await page.getByRole('link', { name: /^Aisha/ }).click();
    await page.waitForLoadState();
    await expectAccessible(page);
    const detail = (await page.locator('main').textContent()) ?? '';
    expect(detail).toContain('Through Jo Okafor');
    expect(detail).toContain('Would like somewhere quiet to start');
    expect(detail).not.toMatch(/Rahman|1997|BS5|abusive|Not ready for a group/);

    await page.getByRole('radio', { name: /Yes, we can welcome Aisha/ }).check();
    await page.getByLabel(/A note for the link worker/).fill('Mornings are quietest');
    await press(page, page, 'Send reply');
    expect(await page.locator('main').textContent()).toContain('You accepted the introduction');
    await press(page, page, 'Record attendance');
    expect(await page.locator('main').textContent()).toContain('Attendance recorded');
    await done();

    const worker = await as('linkworker@linkwork.example');
    await visit(worker.page, `/cases/${caseId}/offers`);
    const garden = (await offer(worker.page, 'Community gardening sessions').textContent()) ?? '';
    expect(garden).toContain('Accepted: “Mornings are quietest”');
    expect(garden).toContain('Sessions the provider recorded');
    await worker.done();
  }, 120_000);
});
