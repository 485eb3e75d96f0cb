import { describe, expect, it } from 'vitest';
import { asOwner } from '../../../../test/support/backend.js';
import { buildDirectoryService, isolatedPlace, uniqueWord } from '../../../../test/support/directory.js';
import { buildOrganisation, buildUser, testServices } from '../../../../test/support/factories.js';
import type { RequestContext } from '../../../platform/context.js';
import { ValidationFailed } from '../../../platform/errors.js';
import { createDirectorySearchService } from './service.js';
import { londonClock, parseSearch, searchWords, type SearchInput } from './rules.js';
import { searchSql } from './sql.js';

async function world() {
  const curator = await buildOrganisation({ type: 'vcse' });
  const service = await buildOrganisation({ type: 'sp-service' });
  const linkWorker = await buildUser(service, 'link-worker');
  return { curator, service, linkWorker };
}

async function search(ctx: RequestContext, input: SearchInput) {
  return (await testServices()).directorySearch.search(ctx, { limit: 200, ...input });
}

const names = (r: { items: { name: string }[] }) => r.items.map((i) => i.name);

describe('directory search: relevance', () => {
  it('finds "Community gardening" for the typo "gardning", and says what matched', async () => {
    const { curator, linkWorker } = await world();
    const place = await isolatedPlace();
    const tag = uniqueWord();
    await buildDirectoryService(curator, { name: 'Community gardening', description: `Grow vegetables outdoors ${tag}`, locations: [place.at(1, 0)] });
    await buildDirectoryService(curator, { name: 'Money advice drop-in', description: `Debt help ${tag}`, locations: [place.at(1, 1)] });
    const found = await search(linkWorker.ctx, { text: 'gardning', nearPostcode: place.postcode, maxKm: 10 });
    expect(names(found)).toEqual(['Community gardening']);
    expect(found.items[0]!.matches).toEqual(['gardening']);
    expect(found.items[0]!.explanation).toMatch(/^1\.\d km · matches: gardening$/);
  });

  it('stems: "walks" finds the "Walking group"', async () => {
    const { curator, linkWorker } = await world();
    const tag = uniqueWord();
    await buildDirectoryService(curator, { name: `Walking group ${tag}`, description: 'Gentle walks in the park every week' });
    await buildDirectoryService(curator, { name: `Lunch club ${tag}`, description: 'Hot meals and company' });
    const found = await search(linkWorker.ctx, { text: `walks ${tag}` });
    expect(names(found)).toEqual([`Walking group ${tag}`]);
    expect(found.items[0]!.matches).toContain('walks');
  });

  it('ranks a match in the name above a match in the description', async () => {
    const { curator, linkWorker } = await world();
    const tag = uniqueWord();
    await buildDirectoryService(curator, { name: `Lunch club ${tag}`, description: 'Sometimes we do some knitting after lunch' });
    await buildDirectoryService(curator, { name: `Knitting circle ${tag}`, description: 'Bring your needles' });
    const found = await search(linkWorker.ctx, { text: `knitting ${tag}` });
    expect(names(found)).toEqual([`Knitting circle ${tag}`, `Lunch club ${tag}`]);
  });

  it('a need matches services tagged with needs within it: fuel-poverty is found by money-and-debt', async () => {
    const { curator, linkWorker } = await world();
    const tag = uniqueWord();
    await buildDirectoryService(curator, { name: `Warm homes fund ${tag}`, needs: ['fuel-poverty'] });
    await buildDirectoryService(curator, { name: `Debt advice ${tag}`, needs: ['money-and-debt'] });
    await buildDirectoryService(curator, { name: `Choir ${tag}`, needs: ['social-isolation'] });
    const found = await search(linkWorker.ctx, { text: tag, need: 'money-and-debt', sort: 'name' });
    expect(names(found)).toEqual([`Debt advice ${tag}`, `Warm homes fund ${tag}`]);
    expect(found.items[1]!.explanation).toContain('helps with: Fuel poverty');
    const narrow = await search(linkWorker.ctx, { text: tag, need: 'fuel-poverty' });
    expect(names(narrow)).toEqual([`Warm homes fund ${tag}`]);
  });

  it('refuses an unknown need with a field error', async () => {
    const { linkWorker } = await world();
    await expect(search(linkWorker.ctx, { need: 'flying-lessons' })).rejects.toMatchObject({ errors: [{ field: 'need' }] });
  });
});

describe('directory search: distance', () => {
  it('sorts by distance from a postcode and limits by km', async () => {
    const { curator, linkWorker } = await world();
    const place = await isolatedPlace();
    const tag = uniqueWord();
    await buildDirectoryService(curator, { name: `Far ${tag}`, locations: [place.at(0, 8)] });
    await buildDirectoryService(curator, { name: `Near ${tag}`, locations: [place.at(0.5, 0)] });
    await buildDirectoryService(curator, { name: `Middle ${tag}`, locations: [place.at(-3, 0), place.at(0, 20)] });
    await buildDirectoryService(curator, { name: `Outside ${tag}`, locations: [place.at(30, 0)] });
    await buildDirectoryService(curator, { name: `Nowhere ${tag}` });

    const within = await search(linkWorker.ctx, { nearPostcode: place.postcode, maxKm: 10, sort: 'distance' });
    expect(names(within)).toEqual([`Near ${tag}`, `Middle ${tag}`, `Far ${tag}`]);
    expect(within.items.map((i) => i.distanceKm)).toEqual([0.5, 3, 8]);
    expect(within.total).toBe(3);

    const all = await search(linkWorker.ctx, { text: tag, nearPostcode: place.postcode });
    // Without a limit every match comes back, nearest first; a service with no mapped place ranks as if about 12 km away.
    expect(names(all)).toEqual([`Near ${tag}`, `Middle ${tag}`, `Far ${tag}`, `Nowhere ${tag}`, `Outside ${tag}`]);
    expect(all.items.find((i) => i.name === `Nowhere ${tag}`)!.distanceKm).toBeNull();
    expect(all.origin).toMatchObject({ postcode: place.postcode, precision: 'unit' });

    const tight = await search(linkWorker.ctx, { nearPostcode: place.postcode, maxKm: 3.5 });
    expect(names(tight)).toEqual([`Near ${tag}`, `Middle ${tag}`]);
  });

  it('combines relevance with distance: a better text match a little further away can rank first', async () => {
    const { curator, linkWorker } = await world();
    const place = await isolatedPlace();
    const tag = uniqueWord();
    await buildDirectoryService(curator, { name: `Football for all ${tag}`, description: 'Weekly football', locations: [place.at(2, 0)] });
    await buildDirectoryService(curator, { name: `Sports hall ${tag}`, description: 'Badminton, and football on some weekends', locations: [place.at(1.5, 0)] });
    const found = await search(linkWorker.ctx, { text: 'football', nearPostcode: place.postcode, maxKm: 5 });
    expect(names(found)).toEqual([`Football for all ${tag}`, `Sports hall ${tag}`]);
    const byDistance = await search(linkWorker.ctx, { text: 'football', nearPostcode: place.postcode, maxKm: 5, sort: 'distance' });
    expect(names(byDistance)).toEqual([`Sports hall ${tag}`, `Football for all ${tag}`]);
  });

  it('says which postcode it could not place', async () => {
    const { linkWorker } = await world();
    await expect(search(linkWorker.ctx, { nearPostcode: 'not a postcode' })).rejects.toMatchObject({ errors: [{ field: 'postcode', message: 'Enter a real postcode, like BS5 6XX' }] });
    await expect(search(linkWorker.ctx, { nearPostcode: 'BT93 9ZZ' })).rejects.toBeInstanceOf(ValidationFailed);
  });
});

describe('directory search: filters', () => {
  it('filters on attributes, every one asked for', async () => {
    const { curator, linkWorker } = await world();
    const tag = uniqueWord();
    await buildDirectoryService(curator, { name: `A ${tag}`, attributes: ['free', 'drop-in', 'trauma-informed'] });
    await buildDirectoryService(curator, { name: `B ${tag}`, attributes: ['drop-in', 'no-id-needed'] });
    await buildDirectoryService(curator, { name: `C ${tag}`, costs: [{ amount: 0, option: 'Free' }], attributes: ['drop-in'] });
    await buildDirectoryService(curator, { name: `D ${tag}`, costs: [{ amount: 3, option: 'per session' }] });
    await buildDirectoryService(curator, { name: `E ${tag}`, attributes: ['women-only', 'dogs-welcome', 'wheelchair-accessible', 'accompanied-visits-welcome'] });
    const q = (attribute: string[]) => search(linkWorker.ctx, { text: tag, attribute, sort: 'name' }).then(names);
    expect(await q(['drop-in'])).toEqual([`A ${tag}`, `B ${tag}`, `C ${tag}`]);
    expect(await q(['free'])).toEqual([`A ${tag}`, `C ${tag}`]);
    expect(await q(['free', 'drop-in', 'trauma-informed'])).toEqual([`A ${tag}`]);
    expect(await q(['no-id-needed'])).toEqual([`B ${tag}`]);
    expect(await q(['women-only', 'dogs-welcome', 'wheelchair-accessible', 'accompanied-visits-welcome'])).toEqual([`E ${tag}`]);
    const d = (await search(linkWorker.ctx, { text: tag, sort: 'name' })).items.find((i) => i.name === `D ${tag}`)!;
    expect(d.cost).toEqual({ free: false, text: '£3 per session' });
    await expect(search(linkWorker.ctx, { attribute: ['free', 'flying'] })).rejects.toMatchObject({ errors: [{ field: 'attribute' }] });
  });

  it('filters on language (a service naming none works in English)', async () => {
    const { curator, linkWorker } = await world();
    const tag = uniqueWord();
    await buildDirectoryService(curator, { name: `Polish club ${tag}`, languages: [{ name: 'Polish', code: 'pl' }, { name: 'English', code: 'en' }] });
    await buildDirectoryService(curator, { name: `Book club ${tag}` });
    expect(names(await search(linkWorker.ctx, { text: tag, language: 'pl' }))).toEqual([`Polish club ${tag}`]);
    expect(names(await search(linkWorker.ctx, { text: tag, language: 'polish' }))).toEqual([`Polish club ${tag}`]);
    expect(names(await search(linkWorker.ctx, { text: tag, language: 'English', sort: 'name' }))).toEqual([`Book club ${tag}`, `Polish club ${tag}`]);
  });

  it('evenings and weekends come from the attribute or the schedules', async () => {
    const { curator, linkWorker } = await world();
    const tag = uniqueWord();
    await buildDirectoryService(curator, { name: `Saturday ${tag}`, schedules: [{ byday: 'SA', opensAt: '10:00', closesAt: '12:00' }] });
    await buildDirectoryService(curator, { name: `Late ${tag}`, schedules: [{ byday: 'WE', opensAt: '18:00', closesAt: '20:00' }] });
    await buildDirectoryService(curator, { name: `Tagged ${tag}`, attributes: ['evenings-weekends'] });
    await buildDirectoryService(curator, { name: `Daytime ${tag}`, schedules: [{ byday: 'MO,TU', opensAt: '09:00', closesAt: '17:00' }] });
    expect(names(await search(linkWorker.ctx, { text: tag, attribute: 'evenings-weekends', sort: 'name' }))).toEqual([`Late ${tag}`, `Saturday ${tag}`, `Tagged ${tag}`]);
  });

  it('open on a day, and open now (UK time), from the schedules', async () => {
    const { curator, service, linkWorker } = await world();
    const tag = uniqueWord();
    await buildDirectoryService(curator, { name: `Tuesdays ${tag}`, schedules: [{ byday: 'TU,TH', opensAt: '10:00', closesAt: '12:00' }] });
    await buildDirectoryService(curator, { name: `First Monday ${tag}`, schedules: [{ freq: 'MONTHLY', byday: '1MO', opensAt: '14:00', closesAt: '16:00' }] });
    await buildDirectoryService(curator, { name: `Ended ${tag}`, schedules: [{ byday: 'TU', opensAt: '10:00', closesAt: '12:00', validTo: '2020-01-01' }] });
    await buildDirectoryService(curator, { name: `Fortnightly ${tag}`, schedules: [{ byday: 'TU', opensAt: '09:00', closesAt: '13:00', interval: 2, dtstart: '2026-01-06' }] });
    expect(names(await search(linkWorker.ctx, { text: tag, day: 'tuesday', sort: 'name' }))).toEqual([`Fortnightly ${tag}`, `Tuesdays ${tag}`]);
    expect(names(await search(linkWorker.ctx, { text: tag, day: 'monday' }))).toEqual([`First Monday ${tag}`]);
    expect(names(await search(linkWorker.ctx, { text: tag, day: 'friday' }))).toEqual([]);

    // Tuesday 13 January 2026, 11:00 in London (GMT): week 2 of the fortnightly schedule, so it is off.
    const { db } = await testServices();
    const at = (iso: string) => createDirectorySearchService(db, { now: () => new Date(iso) });
    const tuesday11 = await at('2026-01-13T11:00:00Z').search(linkWorker.ctx, { text: tag, openNow: true });
    expect(names(tuesday11)).toEqual([`Tuesdays ${tag}`]);
    expect(tuesday11.items[0]!.nextOpening).toMatchObject({ openNow: true, text: 'Open now, until midday' });
    // A week later the fortnightly one is on too; at 12:30 only it is.
    expect(names(await at('2026-01-20T12:30:00Z').search(linkWorker.ctx, { text: tag, openNow: true }))).toEqual([`Fortnightly ${tag}`]);
    // British Summer Time: 10:30 BST is 09:30 UTC (9 June is 22 weeks after 6 January: the fortnightly one is on).
    expect(names(await at('2026-06-09T09:30:00Z').search(linkWorker.ctx, { text: tag, openNow: true, sort: 'name' }))).toEqual([`Fortnightly ${tag}`, `Tuesdays ${tag}`]);
    const wednesday = await at('2026-01-14T09:00:00Z').search(linkWorker.ctx, { text: `Tuesdays ${tag}` });
    expect(wednesday.items[0]!.nextOpening).toMatchObject({ date: '2026-01-15', text: 'Tomorrow, 10am to midday', openNow: false });
    void service;
  });

  it('filters on age eligibility', async () => {
    const { curator, linkWorker } = await world();
    const tag = uniqueWord();
    await buildDirectoryService(curator, { name: `Youth ${tag}`, minimumAge: 11, maximumAge: 18 });
    await buildDirectoryService(curator, { name: `Over 50s ${tag}`, minimumAge: 50 });
    await buildDirectoryService(curator, { name: `Anyone ${tag}` });
    const q = (age: number) => search(linkWorker.ctx, { text: tag, age, sort: 'name' }).then(names);
    expect(await q(15)).toEqual([`Anyone ${tag}`, `Youth ${tag}`]);
    expect(await q(81)).toEqual([`Anyone ${tag}`, `Over 50s ${tag}`]);
    expect(await q(18)).toEqual([`Anyone ${tag}`, `Youth ${tag}`]);
  });

  it('marks services not verified for six months as maybe out of date, and leaves out inactive ones', async () => {
    const { curator, linkWorker } = await world();
    const tag = uniqueWord();
    await buildDirectoryService(curator, { name: `Fresh ${tag}` });
    await buildDirectoryService(curator, { name: `Old ${tag}`, lastVerified: '2020-05-01' });
    await buildDirectoryService(curator, { name: `Never ${tag}`, lastVerified: null });
    await buildDirectoryService(curator, { name: `Gone ${tag}`, status: 'defunct' });
    const found = await search(linkWorker.ctx, { text: tag, sort: 'name' });
    expect(found.items.map((i) => [i.name, i.mayBeOutOfDate])).toEqual([
      [`Fresh ${tag}`, false],
      [`Never ${tag}`, true],
      [`Old ${tag}`, true],
    ]);
  });
});

describe('directory search: who sees what', () => {
  it('never shows another organisation’s unpublished services; shows your own', async () => {
    const { curator, linkWorker } = await world();
    const curatorAdmin = await buildUser(curator, 'admin');
    const tag = uniqueWord();
    const draft = await buildDirectoryService(curator, { name: `Draft ${tag}`, published: false });
    await buildDirectoryService(curator, { name: `Live ${tag}` });
    expect(names(await search(linkWorker.ctx, { text: tag }))).toEqual([`Live ${tag}`]);
    expect(names(await search(curatorAdmin.ctx, { text: tag, sort: 'name' }))).toEqual([`Draft ${tag}`, `Live ${tag}`]);
    const s = await testServices();
    await expect(s.directorySearch.get(linkWorker.ctx, draft.id)).rejects.toMatchObject({ status: 404 });
    expect((await s.directorySearch.get(curatorAdmin.ctx, draft.id)).published).toBe(false);
  });

  it('refuses commissioners', async () => {
    const commissioner = await buildUser(await buildOrganisation({ type: 'commissioner' }), 'commissioner');
    await expect(search(commissioner.ctx, { text: 'anything' })).rejects.toMatchObject({ status: 403 });
  });

  it('pages through results with a total', async () => {
    const { curator, linkWorker } = await world();
    const tag = uniqueWord();
    for (let i = 1; i <= 5; i++) await buildDirectoryService(curator, { name: `Group ${i} ${tag}` });
    const first = await search(linkWorker.ctx, { text: tag, sort: 'name', limit: 2 });
    expect(names(first)).toEqual([`Group 1 ${tag}`, `Group 2 ${tag}`]);
    expect(first).toMatchObject({ total: 5, page: 1, pageCount: 3 });
    const second = await search(linkWorker.ctx, { text: tag, sort: 'name', limit: 2, cursor: first.nextCursor! });
    expect(names(second)).toEqual([`Group 3 ${tag}`, `Group 4 ${tag}`]);
    const third = await search(linkWorker.ctx, { text: tag, sort: 'name', limit: 2, page: 3 });
    expect(names(third)).toEqual([`Group 5 ${tag}`]);
    expect(third.nextCursor).toBeNull();
    const beyond = await search(linkWorker.ctx, { text: tag, sort: 'name', limit: 2, page: 9 });
    expect(beyond).toMatchObject({ items: [], total: 5 });
  });
});

describe('unmet needs', () => {
  it('records the need and the postcode district only, audited', async () => {
    const { linkWorker } = await world();
    const s = await testServices();
    const recorded = await s.directorySearch.recordUnmetNeed(linkWorker.ctx, { need: 'fuel-poverty', postcode: 'bs5 6xx' });
    expect(recorded).toMatchObject({ needCode: 'fuel-poverty', area: 'BS5', needLabel: 'Fuel poverty' });
    const rows = await s.db.inScope({ organisationId: linkWorker.organisation.id, userId: null }, (tx) =>
      tx.selectFrom('unmetNeed').selectAll().where('organisationId', '=', linkWorker.organisation.id).execute(),
    );
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0]!).sort()).toEqual(['area', 'id', 'needCode', 'organisationId', 'recordedBy', 'recordedOn']);
    expect(rows[0]).toMatchObject({ needCode: 'fuel-poverty', area: 'BS5' });
    const audit = await s.db.inScope({ organisationId: linkWorker.organisation.id, userId: null }, (tx) =>
      tx.selectFrom('auditEvent').select(['action', 'subjectId', 'detail']).where('organisationId', '=', linkWorker.organisation.id).where('action', '=', 'unmet-need.recorded').execute(),
    );
    expect(audit).toEqual([{ action: 'unmet-need.recorded', subjectId: recorded.id, detail: { need: 'fuel-poverty', area: 'BS5' } }]);
    await expect(s.directorySearch.recordUnmetNeed(linkWorker.ctx, { need: 'flying' })).rejects.toMatchObject({ errors: [{ field: 'need' }] });
  });
});

describe('the published-services text table (migrations/0006_directory_search.sql)', () => {
  it('gives the same answers through the table, and its trigger keeps it in step', async () => {
    const { curator, linkWorker } = await world();
    const tag = uniqueWord();
    await buildDirectoryService(curator, { name: `Community gardening ${tag}` });
    await buildDirectoryService(curator, { name: `Walking group ${tag}`, description: 'Gentle walks' });
    await buildDirectoryService(curator, { name: `Draft gardening ${tag}`, published: false });
    const { db } = await testServices();
    const compile = (input: SearchInput, organisationId: string) => {
      const query = parseSearch({ limit: 50, ...input });
      return searchSql({ query, organisationId, origin: null, clock: londonClock(new Date()), words: searchWords(query.text) }).compile(db.kysely);
    };
    // Everything happens in one transaction that is rolled back: the table never outlives the test.
    await asOwner(db, async (query) => {
      await query('SET LOCAL ROLE linkwork_app');
      const as = async (organisationId: string, input: SearchInput) => {
        await query("SELECT set_config('app.organisation_id', $1, true)", [organisationId]);
        const compiled = compile(input, organisationId);
        return (await query<{ name: string }>(compiled.sql, [...compiled.parameters])).rows.map((r) => r.name).sort();
      };
      expect(await as(linkWorker.organisation.id, { text: `gardening ${tag}` })).toEqual([`Community gardening ${tag}`]);
      expect(await as(linkWorker.organisation.id, { text: `gardning ${tag}` })).toEqual([`Community gardening ${tag}`]);
      expect(await as(linkWorker.organisation.id, { text: `walks ${tag}` })).toEqual([`Walking group ${tag}`]);
      // The curator also finds its own unpublished service (searched on directory_service itself).
      expect(await as(curator.id, { text: `gardening ${tag}` })).toEqual([`Community gardening ${tag}`, `Draft gardening ${tag}`]);
      // Unpublishing takes a service out of the table; renaming changes what it is found by.
      await query("SELECT set_config('app.organisation_id', $1, true)", [curator.id]);
      await query('UPDATE directory_service SET published = false WHERE name = $1', [`Walking group ${tag}`]);
      await query('UPDATE directory_service SET name = $1 WHERE name = $2', [`Allotment club ${tag}`, `Community gardening ${tag}`]);
      expect(await as(linkWorker.organisation.id, { text: tag, sort: 'name' })).toEqual([`Allotment club ${tag}`]);
      const rows = await query<{ name: string }>('SELECT name FROM directory_published_text WHERE name LIKE $1', [`%${tag}`]);
      expect(rows.rows.map((r) => r.name)).toEqual([`Allotment club ${tag}`]);
      // The app role reads the table but cannot write to it.
      await expect(query("INSERT INTO directory_published_text VALUES ($1, $1, 'x', ''::tsvector)", [curator.id])).rejects.toThrow(/permission denied/);
    });
  });
});
