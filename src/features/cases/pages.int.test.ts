import { beforeAll, describe, expect, it } from 'vitest';
import { errorSummary, signedInBrowser, testApp } from '../../../test/support/http.js';
import { buildUser, testServices } from '../../../test/support/factories.js';
import { buildReferralWorld, referralFor } from '../../../test/support/referrals.js';
import { addDays, londonDay } from './rules.js';

beforeAll(async () => {
  await testApp();
});

async function allocatedCase(world: Awaited<ReturnType<typeof buildReferralWorld>>) {
  const s = await testServices();
  const { receipt } = await s.referrals.refer(world.referrer.ctx, referralFor(world.service));
  const accepted = await s.referrals.act(world.teamLead.ctx, receipt.id, 'accept');
  await s.referrals.act(world.teamLead.ctx, receipt.id, 'allocate', { linkWorker: world.linkWorker.userId });
  return { referralId: receipt.id, caseId: accepted.caseId! };
}

describe('the casework pages', () => {
  it('a link worker finds the case in their caseload, logs contacts, records what matters, pauses, resumes and closes', async () => {
    const world = await buildReferralWorld();
    const { caseId, referralId } = await allocatedCase(world);
    const worker = await signedInBrowser(world.linkWorker);

    const caseload = await worker.get('/cases');
    expect(caseload.statusCode).toBe(200);
    expect(caseload.body).toContain(`href="/cases/${caseId}"`);
    expect(caseload.body).toContain('Make first contact');
    expect(caseload.body).toContain('No session limit — multiple disadvantage');
    expect(caseload.body).toMatch(/<strong>1<\/strong> open/);

    const overview = await worker.get(`/cases/${caseId}`);
    expect(overview.statusCode).toBe(200);
    expect(overview.body).toContain('No session limit — multiple disadvantage');
    expect(overview.body).toContain('aria-current="page"');
    expect(overview.body).toContain(`href="/referrals/${referralId}"`);

    const missing = await worker.post(`/cases/${caseId}/contacts`, {});
    expect(missing.statusCode).toBe(400);
    expect(errorSummary(missing.body)).toContain('Choose the type of contact');
    expect(missing.body).toContain('href="#type"');
    const logged = await worker.post(`/cases/${caseId}/contacts`, { type: 'face-to-face', note: 'Told me about the abuse', sensitive: 'yes', nextStep: 'Football on Saturday', nextStepDate: addDays(londonDay(new Date()), 2) });
    expect(logged.statusCode).toBe(303);
    const contacts = await worker.get(logged.headers.location!);
    expect(contacts.body).toContain('Contact logged.');
    expect(contacts.body).toContain('Told me about the abuse');

    const colleague = await signedInBrowser(await buildUser(world.service, 'link-worker'));
    const theirs = await colleague.get(`/cases/${caseId}/contacts`);
    expect(theirs.statusCode).toBe(200);
    expect(theirs.body).not.toContain('Told me about the abuse');
    expect(theirs.body).toContain('Sensitive note: only the allocated link worker and team leads can read it');
    expect(theirs.body).not.toContain('action="/cases/' + caseId + '/contacts"');

    const plan = await worker.post(`/cases/${caseId}/plan`, { goals: 'Go to the football with Jo the first time', strengths: 'Good with dogs', needs: 'social-isolation' });
    expect(plan.statusCode).toBe(303);
    const printed = await worker.get(`/cases/${caseId}/plan/print`);
    expect(printed.statusCode).toBe(200);
    expect(printed.body).toContain('Go to the football with Jo the first time');
    expect(printed.body).toContain('does not affect your care');
    expect(printed.body).not.toMatch(/multiple disadvantage|Homelessness|abuse|Sensitive/i);

    const badPause = await worker.post(`/cases/${caseId}/pause`, { reason: '', reviewDate: '' });
    expect(badPause.statusCode).toBe(400);
    expect(badPause.body).toContain('href="#pause-reason"');
    expect(badPause.body).toContain('href="#pause-reviewDate"');
    expect((await worker.post(`/cases/${caseId}/pause`, { reason: 'In hospital', reviewDate: addDays(londonDay(new Date()), 10) })).headers.location).toBe(`/cases/${caseId}?done=paused`);
    expect((await worker.post(`/cases/${caseId}/resume`, {})).statusCode).toBe(303);
    const refusedClose = await worker.post(`/cases/${caseId}/close`, { reason: 'unable-to-contact' });
    expect(refusedClose.statusCode).toBe(403);
    expect(errorSummary(refusedClose.body)).toContain('conversation with the team lead');
    expect((await worker.post(`/cases/${caseId}/close`, { reason: 'goals-met' })).statusCode).toBe(303);
    const closed = await worker.get(`/cases/${caseId}`);
    expect(closed.body).toContain('Reopen case');
    expect(closed.body).toContain('The person’s goals are met');

    const referrer = await signedInBrowser(world.referrer);
    const sent = await referrer.get(`/sent-referrals/${referralId}`);
    expect(sent.body).toContain('does not affect the person’s care');
    expect(sent.body).not.toMatch(/goals are met|football|abuse/i);
  });

  it('records safety flags and concerns on the safety page, with field errors', async () => {
    const world = await buildReferralWorld();
    const { caseId } = await allocatedCase(world);
    const worker = await signedInBrowser(world.linkWorker);
    expect((await worker.get(`/cases/${caseId}/safety`)).statusCode).toBe(200);
    const bad = await worker.post(`/cases/${caseId}/safety/concerns`, { what: '', raisedWith: '' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#concern-what"');
    expect((await worker.post(`/cases/${caseId}/safety`, { loneWorking: 'yes', loneWorkingNote: 'Meet at the hostel office' })).statusCode).toBe(303);
    const page = await worker.get(`/cases/${caseId}/safety`);
    expect(page.body).toContain('Before you meet');
    expect(page.body).toContain('Meet at the hostel office');
  });

  it('gives the team lead loads, the waiting list with days waiting, and allocation with an override reason', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    await s.cases.setCapacity(world.teamLead.ctx, world.linkWorker.userId, '1');
    const { receipt } = await s.referrals.refer(world.referrer.ctx, referralFor(world.service, { urgency: 'urgent' }));
    const accepted = await s.referrals.act(world.teamLead.ctx, receipt.id, 'accept');
    const lead = await signedInBrowser(world.teamLead);
    const team = await lead.get('/team');
    expect(team.statusCode).toBe(200);
    expect(team.body).toContain('0 days');
    expect(team.body).toContain(`action="/team/cases/${accepted.caseId}/allocate"`);
    const refused = await lead.post(`/team/cases/${accepted.caseId}/allocate`, { linkWorker: world.linkWorker.userId });
    expect(refused.statusCode).toBe(400);
    expect(errorSummary(refused.body)).toContain('2 of 1 weighted units');
    expect(refused.body).toContain(`href="#allocate-${accepted.caseId}-overrideReason"`);
    const done = await lead.post(`/team/cases/${accepted.caseId}/allocate`, { linkWorker: world.linkWorker.userId, overrideReason: 'Knows him from outreach' });
    expect(done.statusCode).toBe(303);
    const after = await lead.get('/team');
    expect(after.body).toContain('Over capacity');
    expect(after.body).toContain('Nobody is waiting.');

    const worker = await signedInBrowser(world.linkWorker);
    expect((await worker.get('/team')).statusCode).toBe(403);
  });

  it('lets administrators change programme settings, refusing a bad value with its field', async () => {
    const world = await buildReferralWorld();
    const admin = await buildUser(world.service, 'admin');
    const browser = await signedInBrowser(admin);
    const page = await browser.get('/admin/programme-settings');
    expect(page.statusCode).toBe(200);
    const programme = /action="\/admin\/programme-settings\/([0-9a-f-]{36})"/.exec(page.body)![1]!;
    const form = { sessionCap: '6', mdExemptFromCap: 'yes', weightStandard: '1', weightMd: '2', defaultCapacity: '30', firstContactWorkingDays: '5', attemptsBeforeReview: '3' };
    const bad = await browser.post(`/admin/programme-settings/${programme}`, { ...form, weightMd: '99' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain(`href="#settings-${programme}-weightMd"`);
    expect((await browser.post(`/admin/programme-settings/${programme}`, { ...form, sessionCap: '8' })).statusCode).toBe(303);
    expect((await browser.get('/admin/programme-settings')).body).toContain('value="8"');
    expect((await (await signedInBrowser(world.linkWorker)).get('/admin/programme-settings')).statusCode).toBe(403);
  });
});
