import { beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../../test/support/db.js';
import { buildOrganisation, buildUser, testServices, type TestUser } from '../../../test/support/factories.js';
import { Browser, testApp } from '../../../test/support/http.js';
import { buildReferralWorld, referralFor } from '../../../test/support/referrals.js';

// Starting the database and app (migrations on a fresh PGlite) belongs to set-up, not to the first test's time.
beforeAll(async () => {
  await testApp();
});

async function caseWorld() {
  const s = await testServices();
  const world = await buildReferralWorld();
  const { receipt } = await s.referrals.refer(world.referrer.ctx, referralFor(world.service));
  const accepted = await s.referrals.act(world.teamLead.ctx, receipt.id, 'accept');
  return { ...world, admin: await buildUser(world.service, 'admin'), caseId: accepted.caseId! };
}

async function signedIn(user: TestUser): Promise<Browser> {
  const browser = new Browser(await testApp());
  const response = await browser.signIn(user.email, user.password);
  expect(response.statusCode).toBe(303);
  return browser;
}

const ons4 = (answers: (number | '')[]) => Object.fromEntries(answers.map((a, i) => [`answer-${i}`, String(a)]));

describe('the case’s Outcomes pages', () => {
  it('records a measure with a score check, then shows its history as a chart with a table; a decline shows as a decline', async () => {
    const world = await caseWorld();
    const browser = await signedIn(world.linkWorker);
    const url = `/cases/${world.caseId}/outcomes`;

    const empty = await browser.get(url);
    expect(empty.statusCode).toBe(200);
    expect(empty.body).toContain('aria-current="page">Outcomes</a>');
    expect(empty.body).toContain('No measures recorded yet.');
    expect(empty.body).toContain('New Directions Team (NDT) assessment'); // the MD cohort's default
    expect(empty.body).toContain('Baseline: not recorded yet');

    const choose = await browser.get(`${url}/record`);
    expect(choose.statusCode).toBe(200);
    expect(choose.body).toContain('Which measure are you recording?');
    const form = await browser.get(`${url}/record?measure=ons4`);
    expect(form.body).toContain('Overall, how satisfied are you with your life nowadays?');

    const checked = await browser.post(`${url}/record`, { measure: 'ons4', intent: 'check', ...ons4([7, 8, '', 3]) });
    expect(checked.statusCode).toBe(200);
    expect(checked.body).toContain('Score so far');
    expect(checked.body).toContain('3 of 4 questions answered');
    expect(checked.body).toContain('7 (High)');
    expect(checked.body).toContain('3 (Low) – from 0 to 10; lower is better');

    const refused = await browser.post(`${url}/record`, { measure: 'ons4', intent: 'save', 'completedOn-day': '31', 'completedOn-month': '2', 'completedOn-year': '2026', ...ons4([7, 8, 6, 3]) });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('There is a problem');
    expect(refused.body).toContain('href="#completedOn"');
    expect(refused.body).toContain('href="#timepoint"');

    const saved = await browser.post(`${url}/record`, {
      measure: 'ons4', intent: 'save', timepoint: 'baseline', 'completedOn-day': '5', 'completedOn-month': '1', 'completedOn-year': '2026', ...ons4([4, 5, 6, 7]),
    });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`${url}?done=recorded`);
    await browser.post(`${url}/record`, {
      measure: 'ons4', intent: 'save', timepoint: 'review', 'completedOn-day': '5', 'completedOn-month': '4', 'completedOn-year': '2026', ...ons4([6, 7, 7, 3]),
    });
    const declined = await browser.post(`${url}/record`, {
      measure: 'ndt', intent: 'declined', timepoint: 'baseline', 'completedOn-day': '6', 'completedOn-month': '1', 'completedOn-year': '2026', 'answer-0': '3',
    });
    expect(declined.headers.location).toBe(`${url}?done=declined`);

    const history = await browser.get(declined.headers.location as string);
    expect(history.body).toContain('Recorded that the person declined to answer.');
    expect(history.body.match(/<svg [^>]*role="img"/g)).toHaveLength(4); // one per ONS4 item
    expect(history.body).toContain('Anxious yesterday (lower is better)');
    expect(history.body).toContain('Life satisfaction, from 0 to 10. Higher is better. 4 on 5 Jan 2026 (baseline), 6 on 5 Apr 2026 (review).');
    expect(history.body).toContain('<caption class="nhsuk-table__caption nhsuk-table__caption--s">ONS4 personal wellbeing: every record, as a table</caption>');
    expect(history.body).toContain('7 (High)');
    expect(history.body).toContain('Declined to answer');
    expect(history.body).toContain('Baseline: recorded');

    const db = await testDatabase();
    const audit = await db.inScope({ organisationId: world.service.id, userId: null }, (tx) =>
      tx.selectFrom('auditEvent').select(['action', 'detail']).where('organisationId', '=', world.service.id).where('action', 'in', ['case.viewed', 'measure.recorded']).execute(),
    );
    expect(audit.filter((e) => e.action === 'measure.recorded')).toHaveLength(3);
    expect(audit.some((e) => e.action === 'case.viewed' && (e.detail as Record<string, unknown>).part === 'outcomes')).toBe(true);
  });

  it('keeps GP attendance on the case when the programme collects it', async () => {
    const world = await caseWorld();
    const s = await testServices();
    const db = await testDatabase();
    const programme = await db.inScope({ organisationId: world.service.id, userId: null }, (tx) => tx.selectFrom('programme').select('id').where('organisationId', '=', world.service.id).executeTakeFirstOrThrow());
    const browser = await signedIn(world.linkWorker);
    const url = `/cases/${world.caseId}/outcomes`;
    expect((await browser.get(url)).body).not.toContain('GP attendance');
    await s.outcomes.setProgrammeSettings(world.admin.ctx, programme.id, { measures: [], gpAttendance: true, uclaLonelyFrom: null });
    expect((await browser.get(url)).body).toContain('GP attendance');
    const bad = await browser.post(`${url}/gp-attendance`, { before: 'lots', after: '2' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#before"');
    const saved = await browser.post(`${url}/gp-attendance`, { before: '6', after: '2' });
    expect(saved.statusCode).toBe(303);
    const after = (await browser.get(url)).body;
    expect(after).toMatch(/name="before"[^>]*value="6"/);
    expect(after).toMatch(/name="after"[^>]*value="2"/);
  });

  it('is not there for other organisations (404) or roles without casework (403)', async () => {
    const world = await caseWorld();
    const elsewhere = await buildUser(await buildOrganisation(), 'link-worker');
    expect((await (await signedIn(elsewhere)).get(`/cases/${world.caseId}/outcomes`)).statusCode).toBe(404);
    expect((await (await signedIn(world.admin)).get(`/cases/${world.caseId}/outcomes`)).statusCode).toBe(403);
    expect((await (await signedIn(world.linkWorker)).get(`/cases/not-a-case/outcomes`)).statusCode).toBe(404);
  });
});

describe('adding a measure as an administrator', () => {
  it('checks the definition, names each problem, and adds it for link workers to record', async () => {
    const world = await caseWorld();
    const browser = await signedIn(world.admin);
    const page = await browser.get('/admin/measures');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Short Warwick-Edinburgh Mental Wellbeing Scale (SWEMWBS)');
    const refused = await browser.post('/admin/measures', { name: '', code: 'swemwbs', items: '', scaleMin: '1', scaleMax: 'ten', kind: 'lookup', direction: 'higher-is-better' });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('href="#scaleMax"');
    const refusedAgain = await browser.post('/admin/measures', { name: '', code: 'swemwbs', items: '', scaleMin: '1', scaleMax: '10', kind: 'sum', direction: 'higher-is-better' });
    expect(refusedAgain.body).toContain('href="#name"');
    expect(refusedAgain.body).toContain('swemwbs is a built-in measure');
    expect(refusedAgain.body).toContain('href="#items"');
    const added = await browser.post('/admin/measures', {
      name: 'Homelessness Outcomes Star', code: 'outcomes-star', items: 'Motivation\nSelf-care', scaleMin: '1', scaleMax: '10', kind: 'per-item', direction: 'higher-is-better', answerLabels: '1 = Stuck\n10 = Self-reliance',
    });
    expect(added.statusCode).toBe(303);
    expect((await browser.get('/admin/measures?done=added')).body).toContain('Added by your organisation');
    const noLicence = await browser.post('/admin/measures/wemwbs/wording', { items: 'Only one', answerLabels: '' });
    expect(noLicence.statusCode).toBe(400);
    expect(noLicence.body).toContain('href="#wemwbs-items"');
    expect(noLicence.body).toContain('href="#wemwbs-licensed"');
    const worded = await browser.post('/admin/measures/swemwbs/wording', { items: [1, 2, 3, 4, 5, 6, 7].map((i) => `Our statement ${i}`).join('\n'), answerLabels: '', licensed: 'yes' });
    expect(worded.statusCode).toBe(303);
    const lw = await signedIn(world.linkWorker);
    const form = await lw.get(`/cases/${world.caseId}/outcomes/record?measure=outcomes-star`);
    expect(form.body).toContain('1 – Stuck');
    const swemwbs = await lw.get(`/cases/${world.caseId}/outcomes/record?measure=swemwbs`);
    expect(swemwbs.body).toContain('Our statement 7');
    expect(swemwbs.body).toContain('Your organisation entered this wording under its registration.');
    expect((await lw.get('/admin/measures')).statusCode).toBe(403);
  });
});
