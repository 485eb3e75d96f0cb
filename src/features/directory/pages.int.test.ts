import { describe, expect, it } from 'vitest';
import { buildDirectoryService, isolatedPlace, uniqueWord } from '../../../test/support/directory.js';
import { buildOrganisation, buildUser, testServices, type TestUser } from '../../../test/support/factories.js';
import { Browser, testApp } from '../../../test/support/http.js';

async function signedIn(user: TestUser): Promise<Browser> {
  const browser = new Browser(await testApp());
  const response = await browser.signIn(user.email, user.password);
  expect(response.statusCode).toBe(303);
  return browser;
}

async function world() {
  const curator = await buildOrganisation({ type: 'vcse' });
  const linkWorker = await buildUser(await buildOrganisation({ type: 'sp-service' }), 'link-worker');
  return { curator, linkWorker };
}

describe('/directory', () => {
  it('shows the search form, in the navigation and on the home page of link workers', async () => {
    const { linkWorker } = await world();
    const browser = await signedIn(linkWorker);
    const page = await browser.get('/directory');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>Community directory</h1>');
    expect(page.body).toContain('name="need"');
    expect(page.body).toContain('value="trauma-informed"');
    expect(page.body).toContain('href="/directory"');
    const home = await browser.get('/');
    expect(home.body).toMatch(/<a[^>]+href="\/directory"[^>]*>[\s\S]*?Community directory/);
  });

  it('lists results with distance, next opening, cost and attributes, escaping what providers wrote', async () => {
    const { curator, linkWorker } = await world();
    const place = await isolatedPlace();
    const tag = uniqueWord();
    await buildDirectoryService(curator, {
      name: `<script>alert("x")</script> Walking group ${tag}`,
      description: `Gentle walks <img src=x onerror=alert(1)> ${tag}`,
      attributes: ['free', 'trauma-informed'],
      locations: [place.at(2.1, 0)],
      schedules: [{ byday: 'MO,TU,WE,TH,FR,SA,SU', opensAt: '00:00', closesAt: '23:59' }],
      lastVerified: null,
    });
    const browser = await signedIn(linkWorker);
    const page = await browser.get(`/directory?text=walks+${tag}&postcode=${encodeURIComponent(place.postcode)}&maxKm=5`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('1 service found');
    expect(page.body).toContain(`&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Walking group ${tag}`);
    expect(page.body).not.toContain('<script>alert');
    expect(page.body).not.toContain('<img src=x');
    expect(page.body).toContain(`2.1 km · matches: walks, ${tag}`);
    expect(page.body).toContain('Trauma-informed');
    expect(page.body).toContain('May be out of date');
    expect(page.body).toMatch(/Open now, until 11:59pm|Today, midnight to 11:59pm|Tomorrow, midnight to 11:59pm/);
    expect(page.body).toContain(`?postcode=${encodeURIComponent(place.postcode).replace('%20', '+')}`);
  });

  it('shows field errors for a search it cannot run', async () => {
    const { linkWorker } = await world();
    const browser = await signedIn(linkWorker);
    const page = await browser.get('/directory?postcode=nowhere&age=old');
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('There is a problem');
    expect(page.body).toContain('Enter a real postcode, like BS5 6XX');
    expect(page.body).toContain('Age must be a whole number of years from 0 to 130');
    expect(page.body).toContain('value="nowhere"');
  });

  it('pages through many results with numbered links', async () => {
    const { curator, linkWorker } = await world();
    const tag = uniqueWord();
    for (let i = 0; i < 23; i++) await buildDirectoryService(curator, { name: `Group ${String(i).padStart(2, '0')} ${tag}` });
    const browser = await signedIn(linkWorker);
    const first = await browser.get(`/directory?text=${tag}&sort=name`);
    expect(first.body).toContain('23 services found');
    expect(first.body).toContain('Showing 1 to 20');
    expect(first.body).toContain(`href="/directory?text=${tag}&amp;sort=name&amp;page=2"`);
    const second = await browser.get(`/directory?text=${tag}&sort=name&page=2`);
    expect(second.body).toContain('Showing 21 to 23');
    expect(second.body).toContain(`Group 22 ${tag}`);
  });
});

describe('Record an unmet need', () => {
  it('is offered when a need search finds nothing, and records the need and district only', async () => {
    const { linkWorker } = await world();
    const place = await isolatedPlace();
    const browser = await signedIn(linkWorker);
    const search = `/directory?need=fuel-poverty&postcode=${encodeURIComponent(place.postcode)}&maxKm=1`;
    const page = await browser.get(search);
    expect(page.body).toContain('No services found');
    expect(page.body).toContain('Record an unmet need');
    expect(page.body).toContain('name="area" value="ZE3"');
    expect(page.body).not.toContain(`name="area" value="${place.postcode}"`);

    const form = {
      need: 'fuel-poverty',
      area: 'ZE3',
      back: `need=fuel-poverty&postcode=${encodeURIComponent(place.postcode)}&maxKm=1`,
    };
    const refused = await browser.post('/directory/unmet-need', { ...form, _csrf: 'forged' });
    expect(refused.statusCode).toBe(403);

    const posted = await browser.post('/directory/unmet-need', form);
    expect(posted.statusCode).toBe(303);
    expect(posted.headers.location).toMatch(/^\/directory\?need=fuel-poverty&postcode=ZE3\+\w+&maxKm=1&recorded=1$/);
    const confirmed = await browser.get(posted.headers.location as string);
    expect(confirmed.body).toContain('Unmet need recorded: Fuel poverty in ZE3. Only the need, the area and the date were kept.');

    const { db } = await testServices();
    const rows = await db.inScope({ organisationId: linkWorker.organisation.id, userId: null }, (tx) =>
      tx.selectFrom('unmetNeed').selectAll().where('organisationId', '=', linkWorker.organisation.id).execute(),
    );
    expect(rows).toEqual([expect.objectContaining({ needCode: 'fuel-poverty', area: 'ZE3', recordedBy: linkWorker.userId })]);
  });

  it('is not offered to roles that do not record unmet needs', async () => {
    const provider = await buildUser(await buildOrganisation({ type: 'vcse' }), 'provider');
    const browser = await signedIn(provider);
    const page = await browser.get('/directory?need=fuel-poverty&text=zzzznothing');
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('Record an unmet need');
    expect((await browser.post('/directory/unmet-need', { need: 'fuel-poverty', area: 'BS5', back: '' })).statusCode).toBe(403);
  });

  it('keeps the way back inside the directory', async () => {
    const { linkWorker } = await world();
    const browser = await signedIn(linkWorker);
    await browser.get('/directory');
    const posted = await browser.post('/directory/unmet-need', { need: 'housing', area: '', back: 'https://evil.example/&next=//evil.example' });
    expect(posted.statusCode).toBe(303);
    expect(posted.headers.location).toBe('/directory?recorded=1');
  });
});

describe('/directory/services/:id', () => {
  it('shows everything, as text, with the out-of-date warning', async () => {
    const { curator, linkWorker } = await world();
    const place = await isolatedPlace();
    const svc = await buildDirectoryService(curator, {
      name: 'Warm Spaces & Chat',
      description: '<p>A warm room with tea.</p><p>Come along<br>any time <script>alert(1)</script></p>',
      eligibility: 'Anyone over 16',
      minimumAge: 16,
      attributes: ['drop-in', 'accompanied-visits-welcome'],
      needs: ['fuel-poverty'],
      locations: [{ ...place.at(0.4, 0), name: 'Church hall', address: { address1: '2 High Street', city: 'Lerwick', postalCode: 'ZE1 0AB' } }],
      schedules: [{ byday: 'TU,TH', opensAt: '10:00', closesAt: '12:00' }],
      languages: [{ name: 'Polish', code: 'pl' }],
      phones: ['01632 960111'],
      url: 'javascript:alert(1)',
      lastVerified: '2019-03-01',
    });
    const browser = await signedIn(linkWorker);
    const page = await browser.get(`/directory/services/${svc.id}?postcode=${encodeURIComponent(place.postcode)}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Warm Spaces &amp; Chat');
    expect(page.body).toContain('<p>A warm room with tea.</p>');
    expect(page.body).toContain('<p>Come along<br>any time alert(1)</p>');
    expect(page.body).not.toContain('<script>alert');
    expect(page.body).toContain('This information may be out of date');
    expect(page.body).toContain('It was last checked on 1 March 2019');
    expect(page.body).toContain('Tuesdays and Thursdays, 10am to midday');
    expect(page.body).toContain('2 High Street');
    expect(page.body).toContain('0.4 km away');
    expect(page.body).toContain('Ages 16 and over');
    expect(page.body).toContain('Anyone over 16');
    expect(page.body).toContain('Fuel poverty');
    expect(page.body).toContain('Accompanied visits welcome');
    expect(page.body).toContain('Polish');
    expect(page.body).toContain('href="tel:01632960111"');
    expect(page.body).not.toContain('href="javascript:');
    const unplaced = await browser.get(`/directory/services/${svc.id}?postcode=BT93+9ZZ`);
    expect(unplaced.statusCode).toBe(200);
    expect(unplaced.body).toContain('Distances are not shown: We do not know where BT93 9ZZ is');
    expect(unplaced.body).not.toContain('0.4 km away');
  });

  it('is a 404 for another organisation’s unpublished service, and refuses commissioners', async () => {
    const { curator, linkWorker } = await world();
    const draft = await buildDirectoryService(curator, { name: 'Draft', published: false });
    const browser = await signedIn(linkWorker);
    expect((await browser.get(`/directory/services/${draft.id}`)).statusCode).toBe(404);
    expect((await browser.get('/directory/services/not-an-id')).statusCode).toBe(404);
    const commissioner = await buildUser(await buildOrganisation({ type: 'commissioner' }), 'commissioner');
    const other = await signedIn(commissioner);
    expect((await other.get('/directory')).statusCode).toBe(403);
  });
});
