import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { buildOrganisation, buildUser, testServices, type TestUser } from '../../../test/support/factories.js';
import { Browser, testApp } from '../../../test/support/http.js';
import { buildReferralWorld, referralFor } from '../../../test/support/referrals.js';
import type { Organisation } from '../../platform/db/schema.js';

/** What a referrer types into the form, as the browser posts it. */
function answers(service: Organisation, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    toOrganisation: service.slug,
    'person.givenName': 'Margaret',
    'person.familyName': 'Hughes',
    'dob-day': '3',
    'dob-month': '7',
    'dob-year': '1943',
    'person.nhsNumber': '',
    'person.postcode': 'bs5 6xx',
    'person.preferredContact': 'phone',
    'person.phone': '07700 900123',
    'person.email': '',
    'person.contactNotes': '',
    'person.safeToLeaveMessage': 'yes',
    reason: 'Lonely since her husband died; hard of hearing',
    needs: 'social-isolation',
    urgency: 'routine',
    'consent.given': 'yes',
    ...overrides,
  };
}

function decode(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The hidden fields the check-answers form carries, in order, as a browser would send them back. */
function hiddenFields(html: string): [string, string][] {
  const form = /<form method="post" action="\/sent-referrals\/new\/send"[\s\S]*?<\/form>/.exec(html)?.[0] ?? '';
  return [...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [decode(m[1]!), decode(m[2]!)] as [string, string]);
}

/** Posts name/value pairs (repeated names allowed, as checkboxes send them) with the browser's cookies. */
async function postPairs(browser: Browser, url: string, pairs: [string, string][]): Promise<LightMyRequestResponse> {
  const app = await testApp();
  const cookies: Record<string, string> = {};
  for (const name of ['lw_session', 'lw_anon']) {
    const value = browser.cookie(name);
    if (value) cookies[name] = value;
  }
  return app.inject({
    method: 'POST',
    url,
    payload: new URLSearchParams(pairs).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    cookies,
  });
}

async function signedIn(user: TestUser): Promise<Browser> {
  const browser = new Browser(await testApp());
  const response = await browser.signIn(user.email, user.password);
  expect(response.statusCode).toBe(303);
  return browser;
}

const h1Count = (html: string) => (html.match(/<h1[\s>]/g) ?? []).length;

describe('the referral form for signed-in referrers', () => {
  it('goes from the form through check answers (with Change keeping every answer) to a confirmation with the reference', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const browser = await signedIn(world.referrer);

    const blank = await browser.get('/sent-referrals/new');
    expect(blank.statusCode).toBe(200);
    expect(h1Count(blank.body)).toBe(1);
    expect(blank.body).toContain(world.service.name);
    expect(blank.body).toContain('Leave blank if they do not have one or you do not know it');
    // Every field's id is the service's field name, so error summary links land on it.
    for (const id of ['toOrganisation', 'person.givenName', 'person.dateOfBirth', 'person.nhsNumber', 'person.postcode', 'person.noFixedAbode', 'person.preferredContact', 'person.phone', 'person.email', 'person.safeToLeaveMessage', 'reason', 'needs', 'urgency', 'consent.given', 'multipleDisadvantage', 'riskNotes']) {
      expect(blank.body, id).toContain(`id="${id}"`);
    }

    const check = await browser.post('/sent-referrals/new', answers(world.service));
    expect(check.statusCode).toBe(200);
    expect(check.body).toContain('Check your answers');
    expect(h1Count(check.body)).toBe(1);
    expect(check.body).toContain('Margaret Hughes');
    expect(check.body).toContain('3 July 1943');
    expect(check.body).toContain('Loneliness and social isolation');
    expect(check.body).toContain('formaction="/sent-referrals/new/change?at=reason#reason"');
    // Nothing is stored until the referral is sent.
    expect((await s.referrals.listSent(world.referrer.ctx, {})).items).toEqual([]);

    // Change: back to the form with every answer kept, plus a second need ticked on the way.
    const carried = hiddenFields(check.body).filter(([name]) => name !== '_csrf' && name !== '_key');
    const change = await postPairs(browser, '/sent-referrals/new/change?at=needs', [['_csrf', browser.csrf], ...carried]);
    expect(change.statusCode).toBe(200);
    expect(change.body).toContain('value="Margaret"');
    expect(change.body).toContain('value="1943"');
    expect(change.body).toContain('Lonely since her husband died; hard of hearing</textarea>');
    expect(change.body).toMatch(/value="social-isolation" checked/);

    const again = await postPairs(browser, '/sent-referrals/new', [['_csrf', browser.csrf], ...carried, ['needs', 'money-and-debt']]);
    expect(again.statusCode).toBe(200);
    expect(again.body).toContain('Money and debt');
    const final = hiddenFields(again.body);
    expect(final.filter(([name]) => name === 'needs').map(([, value]) => value)).toEqual(['social-isolation', 'money-and-debt']);

    const sent = await postPairs(browser, '/sent-referrals/new/send', final);
    expect(sent.statusCode).toBe(303);
    const location = sent.headers.location as string;
    expect(location).toMatch(/^\/sent-referrals\/[0-9a-f-]{36}\/sent$/);

    const confirmation = await browser.get(location);
    expect(confirmation.statusCode).toBe(200);
    expect(h1Count(confirmation.body)).toBe(1);
    expect(confirmation.body).toContain('nhsuk-panel');
    expect(confirmation.body).toMatch(/LW-[A-Z2-9]{4}-[A-Z2-9]{4}/);
    expect(confirmation.body).toContain('does not affect the care they get from their GP');

    // Sending the same check-answers page twice (a double click, a retry) makes one referral.
    const twice = await postPairs(browser, '/sent-referrals/new/send', final);
    expect(twice.headers.location).toBe(location);
    const sentList = await s.referrals.listSent(world.referrer.ctx, {});
    expect(sentList.items).toHaveLength(1);

    const queue = await s.referrals.listForService(world.teamLead.ctx, { queue: true });
    expect(queue.items.map((r) => r.personName)).toEqual(['Margaret Hughes']);
    const full = await s.referrals.get(world.teamLead.ctx, queue.items[0]!.id);
    expect(full.kind).toBe('full');
    if (full.kind === 'full') {
      expect(full.referral.person).toMatchObject({ dateOfBirth: '1943-07-03', postcode: 'BS5 6XX', phone: '07700900123', safeToLeaveMessage: true, preferredContact: 'phone', nhsNumber: null });
      expect(full.referral.needs).toEqual(['social-isolation', 'money-and-debt']);
      expect(full.referral.reason).toBe('Lonely since her husband died; hard of hearing');
    }
  });

  it('takes Dan: no NHS number, no fixed address, contact through the hostel key worker, with the optional details', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const browser = await signedIn(world.referrer);
    await browser.get('/sent-referrals/new');
    const check = await postPairs(browser, '/sent-referrals/new', [
      ['_csrf', browser.csrf],
      ...Object.entries(
        answers(world.service, {
          'person.givenName': 'Dan',
          'person.familyName': 'Reilly',
          'dob-day': '12',
          'dob-month': '11',
          'dob-year': '1986',
          'person.postcode': '',
          'person.noFixedAbode': 'yes',
          'person.preferredContact': 'via-someone-else',
          'person.phone': '',
          'person.contactNotes': 'Through the hostel key worker, Jo, on 0117 496 0000',
          'person.safeToLeaveMessage': 'no',
          reason: 'Wants to get back into football',
          urgency: 'urgent',
          needs: '',
          riskNotes: 'Meet at the hostel, not alone',
        }),
      ),
      ['multipleDisadvantage', 'homelessness'],
      ['multipleDisadvantage', 'substance-use'],
    ]);
    expect(check.statusCode).toBe(200);
    expect(check.body).toContain('No fixed address');
    expect(check.body).toContain('Homelessness or rough sleeping');
    expect(check.body).toContain('Meet at the hostel, not alone');
    const sent = await postPairs(browser, '/sent-referrals/new/send', hiddenFields(check.body));
    expect(sent.statusCode).toBe(303);
    const queue = await s.referrals.listForService(world.teamLead.ctx, { queue: true });
    const full = await s.referrals.get(world.teamLead.ctx, queue.items[0]!.id);
    if (full.kind !== 'full') throw new Error('expected the full view');
    expect(full.referral).toMatchObject({ urgency: 'urgent', multipleDisadvantage: ['homelessness', 'substance-use'], riskNotes: 'Meet at the hostel, not alone', needs: [] });
    expect(full.referral.person).toMatchObject({ noFixedAbode: true, postcode: null, preferredContact: 'via-someone-else', safeToLeaveMessage: false, nhsNumber: null });
  });

  it('shows every problem at once with the error summary, keeps what was typed, answers 400 and stores nothing', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const browser = await signedIn(world.referrer);
    await browser.get('/sent-referrals/new');
    const response = await browser.post(
      '/sent-referrals/new',
      answers(world.service, {
        'person.givenName': '',
        'dob-day': '31',
        'dob-month': '2',
        'person.nhsNumber': '123',
        'person.postcode': '',
        'person.preferredContact': 'email',
        reason: 'Wants money advice first, nothing touchy-feely',
        'consent.given': '',
      }),
    );
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('There is a problem');
    expect(response.body).toContain('<title>Error: Make a referral');
    for (const field of ['person.givenName', 'person.dateOfBirth', 'person.nhsNumber', 'person.postcode', 'person.email', 'consent.given']) {
      expect(response.body, field).toContain(`href="#${field}"`);
      expect(response.body, field).toContain(`id="${field}"`);
    }
    expect(response.body).toContain('Date of birth must be a real date');
    expect(response.body).toContain('Wants money advice first, nothing touchy-feely</textarea>');
    expect(response.body).toContain('value="Hughes"');
    // The summary lists problems in the order of the form.
    const order = [...response.body.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]).filter((f) => f !== 'maincontent');
    expect(order.slice(0, 3)).toEqual(['person.givenName', 'person.dateOfBirth', 'person.nhsNumber']);

    const partial = await browser.post('/sent-referrals/new', answers(world.service, { 'dob-month': '' }));
    expect(partial.statusCode).toBe(400);
    expect(partial.body).toContain('Date of birth must include a month');

    // Tampered hidden fields on the check-answers page are checked again when sending.
    const tampered = await browser.post('/sent-referrals/new/send', answers(world.service, { 'person.familyName': '' }));
    expect(tampered.statusCode).toBe(400);
    expect(tampered.body).toContain('href="#person.familyName"');

    expect((await s.referrals.listSent(world.referrer.ctx, {})).items).toEqual([]);
    expect((await s.referrals.listForService(world.teamLead.ctx, { queue: true })).items).toEqual([]);
  });

  it('needs the form’s CSRF token to send', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const browser = await signedIn(world.referrer);
    await browser.get('/sent-referrals/new');
    const forged = await browser.post('/sent-referrals/new/send', { ...answers(world.service), _csrf: 'forged' });
    expect(forged.statusCode).toBe(403);
    const missing = await postPairs(browser, '/sent-referrals/new/send', Object.entries(answers(world.service)));
    expect(missing.statusCode).toBe(403);
    expect((await s.referrals.listSent(world.referrer.ctx, {})).items).toEqual([]);
  });

  it('is refused (403) to commissioners, providers and administrators', async () => {
    const world = await buildReferralWorld();
    const commissioner = await buildUser(await buildOrganisation({ type: 'commissioner' }), 'commissioner');
    const provider = await buildUser(await buildOrganisation({ type: 'vcse' }), 'provider');
    const admin = await buildUser(world.practice, 'admin');
    for (const user of [commissioner, provider, admin]) {
      const browser = await signedIn(user);
      expect((await browser.get('/sent-referrals/new')).statusCode, user.role).toBe(403);
      await browser.get('/');
      expect((await browser.post('/sent-referrals/new', answers(world.service))).statusCode, user.role).toBe(403);
      expect((await browser.post('/sent-referrals/new/send', answers(world.service))).statusCode, user.role).toBe(403);
    }
  });

  it('renders names and reasons with markup in them as text on the check-answers and list pages', async () => {
    const world = await buildReferralWorld();
    const browser = await signedIn(world.referrer);
    await browser.get('/sent-referrals/new');
    const payload = '<script>alert(1)</script>';
    const check = await browser.post(
      '/sent-referrals/new',
      answers(world.service, { 'person.givenName': payload, 'person.familyName': '"><img src=x onerror=alert(2)>', reason: `${payload} and more` }),
    );
    expect(check.statusCode).toBe(200);
    expect(check.body).not.toContain(payload);
    expect(check.body).not.toContain('<img src=x');
    expect(check.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const sent = await postPairs(browser, '/sent-referrals/new/send', hiddenFields(check.body));
    expect(sent.statusCode).toBe(303);
    const confirmation = await browser.get(sent.headers.location as string);
    expect(confirmation.body).not.toContain(payload);
    const list = await browser.get('/sent-referrals');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(list.body).not.toContain(payload);
    expect(list.body).not.toContain('<img src=x');
  });
});

describe('the referrer’s closed loop: sent referrals', () => {
  it('lists and shows neutral receipts only: never the reason, needs, indicators or risk notes', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const reason = 'SECRET reason: behind on rent after bereavement';
    const riskNotes = 'RISK: dog at the address';
    const { receipt } = await s.referrals.refer(world.referrer.ctx, referralFor(world.service, { reason, riskNotes, needs: ['money-and-debt'], multipleDisadvantage: ['domestic-abuse'] }));
    const browser = await signedIn(world.referrer);

    const never = (html: string) => {
      for (const secret of [reason, riskNotes, 'Money and debt', 'money-and-debt', 'Domestic abuse', 'domestic-abuse', '9990000018', 'BS5 6XX', '07700900123']) {
        expect(html, secret).not.toContain(secret);
      }
    };

    const list = await browser.get('/sent-referrals');
    expect(list.statusCode).toBe(200);
    expect(h1Count(list.body)).toBe(1);
    expect(list.body).toContain(receipt.reference);
    expect(list.body).toContain('Sam Taylor');
    expect(list.body).toContain(world.service.name);
    expect(list.body).toContain('Received');
    never(list.body);

    const view = await browser.get(`/sent-referrals/${receipt.id}`);
    expect(view.statusCode).toBe(200);
    expect(h1Count(view.body)).toBe(1);
    expect(view.body).toContain(receipt.reference);
    expect(view.body).toContain('Received');
    never(view.body);

    await s.referrals.act(world.teamLead.ctx, receipt.id, 'accept');
    await s.referrals.act(world.teamLead.ctx, receipt.id, 'allocate', { linkWorker: world.linkWorker.email });
    expect((await browser.get(`/sent-referrals/${receipt.id}`)).body).toContain('In progress');
    await s.referrals.act(world.linkWorker.ctx, receipt.id, 'close', { reason: 'person-declined' });
    const closed = await browser.get(`/sent-referrals/${receipt.id}`);
    expect(closed.body).toContain('Closed');
    expect(closed.body).toContain('The person chose not to take this up for now');
    expect(closed.body).toContain('does not affect the person’s care');
    expect(closed.body).not.toContain(world.linkWorker.email);
    never(closed.body);
    never((await browser.get('/sent-referrals')).body);
  });

  it('filters by status and date, and pages to older referrals', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const refs: string[] = [];
    for (const givenName of ['Ann', 'Ben', 'Cat']) {
      const { receipt } = await s.referrals.refer(world.referrer.ctx, referralFor(world.service, { person: { ...referralFor(world.service).person, givenName, nhsNumber: undefined } }));
      refs.push(receipt.reference);
    }
    const first = (await s.referrals.listSent(world.referrer.ctx, {})).items.at(-1)!;
    await s.referrals.act(world.teamLead.ctx, first.id, 'decline', { reason: 'wrong-service' });
    const browser = await signedIn(world.referrer);

    const closed = await browser.get('/sent-referrals?status=closed');
    expect(closed.body).toContain(first.reference);
    expect(closed.body.match(/LW-[A-Z2-9]{4}-[A-Z2-9]{4}/g)?.length).toBe(1);
    expect(closed.body).toMatch(/value="closed" selected/);
    const received = await browser.get('/sent-referrals?status=received');
    expect(received.body).not.toContain(first.reference);

    const today = new Date().toISOString().slice(0, 10);
    expect((await browser.get(`/sent-referrals?from=${today}&to=${today}`)).body.match(/LW-[A-Z2-9]{4}-[A-Z2-9]{4}/g)?.length).toBe(3);
    expect((await browser.get('/sent-referrals?to=2000-01-01')).body).toContain('No referrals match these filters');

    const bad = await browser.get('/sent-referrals?from=yesterday');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#from"');

    const page1 = await browser.get('/sent-referrals?limit=2');
    const older = /href="(\/sent-referrals\?[^"]*cursor=[^"]+)"/.exec(page1.body)?.[1];
    expect(older).toBeTruthy();
    const page2 = await browser.get(decodeURIComponent(older!.replace(/&amp;/g, '&')));
    expect(page2.statusCode).toBe(200);
    const seen = [...page1.body.matchAll(/LW-[A-Z2-9]{4}-[A-Z2-9]{4}/g), ...page2.body.matchAll(/LW-[A-Z2-9]{4}-[A-Z2-9]{4}/g)].map((m) => m[0]);
    expect(new Set(seen)).toEqual(new Set(refs));
    expect(page2.body).toContain('Newest referrals');

    const spoiled = await browser.get('/sent-referrals?cursor=not-a-cursor');
    expect(spoiled.statusCode).toBe(200);
    expect(spoiled.body).toContain('That page link was not valid');
  });

  it('keeps each organisation’s receipts to itself: another practice gets 404', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const { receipt } = await s.referrals.refer(world.referrer.ctx, referralFor(world.service));
    const otherPractice = await buildOrganisation({ type: 'gp-practice' });
    const other = await signedIn(await buildUser(otherPractice, 'referrer'));
    expect((await other.get(`/sent-referrals/${receipt.id}`)).statusCode).toBe(404);
    expect((await other.get(`/sent-referrals/${receipt.id}/sent`)).statusCode).toBe(404);
    expect((await other.get('/sent-referrals/not-an-id')).statusCode).toBe(404);
    expect((await other.get('/sent-referrals')).body).not.toContain(receipt.reference);
  });

  it('sends a member of the receiving service to the service’s own page for the referral', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const { receipt } = await s.referrals.refer(world.referrer.ctx, referralFor(world.service));
    const lead = await signedIn(world.teamLead);
    const response = await lead.get(`/sent-referrals/${receipt.id}`);
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`/referrals/${receipt.id}`);
  });

  it('asks people who are not signed in to sign in', async () => {
    const browser = new Browser(await testApp());
    const response = await browser.get('/sent-referrals/new');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/sign-in?next=%2Fsent-referrals%2Fnew');
    // …and points people who are not staff to self-referral.
    expect((await browser.get('/sign-in')).body).toContain('href="/self-referral"');
  });

  it('links a referrer’s home page to the form and the sent referrals', async () => {
    const world = await buildReferralWorld();
    const home = await (await signedIn(world.referrer)).get('/');
    expect(home.body).toContain('href="/sent-referrals/new"');
    expect(home.body).toContain('href="/sent-referrals"');
  });
});
