import { describe, expect, it } from 'vitest';
import { buildDirectoryService, isolatedPlace, uniqueWord } from '../../../test/support/directory.js';
import { buildOrganisation, buildUser, testServices, type TestUser } from '../../../test/support/factories.js';
import { testApp } from '../../../test/support/http.js';

async function tokenFor(user: TestUser): Promise<string> {
  return (await (await testServices()).tokens.create(user.ctx, 'directory api test')).token;
}

async function get(token: string, url: string) {
  const app = await testApp();
  const response = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  return { status: response.statusCode, headers: response.headers, body: response.json() as Record<string, any> };
}

async function world() {
  const curator = await buildOrganisation({ type: 'vcse' });
  const linkWorker = await buildUser(await buildOrganisation({ type: 'sp-service' }), 'link-worker');
  return { curator, linkWorker, token: await tokenFor(linkWorker) };
}

describe('GET /api/v1/services', () => {
  it('searches with text, need, attributes, postcode and distance; each result explains itself', async () => {
    const { curator, token } = await world();
    const place = await isolatedPlace();
    const tag = uniqueWord();
    const money = await buildDirectoryService(curator, {
      name: `Money advice drop-in ${tag}`,
      description: 'Free help with debt, benefits and bills.',
      needs: ['fuel-poverty'],
      attributes: ['free', 'drop-in', 'no-id-needed'],
      locations: [place.at(2, 0)],
      schedules: [{ byday: 'MO,TU,WE,TH,FR', opensAt: '09:00', closesAt: '17:00' }],
      lastVerified: '2020-01-01',
      provider: { name: 'Citizens Advice Test' },
    });
    await buildDirectoryService(curator, { name: `Money advice by appointment ${tag}`, needs: ['money-and-debt'], locations: [place.at(1, 0)] });
    const url = `/api/v1/services?text=${tag}&need=money-and-debt&attribute=free&attribute=drop-in&postcode=${encodeURIComponent(place.postcode)}&maxKm=3`;
    const { status, body } = await get(token, url);
    expect(status).toBe(200);
    expect(body.total).toBe(1);
    expect(body.nextCursor).toBeNull();
    expect(body.origin).toEqual({ postcode: place.postcode, precision: 'unit', district: 'ZE3' });
    const [item] = body.items;
    expect(item).toMatchObject({
      id: money.id,
      name: `Money advice drop-in ${tag}`,
      organisation: { id: money.providerId, name: 'Citizens Advice Test' },
      distanceKm: 2,
      cost: { free: true, text: null },
      needs: [{ code: 'fuel-poverty', label: 'Fuel poverty' }],
      lastVerified: '2020-01-01',
      mayBeOutOfDate: true,
      published: true,
      status: 'active',
    });
    expect(item.attributes.map((a: { code: string }) => a.code)).toEqual(['no-id-needed', 'drop-in', 'free']);
    expect(item.explanation).toBe(`2.0 km · matches: ${tag} · helps with: Fuel poverty · Free, Drop-in`);
    expect(item.nextOpening.text).toMatch(/^(Open now|Today|Tomorrow|\w+day \d+ \w+), /);
  });

  it('pages with nextCursor and a total', async () => {
    const { curator, token } = await world();
    const tag = uniqueWord();
    for (let i = 1; i <= 3; i++) await buildDirectoryService(curator, { name: `Club ${i} ${tag}` });
    const first = await get(token, `/api/v1/services?text=${tag}&sort=name&limit=2`);
    expect(first.body).toMatchObject({ total: 3, page: 1, pageCount: 2, limit: 2 });
    const second = await get(token, `/api/v1/services?text=${tag}&sort=name&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((i: { name: string }) => i.name)).toEqual([`Club 3 ${tag}`]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('answers 400 problem+json naming each bad parameter', async () => {
    const { token } = await world();
    const negative = await get(token, '/api/v1/services?postcode=BS5%206XX&maxKm=-2');
    expect(negative.status).toBe(400);
    expect(negative.headers['content-type']).toContain('application/problem+json');
    expect(negative.body.errors.map((e: { field: string }) => e.field)).toContain('maxKm');

    const attribute = await get(token, '/api/v1/services?attribute=free&attribute=flying');
    expect(attribute.status).toBe(400);
    expect(attribute.body.errors[0].field).toMatch(/^attribute/);

    const postcode = await get(token, '/api/v1/services?postcode=NOT%20A%20CODE');
    expect(postcode.status).toBe(400);
    expect(postcode.body.errors).toEqual([{ field: 'postcode', message: 'Enter a real postcode, like BS5 6XX' }]);

    const unknownPlace = await get(token, '/api/v1/services?postcode=BT93%209ZZ');
    expect(unknownPlace.status).toBe(400);
    expect(unknownPlace.body.errors[0].field).toBe('postcode');

    const need = await get(token, '/api/v1/services?need=flying-lessons');
    expect(need.body.errors).toEqual([{ field: 'need', message: 'Choose a need from the list' }]);

    const distanceWithoutPostcode = await get(token, '/api/v1/services?maxKm=5');
    expect(distanceWithoutPostcode.body.errors).toEqual([{ field: 'postcode', message: 'Enter a postcode to search by distance' }]);

    const several = await get(token, '/api/v1/services?limit=500&age=200&day=someday&typo=1');
    expect(several.status).toBe(400);
    expect(several.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['limit', 'age', 'day']));
  });

  it('needs a token, and a role that may search', async () => {
    const app = await testApp();
    expect((await app.inject({ method: 'GET', url: '/api/v1/services?text=x' })).statusCode).toBe(401);
    const commissioner = await buildUser(await buildOrganisation({ type: 'commissioner' }), 'commissioner');
    expect((await get(await tokenFor(commissioner), '/api/v1/services?text=x')).status).toBe(403);
  });

  it('never lists another organisation’s unpublished service, nor shows it by id', async () => {
    const { curator, token } = await world();
    const tag = uniqueWord();
    const draft = await buildDirectoryService(curator, { name: `Draft ${tag}`, published: false });
    expect((await get(token, `/api/v1/services?text=${tag}`)).body.total).toBe(0);
    expect((await get(token, `/api/v1/services/${draft.id}`)).status).toBe(404);
    const own = await tokenFor(await buildUser(curator, 'admin'));
    expect((await get(own, `/api/v1/services?text=${tag}`)).body.items[0]).toMatchObject({ id: draft.id, published: false });
    expect((await get(own, `/api/v1/services/${draft.id}`)).status).toBe(200);
  });
});

describe('GET /api/v1/services/:id', () => {
  it('returns the service in full, with distances to its places from a postcode', async () => {
    const { curator, token } = await world();
    const place = await isolatedPlace();
    const svc = await buildDirectoryService(curator, {
      name: 'Community gardening',
      description: '<p>Grow food together.</p><p>All welcome&nbsp;— no experience needed.</p>',
      eligibility: 'Adults',
      minimumAge: 18,
      fees: 'Free, donations welcome',
      attributes: ['free', 'dogs-welcome'],
      needs: ['nature-and-green-space', 'social-isolation'],
      locations: [{ ...place.at(0, 1.5), name: 'Allotment site', address: { address1: '1 Garden Lane', city: 'Lerwick', postalCode: 'ZE1 0AA' }, accessibility: 'Level paths' }],
      schedules: [{ byday: 'SA', opensAt: '10:00', closesAt: '13:00' }, { freq: 'MONTHLY', byday: '1SU', opensAt: '14:00', closesAt: '16:00' }],
      languages: [{ name: 'English', code: 'en' }],
      contacts: [{ name: 'Sam Grower', email: 'sam@example.org', phone: '01632 960001' }],
      phones: ['01632 960000'],
      url: 'https://garden.example.org',
    });
    const { status, body } = await get(token, `/api/v1/services/${svc.id}?postcode=${encodeURIComponent(place.postcode)}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: svc.id,
      name: 'Community gardening',
      eligibility: 'Adults',
      minimumAge: 18,
      cost: { free: true, text: 'Free, donations welcome' },
      languages: [{ name: 'English', code: 'en', note: null }],
      phones: [{ number: '01632 960000' }],
      contacts: [{ name: 'Sam Grower', email: 'sam@example.org', phones: [{ number: '01632 960001' }] }],
      url: 'https://garden.example.org',
      mayBeOutOfDate: false,
      origin: { postcode: place.postcode, precision: 'unit' },
    });
    expect(body.locations).toEqual([
      expect.objectContaining({ name: 'Allotment site', distanceKm: 1.5, addresses: [{ addressType: 'physical', lines: ['1 Garden Lane', 'Lerwick'], postalCode: 'ZE1 0AA' }], accessibility: [{ description: 'Level paths', details: null, url: null }] }),
    ]);
    expect(body.schedules.map((s: { text: string }) => s.text)).toEqual(['Saturdays, 10am to 1pm', 'The first Sunday of each month, 2pm to 4pm']);
    expect(body.needs.map((n: { code: string }) => n.code).sort()).toEqual(['nature-and-green-space', 'social-isolation']);
  });

  it('is 404 for an unknown or malformed id', async () => {
    const { token } = await world();
    expect((await get(token, '/api/v1/services/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await get(token, '/api/v1/services/nope')).status).toBe(400);
  });

  it('is in the OpenAPI document with its parameters', async () => {
    const app = await testApp();
    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, any> };
    const list = doc.paths['/api/v1/services']!.get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['text', 'need', 'attribute', 'language', 'postcode', 'maxKm', 'openNow', 'day', 'age', 'sort', 'page', 'cursor', 'limit']),
    );
    expect(list.responses['200']).toBeDefined();
    expect(doc.paths['/api/v1/services/{id}']!.get.responses['200']).toBeDefined();
  });
});
