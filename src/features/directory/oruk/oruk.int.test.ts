import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildOrganisation, buildUser, testServices, unique } from '../../../../test/support/factories.js';
import { testApp } from '../../../../test/support/http.js';
import type { Database } from '../../../platform/db/database.js';
import type { Organisation } from '../../../platform/db/schema.js';
import type { App } from '../../../platform/http/app.js';
import { ATTRIBUTE_TAXONOMY_ID } from '../taxonomy.js';
import * as q from './queries.js';
import * as read from './read.js';
import { allKeys, checkEntity, checkPage } from './spec-shape.js';
import { asCurator, insertCentroids, insertTaxonomy } from './test-fixtures.js';

/**
 * The ORUK 3.0 API against a small directory written straight into the tables: two directories
 * (one curating organisation publishes, the other keeps everything private), a fully populated
 * service, five services for paging, filters and proximity, and unpublished services that must
 * never show.
 */

const TRAUMA_INFORMED_TERM = '855dc9ed-0476-56be-ae63-3392db0678a5';
/** Postcodes in an area that does not exist (YX), so no shipped centroid is near them. */
const POSTCODE = 'YX9 9AB';
const CENTRE = { latitude: 52.2, longitude: -1.9 };
/** Metres north of the centre, as degrees of latitude. */
const north = (metres: number) => CENTRE.latitude + metres / 111_320;

const INTERNAL_NAMES = [
  'organisation_id', 'organisationId', 'source_id', 'sourceId', 'source_hash', 'sourceHash', 'import_id', 'importId',
  'provider_organisation_id', 'providerOrganisationId', 'published', 'search_document', 'searchDocument', 'created_at', 'createdAt',
  'directory_organization_id', 'directoryOrganizationId', 'label', 'last_verified', 'lastVerified', 'updated_at',
];

interface World {
  tok: string;
  curatorOrg: Organisation;
  curator: string;
  privateCurator: string;
  taxonomyId: string;
  terms: Record<string, string>;
  org1: string;
  org2: string;
  hiddenOrg: string;
  privateOrg: string;
  s1: string;
  paging: string[];
  unpublished: string;
  privateService: string;
  l1: string;
  l2: string;
  sal1: string;
  sal2: string;
  unpublishedSal: string;
  privateSal: string;
  pagingSals: string[];
  l1Contact: string;
  salContact: string;
  unpublishedContact: string;
  injectedContact: string;
  injectedPhone: string;
}

let app: App;
let db: Database;
let world: World;

async function get(url: string, headers: Record<string, string> = {}) {
  const response = await app.inject({ method: 'GET', url, headers });
  return { status: response.statusCode, headers: response.headers, text: response.body, json: () => response.json() as Record<string, any> };
}

async function build(): Promise<World> {
  const tok = unique('zq').replace('-', '');
  const curatorOrg = await buildOrganisation();
  const curator = curatorOrg.id;
  const privateCurator = (await buildOrganisation()).id;
  const { taxonomyId, terms } = await insertTaxonomy(db, `Activities ${tok}`, [
    { name: 'Gardening', code: 'gardening', description: 'Growing things' },
    { name: 'Cooking', code: 'cooking' },
    { name: 'Baking', code: 'baking', parent: 'Cooking' },
  ]);
  await insertCentroids(db, [{ postcode: POSTCODE, kind: 'unit', ...CENTRE }]);

  const built = await asCurator(db, curator, async (w) => {
    const org1 = await w.organization({
      name: `Riverside Trust ${tok}`,
      alternateName: 'Riverside',
      description: 'A local charity',
      website: 'https://riverside.example.org',
      email: 'hello@riverside.example.org',
      sourceId: 'internal-source-1',
    });
    const org2 = await w.organization({ name: `Paging Org ${tok}`, description: null });
    const hiddenOrg = await w.organization({ name: `Hidden Org ${tok}`, description: 'Only unpublished services' });
    const s1 = await w.service(org1, {
      name: `Community Garden ${tok}`,
      alternateName: 'The Garden',
      description: 'Weekly allotment sessions for anyone who wants to grow food',
      url: 'https://riverside.example.org/garden',
      email: 'garden@riverside.example.org',
      status: 'active',
      interpretationServices: 'Polish and Urdu',
      applicationProcess: 'Just turn up',
      feesDescription: 'Free',
      accreditations: '',
      eligibilityDescription: 'Adults',
      minimumAge: 18,
      maximumAge: 99,
      alert: 'Closed on bank holidays',
      assuredDate: '2025-02-01',
      assurerEmail: 'assurer@example.org',
      lastModified: '2025-03-01T10:00:00.123Z',
      lastVerified: '2025-02-02',
      sourceId: 'internal-service-1',
      sourceHash: 'abc123',
    });
    const paging: string[] = [];
    for (const [i, letter] of ['A', 'B', 'C', 'D', 'E'].entries()) {
      paging.push(await w.service(org2, { name: `Paging ${letter} ${tok}`, lastModified: `2025-01-0${i + 1}T12:00:00Z`, minimumAge: i * 10, maximumAge: 60 + i }));
    }
    const unpublished = await w.service(org1, { name: `Secret Service ${tok}`, published: false, description: 'Weekly allotment sessions, not yet public' });
    await w.service(hiddenOrg, { name: `Hidden Service ${tok}`, published: false });

    // S1's organization children.
    const orgContact = await w.contact({ directoryOrganizationId: org1, name: 'Office', email: 'office@riverside.example.org' });
    await w.phone({ contactId: orgContact, number: '01234 000001' });
    await w.phone({ directoryOrganizationId: org1, number: '01234 000002' });
    await w.funding({ directoryOrganizationId: org1, source: 'Lottery' });
    await w.attribute('organization', org1, TRAUMA_INFORMED_TERM);

    // Locations: L1 physical (shared with the unpublished service), L2 virtual.
    const l1 = await w.location({ name: 'Allotments', description: 'Behind the church', latitude: north(100), longitude: CENTRE.longitude, sourceId: 'loc-src' });
    const l2 = await w.location({ name: 'Online', locationType: 'virtual', url: 'https://meet.example.org' });
    await w.address(l1, { address1: '2 Church Lane', city: 'Exampleton', stateProvince: 'Exampleshire', postalCode: 'YX9 9AB' });
    await w.accessibility(l1, { description: 'Step-free paths', details: 'Raised beds' });
    await w.phone({ locationId: l1, number: '01234 000003' });
    const l1Contact = await w.contact({ locationId: l1, name: 'Site warden' });
    await w.language({ locationId: l1, name: 'Welsh', code: 'cy' });
    await w.schedule({ locationId: l1, freq: 'WEEKLY', byday: 'SA', opensAt: '08:00', closesAt: '20:00', description: 'Site open' });
    await w.attribute('location', l1, TRAUMA_INFORMED_TERM);
    const sal1 = await w.serviceAtLocation(s1, l1, { description: 'On the allotments' });
    const sal2 = await w.serviceAtLocation(s1, l2);
    await w.schedule({ serviceAtLocationId: sal1, serviceId: s1, freq: 'WEEKLY', byday: 'TU', opensAt: '10:00:00', closesAt: '12:00:00' });
    await w.attribute('service_at_location', sal1, terms.Gardening!, { value: 'outdoor' });

    // S1's own children.
    const mainPhone = await w.phone({ serviceId: s1, number: '01234 567890', extension: '100', type: 'voice', description: 'Main line' });
    await w.attribute('phone', mainPhone, terms.Gardening!, { value: 'garden line' });
    // Rows of the service at one of its locations (as the importer writes a service at location's contacts and phones).
    const salContact = await w.contact({ serviceId: s1, locationId: l1, name: 'Allotment host' });
    await w.phone({ serviceId: s1, locationId: l1, number: '01234 111111' });
    await w.phone({ serviceId: s1, number: '01234 567891', extension: 'ask for Sam' });
    const contact = await w.contact({ serviceId: s1, name: 'Sam Gardener', title: 'Coordinator', email: 'sam@riverside.example.org' });
    await w.phone({ contactId: contact, serviceId: s1, number: '07700 900123' });
    await w.schedule({
      serviceId: s1, freq: 'WEEKLY', interval: 1, byday: 'MO,WE', opensAt: '09:30', closesAt: '16:00:00', validFrom: '2025-01-01', validTo: '2025-12-31',
      dtstart: '2025-01-06', description: 'Mondays and Wednesdays', attendingType: 'in person', notes: 'Bring boots',
    });
    await w.serviceArea(s1, { name: 'Exampleton', description: 'The town', extent: 'YX9', extentType: 'postcode', uri: 'https://example.org/area' });
    await w.language({ serviceId: s1, name: 'English', code: 'en' });
    await w.funding({ serviceId: s1, source: 'Council grant' });
    await w.costOption(s1, { option: 'Seeds', currency: 'GBP', amount: '12.50', amountDescription: 'A packet', validFrom: '2025-01-01' });
    await w.attribute('service', s1, terms.Gardening!);
    await w.attribute('service', s1, TRAUMA_INFORMED_TERM, { value: 'yes', label: 'internal label' });
    await w.attribute('service', paging[2]!, terms.Baking!);

    // The unpublished service shares L1 and hangs its own contact and phone on it.
    const unpublishedSal = await w.serviceAtLocation(unpublished, l1);
    const unpublishedContact = await w.contact({ serviceId: unpublished, locationId: l1, name: 'Secret contact' });
    await w.phone({ serviceId: unpublished, locationId: l1, number: '09999 999999' });
    await w.schedule({ serviceId: unpublished, locationId: l1, byday: 'SU', description: 'Secret schedule' });

    // Paging services at known distances north of the centre (and two virtual ones with postcode service areas).
    const distances = [1_000, 5_000, 20_000];
    const pagingSals: string[] = [];
    for (const [i, metres] of distances.entries()) {
      const location = await w.location({ name: `Hall ${metres}`, latitude: north(metres), longitude: CENTRE.longitude });
      pagingSals.push(await w.serviceAtLocation(paging[i]!, location));
    }
    const elsewhere = await w.location({ name: 'Phone line', locationType: 'virtual' });
    pagingSals.push(await w.serviceAtLocation(paging[3]!, elsewhere));
    pagingSals.push(await w.serviceAtLocation(paging[4]!, elsewhere));
    await w.serviceArea(paging[3]!, { extent: 'YX8, YX7 1', extentType: 'postcode' }); // does not cover YX9 9AB
    await w.serviceArea(paging[4]!, { extent: 'AB1; YX9 9', extentType: 'postcodes' }); // covers it (sector)
    return { org1, org2, hiddenOrg, s1, paging, unpublished, l1, l2, sal1, sal2, unpublishedSal, pagingSals, l1Contact, salContact, unpublishedContact };
  });

  // A private directory: nothing published. It also tries to hang rows on the first directory's service.
  const privateBuilt = await asCurator(db, privateCurator, async (w) => {
    const privateOrg = await w.organization({ name: `Private Directory Org ${tok}` });
    const privateService = await w.service(privateOrg, { name: `Private Service ${tok}`, published: false });
    const location = await w.location({ name: 'Private place', latitude: north(50), longitude: CENTRE.longitude });
    const privateSal = await w.serviceAtLocation(privateService, location);
    const injectedContact = await w.contact({ serviceId: built.s1, name: 'Injected contact' });
    const injectedPhone = await w.phone({ serviceId: built.s1, number: '06666 666666' });
    await w.schedule({ serviceId: built.s1, description: 'Injected schedule' });
    await w.attribute('service', built.s1, terms.Cooking!);
    return { privateOrg, privateService, privateSal, injectedContact, injectedPhone };
  });

  return { tok, curatorOrg, curator, privateCurator, taxonomyId, terms, ...built, ...privateBuilt };
}

beforeAll(async () => {
  app = await testApp();
  db = (await testServices()).db;
  world = await build();
});

describe('GET /api/oruk/', () => {
  it('describes the API: HSDS version, UK profile and the OpenAPI document', async () => {
    for (const url of ['/api/oruk', '/api/oruk/']) {
      const response = await get(url);
      expect(response.status).toBe(200);
      expect(response.json()).toEqual({
        version: '3.0',
        profile: 'https://github.com/OpenReferralUK/uk-profile/blob/main/docs/index.md',
        openapi_url: 'http://localhost:80/api/openapi.json',
      });
      expect(response.headers['access-control-allow-origin']).toBe('*');
    }
  });

  it('is in the OpenAPI document, public, with its parameters', async () => {
    const doc = (await get('/api/openapi.json')).json();
    for (const path of ['/api/oruk/services', '/api/oruk/services/{id}', '/api/oruk/service_at_locations', '/api/oruk/organizations/{id}', '/api/oruk/taxonomy_terms']) {
      expect(doc.paths[path]?.get, path).toBeDefined();
      expect(doc.paths[path].get.security).toEqual([]);
    }
    const names = (doc.paths['/api/oruk/services'].get.parameters as { name: string }[]).map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['search', 'page', 'per_page', 'format', 'taxonomy_term_id', 'taxonomy_id', 'organization_id', 'modified_after', 'minimal', 'full']));
    const salNames = (doc.paths['/api/oruk/service_at_locations'].get.parameters as { name: string }[]).map((p) => p.name);
    expect(salNames).toEqual(expect.arrayContaining(['postcode', 'proximity']));
  });
});

describe('paginated envelopes', () => {
  const page = (query: string) => get(`/api/oruk/services?organization_id=${world.org2}&${query}`);

  it('pages from 1 with the standard’s fields and maths', async () => {
    const first = await page('per_page=2');
    expect(first.status).toBe(200);
    const body = first.json();
    expect(checkPage(body, 'service')).toEqual([]);
    expect({ ...body, contents: undefined }).toEqual({
      total_items: 5, total_pages: 3, page_number: 1, size: 2, first_page: true, last_page: false, empty: false, contents: undefined,
    });
    expect(body.contents.map((s: { name: string }) => s.name)).toEqual([`Paging A ${world.tok}`, `Paging B ${world.tok}`]);

    const middle = (await page('per_page=2&page=2')).json();
    expect(middle).toMatchObject({ page_number: 2, size: 2, first_page: false, last_page: false, empty: false });
    expect(middle.contents.map((s: { name: string }) => s.name)).toEqual([`Paging C ${world.tok}`, `Paging D ${world.tok}`]);

    const last = (await page('per_page=2&page=3')).json();
    expect(last).toMatchObject({ total_items: 5, total_pages: 3, page_number: 3, size: 1, first_page: false, last_page: true, empty: false });

    const beyond = (await page('per_page=2&page=4')).json();
    expect(beyond).toEqual({ total_items: 5, total_pages: 3, page_number: 4, size: 0, first_page: false, last_page: true, empty: true, contents: [] });

    const whole = (await page('per_page=5')).json();
    expect(whole).toMatchObject({ total_items: 5, total_pages: 1, size: 5, first_page: true, last_page: true });
  });

  it('says so when nothing matches', async () => {
    const none = (await get(`/api/oruk/services?search=${world.tok}nothing`)).json();
    expect(none).toEqual({ total_items: 0, total_pages: 0, page_number: 1, size: 0, first_page: true, last_page: true, empty: true, contents: [] });
  });

  it('refuses bad paging with field errors', async () => {
    for (const [query, field] of [['per_page=201', 'per_page'], ['per_page=0', 'per_page'], ['page=0', 'page'], ['page=two', 'page'], ['format=xml', 'format']] as const) {
      const response = await get(`/api/oruk/services?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json().errors.map((e: { field: string }) => e.field), query).toContain(field);
    }
  });

  it('streams every result as ndjson without the envelope', async () => {
    const response = await get(`/api/oruk/services?organization_id=${world.org2}&format=ndjson`);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('application/x-ndjson');
    const lines = response.text.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toHaveLength(5);
    for (const line of lines) expect(checkEntity(line, 'service')).toEqual([]);
  });
});

describe('GET /api/oruk/services/{id}', () => {
  it('returns the service fully nested, conforming to the HSDS service schema', async () => {
    const response = await get(`/api/oruk/services/${world.s1}`);
    expect(response.status).toBe(200);
    const s = response.json();
    expect(checkEntity(s, 'service')).toEqual([]);

    expect(s).toMatchObject({
      id: world.s1,
      organization_id: world.org1,
      name: `Community Garden ${world.tok}`,
      status: 'active',
      minimum_age: 18,
      maximum_age: 99,
      assured_date: '2025-02-01',
      last_modified: '2025-03-01T10:00:00.123Z',
    });
    expect(s).not.toHaveProperty('accreditations'); // empty in the database: left out, not ""
    expect(s.organization).toMatchObject({ id: world.org1, name: `Riverside Trust ${world.tok}`, description: 'A local charity', website: 'https://riverside.example.org' });
    expect(s.organization.funding).toEqual([expect.objectContaining({ source: 'Lottery' })]);
    expect(s.organization.phones.map((p: { number: string }) => p.number)).toEqual(['01234 000002']);
    expect(s.organization.contacts).toEqual([expect.objectContaining({ name: 'Office', phones: [expect.objectContaining({ number: '01234 000001' })] })]);

    // Phones: an all-digit extension is a number; one that is not cannot be sent as one.
    const phones = Object.fromEntries(s.phones.map((p: { number: string }) => [p.number, p]));
    expect(Object.keys(phones).sort()).toEqual(['01234 567890', '01234 567891']);
    expect(phones['01234 567890']).toMatchObject({ extension: 100, type: 'voice', description: 'Main line' });
    expect(phones['01234 567890'].attributes).toEqual([expect.objectContaining({ link_entity: 'phone', value: 'garden line', taxonomy_term: expect.objectContaining({ name: 'Gardening' }) })]);
    expect(phones['01234 567891']).not.toHaveProperty('attributes');
    expect(phones['01234 567891']).not.toHaveProperty('extension');

    expect(s.contacts).toHaveLength(1);
    expect(s.contacts[0]).toMatchObject({ name: 'Sam Gardener', title: 'Coordinator', phones: [expect.objectContaining({ number: '07700 900123' })] });
    expect(s.schedules).toEqual([
      expect.objectContaining({
        freq: 'WEEKLY', interval: 1, byday: 'MO,WE', opens_at: '09:30:00', closes_at: '16:00:00', valid_from: '2025-01-01', valid_to: '2025-12-31', dtstart: '2025-01-06',
      }),
    ]);
    expect(s.service_areas).toEqual([expect.objectContaining({ name: 'Exampleton', extent: 'YX9', extent_type: 'postcode' })]);
    expect(s.languages).toEqual([expect.objectContaining({ name: 'English', code: 'en' })]);
    expect(s.funding).toEqual([expect.objectContaining({ source: 'Council grant' })]);
    expect(s.cost_options).toEqual([expect.objectContaining({ option: 'Seeds', currency: 'GBP', amount: 12.5, valid_from: '2025-01-01' })]);

    const attributeTerms = s.attributes.map((a: { taxonomy_term: { name: string } }) => a.taxonomy_term.name).sort();
    expect(attributeTerms).toEqual(['Gardening', 'Trauma-informed practice']);
    const gardening = s.attributes.find((a: { taxonomy_term_id: string }) => a.taxonomy_term_id === world.terms.Gardening);
    expect(gardening).toMatchObject({
      link_entity: 'service',
      link_id: world.s1,
      taxonomy_term: { id: world.terms.Gardening, code: 'gardening', name: 'Gardening', description: 'Growing things', taxonomy_id: world.taxonomyId, taxonomy: `Activities ${world.tok}` },
    });
    expect(gardening.taxonomy_term.taxonomy_detail).toMatchObject({ id: world.taxonomyId, name: `Activities ${world.tok}`, version: '1' });
    const linkwork = s.attributes.find((a: { taxonomy_term_id: string }) => a.taxonomy_term_id === TRAUMA_INFORMED_TERM);
    expect(linkwork.taxonomy_term).toMatchObject({ code: 'trauma-informed', description: '', taxonomy_id: ATTRIBUTE_TAXONOMY_ID });
    expect(linkwork.value).toBe('yes');

    // Service at locations, each with its location nested.
    expect(s.service_at_locations.map((sal: { id: string }) => sal.id).sort()).toEqual([world.sal1, world.sal2].sort());
    const sal1 = s.service_at_locations.find((sal: { id: string }) => sal.id === world.sal1);
    expect(sal1).toMatchObject({ service_id: world.s1, location_id: world.l1, description: 'On the allotments' });
    expect(sal1.schedules).toEqual([expect.objectContaining({ byday: 'TU', opens_at: '10:00:00', closes_at: '12:00:00' })]);
    expect(sal1.attributes).toEqual([expect.objectContaining({ value: 'outdoor', link_entity: 'service_at_location' })]);
    expect(sal1.contacts.map((c: { id: string }) => c.id)).toEqual([world.salContact]);
    expect(sal1.phones.map((p: { number: string }) => p.number)).toEqual(['01234 111111']);
    const sal2 = s.service_at_locations.find((sal: { id: string }) => sal.id === world.sal2);
    expect(sal2).toMatchObject({ contacts: [], phones: [], schedules: [], attributes: [] });
    const l1 = sal1.location;
    expect(l1).toMatchObject({ id: world.l1, location_type: 'physical', name: 'Allotments', longitude: CENTRE.longitude });
    expect(l1.latitude).toBeCloseTo(north(100), 10);
    expect(l1.addresses).toEqual([
      expect.objectContaining({ address_1: '2 Church Lane', city: 'Exampleton', state_province: 'Exampleshire', postal_code: 'YX9 9AB', country: 'GB', address_type: 'physical' }),
    ]);
    expect(l1.accessibility).toEqual([expect.objectContaining({ description: 'Step-free paths', details: 'Raised beds' })]);
    expect(l1.phones.map((p: { number: string }) => p.number)).toEqual(['01234 000003']);
    expect(l1.contacts.map((c: { id: string }) => c.id)).toEqual([world.l1Contact]);
    expect(l1.languages).toEqual([expect.objectContaining({ name: 'Welsh', code: 'cy' })]);
    expect(l1.schedules).toEqual([expect.objectContaining({ byday: 'SA', opens_at: '08:00:00', closes_at: '20:00:00' })]);
    expect(l1.attributes).toHaveLength(1);
    const l2 = s.service_at_locations.find((sal: { id: string }) => sal.id === world.sal2).location;
    expect(l2).toMatchObject({ id: world.l2, location_type: 'virtual', url: 'https://meet.example.org' });
    expect(l2).not.toHaveProperty('latitude');
    expect(l2.addresses).toEqual([]);
  });

  it('shows nothing another directory hangs on the service, nor what an unpublished service hangs on a shared location', async () => {
    const text = (await get(`/api/oruk/services/${world.s1}`)).text;
    for (const leaked of [world.injectedContact, world.injectedPhone, 'Injected schedule', world.terms.Cooking!, world.unpublishedContact, 'Secret', '09999 999999']) {
      expect(text).not.toContain(leaked);
    }
  });

  it('answers 404 problems for unknown or unpublished ids, and 400 for a malformed one', async () => {
    for (const id of ['6f1a4c52-7d0e-4a57-9a33-0d4c1a2b3c4d', world.unpublished, world.privateService]) {
      const response = await get(`/api/oruk/services/${id}`);
      expect(response.status).toBe(404);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json()).toMatchObject({ status: 404, title: 'Not found' });
      expect(response.headers['access-control-allow-origin']).toBe('*');
    }
    const malformed = await get('/api/oruk/services/not-a-uuid');
    expect(malformed.status).toBe(400);
    expect(malformed.json().errors[0].field).toBe('id');
  });
});

describe('full nesting cost', () => {
  /** Counts the statements a transaction runs. */
  class Counter implements KyselyPlugin {
    statements = 0;
    transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
      this.statements++;
      return args.node;
    }
    async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      return args.result;
    }
  }

  const statementsFor = (serviceIds: string[]) =>
    db.inScope({ organisationId: null, userId: null }, async (tx) => {
      const rows = await q.servicesByKeys(tx, serviceIds.map((id) => ({ organisationId: world.curator, id })));
      const counter = new Counter();
      const built = await read.services(tx.withPlugin(counter), rows, { full: true });
      expect(built).toHaveLength(serviceIds.length);
      return counter.statements;
    });

  it('loads a page of fully nested services with one statement per kind of child, however many services', async () => {
    const one = await statementsFor([world.s1]);
    const six = await statementsFor([world.s1, ...world.paging]);
    expect(six).toBe(one);
    expect(one).toBeLessThanOrEqual(20);
  });
});

describe('GET /api/oruk/services filters', () => {
  const ids = async (query: string) => {
    const response = await get(`/api/oruk/services?per_page=200&${query}`);
    expect(response.status, query).toBe(200);
    const body = response.json();
    expect(checkPage(body, 'service'), query).toEqual([]);
    return (body.contents as { id: string }[]).map((s) => s.id).sort();
  };

  it('filters by taxonomy term, taxonomy, organization and modification date, combined with AND', async () => {
    expect(await ids(`taxonomy_term_id=${world.terms.Gardening}`)).toEqual([world.s1]);
    expect(await ids(`taxonomy_term_id=${world.terms.Baking}`)).toEqual([world.paging[2]]);
    expect(await ids(`taxonomy_id=${world.taxonomyId}`)).toEqual([world.s1, world.paging[2]!].sort());
    expect(await ids(`taxonomy_id=${world.taxonomyId}&organization_id=${world.org2}`)).toEqual([world.paging[2]]);
    expect(await ids(`organization_id=${world.org1}`)).toEqual([world.s1]);
    expect(await ids(`organization_id=${world.hiddenOrg}`)).toEqual([]);
    expect(await ids(`organization_id=${world.org2}&modified_after=2025-01-03T12:00:00Z`)).toEqual(world.paging.slice(2).sort());
    expect(await ids(`organization_id=${world.org2}&modified_after=2025-01-04`)).toEqual(world.paging.slice(3).sort());
    expect(await ids(`organization_id=${world.org2}&modified_after=2025-01-03T13:00:00%2B01:00`)).toEqual(world.paging.slice(2).sort());
    expect(await ids(`organization_id=${world.org2}&modified_after=2025-01-03T12:00:01`)).toEqual(world.paging.slice(3).sort());
  });

  it('searches the text of names and descriptions (whole words, stemmed), never unpublished services', async () => {
    expect(await ids(`search=allotments&organization_id=${world.org1}`)).toEqual([world.s1]);
    expect(await ids(`search=${world.tok}`)).toEqual([world.s1, ...world.paging].sort());
    expect(await ids(`search=garden ${world.tok}`)).toEqual([world.s1]);
    expect(await ids(`search=Secret Service ${world.tok}`)).toEqual([]);
  });

  it('takes the UK profile’s age and opening filters', async () => {
    expect(await ids(`organization_id=${world.org2}&minimum_age=20`)).toEqual(world.paging.slice(2).sort());
    expect(await ids(`organization_id=${world.org2}&maximum_age=61`)).toEqual(world.paging.slice(0, 2).sort());
    expect(await ids(`organization_id=${world.org2}&minimum_age=12.5`)).toEqual(world.paging.slice(2).sort());
    expect(await ids(`search=${world.tok}&day=MO`)).toEqual([world.s1]);
    expect(await ids(`search=${world.tok}&day=tuesday`)).toEqual([world.s1]);
    expect(await ids(`search=${world.tok}&day=FR`)).toEqual([]);
    expect(await ids(`search=${world.tok}&day=MO&start_time=09:00&end_time=17:00`)).toEqual([world.s1]);
    expect(await ids(`search=${world.tok}&start_time=10:00&end_time=11:00`)).toEqual([]);
  });

  it('gives minimal and fully nested listings', async () => {
    const minimal = (await get(`/api/oruk/services?organization_id=${world.org2}&minimal=true`)).json();
    expect(minimal.contents).toHaveLength(5);
    for (const item of minimal.contents) expect(Object.keys(item).sort()).toEqual(['id', 'last_modified']);

    const listed = (await get(`/api/oruk/services?organization_id=${world.org1}`)).json().contents[0];
    expect(listed).toMatchObject({ id: world.s1, organization: { id: world.org1 } });
    expect(listed).not.toHaveProperty('service_at_locations');
    expect(listed).not.toHaveProperty('contacts');
    expect(listed.organization).not.toHaveProperty('contacts');

    const full = (await get(`/api/oruk/services?organization_id=${world.org1}&full=true`)).json();
    expect(checkPage(full, 'service')).toEqual([]);
    expect(full.contents[0]).toEqual((await get(`/api/oruk/services/${world.s1}`)).json());
  });

  it('refuses bad filters with field errors', async () => {
    for (const [query, field] of [
      ['taxonomy_term_id=gardening', 'taxonomy_term_id'],
      ['taxonomy_id=1', 'taxonomy_id'],
      ['organization_id=abc', 'organization_id'],
      ['modified_after=yesterday', 'modified_after'],
      ['modified_after=2025-13-45', 'modified_after'],
      ['minimal=true&full=true', 'minimal'],
      ['day=someday', 'day'],
      ['start_time=9am', 'start_time'],
      ['minimum_age=-1', 'minimum_age'],
    ] as const) {
      const response = await get(`/api/oruk/services?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.json().errors.map((e: { field: string }) => e.field), query).toContain(field);
    }
  });
});

describe('GET /api/oruk/service_at_locations', () => {
  const haversine = (a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }) => {
    const rad = (d: number) => (d * Math.PI) / 180;
    const h = Math.sin(rad(b.latitude - a.latitude) / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(rad(b.longitude - a.longitude) / 2) ** 2;
    return 2 * 6_371_008.8 * Math.asin(Math.sqrt(h));
  };

  it('lists services at locations with their location and service', async () => {
    const body = (await get(`/api/oruk/service_at_locations?organization_id=${world.org1}`)).json();
    expect(checkPage(body, 'service_at_location')).toEqual([]);
    expect(body.contents.map((s: { id: string }) => s.id).sort()).toEqual([world.sal1, world.sal2].sort());
    const item = body.contents.find((s: { id: string }) => s.id === world.sal1);
    expect(item).toMatchObject({ service_id: world.s1, location_id: world.l1, location: { id: world.l1, name: 'Allotments' }, service: { id: world.s1, organization: { id: world.org1 } } });
    expect(item.location).not.toHaveProperty('addresses');
  });

  it('orders by distance from the postcode and keeps those within the proximity', async () => {
    const near = (await get(`/api/oruk/service_at_locations?postcode=${encodeURIComponent(POSTCODE)}&proximity=6000&organization_id=${world.org2}`)).json();
    expect(checkPage(near, 'service_at_location')).toEqual([]);
    expect(near.contents.map((s: { id: string }) => s.id)).toEqual(world.pagingSals.slice(0, 2));
    expect(near.total_items).toBe(2);

    // Without proximity: every location, nearest first, virtual ones last; service areas listing postcodes must cover it.
    const all = (await get(`/api/oruk/service_at_locations?postcode=yx99ab&organization_id=${world.org2}`)).json();
    expect(all.contents.map((s: { id: string }) => s.id)).toEqual([...world.pagingSals.slice(0, 3), world.pagingSals[4]]);

    // Across directories: published ones only, sorted by distance.
    const close = (await get(`/api/oruk/service_at_locations?postcode=${encodeURIComponent(POSTCODE)}&proximity=1500&per_page=200`)).json();
    const closeIds = close.contents.map((s: { id: string }) => s.id);
    expect(closeIds).toEqual(expect.arrayContaining([world.sal1, world.pagingSals[0]]));
    expect(closeIds).not.toContain(world.privateSal);
    expect(closeIds).not.toContain(world.unpublishedSal);
    const distances = close.contents.map((s: { location: { latitude: number; longitude: number } }) => haversine(CENTRE, s.location));
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    expect(Math.max(...distances)).toBeLessThanOrEqual(1500);

    const paged = (await get(`/api/oruk/service_at_locations?postcode=${encodeURIComponent(POSTCODE)}&proximity=25000&organization_id=${world.org2}&per_page=2&page=2`)).json();
    expect(paged).toMatchObject({ total_items: 3, total_pages: 2, page_number: 2, size: 1, last_page: true });
    expect(paged.contents[0].id).toBe(world.pagingSals[2]);
  });

  it('refuses proximity without a postcode, and postcodes it cannot place', async () => {
    const cases = [
      ['proximity=1000', 'proximity', 400],
      ['postcode=NOT A POSTCODE', 'postcode', 400],
      ['postcode=YY1 1AA', 'postcode', 400],
      ['postcode=YX9 9AB&proximity=-5', 'proximity', 400],
      ['postcode=YX9 9AB&proximity=far', 'proximity', 400],
    ] as const;
    for (const [query, field, status] of cases) {
      const response = await get(`/api/oruk/service_at_locations?${query.replace(/ /g, '%20')}`);
      expect(response.status, query).toBe(status);
      expect(response.json().errors.map((e: { field: string }) => e.field), query).toContain(field);
    }
  });

  it('gives one fully nested, with its location and service; 404 for an unpublished service’s', async () => {
    const response = await get(`/api/oruk/service_at_locations/${world.sal1}`);
    expect(response.status).toBe(200);
    const sal = response.json();
    expect(checkEntity(sal, 'service_at_location')).toEqual([]);
    expect(sal).toMatchObject({ id: world.sal1, location: { id: world.l1, addresses: [expect.objectContaining({ address_1: '2 Church Lane' })] }, service: { id: world.s1 } });
    expect(sal.schedules).toEqual([expect.objectContaining({ byday: 'TU' })]);
    expect(sal.service).not.toHaveProperty('service_at_locations');
    expect(sal.service.contacts).toHaveLength(1);
    for (const id of [world.unpublishedSal, world.privateSal, '0b0c8a2e-3d4f-4e5a-9b6c-7d8e9f0a1b2c']) {
      expect((await get(`/api/oruk/service_at_locations/${id}`)).status).toBe(404);
    }
  });
});

describe('GET /api/oruk/organizations', () => {
  it('lists organizations that provide a published service, with their own fields', async () => {
    const body = (await get(`/api/oruk/organizations?search=${world.tok}&per_page=200`)).json();
    expect(checkPage(body, 'organization')).toEqual([]);
    expect(body.contents.map((o: { id: string }) => o.id).sort()).toEqual([world.org1, world.org2].sort());
    const org2 = body.contents.find((o: { id: string }) => o.id === world.org2);
    expect(org2).toEqual({ id: world.org2, name: `Paging Org ${world.tok}`, description: '' });
  });

  it('nests services (listed, or fully nested) with full=true', async () => {
    const body = (await get(`/api/oruk/organizations?search=Riverside Trust ${world.tok}&full=true`)).json();
    expect(checkPage(body, 'organization')).toEqual([]);
    expect(body.contents).toHaveLength(1);
    expect(body.contents[0].services.map((s: { id: string }) => s.id)).toEqual([world.s1]);
    expect(body.contents[0].services[0]).not.toHaveProperty('contacts');
    const fullService = (await get(`/api/oruk/organizations?search=Riverside Trust ${world.tok}&full=true&full_service=true`)).json();
    expect(fullService.contents[0].services[0].contacts).toHaveLength(1);
  });

  it('gives one organization with its published services; 404 for one with none', async () => {
    const response = await get(`/api/oruk/organizations/${world.org1}`);
    expect(response.status).toBe(200);
    const org = response.json();
    expect(checkEntity(org, 'organization')).toEqual([]);
    expect(org).toMatchObject({ id: world.org1, alternate_name: 'Riverside', email: 'hello@riverside.example.org' });
    expect(org.services.map((s: { id: string }) => s.id)).toEqual([world.s1]);
    expect(org.attributes).toEqual([expect.objectContaining({ taxonomy_term_id: TRAUMA_INFORMED_TERM })]);
    const full = (await get(`/api/oruk/organizations/${world.org1}?full_service=true`)).json();
    expect(full.services[0].service_at_locations).toHaveLength(2);
    for (const id of [world.hiddenOrg, world.privateOrg]) expect((await get(`/api/oruk/organizations/${id}`)).status).toBe(404);
  });
});

describe('taxonomies and taxonomy terms', () => {
  it('lists taxonomies and gives one', async () => {
    const body = (await get(`/api/oruk/taxonomies?search=${world.tok}`)).json();
    expect(checkPage(body, 'taxonomy')).toEqual([]);
    expect(body.contents).toEqual([{ id: world.taxonomyId, name: `Activities ${world.tok}`, description: `Activities ${world.tok} (test)`, uri: 'https://example.org/taxonomy', version: '1' }]);
    const linkwork = await get(`/api/oruk/taxonomies/${ATTRIBUTE_TAXONOMY_ID}`);
    expect(linkwork.status).toBe(200);
    expect(checkEntity(linkwork.json(), 'taxonomy')).toEqual([]);
    expect((await get('/api/oruk/taxonomies/6f1a4c52-7d0e-4a57-9a33-0d4c1a2b3c4d')).status).toBe(404);
  });

  it('lists terms by taxonomy, parent, top level or search, and gives one', async () => {
    const names = async (query: string) => {
      const body = (await get(`/api/oruk/taxonomy_terms?${query}`)).json();
      expect(checkPage(body, 'taxonomy_term'), query).toEqual([]);
      return body.contents.map((t: { name: string }) => t.name);
    };
    expect(await names(`taxonomy_id=${world.taxonomyId}`)).toEqual(['Baking', 'Cooking', 'Gardening']);
    expect(await names(`taxonomy_id=${world.taxonomyId}&top_only=true`)).toEqual(['Cooking', 'Gardening']);
    expect(await names(`parent_id=${world.terms.Cooking}`)).toEqual(['Baking']);
    expect(await names(`taxonomy_id=${world.taxonomyId}&search=grow`)).toEqual(['Gardening']);
    expect((await names(`taxonomy_id=${ATTRIBUTE_TAXONOMY_ID}&per_page=200`)).length).toBe(9);

    const term = (await get(`/api/oruk/taxonomy_terms/${world.terms.Baking}`)).json();
    expect(checkEntity(term, 'taxonomy_term')).toEqual([]);
    expect(term).toEqual({
      id: world.terms.Baking,
      code: 'baking',
      name: 'Baking',
      description: '',
      parent_id: world.terms.Cooking,
      taxonomy: `Activities ${world.tok}`,
      taxonomy_detail: { id: world.taxonomyId, name: `Activities ${world.tok}`, description: `Activities ${world.tok} (test)`, uri: 'https://example.org/taxonomy', version: '1' },
      language: 'en',
      taxonomy_id: world.taxonomyId,
    });
    expect((await get('/api/oruk/taxonomy_terms/6f1a4c52-7d0e-4a57-9a33-0d4c1a2b3c4d')).status).toBe(404);
    expect((await get('/api/oruk/taxonomy_terms?parent_id=baking')).status).toBe(400);
  });
});

describe('isolation: nothing private, nothing internal', () => {
  const everything = () => [
    '/api/oruk/',
    '/api/oruk/services?format=ndjson',
    '/api/oruk/services?format=ndjson&full=true',
    `/api/oruk/services?search=${world.tok}&per_page=200&full=true`,
    `/api/oruk/services/${world.s1}`,
    '/api/oruk/service_at_locations?format=ndjson&full=true',
    `/api/oruk/service_at_locations?postcode=${encodeURIComponent(POSTCODE)}&proximity=100000&per_page=200&full=true`,
    `/api/oruk/service_at_locations/${world.sal1}`,
    '/api/oruk/organizations?format=ndjson&full=true&full_service=true',
    `/api/oruk/organizations?search=${world.tok}&full=true&full_service=true`,
    `/api/oruk/organizations/${world.org1}?full_service=true`,
    '/api/oruk/taxonomies?format=ndjson',
    '/api/oruk/taxonomy_terms?format=ndjson',
    `/api/oruk/taxonomy_terms/${world.terms.Gardening}`,
  ];

  it('never shows an unpublished service, a private directory or anything hung on them', async () => {
    const secrets = [
      world.unpublished, world.privateService, world.unpublishedSal, world.privateSal, world.hiddenOrg, world.privateOrg,
      world.unpublishedContact, world.injectedContact, world.injectedPhone, `Secret Service ${world.tok}`, `Private Service ${world.tok}`,
      `Hidden Org ${world.tok}`, `Private Directory Org ${world.tok}`, 'Private place', 'Injected', '09999 999999', '06666 666666',
    ];
    for (const url of everything()) {
      const response = await get(url);
      expect(response.status, url).toBe(200);
      for (const secret of secrets) expect(response.text, `${url} shows ${secret}`).not.toContain(secret);
    }
    // What is shown is there: the lists did reach the published service.
    expect((await get('/api/oruk/services?format=ndjson')).text).toContain(world.s1);
  });

  it('sends no internal field and no curating organisation', async () => {
    for (const url of everything()) {
      const response = await get(url);
      const values = String(response.headers['content-type']).includes('ndjson')
        ? response.text.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line))
        : [response.json()];
      const keys = allKeys(values);
      for (const name of INTERNAL_NAMES) expect(keys.has(name), `${url} has ${name}`).toBe(false);
      for (const value of [world.curator, world.privateCurator, 'internal-source-1', 'internal-service-1', 'abc123', 'loc-src', 'internal label']) {
        expect(response.text, `${url} shows ${value}`).not.toContain(value);
      }
    }
  });

  it('gives the public view even with the curating organisation’s API token', async () => {
    const services = await testServices();
    // The curator's own token (row-level security would show it its unpublished service) and another organisation's.
    for (const user of [await buildUser(world.curatorOrg, 'admin'), await buildUser(await buildOrganisation(), 'admin')]) {
      const { token } = await services.tokens.create(user.ctx, 'oruk test');
      const headers = { authorization: `Bearer ${token}` };
      expect((await get(`/api/oruk/services/${world.unpublished}`, headers)).status).toBe(404);
      expect((await get(`/api/oruk/services/${world.s1}`, headers)).status).toBe(200);
      expect((await get(`/api/oruk/services?organization_id=${world.org1}`, headers)).json().total_items).toBe(1);
    }
  });
});
