import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDirectoryService, isolatedPlace, uniqueWord } from '../../../test/support/directory.js';
import { fieldsOf } from '../../../test/support/errors.js';
import { buildOrganisation, buildUser, testServices } from '../../../test/support/factories.js';
import { testApp } from '../../../test/support/http.js';
import { buildReferralWorld, referralFor } from '../../../test/support/referrals.js';
import { Conflict, Forbidden, NotFound } from '../../platform/errors.js';

/** Places of their own, away from the directory tests' (whose distance-only searches expect only theirs). */
const OFFERS_BAND = { latitudeFrom: 60 };

/**
 * A case with three nearby services tagged for the referral's first need, found only by this test's
 * word; two are run by provider organisations that use Linkwork (each with a provider user).
 */
async function offersWorld() {
  const s = await testServices();
  const world = await buildReferralWorld();
  const place = await isolatedPlace(OFFERS_BAND);
  const word = uniqueWord();
  const garden = await buildOrganisation({ type: 'vcse' });
  const football = await buildOrganisation({ type: 'vcse' });
  const gardener = await buildUser(garden, 'provider');
  const coach = await buildUser(football, 'provider');
  const make = (name: string, km: number) =>
    buildDirectoryService(world.service, { name, description: `${word} ${name}`, needs: ['social-isolation'], locations: [{ ...place.at(km, 0) }] });
  const services = { garden: await make('Community garden', 1), football: await make('Street football', 2), choir: await make('Choir', 3) };
  await s.db.inScope({ organisationId: world.service.id, userId: null }, async (tx) => {
    await tx.updateTable('directoryService').set({ providerOrganisationId: garden.id }).where('id', '=', services.garden.id).execute();
    await tx.updateTable('directoryService').set({ providerOrganisationId: football.id }).where('id', '=', services.football.id).execute();
  });
  const referral = referralFor(world.service, {
    person: { ...referralFor(world.service).person, givenName: 'Daniel', preferredName: 'Dan', postcode: place.postcode, nhsNumber: undefined },
  });
  const { receipt } = await s.referrals.refer(world.referrer.ctx, referral);
  const accepted = await s.referrals.act(world.teamLead.ctx, receipt.id, 'accept');
  await s.referrals.act(world.teamLead.ctx, receipt.id, 'allocate', { linkWorker: world.linkWorker.userId });
  return { s, ...world, caseId: accepted.caseId!, personId: accepted.person.id, word, services, garden, football, gardener, coach };
}

// The first directory search on a fresh embedded database takes many seconds (PGlite compiles and
// caches its plans); pay for it once here, under the hook's longer timeout, not inside a test.
beforeAll(async () => {
  const w = await buildReferralWorld();
  await (await testServices()).directorySearch.search(w.linkWorker.ctx, { text: uniqueWord(), need: 'social-isolation', nearPostcode: (await isolatedPlace(OFFERS_BAND)).postcode });
});

describe('offers: the person tries, refuses and goes, and nothing counts against them', () => {
  it('suggests three services; the person declines one, tries one accompanied and goes to another; suggestions stop showing the declined one', async () => {
    const w = await offersWorld();
    const lw = w.linkWorker.ctx;
    const first = await w.s.offers.suggestions(lw, w.caseId, { text: w.word });
    expect(first.prefill).toEqual({ postcode: expect.any(String), needs: ['social-isolation', 'money-and-debt'] });
    expect(first.results.query.need).toBe('social-isolation');
    expect(first.results.items.map((r) => r.name)).toEqual(['Community garden', 'Street football', 'Choir']);

    const garden = await w.s.offers.suggest(lw, w.caseId, { serviceId: w.services.garden.id });
    const football = await w.s.offers.suggest(lw, w.caseId, { serviceId: w.services.football.id });
    const choir = await w.s.offers.suggest(lw, w.caseId, { serviceId: w.services.choir.id });
    expect(garden).toMatchObject({ state: 'suggested', service: { name: 'Community garden' } });

    const declined = await w.s.offers.transition(lw, garden.id, { to: 'declined', reason: 'Not one for gardening' });
    expect(declined).toMatchObject({ state: 'declined', reason: 'Not one for gardening' });

    await w.s.offers.transition(lw, football.id, { to: 'interested' });
    await w.s.offers.transition(lw, football.id, { to: 'introduced', accompanied: true, contactRoute: 'Through Jo at Riverside', shared: 'Would like to come with his link worker the first time' });
    const going = await w.s.offers.transition(lw, football.id, { to: 'attending', accompanied: true });
    const logged = await w.s.offers.logAccompaniedSession(lw, football.id, { on: new Date().toISOString().slice(0, 10) });
    expect(going.accompanied).toBe(true);
    expect(logged.accompaniedSessions).toBe(2);
    expect(logged.history.map((h) => `${h.kind}:${h.to}${h.accompanied ? ' (accompanied)' : ''}`)).toEqual([
      'suggested:suggested',
      'transition:interested',
      'transition:introduced (accompanied)',
      'transition:attending (accompanied)',
      'accompanied-session:attending (accompanied)',
    ]);

    await w.s.offers.transition(lw, choir.id, { to: 'interested' });
    await w.s.offers.transition(lw, choir.id, { to: 'introduced' });
    await w.s.offers.transition(lw, choir.id, { to: 'attending' });

    const after = await w.s.offers.suggestions(lw, w.caseId, { text: w.word });
    expect(after.results.items.map((r) => r.name)).toEqual(['Street football', 'Choir']);
    expect(after.results.total).toBe(2);
    expect(after.leftOut).toBe(1);
    expect(after.offered[w.services.football.id]).toEqual({ offerId: football.id, state: 'attending' });

    const asked = await w.s.offers.suggestions(lw, w.caseId, { text: w.word, includeDeclined: 'true' });
    expect(asked.results.items.map((r) => r.name)).toEqual(['Community garden', 'Street football', 'Choir']);
    expect(asked.offered[w.services.garden.id]?.state).toBe('declined');

    // Declining changed nothing about the case or the referral.
    const { header, offers } = await w.s.offers.listForCase(lw, w.caseId);
    expect(header.status).toBe('open');
    expect(offers.map((o) => o.state)).toEqual(['declined', 'attending', 'attending']);
  });

  it('refuses moves the state does not allow (409) and bad input (400, naming each field)', async () => {
    const w = await offersWorld();
    const lw = w.linkWorker.ctx;
    const offer = await w.s.offers.suggest(lw, w.caseId, { serviceId: w.services.garden.id });
    await expect(w.s.offers.transition(lw, offer.id, { to: 'attending' })).rejects.toThrow(Conflict);
    await expect(w.s.offers.transition(lw, offer.id, { to: 'completed' })).rejects.toThrow(/suggested/);
    expect(await fieldsOf(w.s.offers.transition(lw, offer.id, { to: 'maybe', accompanied: 'perhaps' }))).toEqual(['to', 'accompanied']);
    await w.s.offers.transition(lw, offer.id, { to: 'interested' });
    // The provider uses Linkwork, so an introduction needs a contact route agreed with the person.
    expect(await fieldsOf(w.s.offers.transition(lw, offer.id, { to: 'introduced' }))).toEqual(['contactRoute']);
    expect(await fieldsOf(w.s.offers.suggest(lw, w.caseId, { serviceId: 'nope' }))).toEqual(['serviceId']);
    expect((await w.s.offers.get(lw, offer.id)).history).toHaveLength(2);
  });

  it('never re-offers what the person declined unless it is reopened, and never limits how many they decline', async () => {
    const w = await offersWorld();
    const lw = w.linkWorker.ctx;
    const offer = await w.s.offers.suggest(lw, w.caseId, { serviceId: w.services.garden.id });
    await expect(w.s.offers.suggest(lw, w.caseId, { serviceId: w.services.garden.id })).rejects.toThrow(/already offered/);
    await w.s.offers.transition(lw, offer.id, { to: 'declined' });
    await expect(w.s.offers.suggest(lw, w.caseId, { serviceId: w.services.garden.id })).rejects.toThrow(/changed their mind/);
    for (const service of [w.services.football, w.services.choir]) {
      const other = await w.s.offers.suggest(lw, w.caseId, { serviceId: service.id });
      await w.s.offers.transition(lw, other.id, { to: 'declined' });
    }
    expect((await w.s.offers.suggestions(lw, w.caseId, { text: w.word })).results.items).toEqual([]);
    // Aisha declines the women's group at first, later tries it: the same offer, its history kept.
    const reopened = await w.s.offers.transition(lw, offer.id, { to: 'interested' });
    expect(reopened.history.map((h) => h.to)).toEqual(['suggested', 'declined', 'interested']);
    expect((await w.s.offers.suggestions(lw, w.caseId, { text: w.word })).results.items.map((r) => r.name)).toEqual(['Community garden']);
  });

  it('lets only the allocated link worker or a team lead change offers, and nobody outside the service see them', async () => {
    const w = await offersWorld();
    const colleague = await buildUser(w.service, 'link-worker');
    const offer = await w.s.offers.suggest(w.teamLead.ctx, w.caseId, { serviceId: w.services.garden.id });
    await expect(w.s.offers.transition(colleague.ctx, offer.id, { to: 'interested' })).rejects.toThrow(Forbidden);
    await expect(w.s.offers.suggest(w.referrer.ctx, w.caseId, { serviceId: w.services.choir.id })).rejects.toThrow(Forbidden);
    await expect(w.s.offers.listForCase(w.gardener.ctx, w.caseId)).rejects.toThrow(Forbidden);
    const elsewhere = await buildUser(await buildOrganisation({ type: 'sp-service' }), 'team-lead');
    await expect(w.s.offers.get(elsewhere.ctx, offer.id)).rejects.toThrow(NotFound);
    await expect(w.s.offers.listForCase(elsewhere.ctx, w.caseId)).rejects.toThrow(NotFound);
  });
});

describe('introductions: the provider sees only what the person agreed to share', () => {
  async function introduced() {
    const w = await offersWorld();
    const offer = await w.s.offers.suggest(w.linkWorker.ctx, w.caseId, { serviceId: w.services.garden.id });
    await w.s.offers.transition(w.linkWorker.ctx, offer.id, { to: 'interested' });
    await w.s.offers.transition(w.linkWorker.ctx, offer.id, { to: 'introduced', accompanied: true, contactRoute: 'Through Jo at Riverside, 0117 496 0000', shared: 'Hard of hearing: face him when talking' });
    return { ...w, offer };
  }

  it('shows the provider a first name, contact route, what was shared, the service and dates: nothing else', async () => {
    const w = await introduced();
    const inbox = await w.s.offers.inbox(w.gardener.ctx);
    expect(inbox).toHaveLength(1);
    const intro = inbox[0]!;
    expect(Object.keys(intro).sort()).toEqual([
      'accompanied', 'attendance', 'contactRoute', 'ended', 'endedAt', 'firstName', 'fromOrganisation', 'id', 'introducedAt', 'introducedBy',
      'responseNote', 'respondedAt', 'response', 'service', 'shared',
    ].sort());
    expect(intro).toMatchObject({
      firstName: 'Dan',
      contactRoute: 'Through Jo at Riverside, 0117 496 0000',
      shared: 'Hard of hearing: face him when talking',
      service: { id: w.services.garden.id, name: 'Community garden' },
      fromOrganisation: { name: w.service.name },
      accompanied: true,
      response: 'awaiting',
    });
    expect(JSON.stringify(intro)).not.toMatch(/Taylor|1980|BS5|07700|homelessness|social-isolation/);
  });

  it('shows other organisations nothing, and row-level security keeps the provider out of the case', async () => {
    const w = await introduced();
    expect(await w.s.offers.inbox(w.coach.ctx)).toEqual([]);
    const id = (await w.s.offers.inbox(w.gardener.ctx))[0]!.id;
    await expect(w.s.offers.introduction(w.coach.ctx, id)).rejects.toThrow(NotFound);
    await expect(w.s.offers.respond(w.coach.ctx, id, { response: 'accepted' })).rejects.toThrow(NotFound);
    // Even a query without any filter, in the provider's scope, reaches none of the service's rows.
    const seen = await w.s.db.inScope({ organisationId: w.garden.id, userId: w.gardener.userId }, async (tx) => ({
      offers: (await sql<{ n: number }>`SELECT count(*)::int AS n FROM offer`.execute(tx)).rows[0]!.n,
      events: (await sql<{ n: number }>`SELECT count(*)::int AS n FROM offer_event`.execute(tx)).rows[0]!.n,
      cases: (await sql<{ n: number }>`SELECT count(*)::int AS n FROM support_case`.execute(tx)).rows[0]!.n,
      people: (await sql<{ n: number }>`SELECT count(*)::int AS n FROM person`.execute(tx)).rows[0]!.n,
      introductions: (await sql<{ n: number }>`SELECT count(*)::int AS n FROM introduction`.execute(tx)).rows[0]!.n,
    }));
    expect(seen).toEqual({ offers: 0, events: 0, cases: 0, people: 0, introductions: 1 });
    // Another provider's scope sees no introduction at all, and cannot write one for someone else.
    const other = await w.s.db.inScope({ organisationId: w.football.id, userId: w.coach.userId }, async (tx) => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM introduction`.execute(tx)).rows[0]!.n);
    expect(other).toBe(0);
    await expect(
      w.s.db.inScope({ organisationId: w.football.id, userId: w.coach.userId }, (tx) =>
        sql`UPDATE introduction SET response = 'declined' WHERE id = ${id}`.execute(tx).then((r) => Number(r.numAffectedRows ?? 0)),
      ),
    ).resolves.toBe(0);
  });

  it('the provider accepts and records attendance; the link worker sees both on the offer', async () => {
    const w = await introduced();
    const id = (await w.s.offers.inbox(w.gardener.ctx))[0]!.id;
    const today = new Date().toISOString().slice(0, 10);
    await expect(w.s.offers.recordAttendance(w.gardener.ctx, id, { on: today })).rejects.toThrow(/Accept/);
    const accepted = await w.s.offers.respond(w.gardener.ctx, id, { response: 'accepted', note: 'Tuesdays at 10 suit us' });
    expect(accepted.response).toBe('accepted');
    await expect(w.s.offers.respond(w.gardener.ctx, id, { response: 'declined' })).rejects.toThrow(Conflict);
    expect(await fieldsOf(w.s.offers.recordAttendance(w.gardener.ctx, id, { on: 'tomorrow' }))).toEqual(['on']);
    const recorded = await w.s.offers.recordAttendance(w.gardener.ctx, id, { on: today });
    expect(recorded.attendance).toEqual([today]);

    const offer = await w.s.offers.get(w.linkWorker.ctx, w.offer.id);
    expect(offer.introductions).toEqual([
      expect.objectContaining({ id, providerName: w.garden.name, response: 'accepted', responseNote: 'Tuesdays at 10 suit us', attendance: [today], endedAt: null }),
    ]);

    // The person stops: the provider is told the introduction ended, never why.
    await w.s.offers.transition(w.linkWorker.ctx, w.offer.id, { to: 'attending' });
    await w.s.offers.transition(w.linkWorker.ctx, w.offer.id, { to: 'stopped', reason: 'Had a fall; may come back in spring' });
    const ended = await w.s.offers.introduction(w.gardener.ctx, id);
    expect(ended.ended).toBe(true);
    expect(JSON.stringify(ended)).not.toContain('fall');
    await expect(w.s.offers.recordAttendance(w.gardener.ctx, id, { on: today })).rejects.toThrow(/ended/);
  });

  it('audits every read and every change, on each side', async () => {
    const w = await introduced();
    await w.s.offers.suggestions(w.linkWorker.ctx, w.caseId, { text: w.word });
    await w.s.offers.listForCase(w.linkWorker.ctx, w.caseId);
    await w.s.offers.get(w.linkWorker.ctx, w.offer.id);
    const id = (await w.s.offers.inbox(w.gardener.ctx))[0]!.id;
    await w.s.offers.introduction(w.gardener.ctx, id);
    await w.s.offers.respond(w.gardener.ctx, id, { response: 'accepted' });

    const service = await w.s.audit.list({ ...w.teamLead.ctx, role: 'admin' }, {});
    const serviceActions = service.items.map((e) => e.action);
    for (const action of ['offer.suggested', 'offer.transitioned', 'case.suggestions-viewed', 'case.viewed', 'offer.viewed']) expect(serviceActions).toContain(action);
    const transitions = service.items.filter((e) => e.action === 'offer.transitioned');
    expect(transitions).toHaveLength(2);
    expect(transitions.every((e) => e.subjectId === w.offer.id)).toBe(true);
    expect(JSON.stringify(service.items)).not.toMatch(/Through Jo|Hard of hearing|Daniel/);

    const provider = await w.s.audit.list({ ...w.gardener.ctx, role: 'admin' }, {});
    expect(provider.items.map((e) => e.action).filter((a) => a.startsWith('introduction.')).sort()).toEqual(['introduction.accepted', 'introduction.listed', 'introduction.viewed']);
  });
});

describe('the offers API', () => {
  it('creates with 201 and a Location, refuses illegal moves with 409 and bad input with 400 naming fields', async () => {
    const w = await offersWorld();
    const app = await testApp();
    const token = await w.s.tokens.create(w.linkWorker.ctx, 'offers test');
    const headers = { authorization: `Bearer ${token.token}` };
    const created = await app.inject({ method: 'POST', url: `/api/v1/cases/${w.caseId}/offers`, headers, payload: { serviceId: w.services.choir.id } });
    expect(created.statusCode).toBe(201);
    const offer = created.json();
    expect(created.headers.location).toBe(`/api/v1/offers/${offer.id}`);

    const illegal = await app.inject({ method: 'POST', url: `/api/v1/offers/${offer.id}/transitions`, headers, payload: { to: 'completed' } });
    expect(illegal.statusCode).toBe(409);
    expect(illegal.json().detail).toContain('suggested');

    const bad = await app.inject({ method: 'POST', url: `/api/v1/offers/${offer.id}/transitions`, headers, payload: { to: 'sometime', reason: 'x'.repeat(600) } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { field: string }) => e.field)).toEqual(['to', 'reason']);

    const declined = await app.inject({ method: 'POST', url: `/api/v1/offers/${offer.id}/transitions`, headers, payload: { to: 'declined', accompanied: false, reason: 'Too far' } });
    expect(declined.statusCode).toBe(200);
    expect(declined.json()).toMatchObject({ state: 'declined', reason: 'Too far' });

    const suggestions = await app.inject({ method: 'GET', url: `/api/v1/cases/${w.caseId}/suggestions?text=${w.word}`, headers });
    expect(suggestions.statusCode).toBe(200);
    expect(suggestions.json().items.map((r: { name: string }) => r.name)).toEqual(['Community garden', 'Street football']);
    const all = await app.inject({ method: 'GET', url: `/api/v1/cases/${w.caseId}/suggestions?text=${w.word}&includeDeclined=true&need=`, headers });
    expect(all.json().items.map((r: { name: string }) => r.name)).toEqual(['Community garden', 'Street football', 'Choir']);
  });

  it('gives providers their inbox and nothing of the case', async () => {
    const w = await offersWorld();
    const app = await testApp();
    const offer = await w.s.offers.suggest(w.linkWorker.ctx, w.caseId, { serviceId: w.services.football.id });
    await w.s.offers.transition(w.linkWorker.ctx, offer.id, { to: 'interested' });
    await w.s.offers.transition(w.linkWorker.ctx, offer.id, { to: 'introduced', contactRoute: 'Text Dan on 07700 900123' });
    const token = await w.s.tokens.create(w.coach.ctx, 'inbox');
    const headers = { authorization: `Bearer ${token.token}` };
    const inbox = await app.inject({ method: 'GET', url: '/api/v1/introductions', headers });
    expect(inbox.statusCode).toBe(200);
    const [intro] = inbox.json().items;
    expect(intro).toMatchObject({ firstName: 'Dan', contactRoute: 'Text Dan on 07700 900123', shared: null });
    const accepted = await app.inject({ method: 'POST', url: `/api/v1/introductions/${intro.id}/response`, headers, payload: { response: 'accepted' } });
    expect(accepted.json().response).toBe('accepted');
    expect((await app.inject({ method: 'GET', url: `/api/v1/offers/${offer.id}`, headers })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: `/api/v1/cases/${w.caseId}/offers`, headers })).statusCode).toBe(403);
  });

  it('describes every offers route in the OpenAPI document', async () => {
    const app = await testApp();
    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, unknown> };
    for (const path of [
      '/api/v1/cases/{id}/offers', '/api/v1/offers/{id}', '/api/v1/offers/{id}/transitions', '/api/v1/offers/{id}/accompanied-sessions',
      '/api/v1/cases/{id}/suggestions', '/api/v1/introductions', '/api/v1/introductions/{id}', '/api/v1/introductions/{id}/response', '/api/v1/introductions/{id}/attendance',
    ]) {
      expect(doc.paths).toHaveProperty([path]);
    }
  });
});
