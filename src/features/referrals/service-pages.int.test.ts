import { beforeAll, describe, expect, it } from 'vitest';
import { errorSummary, signedInBrowser, testApp } from '../../../test/support/http.js';
import { buildOrganisation, buildUser, testServices } from '../../../test/support/factories.js';
import { buildReferralWorld, referralFor } from '../../../test/support/referrals.js';

// The shared database and app start once per worker: in a hook, with the hook's longer timeout.
beforeAll(async () => {
  await testApp();
});

function countMatches(body: string, pattern: RegExp): number {
  return (body.match(pattern) ?? []).length;
}

describe('the receiving service’s referral pages', () => {
  it('takes a referral through triage, allocation and first contact by the pages', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const { receipt } = await s.referrals.refer(world.referrer.ctx, referralFor(world.service, { urgency: 'urgent' }));
    const lead = await signedInBrowser(world.teamLead);

    const queue = await lead.get('/referrals/triage');
    expect(queue.statusCode).toBe(200);
    expect(countMatches(queue.body, /<h1[ >]/g)).toBe(1);
    expect(queue.body).toContain(`href="/referrals/${receipt.id}"`);
    expect(queue.body).toContain(receipt.reference);
    expect(queue.body).toContain('Sam Taylor');
    expect(queue.body).toContain(world.practice.name);
    expect(queue.body).toContain('Urgent');
    expect(queue.body).toContain('0 days');

    const page = await lead.get(`/referrals/${receipt.id}`);
    expect(page.statusCode).toBe(200);
    expect(countMatches(page.body, /<h1[ >]/g)).toBe(1);
    expect(page.body).toContain('999 000 0018');
    expect(page.body).toContain('Not safe to leave a message');
    expect(page.body).toContain('Homelessness or rough sleeping');
    expect(page.body).toContain('(staff only)');
    expect(page.body).toContain('action="/referrals/' + receipt.id + '/accept"');
    expect(page.body).toContain('action="/referrals/' + receipt.id + '/decline"');
    expect(page.body).toContain('action="/referrals/' + receipt.id + '/redirect"');
    expect(page.body).not.toContain('/allocate"');
    expect(page.body).not.toContain('/close"');
    expect(page.body).not.toContain(`<option value="${world.service.slug}"`);

    const accepted = await lead.post(`/referrals/${receipt.id}/accept`, {});
    expect(accepted.statusCode).toBe(303);
    expect(accepted.headers.location).toBe(`/referrals/${receipt.id}?done=accepted`);
    const afterAccept = await lead.get(accepted.headers.location!);
    expect(afterAccept.body).toContain('Referral accepted and a case opened');
    expect(afterAccept.body).toContain('action="/referrals/' + receipt.id + '/allocate"');
    expect(afterAccept.body).not.toContain('/accept"');
    expect((await lead.get('/referrals/triage')).body).not.toContain(receipt.reference);

    const allocated = await lead.post(`/referrals/${receipt.id}/allocate`, { linkWorker: world.linkWorker.userId });
    expect(allocated.statusCode).toBe(303);
    expect((await lead.get(allocated.headers.location!)).body).toContain('Allocated to Test User.');

    const worker = await signedInBrowser(world.linkWorker);
    const list = await worker.get('/referrals');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(`href="/referrals/${receipt.id}"`);
    expect(list.body).toContain('Allocated');
    const mine = await worker.get(`/referrals/${receipt.id}`);
    expect(mine.body).toContain('(you)');
    expect(mine.body).toContain('/record-first-contact"');
    expect(mine.body).not.toContain('/allocate"');
    const contacted = await worker.post(`/referrals/${receipt.id}/record-first-contact`, {});
    expect(contacted.statusCode).toBe(303);
    expect((await worker.get(contacted.headers.location!)).body).toContain('First contact recorded.');

    const other = await signedInBrowser(await buildUser(world.service, 'link-worker'));
    const notYours = await other.get(`/referrals/${receipt.id}`);
    expect(notYours.statusCode).toBe(200);
    expect(notYours.body).not.toContain('/record-engaged"');
    expect((await other.post(`/referrals/${receipt.id}/record-engaged`, {})).statusCode).toBe(403);
    expect((await other.post(`/referrals/${receipt.id}/accept`, {})).statusCode).toBe(403);

    const view = await s.referrals.get(world.teamLead.ctx, receipt.id);
    expect(view.kind === 'full' && view.referral.status).toBe('first-contact');
    const history = await lead.get(`/referrals/${receipt.id}`);
    expect(history.body).toContain('First contact recorded');
    expect(history.body).toContain('Allocated to Test User');
  });

  it('declines with a reason, closing the referrer’s receipt in neutral words, and refuses a decline without one', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const { receipt } = await s.referrals.refer(world.referrer.ctx, referralFor(world.service));
    const lead = await signedInBrowser(world.teamLead);
    await lead.get(`/referrals/${receipt.id}`);

    const missing = await lead.post(`/referrals/${receipt.id}/decline`, {});
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('<title>Error:');
    expect(missing.body).toContain('href="#decline-reason"');
    expect(missing.body).toContain('id="decline-reason"');
    expect(errorSummary(missing.body)).toContain('Choose why you are declining this referral');
    expect((await s.referrals.get(world.referrer.ctx, receipt.id)).referral.status).toBe('received');

    const declined = await lead.post(`/referrals/${receipt.id}/decline`, { reason: 'wrong-service' });
    expect(declined.statusCode).toBe(303);
    const page = await lead.get(declined.headers.location!);
    expect(page.body).toContain('Referral declined.');
    expect(page.body).toContain('Another service is a better fit');
    expect(page.body).not.toContain('/decline"');

    const seen = (await s.referrals.get(world.referrer.ctx, receipt.id)).referral;
    expect(seen.status).toBe('closed');
    expect((seen as { closedReason: string }).closedReason).toContain('does not affect the person’s care');
  });

  it('lets the allocated link worker pause, resume and close, with the reasons in the history', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    // Not in the multiple-disadvantage cohort: closing someone in it as unreachable is a team lead's decision.
    const { receipt } = await s.referrals.refer(world.referrer.ctx, referralFor(world.service, { multipleDisadvantage: [] }));
    const lead = await signedInBrowser(world.teamLead);
    await lead.get(`/referrals/${receipt.id}`);
    await lead.post(`/referrals/${receipt.id}/accept`, {});
    await lead.get(`/referrals/${receipt.id}`);
    const noWorker = await lead.post(`/referrals/${receipt.id}/allocate`, {});
    expect(noWorker.statusCode).toBe(400);
    expect(noWorker.body).toContain('href="#linkWorker"');
    expect(noWorker.body).toContain('id="linkWorker"');
    await lead.post(`/referrals/${receipt.id}/allocate`, { linkWorker: world.linkWorker.userId });

    const worker = await signedInBrowser(world.linkWorker);
    await worker.get(`/referrals/${receipt.id}`);
    const paused = await worker.post(`/referrals/${receipt.id}/pause`, { reason: 'In hospital for a fortnight' });
    expect(paused.headers.location).toBe(`/referrals/${receipt.id}?done=paused`);
    const pausedPage = await worker.get(paused.headers.location!);
    expect(pausedPage.body).toContain('Referral paused.');
    expect(pausedPage.body).toContain('In hospital for a fortnight');
    expect(pausedPage.body).toContain('/resume"');
    expect(pausedPage.body).not.toContain('/pause"');
    expect((await worker.post(`/referrals/${receipt.id}/resume`, {})).headers.location).toBe(`/referrals/${receipt.id}?done=resumed`);

    await worker.get(`/referrals/${receipt.id}`);
    const noReason = await worker.post(`/referrals/${receipt.id}/close`, {});
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('href="#close-reason"');
    expect(errorSummary(noReason.body)).toContain('Choose why this referral is closing');
    const closed = await worker.post(`/referrals/${receipt.id}/close`, { reason: 'unable-to-contact' });
    expect(closed.statusCode).toBe(303);
    const closedPage = await worker.get(closed.headers.location!);
    expect(closedPage.body).toContain('We could not get in touch with the person');
    expect(closedPage.body).not.toContain('/close"');
    expect((await s.referrals.get(world.referrer.ctx, receipt.id)).referral.status).toBe('closed');
  });

  it('refuses a link worker closing someone facing multiple disadvantage as unreachable, saying to talk to the team lead', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const { receipt } = await s.referrals.refer(world.referrer.ctx, referralFor(world.service));
    await s.referrals.act(world.teamLead.ctx, receipt.id, 'accept');
    await s.referrals.act(world.teamLead.ctx, receipt.id, 'allocate', { linkWorker: world.linkWorker.userId });
    const worker = await signedInBrowser(world.linkWorker);
    await worker.get(`/referrals/${receipt.id}`);
    const refused = await worker.post(`/referrals/${receipt.id}/close`, { reason: 'unable-to-contact' });
    expect(refused.statusCode).toBe(403);
    expect(errorSummary(refused.body)).toContain('conversation with the team lead');
    expect((await s.referrals.get(world.teamLead.ctx, receipt.id)).referral.status).toBe('allocated');
  });

  it('offers the other social prescribing services to pass a referral to, never this one', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const other = await buildOrganisation({ type: 'sp-service' });
    const { receipt } = await s.referrals.refer(world.referrer.ctx, referralFor(world.service));
    const page = await (await signedInBrowser(world.teamLead)).get(`/referrals/${receipt.id}`);
    expect(page.body).toContain(`<option value="${other.slug}"`);
    expect(page.body).not.toContain(`<option value="${world.service.slug}"`);
  });

  // On PGlite, act(…, 'redirect') looks the target service up outside its own transaction and waits
  // for ever on the single connection (a service.ts bug, reported); PostgreSQL runs it.
  it('passes a referral to another service, which then sees it in its triage queue', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const other = await buildOrganisation({ type: 'sp-service' });
    const otherLead = await buildUser(other, 'team-lead');
    const { receipt } = await s.referrals.refer(world.referrer.ctx, referralFor(world.service));
    const lead = await signedInBrowser(world.teamLead);
    await lead.get(`/referrals/${receipt.id}`);

    const none = await lead.post(`/referrals/${receipt.id}/redirect`, { toOrganisation: '' });
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('href="#toOrganisation"');
    const passed = await lead.post(`/referrals/${receipt.id}/redirect`, { toOrganisation: other.slug });
    expect(passed.statusCode).toBe(303);
    const after = await lead.get(passed.headers.location!);
    expect(after.body).toContain('Referral passed to the other service.');
    expect(after.body).toContain(`Passed to ${other.name}`);

    const theirs = await s.referrals.listForService(otherLead.ctx, { queue: true });
    expect(theirs.items).toHaveLength(1);
    expect(theirs.items[0]!.personName).toBe('Sam Taylor');
  });

  it('shows a 409 in the error summary when an action no longer fits, such as accepting twice', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const { receipt } = await s.referrals.refer(world.referrer.ctx, referralFor(world.service));
    const lead = await signedInBrowser(world.teamLead);
    await lead.get(`/referrals/${receipt.id}`);
    expect((await lead.post(`/referrals/${receipt.id}/accept`, {})).statusCode).toBe(303);
    const again = await lead.post(`/referrals/${receipt.id}/accept`, {});
    expect(again.statusCode).toBe(409);
    expect(errorSummary(again.body)).toContain('This referral is accepted, so it cannot be accepted now');
    expect(again.body).toContain('href="#status"');
    expect(again.body).toContain('id="status"');
  });

  it('records a duplicate decision from the page: keep separate, or link (declining as already referred)', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const first = await s.referrals.refer(world.referrer.ctx, referralFor(world.service));
    const noNumber = referralFor(world.service);
    noNumber.person = { ...noNumber.person, nhsNumber: '' };
    const second = await s.referrals.refer(world.referrer.ctx, noNumber);
    const third = await s.referrals.refer(world.referrer.ctx, noNumber);
    const lead = await signedInBrowser(world.teamLead);

    const queue = await lead.get('/referrals/triage');
    expect(queue.body).toContain('Possible duplicate');

    const page = await lead.get(`/referrals/${second.receipt.id}`);
    expect(page.body).toContain('Possible duplicates');
    expect(page.body).toContain('Same name and date of birth');
    expect(page.body).toContain('No NHS number');
    expect(page.body).toContain(`name="duplicateOf" value="${first.receipt.id}"`);

    const bad = await lead.post(`/referrals/${second.receipt.id}/duplicate`, { decision: 'linked', duplicateOf: world.service.id });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#duplicates"');

    const linked = await lead.post(`/referrals/${second.receipt.id}/duplicate`, { decision: 'linked', duplicateOf: first.receipt.id });
    expect(linked.statusCode).toBe(303);
    expect(linked.headers.location).toBe(`/referrals/${second.receipt.id}?done=duplicate-declined`);
    const after = await lead.get(linked.headers.location!);
    expect(after.body).toContain('Linked as a duplicate and declined');
    expect(after.body).toContain('Already referred');
    expect((await s.referrals.get(world.teamLead.ctx, second.receipt.id)).referral).toMatchObject({ status: 'closed', closedReason: 'duplicate' });

    await lead.get(`/referrals/${third.receipt.id}`);
    const kept = await lead.post(`/referrals/${third.receipt.id}/duplicate`, { decision: 'kept-separate' });
    expect(kept.statusCode).toBe(303);
    const keptPage = await lead.get(kept.headers.location!);
    expect(keptPage.body).toContain('Kept separate');
    expect(keptPage.body).not.toContain('name="duplicateOf"');
    expect((await s.referrals.get(world.teamLead.ctx, third.receipt.id)).referral).toMatchObject({ status: 'received', duplicateDecision: 'kept-separate' });
  });

  it('lists the service’s referrals newest first with filters, and pages older ones keeping the filters', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const made = [];
    for (let i = 0; i < 3; i++) made.push((await s.referrals.refer(world.referrer.ctx, referralFor(world.service, { urgency: 'urgent' }))).receipt);
    const routine = (await s.referrals.refer(world.referrer.ctx, referralFor(world.service))).receipt;
    await s.referrals.selfRefer(null, referralFor(world.service, { multipleDisadvantage: [], needs: [] }));
    await s.referrals.act(world.teamLead.ctx, made[0]!.id, 'decline', { reason: 'person-declined' });
    const lead = await signedInBrowser(world.teamLead);

    const all = await lead.get('/referrals');
    expect(all.statusCode).toBe(200);
    expect(countMatches(all.body, /href="\/referrals\/[0-9a-f-]{36}"/g)).toBe(5);
    expect(all.body.indexOf(routine.reference)).toBeLessThan(all.body.indexOf(made[2]!.reference));
    expect(all.body).toContain('Self-referral');

    const open = await lead.get('/referrals?status=open&urgency=urgent');
    expect(open.body).not.toContain(made[0]!.reference);
    expect(open.body).toContain(made[1]!.reference);
    expect(open.body).not.toContain(routine.reference);
    expect(open.body).toContain('<option value="open" selected>');

    const self = await lead.get('/referrals?source=self');
    expect(countMatches(self.body, /href="\/referrals\/[0-9a-f-]{36}"/g)).toBe(1);
    const bySlug = await lead.get(`/referrals?source=${world.practice.slug}`);
    expect(countMatches(bySlug.body, /href="\/referrals\/[0-9a-f-]{36}"/g)).toBe(4);

    const page = await s.referrals.listForService(world.teamLead.ctx, { urgency: 'urgent', limit: 2 });
    expect(page.nextCursor).toBeTruthy();
    const older = await lead.get(`/referrals?urgency=urgent&cursor=${page.nextCursor}`);
    expect(older.statusCode).toBe(200);
    expect(older.body).toContain('Older referrals');
    expect(older.body).toContain(made[0]!.reference);
    expect(older.body).not.toContain(made[2]!.reference);

    const bad = await lead.get('/referrals?from=yesterday&status=nonsense');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#from"');
    expect(bad.body).toContain('href="#status"');
    expect(bad.body).toContain('value="yesterday"');
  });

  it('links to older referrals with the filters kept', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    for (let i = 0; i < 51; i++) await s.referrals.selfRefer(null, referralFor(world.service, { urgency: 'urgent', multipleDisadvantage: [], needs: [], person: { ...referralFor(world.service).person!, nhsNumber: '', givenName: `P${i}` } }));
    const lead = await signedInBrowser(world.teamLead);
    const page = await lead.get('/referrals?urgency=urgent&source=self');
    expect(countMatches(page.body, /href="\/referrals\/[0-9a-f-]{36}"/g)).toBe(50);
    const next = /href="(\/referrals\?urgency=urgent&amp;source=self&amp;cursor=[A-Za-z0-9_-]+)"/.exec(page.body)?.[1];
    expect(next).toBeTruthy();
    const older = await lead.get(next!.replace(/&amp;/g, '&'));
    expect(older.statusCode).toBe(200);
    expect(countMatches(older.body, /href="\/referrals\/[0-9a-f-]{36}"/g)).toBe(1);
    expect(older.body).not.toContain('rel="next"');
  });

  it('refuses the pages to referrers and providers, and hides other services’ referrals', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const { receipt } = await s.referrals.refer(world.referrer.ctx, referralFor(world.service));
    const provider = await buildUser(await buildOrganisation({ type: 'vcse' }), 'provider');
    for (const user of [world.referrer, provider]) {
      const browser = await signedInBrowser(user);
      expect((await browser.get('/referrals')).statusCode).toBe(403);
      expect((await browser.get('/referrals/triage')).statusCode).toBe(403);
      expect((await browser.get(`/referrals/${receipt.id}`)).statusCode).toBe(403);
    }

    const otherService = await buildOrganisation({ type: 'sp-service' });
    const otherLead = await signedInBrowser(await buildUser(otherService, 'team-lead'));
    expect((await otherLead.get(`/referrals/${receipt.id}`)).statusCode).toBe(404);
    expect((await otherLead.post(`/referrals/${receipt.id}/accept`, {})).statusCode).toBe(404);
    expect((await otherLead.get('/referrals/triage')).body).not.toContain(receipt.reference);

    const lead = await signedInBrowser(world.teamLead);
    expect((await lead.get('/referrals/not-a-uuid')).statusCode).toBe(404);
    expect((await lead.post(`/referrals/${receipt.id}/explode`, {})).statusCode).toBe(404);
    expect((await lead.post(`/referrals/${receipt.id}/accept`, { _csrf: 'wrong' })).statusCode).toBe(403);
  });

  it('audits every view of a referral as a view of the person', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const { receipt } = await s.referrals.refer(world.referrer.ctx, referralFor(world.service));
    const worker = await signedInBrowser(world.linkWorker);
    const adminCtx = { ...world.teamLead.ctx, role: 'admin' as const };
    const before = (await s.audit.list(adminCtx, { action: 'referral.viewed' })).items.filter((e) => e.subjectId === receipt.id).length;
    expect((await worker.get(`/referrals/${receipt.id}`)).statusCode).toBe(200);
    const events = (await s.audit.list(adminCtx, { action: 'referral.viewed' })).items.filter((e) => e.subjectId === receipt.id);
    expect(events.length).toBe(before + 1);
    expect(events[0]).toMatchObject({ actorLabel: world.linkWorker.userId });
  });

  it('escapes what referrers type: names, reasons and risk notes', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const payload = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    const body = referralFor(world.service, { reason: `Needs help ${payload}`, riskNotes: `Risk ${payload}` });
    body.person = { ...body.person, givenName: `Eve${payload}`, preferredName: payload, contactNotes: payload, interpreterLanguage: payload, accessibilityNeeds: payload };
    const { receipt } = await s.referrals.refer(world.referrer.ctx, body);
    const lead = await signedInBrowser(world.teamLead);
    for (const url of ['/referrals/triage', '/referrals', `/referrals/${receipt.id}`]) {
      const page = await lead.get(url);
      expect(page.statusCode).toBe(200);
      expect(page.body).not.toContain('<script>alert(1)</script>');
      expect(page.body).not.toContain('<img src=x');
      expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
  });

  it('shows what keeps contact safe: no NHS number, no fixed address, someone else to contact through, interpreter', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const body = referralFor(world.service, { riskNotes: 'Do not visit alone.\nDog at the hostel.' });
    body.person = {
      givenName: 'Dan', familyName: 'Example', dateOfBirth: '1987-06-01', noFixedAbode: true, preferredContact: 'via-someone-else',
      contactNotes: 'Hostel key worker, 0117 496 0000', interpreterLanguage: 'Polish', accessibilityNeeds: 'Large print',
    };
    const { receipt } = await s.referrals.refer(world.referrer.ctx, body);
    const lead = await signedInBrowser(world.teamLead);
    const page = await lead.get(`/referrals/${receipt.id}`);
    expect(page.body).toContain('No NHS number');
    expect(page.body).toContain('No fixed address');
    expect(page.body).toContain('Through someone else (for example a key worker)');
    expect(page.body).toContain('Hostel key worker, 0117 496 0000');
    expect(page.body).toContain('Interpreter needed:</strong> Polish');
    expect(page.body).toContain('Risk information');
    expect(page.body).toContain('<p>Do not visit alone.</p>');
    expect(page.body).toContain('<p>Dog at the hostel.</p>');
  });
});
