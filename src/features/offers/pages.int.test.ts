import { beforeAll, describe, expect, it } from 'vitest';
import { buildDirectoryService, isolatedPlace, uniqueWord } from '../../../test/support/directory.js';
import { buildOrganisation, buildUser, testServices } from '../../../test/support/factories.js';
import { Browser, testApp } from '../../../test/support/http.js';
import { buildReferralWorld, referralFor } from '../../../test/support/referrals.js';

/** Places of their own, away from the directory tests' (whose distance-only searches expect only theirs). */
const OFFERS_BAND = { latitudeFrom: 60 };

async function pagesWorld() {
  const s = await testServices();
  const world = await buildReferralWorld();
  const place = await isolatedPlace(OFFERS_BAND);
  const word = uniqueWord();
  const provider = await buildOrganisation({ type: 'vcse', name: 'Walk and Talk CIC' });
  const walker = await buildUser(provider, 'provider');
  const walking = await buildDirectoryService(world.service, { name: 'Walking group', description: word, needs: ['social-isolation'], locations: [{ ...place.at(1, 0) }] });
  const lunch = await buildDirectoryService(world.service, { name: 'Lunch club', description: word, needs: ['social-isolation'], locations: [{ ...place.at(2, 0) }] });
  await s.db.inScope({ organisationId: world.service.id, userId: null }, (tx) =>
    tx.updateTable('directoryService').set({ providerOrganisationId: provider.id }).where('id', '=', walking.id).execute(),
  );
  const { receipt } = await s.referrals.refer(world.referrer.ctx, referralFor(world.service, { person: { ...referralFor(world.service).person, givenName: 'Margaret', familyName: 'Wilson', postcode: place.postcode, nhsNumber: undefined } }));
  const caseId = (await s.referrals.act(world.teamLead.ctx, receipt.id, 'accept')).caseId!;
  await s.referrals.act(world.teamLead.ctx, receipt.id, 'allocate', { linkWorker: world.linkWorker.userId });
  const app = await testApp();
  const lw = new Browser(app);
  await lw.signIn(world.linkWorker.email, world.linkWorker.password);
  const pv = new Browser(app);
  await pv.signIn(walker.email, walker.password);
  return { s, ...world, caseId, word, walking, lunch, lw, pv };
}

beforeAll(async () => {
  const w = await buildReferralWorld();
  await (await testServices()).directorySearch.search(w.linkWorker.ctx, { text: uniqueWord(), need: 'social-isolation', nearPostcode: (await isolatedPlace(OFFERS_BAND)).postcode });
});

const offerIdFrom = (location: string | undefined) => /#offer-([0-9a-f-]{36})$/.exec(location ?? '')![1]!;

describe('the Offers pages', () => {
  it('finds services for the person, suggests one, records a "no" in their words and an accompanied introduction', async () => {
    const w = await pagesWorld();
    const empty = await w.lw.get(`/cases/${w.caseId}/offers`);
    expect(empty.statusCode).toBe(200);
    expect(empty.body).toContain('Nothing offered yet');
    expect(empty.body).toContain('aria-current="page">Offers');

    const find = await w.lw.get(`/cases/${w.caseId}/offers/find?text=${w.word}`);
    expect(find.statusCode).toBe(200);
    expect(find.body).toContain('Walking group');
    expect(find.body).toContain('Lunch club');
    expect(find.body).toContain('<option value="social-isolation" selected>');

    const suggested = await w.lw.post(`/cases/${w.caseId}/offers`, { serviceId: w.lunch.id });
    expect(suggested.statusCode).toBe(303);
    const lunchOffer = offerIdFrom(suggested.headers.location as string);
    const walkingOffer = offerIdFrom((await w.lw.post(`/cases/${w.caseId}/offers`, { serviceId: w.walking.id })).headers.location as string);
    await w.lw.get(`/cases/${w.caseId}/offers`);

    const declined = await w.lw.post(`/cases/${w.caseId}/offers/${lunchOffer}/transition`, { to: 'declined', reason: 'Too noisy for my hearing' });
    expect(declined.statusCode).toBe(303);
    const page = await w.lw.get(`/cases/${w.caseId}/offers?done=moved`);
    expect(page.body).toContain('Said no: “Too noisy for my hearing”');
    expect(page.body).toContain('They would like to try it now');

    // A move the state does not allow: 409, the page again with the state named.
    const illegal = await w.lw.post(`/cases/${w.caseId}/offers/${walkingOffer}/transition`, { to: 'completed' });
    expect(illegal.statusCode).toBe(409);
    expect(illegal.body).toContain(`href="#offer-${walkingOffer}"`);
    expect(illegal.body).toContain('suggested');

    await w.lw.post(`/cases/${w.caseId}/offers/${walkingOffer}/transition`, { to: 'interested' });
    await w.lw.get(`/cases/${w.caseId}/offers`);
    const missing = await w.lw.post(`/cases/${w.caseId}/offers/${walkingOffer}/transition`, { to: 'introduced', contactRoute: '', accompanied: 'yes' });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain(`href="#offer-${walkingOffer}-introduced-contactRoute"`);
    const introduced = await w.lw.post(`/cases/${w.caseId}/offers/${walkingOffer}/transition`, {
      to: 'introduced',
      contactRoute: 'Phone Margaret on 0117 496 0001, let it ring',
      shared: 'Hard of hearing; likes a slow pace',
      accompanied: 'yes',
    });
    expect(introduced.statusCode).toBe(303);
    const after = await w.lw.get(`/cases/${w.caseId}/offers`);
    expect(after.body).toContain('Introduction made, going along with them');
    expect(after.body).toContain('Walk and Talk CIC');
    expect(after.body).toContain('Not answered yet');

    // Suggestions no longer show what she said no to, unless asked.
    const again = await w.lw.get(`/cases/${w.caseId}/offers/find?text=${w.word}`);
    expect(again.body).not.toContain('Lunch club');
    expect(again.body).toContain('1 service they said no to is not shown');
    expect((await w.lw.get(`/cases/${w.caseId}/offers/find?text=${w.word}&includeDeclined=yes`)).body).toContain('Lunch club');

    // The provider's inbox: first name, contact route and what she agreed to share.
    const inbox = await w.pv.get('/introductions');
    expect(inbox.statusCode).toBe(200);
    expect(inbox.body).toContain('Margaret');
    expect(inbox.body).not.toContain('Wilson');
    const id = /href="\/introductions\/([0-9a-f-]{36})"/.exec(inbox.body)![1]!;
    const detail = await w.pv.get(`/introductions/${id}`);
    expect(detail.body).toContain('Phone Margaret on 0117 496 0001, let it ring');
    expect(detail.body).toContain('Hard of hearing; likes a slow pace');
    expect(detail.body).not.toMatch(/Wilson|1980|9990000018|BS5|Too noisy/);
    expect((await w.pv.post(`/introductions/${id}/response`, {})).statusCode).toBe(400);
    expect((await w.pv.post(`/introductions/${id}/response`, { response: 'accepted', note: 'Thursdays, 10am' })).statusCode).toBe(303);
    await w.pv.get(`/introductions/${id}`);
    expect((await w.pv.post(`/introductions/${id}/attendance`, { on: '2026-13-01' })).statusCode).toBe(400);
    const today = new Date().toISOString().slice(0, 10);
    expect((await w.pv.post(`/introductions/${id}/attendance`, { on: today })).statusCode).toBe(303);

    const flowed = await w.lw.get(`/cases/${w.caseId}/offers`);
    expect(flowed.body).toContain('Accepted: “Thursdays, 10am”');
    expect(flowed.body).toContain(`datetime="${today}"`);

    // Providers never reach the case pages; link workers never reach the inbox.
    expect((await w.pv.get(`/cases/${w.caseId}/offers`)).statusCode).toBe(403);
    expect((await w.lw.get('/introductions')).statusCode).toBe(403);
  });
});
