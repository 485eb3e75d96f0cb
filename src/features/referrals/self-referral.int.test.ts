import { describe, expect, it } from 'vitest';
import { testServices } from '../../../test/support/factories.js';
import { Browser, testApp } from '../../../test/support/http.js';
import { buildReferralWorld } from '../../../test/support/referrals.js';

/** What Aisha types on her phone: email only, and no messages that someone else might see. */
function aisha(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    'person.givenName': 'Aisha',
    'person.familyName': 'Khan',
    'dob-day': '14',
    'dob-month': '5',
    'dob-year': '1996',
    'person.postcode': 'BS5 6XX',
    'person.preferredContact': 'email',
    'person.phone': '',
    'person.email': 'aisha.k@example.org',
    'person.contactNotes': '',
    'person.safeToLeaveMessage': 'no',
    reason: 'I moved into temporary housing with my two children and I am behind on rent. I feel anxious most days.',
    needs: 'money-and-debt',
    'consent.given': 'yes',
    website: '',
    ...overrides,
  };
}

const h1Count = (html: string) => (html.match(/<h1[\s>]/g) ?? []).length;

async function openForm(slug: string): Promise<Browser> {
  const browser = new Browser(await testApp());
  const page = await browser.get(`/self-referral/${slug}`);
  expect(page.statusCode).toBe(200);
  return browser;
}

describe('self-referral (no sign-in)', () => {
  it('lists the services, and each service has a short form in plain words with a hidden honeypot', async () => {
    const world = await buildReferralWorld();
    await buildReferralWorld(); // a second service, so there is a choice to list
    const browser = new Browser(await testApp());
    const list = await browser.get('/self-referral');
    expect(list.statusCode).toBe(200);
    expect(h1Count(list.body)).toBe(1);
    expect(list.body).toContain(`href="/self-referral/${world.service.slug}"`);
    expect(list.body).not.toContain(world.practice.name);

    const form = await browser.get(`/self-referral/${world.service.slug}`);
    expect(form.statusCode).toBe(200);
    expect(h1Count(form.body)).toBe(1);
    expect(form.body).toContain(`Refer yourself to ${world.service.name}`);
    expect(form.body).toContain('What would you like help with?');
    expect(form.body).toContain('Money worries or debt');
    expect(form.body).toContain('does not affect the care you get from your GP');
    expect(form.body).toMatch(/<div class="nhsuk-u-visually-hidden" aria-hidden="true">\s*<label for="website">Leave this field blank<\/label>\s*<input type="text" id="website" name="website" value="" tabindex="-1" autocomplete="off">/);
    expect(form.body).toContain('autocomplete="bday-day"');
    // No letter: the form does not ask for a full address.
    expect(form.body).not.toContain('value="letter"');

    expect((await browser.get('/self-referral/no-such-service')).statusCode).toBe(404);
    expect((await browser.get(`/self-referral/${world.practice.slug}`)).statusCode).toBe(404);
  });

  it('puts the referral in the service’s triage queue and says what happens next', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const browser = await openForm(world.service.slug);
    const response = await browser.post(`/self-referral/${world.service.slug}`, aisha());
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`/self-referral/${world.service.slug}/sent?contact=email`);

    const done = await browser.get(response.headers.location as string);
    expect(done.statusCode).toBe(200);
    expect(h1Count(done.body)).toBe(1);
    expect(done.body).toContain('We have your details');
    expect(done.body).toContain(`Someone from ${world.service.name} will contact you by email`);
    expect(done.body).toContain('This does not affect the care you get from your GP');
    expect(done.body).toContain('You can say no at any time');

    const queue = await s.referrals.listForService(world.teamLead.ctx, { queue: true });
    expect(queue.items).toHaveLength(1);
    expect(queue.items[0]).toMatchObject({ personName: 'Aisha Khan', source: 'Self-referral', status: 'received' });
    const full = await s.referrals.get(world.teamLead.ctx, queue.items[0]!.id);
    if (full.kind !== 'full') throw new Error('expected the full view');
    expect(full.referral).toMatchObject({ needs: ['money-and-debt'], consent: { by: 'person', method: 'online' }, source: { type: 'self', organisation: null } });
    expect(full.referral.reason).toContain('behind on rent');
    expect(full.referral.person).toMatchObject({ dateOfBirth: '1996-05-14', email: 'aisha.k@example.org', preferredContact: 'email', safeToLeaveMessage: false, phone: null });
  });

  it('answers a filled-in honeypot exactly as a success, and stores nothing', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const real = await openForm(world.service.slug);
    const bot = await openForm(world.service.slug);
    const botAnswer = await bot.post(`/self-referral/${world.service.slug}`, aisha({ website: 'https://spam.example', 'person.givenName': 'Bot' }));
    expect(botAnswer.statusCode).toBe(303);
    expect((await s.referrals.listForService(world.teamLead.ctx, { queue: true })).items).toEqual([]);

    const realAnswer = await real.post(`/self-referral/${world.service.slug}`, aisha());
    expect(botAnswer.headers.location).toBe(realAnswer.headers.location);
    const [botPage, realPage] = [await bot.get(botAnswer.headers.location as string), await real.get(realAnswer.headers.location as string)];
    const main = (html: string) => /<main[\s\S]*<\/main>/.exec(html)?.[0];
    expect(main(botPage.body)).toBe(main(realPage.body));
    expect((await s.referrals.listForService(world.teamLead.ctx, { queue: true })).items.map((r) => r.personName)).toEqual(['Aisha Khan']);
  });

  it('answers the same way whether or not the person is already known to the service', async () => {
    const world = await buildReferralWorld();
    const first = await openForm(world.service.slug);
    const firstAnswer = await first.post(`/self-referral/${world.service.slug}`, aisha());
    const second = await openForm(world.service.slug);
    const secondAnswer = await second.post(`/self-referral/${world.service.slug}`, aisha());
    expect(secondAnswer.statusCode).toBe(firstAnswer.statusCode);
    expect(secondAnswer.headers.location).toBe(firstAnswer.headers.location);
    const main = (html: string) => /<main[\s\S]*<\/main>/.exec(html)?.[0];
    expect(main((await second.get(secondAnswer.headers.location as string)).body)).toBe(main((await first.get(firstAnswer.headers.location as string)).body));
  });

  it('explains problems in the second person, keeps what was typed, answers 400 and stores nothing', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const browser = await openForm(world.service.slug);
    const response = await browser.post(
      `/self-referral/${world.service.slug}`,
      aisha({ 'person.givenName': '', 'dob-year': '96', 'person.postcode': '', 'person.email': '', 'consent.given': '' }),
    );
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('There is a problem');
    expect(response.body).toContain('Enter your first name');
    expect(response.body).toContain('Year must include 4 numbers');
    expect(response.body).toContain('Enter your postcode, or tick ‘I do not have a fixed address’');
    expect(response.body).toContain('Enter your email address, or choose another way for us to contact you');
    expect(response.body).toContain('Tick the box to say you agree');
    for (const field of ['person.givenName', 'person.dateOfBirth', 'person.postcode', 'person.email', 'consent.given']) {
      expect(response.body, field).toContain(`href="#${field}"`);
      expect(response.body, field).toContain(`id="${field}"`);
    }
    expect(response.body).not.toMatch(/\btheir\b/);
    expect(response.body).toContain('behind on rent. I feel anxious most days.</textarea>');
    expect(response.body).toContain('value="Khan"');

    const noContact = await browser.post(`/self-referral/${world.service.slug}`, aisha({ 'person.preferredContact': '', 'person.email': '' }));
    expect(noContact.statusCode).toBe(400);
    expect(noContact.body).toContain('Choose how you would like us to contact you');

    expect((await s.referrals.listForService(world.teamLead.ctx, { queue: true })).items).toEqual([]);
  });

  it('shows markup typed into the form as text', async () => {
    const world = await buildReferralWorld();
    const browser = await openForm(world.service.slug);
    const payload = '<script>alert(1)</script>';
    const response = await browser.post(`/self-referral/${world.service.slug}`, aisha({ 'person.givenName': payload, reason: payload, 'consent.given': '' }));
    expect(response.statusCode).toBe(400);
    expect(response.body).not.toContain(payload);
    expect(response.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('needs the page’s CSRF token', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const browser = await openForm(world.service.slug);
    const response = await browser.post(`/self-referral/${world.service.slug}`, { ...aisha(), _csrf: 'forged' });
    expect(response.statusCode).toBe(403);
    expect((await s.referrals.listForService(world.teamLead.ctx, { queue: true })).items).toEqual([]);
  });

  it('limits how often one connection can send the form, with a way forward in the message', async () => {
    const world = await buildReferralWorld();
    const browser = await openForm(world.service.slug);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await browser.post(`/self-referral/${world.service.slug}`, aisha({ 'consent.given': '' }))).statusCode);
    expect(statuses.every((status) => status === 400)).toBe(true);
    const limited = await browser.post(`/self-referral/${world.service.slug}`, aisha());
    expect(limited.statusCode).toBe(429);
    expect(limited.body).toContain('ask them to refer you');
    // Reading the form is not limited.
    expect((await browser.get(`/self-referral/${world.service.slug}`)).statusCode).toBe(200);
  });
});
