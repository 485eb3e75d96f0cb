import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { visit } from './support/pages.js';
import { useDemoApp } from './support/app.js';
import { expectAccessible, submit } from './support/browser.js';

const app = useDemoApp();
const { as } = app;

describe('a referral from a GP practice, through triage, with a neutral status back', () => {
  let reference = '';

  it('a GP referrer refers Margaret in under a minute, checking the answers first', async () => {
    const { page, done } = await as('referrer@linkwork.example');
    await visit(page, '/sent-referrals/new');
    await submit(page, 'Continue');
    expect(await page.locator('.nhsuk-error-summary').textContent()).toContain('first name');

    await page.getByLabel('First name').fill('Margaret');
    await page.getByLabel('Last name').fill('Evans');
    await page.getByLabel('Day').fill('14');
    await page.getByLabel('Month').fill('3');
    await page.getByLabel('Year').fill('1945');
    await page.getByLabel('NHS number (optional)').fill('999 000 0018');
    await page.getByLabel('Postcode').fill('bs5 6xx');
    await page.getByRole('radio', { name: 'Phone call' }).check();
    await page.getByLabel('Phone number').fill('07700 900123');
    await page.getByRole('group', { name: 'Is it safe to leave a message?' }).getByRole('radio', { name: 'No' }).check();
    await page.getByLabel('Reason for referral').fill('Widowed last year and lonely; hard of hearing, prefers phone');
    await page.getByRole('checkbox', { name: 'Loneliness and social isolation' }).check();
    await page.getByRole('checkbox', { name: 'Margaret agrees to this referral' }).or(page.getByRole('checkbox', { name: /agrees to this referral/ })).first().check();
    await submit(page, 'Continue');

    expect(await page.locator('h1').textContent()).toMatch(/Check your answers/i);
    expect(await page.locator('main').textContent()).toContain('BS5 6XX');
    await submit(page, 'Send referral');
    const panel = await page.locator('.nhsuk-panel').textContent();
    reference = /LW-[A-Z2-9]{4}-[A-Z2-9]{4}/.exec(panel ?? '')?.[0] ?? '';
    expect(reference).not.toBe('');
    await done();
  });

  it('the team lead sees it in the triage queue, accepts it and allocates a link worker', async () => {
    const { page, done } = await as('teamlead@linkwork.example');
    await visit(page, '/referrals/triage');
    await page.getByRole('link', { name: reference }).click();
    await page.waitForLoadState();
    await expectAccessible(page);
    expect(await page.locator('main').textContent()).toContain('999 000 0018');
    await submit(page, 'Accept referral');
    // A long team gets a select, a short one radios.
    if ((await page.locator('select#linkWorker').count()) > 0) await page.locator('select#linkWorker').selectOption({ label: 'Jo Okafor' });
    else await page.getByRole('radio', { name: /Jo Okafor/ }).check();
    await submit(page, 'Allocate');
    expect(await page.locator('main').textContent()).toContain('Jo Okafor');
    await done();
  });

  it('the link worker finds it and records first contact', async () => {
    const { page, done } = await as('linkworker@linkwork.example');
    await visit(page, '/referrals');
    await page.getByRole('link', { name: reference }).click();
    await page.waitForLoadState();
    await expectAccessible(page);
    await submit(page, 'Record first contact');
    expect(await page.locator('main').textContent()).toMatch(/first contact/i);
    await done();
  });

  it('the referrer sees only a neutral status: in progress, with no case details', async () => {
    const { page, done } = await as('referrer@linkwork.example');
    await visit(page, '/sent-referrals');
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain(reference);
    expect(main).toContain('In progress');
    await page.getByRole('link', { name: reference }).click();
    await page.waitForLoadState();
    await expectAccessible(page);
    const view = (await page.locator('main').textContent()) ?? '';
    expect(view).toContain('In progress');
    expect(view).not.toContain('lonely');
    expect(view).not.toContain('Jo Okafor');
    await done();
  });
});

describe('self-referral', () => {
  it('a person refers themselves from their phone, in plain words, with no account', async () => {
    const { context, page, problems } = await app.open();
    await page.setViewportSize({ width: 390, height: 844 });
    await visit(page, '/self-referral');
    if (!page.url().includes('/self-referral/')) {
      await page.getByRole('link').filter({ hasText: 'Riverside' }).first().click();
      await page.waitForLoadState();
      await expectAccessible(page);
    }
    await page.getByLabel('First name').fill('Aisha');
    await page.getByLabel('Last name').fill('Khan');
    await page.getByLabel('Day').fill('2');
    await page.getByLabel('Month').fill('7');
    await page.getByLabel('Year').fill('1997');
    await page.getByLabel('Postcode').fill('BS5 6XX');
    await page.getByRole('radio', { name: 'Email' }).check();
    await page.getByLabel('Email address').fill('aisha@example.org');
    await page.getByRole('group', { name: 'Is it OK for us to leave you a message?' }).getByRole('radio', { name: 'No' }).check();
    await page.getByLabel('What would you like help with?').fill('Behind on rent and feeling anxious. Email only please.');
    await page.getByRole('group', { name: 'Do you agree?' }).getByRole('checkbox').check();
    await submit(page, 'Send');
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toMatch(/does not affect|will not change/i);
    expect(problems).toEqual([]);
    await context.close();
  });
});
