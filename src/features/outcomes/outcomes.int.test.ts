import { beforeAll, describe, expect, it } from 'vitest';
import { asOwner } from '../../../test/support/backend.js';
import { testDatabase } from '../../../test/support/db.js';
import { buildOrganisation, buildUser, testServices, type TestUser } from '../../../test/support/factories.js';
import { testApp } from '../../../test/support/http.js';
import { buildReferralWorld, referralFor } from '../../../test/support/referrals.js';
import { Forbidden, NotFound, ValidationFailed } from '../../../src/platform/errors.js';

// Starting the database and app (migrations on a fresh PGlite) belongs to set-up, not to the first test's time.
beforeAll(async () => {
  await testApp();
});

/** A service with an accepted referral (so an open case), for the person Sam Taylor. */
async function caseWorld(options: { multipleDisadvantage?: boolean; nhsNumber?: string } = {}) {
  const s = await testServices();
  const world = await buildReferralWorld();
  const referral = referralFor(world.service, { multipleDisadvantage: options.multipleDisadvantage === false ? [] : ['homelessness'] });
  if (options.nhsNumber) referral.person = { ...referral.person, nhsNumber: options.nhsNumber };
  const { receipt } = await s.referrals.refer(world.referrer.ctx, referral);
  const accepted = await s.referrals.act(world.teamLead.ctx, receipt.id, 'accept');
  const admin = await buildUser(world.service, 'admin');
  return { ...world, admin, caseId: accepted.caseId!, personId: accepted.person.id, programmeId: await programmeOf(world.service.id) };
}

async function programmeOf(organisationId: string): Promise<string> {
  const db = await testDatabase();
  const row = await db.inScope({ organisationId, userId: null }, (tx) => tx.selectFrom('programme').select('id').where('organisationId', '=', organisationId).executeTakeFirstOrThrow());
  return row.id;
}

async function auditActions(organisationId: string): Promise<{ action: string; detail: Record<string, unknown> }[]> {
  const db = await testDatabase();
  return db.inScope({ organisationId, userId: null }, (tx) =>
    tx.selectFrom('auditEvent').select(['action', 'detail']).where('organisationId', '=', organisationId).orderBy('occurredAt').execute(),
  ) as Promise<{ action: string; detail: Record<string, unknown> }[]>;
}

async function tokenFor(user: TestUser): Promise<string> {
  return (await (await testServices()).tokens.create(user.ctx, 'outcomes test')).token;
}

async function call(token: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) {
  const app = await testApp();
  const response = await app.inject({ method, url, payload: payload as object, headers: { authorization: `Bearer ${token}` } });
  return { status: response.statusCode, headers: response.headers, body: response.json() as Record<string, unknown> & { errors?: { field: string; message: string }[] } };
}

describe('recording measures on a case', () => {
  it('records answers with their scores, and a decline with no score; both audited', async () => {
    const s = await testServices();
    const world = await caseWorld();
    const baseline = await s.outcomes.record(world.linkWorker.ctx, world.caseId, { measure: 'swemwbs', timepoint: 'baseline', completedOn: '2026-01-05', answers: [3, 3, 3, 3, 3, 3, 2] });
    expect(baseline).toMatchObject({ declined: false, rawTotal: 20, total: 18.59, complete: true, timepoint: 'baseline', completedOn: '2026-01-05', answers: [3, 3, 3, 3, 3, 3, 2] });
    const declined = await s.outcomes.record(world.linkWorker.ctx, world.caseId, { measure: 'ucla3', timepoint: 'baseline', completedOn: '2026-01-05', declined: true });
    expect(declined).toMatchObject({ declined: true, answers: null, total: null, scores: [] });

    const db = await testDatabase();
    const outcomes = await db.inScope({ organisationId: world.service.id, userId: world.linkWorker.userId }, (tx) => s.outcomes.caseOutcomes(tx, world.linkWorker.ctx, world.caseId));
    expect(outcomes.records.map((r) => [r.measure.code, r.declined, r.total])).toEqual([
      ['swemwbs', false, 18.59],
      ['ucla3', true, null],
    ]);
    const audit = (await auditActions(world.service.id)).filter((e) => e.action === 'measure.recorded');
    expect(audit.map((e) => [e.detail.measure, e.detail.declined])).toEqual([
      ['swemwbs', false],
      ['ucla3', true],
    ]);
    expect(JSON.stringify(audit)).not.toContain('Sam');
  });

  it('keeps a partial SWEMWBS without a score, and refuses an empty or out-of-range record naming each field', async () => {
    const s = await testServices();
    const world = await caseWorld();
    const partial = await s.outcomes.record(world.linkWorker.ctx, world.caseId, { measure: 'swemwbs', timepoint: 'review', completedOn: '2026-02-01', answers: [3, null, 3, 3, 3, 3, 3] });
    expect(partial).toMatchObject({ complete: false, total: null, rawTotal: null });
    const refused = await s.outcomes
      .record(world.linkWorker.ctx, world.caseId, { measure: 'ndt', timepoint: 'later', completedOn: '2999-01-01', answers: [0, 0, 0, 5, 0, 0, 0, 0, 0, 0] })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ValidationFailed);
    expect((refused as ValidationFailed).errors.map((e) => e.field)).toEqual(['timepoint', 'completedOn', 'answers[3]']);
    const empty = await s.outcomes.record(world.linkWorker.ctx, world.caseId, { measure: 'ons4', timepoint: 'review', completedOn: '2026-02-01', answers: [null, null, null, null] }).catch((e: unknown) => e);
    expect((empty as ValidationFailed).errors.map((e) => e.field)).toEqual(['answers']);
    const unknown = await s.outcomes.record(world.linkWorker.ctx, world.caseId, { measure: 'nope', timepoint: 'review', completedOn: '2026-02-01', answers: [] }).catch((e: unknown) => e);
    expect((unknown as ValidationFailed).errors.map((e) => e.field)).toEqual(['measure']);
  });

  it('asks for NDT and ONS4 in the multiple-disadvantage cohort by default, ONS4 otherwise, and follows programme settings', async () => {
    const s = await testServices();
    const db = await testDatabase();
    const md = await caseWorld();
    const plan = (world: Awaited<ReturnType<typeof caseWorld>>) =>
      db.inScope({ organisationId: world.service.id, userId: null }, (tx) => s.outcomes.caseOutcomes(tx, world.linkWorker.ctx, world.caseId)).then((o) => o.plan.map((p) => p.code).sort());
    expect(await plan(md)).toEqual(['ndt', 'ons4']);
    const other = await caseWorld({ multipleDisadvantage: false });
    expect(await plan(other)).toEqual(['ons4']);

    await s.outcomes.setProgrammeSettings(md.admin.ctx, md.programmeId, {
      measures: [
        { cohort: 'everyone', code: 'swemwbs', timepoints: ['baseline', 'closure'] },
        { cohort: 'multiple-disadvantage', code: 'ndt', timepoints: ['baseline'] },
      ],
      gpAttendance: true,
      uclaLonelyFrom: 6,
    });
    expect(await plan(md)).toEqual(['ndt', 'swemwbs']);
    const lonely = await s.outcomes.record(md.linkWorker.ctx, md.caseId, { measure: 'ucla3', timepoint: 'baseline', completedOn: '2026-01-05', answers: [2, 2, 2] });
    expect(lonely.scores[0]!.band).toBe('At or above the service’s loneliness cut-off');
    await expect(s.outcomes.setProgrammeSettings(md.linkWorker.ctx, md.programmeId, { measures: [], gpAttendance: false, uclaLonelyFrom: null })).rejects.toThrow(Forbidden);
    const bad = await s.outcomes
      .setProgrammeSettings(md.admin.ctx, md.programmeId, { measures: [{ cohort: 'everyone', code: 'nope', timepoints: ['baseline'] }], gpAttendance: false, uclaLonelyFrom: 12 })
      .catch((e: unknown) => e);
    expect((bad as ValidationFailed).errors.map((e) => e.field)).toEqual(['measures[0].code', 'uclaLonelyFrom']);
  });

  it('is the service’s casework: other roles and other organisations cannot record or read', async () => {
    const s = await testServices();
    const world = await caseWorld();
    await expect(s.outcomes.record(world.referrer.ctx, world.caseId, { measure: 'ons4', timepoint: 'baseline', completedOn: '2026-01-05', answers: [5, 5, 5, 5] })).rejects.toThrow(Forbidden);
    await expect(s.outcomes.record(world.admin.ctx, world.caseId, { measure: 'ons4', timepoint: 'baseline', completedOn: '2026-01-05', answers: [5, 5, 5, 5] })).rejects.toThrow(Forbidden);
    const elsewhere = await buildUser(await buildOrganisation(), 'link-worker');
    await expect(s.outcomes.record(elsewhere.ctx, world.caseId, { measure: 'ons4', timepoint: 'baseline', completedOn: '2026-01-05', answers: [5, 5, 5, 5] })).rejects.toThrow(NotFound);
    await expect(s.outcomes.listCaseRecords(elsewhere.ctx, world.caseId)).rejects.toThrow(NotFound);
  });

  it('row-level security: another organisation’s scope sees none of the records, settings or GP counts', async () => {
    const s = await testServices();
    const db = await testDatabase();
    const world = await caseWorld();
    await s.outcomes.setProgrammeSettings(world.admin.ctx, world.programmeId, { measures: [], gpAttendance: true, uclaLonelyFrom: null });
    await s.outcomes.record(world.linkWorker.ctx, world.caseId, { measure: 'ons4', timepoint: 'baseline', completedOn: '2026-01-05', answers: [5, 5, 5, 5] });
    await s.outcomes.setGpAttendance(world.linkWorker.ctx, world.caseId, { before: 4, after: null });
    await s.outcomes.defineMeasure(world.admin.ctx, { code: 'star', name: 'Star', items: ['One'], scale: { min: 1, max: 10 }, scoring: { kind: 'per-item', direction: 'higher-is-better' } });
    const other = await buildOrganisation();
    const tables = ['measureRecord', 'gpAttendance', 'programmeOutcomeOption', 'outcomeMeasure'] as const;
    for (const table of tables) {
      const own = await db.inScope({ organisationId: world.service.id, userId: null }, (tx) => tx.selectFrom(table).select('organisationId').execute());
      expect(own.length, table).toBeGreaterThan(0);
      const theirs = await db.inScope({ organisationId: other.id, userId: null }, (tx) => tx.selectFrom(table).select('organisationId').execute());
      expect(theirs.filter((r) => r.organisationId === world.service.id), table).toEqual([]);
    }
    // Writing a row for another organisation is refused by the policy's WITH CHECK.
    await expect(
      db.inScope({ organisationId: other.id, userId: null }, (tx) =>
        tx.insertInto('measureRecord').values({ organisationId: world.service.id, caseId: world.caseId, personId: world.personId, measureCode: 'ons4', timepoint: 'review', completedOn: '2026-01-01', declined: true, answers: null, scores: null, recordedByUserId: null }).execute(),
      ),
    ).rejects.toThrow();
  });

  it('shows licensed wording only where an organisation that registered entered it', async () => {
    const s = await testServices();
    const world = await caseWorld();
    const statements = Array.from({ length: 7 }, (_, i) => `Registered statement ${i + 1}`);
    const refused = await s.outcomes.setWording(world.admin.ctx, 'swemwbs', { items: statements.slice(0, 6), answerLabels: ['a', 'b'], licensed: false }).catch((e: unknown) => e);
    expect((refused as ValidationFailed).errors.map((e) => e.field)).toEqual(['items', 'answerLabels', 'licensed']);
    await expect(s.outcomes.setWording(world.admin.ctx, 'ons4', { items: [], answerLabels: [], licensed: true })).rejects.toThrow(NotFound);
    await expect(s.outcomes.setWording(world.linkWorker.ctx, 'swemwbs', { items: statements, answerLabels: [], licensed: true })).rejects.toThrow(Forbidden);

    const worded = await s.outcomes.setWording(world.admin.ctx, 'swemwbs', { items: statements, answerLabels: ['One', 'Two', 'Three', 'Four', 'Five'], licensed: true });
    expect(worded.itemWordingShown).toBe(true);
    expect(worded.items.map((i) => i.label)).toEqual(statements);
    expect(worded.scale.labels[4]).toEqual({ value: 5, label: 'Five' });
    // Scoring is unchanged by wording.
    expect((await s.outcomes.preview(world.linkWorker.ctx, 'swemwbs', [3, 3, 3, 3, 3, 3, 2])).total).toBe(18.59);
    const elsewhere = await buildUser(await buildOrganisation(), 'link-worker');
    const theirs = (await s.outcomes.listDefinitions(elsewhere.ctx)).find((d) => d.code === 'swemwbs')!;
    expect(theirs.itemWordingShown).toBe(false);
    expect(theirs.items[0]!.label).toBe('Statement 1');
  });

  it('refuses a stored declined record that has a score (database check)', async () => {
    const db = await testDatabase();
    const world = await caseWorld();
    // FORCE ROW LEVEL SECURITY binds the owner too: set the organisation so only the CHECK can refuse.
    const error = await asOwner(db, async (query) =>
      (await query(`SELECT set_config('app.organisation_id', $1, true)`, [world.service.id])) &&
      query(
        `INSERT INTO measure_record (organisation_id, case_id, person_id, measure_code, timepoint, completed_on, declined, answers, scores) VALUES ($1, $2, $3, 'ons4', 'baseline', '2026-01-01', true, '[1,1,1,1]', '{}')`,
        [world.service.id, world.caseId, world.personId],
      ).then(
        () => null,
        (e: unknown) => e,
      ),
    );
    expect(String(error)).toMatch(/check constraint/);
  });
});

describe('GP attendance and the outcomes export', () => {
  it('enters and imports GP counts only where the programme collects them', async () => {
    const s = await testServices();
    const world = await caseWorld({ nhsNumber: '9990000026' });
    const off = await s.outcomes.setGpAttendance(world.linkWorker.ctx, world.caseId, { before: 3, after: 1 }).catch((e: unknown) => e);
    expect((off as ValidationFailed).errors.map((e) => e.field)).toEqual(['gpAttendance']);
    await s.outcomes.setProgrammeSettings(world.admin.ctx, world.programmeId, { measures: [], gpAttendance: true, uclaLonelyFrom: null });
    expect(await s.outcomes.setGpAttendance(world.linkWorker.ctx, world.caseId, { before: 3, after: null })).toEqual({ before: 3, after: null });
    const summary = await s.outcomes.importGpAttendance(world.admin.ctx, [
      { line: 2, nhsNumber: '999 000 0026', period: 'after', count: '1' },
      { line: 3, personId: world.personId, period: 'before', count: '5' },
      { line: 4, nhsNumber: '9990000034', period: 'after', count: '2' },
      { line: 5, nhsNumber: '9990000026', period: 'during', count: '2' },
      { line: 6, nhsNumber: '9990000026', period: 'after', count: 'many' },
    ]);
    expect(summary).toEqual({
      imported: 2,
      rejected: [
        { line: 4, message: 'no case for this person in this organisation' },
        { line: 5, message: 'period must be before or after' },
        { line: 6, message: 'count must be a whole number from 0 to 999' },
      ],
    });
    const db = await testDatabase();
    const outcomes = await db.inScope({ organisationId: world.service.id, userId: null }, (tx) => s.outcomes.caseOutcomes(tx, world.linkWorker.ctx, world.caseId));
    expect(outcomes.gpAttendance).toEqual({ before: 5, after: 1 });
  });

  it('exports measures, SNOMED-coded referral events and GP counts under a stable pseudonym, never a name or NHS number', async () => {
    const s = await testServices();
    const world = await caseWorld();
    await s.outcomes.setProgrammeSettings(world.admin.ctx, world.programmeId, { measures: [], gpAttendance: true, uclaLonelyFrom: null });
    await s.outcomes.record(world.linkWorker.ctx, world.caseId, { measure: 'ons4', timepoint: 'baseline', completedOn: '2026-01-05', answers: [4, 5, null, 7] });
    await s.outcomes.record(world.linkWorker.ctx, world.caseId, { measure: 'ndt', timepoint: 'baseline', completedOn: '2026-01-06', answers: [1, 1, 1, 2, 1, 1, 1, 1, 1, 1] });
    await s.outcomes.record(world.linkWorker.ctx, world.caseId, { measure: 'ndt', timepoint: 'review', completedOn: '2026-04-06', declined: true });
    await s.outcomes.setGpAttendance(world.linkWorker.ctx, world.caseId, { before: 6, after: 2 });
    const today = new Date().toISOString().slice(0, 10);
    const rows = await s.outcomes.exportRows(world.admin.ctx, { from: '2026-01-01', to: today > '2026-12-31' ? today : '2026-12-31' });
    const pseudonym = s.outcomes.pseudonym(world.personId);
    expect(pseudonym).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(new Set(rows.map((r) => r.person))).toEqual(new Set([pseudonym]));
    const measures = rows.filter((r) => r.kind === 'measure');
    expect(measures).toEqual([
      { person: pseudonym, kind: 'measure', code: 'ons4', date: '2026-01-05', timepoint: 'baseline', declined: 'no', answers: '4;5;;7', score: '', itemScores: 'life-satisfaction=4;worthwhile=5;anxious=7', snomedCode: '' },
      { person: pseudonym, kind: 'measure', code: 'ndt', date: '2026-01-06', timepoint: 'baseline', declined: 'no', answers: '1;1;1;2;1;1;1;1;1;1', score: '14', itemScores: 'engagement=1;intentional-self-harm=1;unintentional-self-harm=1;risk-to-others=4;risk-from-others=2;stress-and-anxiety=1;social-effectiveness=1;alcohol-drug-misuse=1;impulse-control=1;housing=1', snomedCode: '' },
      { person: pseudonym, kind: 'measure', code: 'ndt', date: '2026-04-06', timepoint: 'review', declined: 'yes', answers: '', score: '', itemScores: '', snomedCode: '' },
    ]);
    expect(rows.filter((r) => r.kind === 'referral-event').map((r) => [r.code, r.snomedCode])).toEqual([['accept', '871731000000106']]);
    expect(rows.filter((r) => r.kind === 'gp-attendance').map((r) => [r.timepoint, r.score])).toEqual([['before', '6'], ['after', '2']]);
    expect(JSON.stringify(rows)).not.toMatch(/Sam|Taylor|9990000018/);
    expect((await auditActions(world.service.id)).map((e) => e.action)).toContain('outcomes.exported');
    await expect(s.outcomes.exportRows(world.linkWorker.ctx, { from: '2026-01-01', to: '2026-12-31' })).rejects.toThrow(Forbidden);
    const bad = await s.outcomes.exportRows(world.admin.ctx, { from: '2026-02-30', to: '2026-01-01' }).catch((e: unknown) => e);
    expect((bad as ValidationFailed).errors.map((e) => e.field)).toEqual(['from']);
  });
});

describe('outcomes API', () => {
  it('lists definitions and scores without storing; 400 names the item, the count or the code', async () => {
    const world = await caseWorld();
    const token = await tokenFor(world.linkWorker);
    const list = await call(token, 'GET', '/api/v1/measures');
    expect(list.status).toBe(200);
    expect((list.body.items as { code: string }[]).map((m) => m.code)).toEqual(['ons4', 'swemwbs', 'ucla3', 'ndt', 'wemwbs']);

    const scored = await call(token, 'POST', '/api/v1/measures/swemwbs/score', { answers: [5, 5, 5, 5, 5, 5, 5] });
    expect(scored.status).toBe(200);
    expect(scored.body).toMatchObject({ code: 'swemwbs', rawTotal: 35, total: 35, complete: true });
    const ons = await call(token, 'POST', '/api/v1/measures/ons4/score', { answers: [9, 5, 3, 6] });
    expect((ons.body.scores as { key: string; band: string }[]).map((s) => [s.key, s.band])).toEqual([
      ['life-satisfaction', 'Very high'],
      ['worthwhile', 'Medium'],
      ['happy', 'Low'],
      ['anxious', 'High'],
    ]);
    expect(ons.body.total).toBeNull();

    const outOfRange = await call(token, 'POST', '/api/v1/measures/ndt/score', { answers: [0, 0, 0, 8, 0, 0, 0, 0, 0, 0] });
    expect(outOfRange.status).toBe(400);
    expect(outOfRange.headers['content-type']).toContain('application/problem+json');
    expect(outOfRange.body.errors).toEqual([{ field: 'answers[3]', message: 'Answer to “Risk to others” must be a whole number from 0 to 4' }]);
    expect((await call(token, 'POST', '/api/v1/measures/ucla3/score', { answers: [1, 1] })).body.errors!.map((e) => e.field)).toEqual(['answers']);
    expect((await call(token, 'POST', '/api/v1/measures/ucla3/score', { answers: [1, '2', 1] })).body.errors!.map((e) => e.field)).toEqual(['answers[1]']);
    const unknown = await call(token, 'POST', '/api/v1/measures/phq9/score', { answers: [1] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors!.map((e) => e.field)).toEqual(['code']);
    expect((await call(token, 'POST', '/api/v1/measures/ucla3/score', {})).status).toBe(400);
  });

  it('records and lists a case’s measures; other organisations get 404, referrers 403, no token 401', async () => {
    const world = await caseWorld();
    const token = await tokenFor(world.linkWorker);
    const created = await call(token, 'POST', `/api/v1/cases/${world.caseId}/measures`, { measure: 'ndt', timepoint: 'baseline', completedOn: '2026-01-10', answers: [4, 4, 4, 4, 4, 4, 4, 4, 4, 4] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ total: 48, measure: { code: 'ndt' }, recordedBy: 'Test User' });
    const declined = await call(token, 'POST', `/api/v1/cases/${world.caseId}/measures`, { measure: 'ons4', timepoint: 'baseline', completedOn: '2026-01-10', declined: true });
    expect(declined.status).toBe(201);
    const bad = await call(token, 'POST', `/api/v1/cases/${world.caseId}/measures`, { measure: 'ons4', timepoint: 'baseline', completedOn: '2026-01-10', answers: [1, 2, 3, 11] });
    expect(bad.status).toBe(400);
    expect(bad.body.errors!.map((e) => e.field)).toEqual(['answers[3]']);

    const list = await call(token, 'GET', `/api/v1/cases/${world.caseId}/measures`);
    expect(list.status).toBe(200);
    expect((list.body.items as { measure: { code: string }; declined: boolean }[]).map((r) => [r.measure.code, r.declined])).toEqual([
      ['ndt', false],
      ['ons4', true],
    ]);
    expect(list.body.gpAttendance).toBeNull();
    expect((await auditActions(world.service.id)).filter((e) => e.action === 'case.viewed' && e.detail.part === 'outcomes-api')).toHaveLength(1);

    const elsewhere = await buildUser(await buildOrganisation(), 'link-worker');
    expect((await call(await tokenFor(elsewhere), 'GET', `/api/v1/cases/${world.caseId}/measures`)).status).toBe(404);
    expect((await call(await tokenFor(world.referrer), 'GET', `/api/v1/cases/${world.caseId}/measures`)).status).toBe(403);
    const app = await testApp();
    expect((await app.inject({ method: 'GET', url: '/api/v1/measures' })).statusCode).toBe(401);
  });

  it('lets administrators add a measure as data, then scores it with the same engine', async () => {
    const world = await caseWorld();
    const admin = await tokenFor(world.admin);
    const star = {
      code: 'outcomes-star',
      name: 'Homelessness Outcomes Star',
      licenceNote: 'Licensed by Triangle; used under our licence',
      items: ['Motivation', 'Self-care', 'Managing money'],
      scale: { min: 1, max: 10 },
      scoring: { kind: 'per-item', direction: 'higher-is-better' },
    };
    const created = await call(admin, 'POST', '/api/v1/measures', star);
    expect(created.status).toBe(201);
    expect((await call(admin, 'POST', '/api/v1/measures', star)).body.errors!.map((e) => e.field)).toEqual(['code']);
    expect((await call(admin, 'POST', '/api/v1/measures', { ...star, code: 'x', scoring: { kind: 'lookup', direction: 'higher-is-better', values: [1] } })).body.errors!.map((e) => e.field)).toEqual(['scoring.values']);
    expect((await call(await tokenFor(world.linkWorker), 'POST', '/api/v1/measures', { ...star, code: 'other' })).status).toBe(403);

    const lw = await tokenFor(world.linkWorker);
    const scored = await call(lw, 'POST', '/api/v1/measures/outcomes-star/score', { answers: [3, 6, 9] });
    expect((scored.body.scores as { key: string; value: number }[]).map((s) => [s.key, s.value])).toEqual([['item-1', 3], ['item-2', 6], ['item-3', 9]]);
    const recorded = await call(lw, 'POST', `/api/v1/cases/${world.caseId}/measures`, { measure: 'outcomes-star', timepoint: 'baseline', completedOn: '2026-01-10', answers: [3, 6, 9] });
    expect(recorded.status).toBe(201);
    // Another organisation does not have it.
    const elsewhere = await buildUser(await buildOrganisation(), 'link-worker');
    expect((await call(await tokenFor(elsewhere), 'POST', '/api/v1/measures/outcomes-star/score', { answers: [3, 6, 9] })).status).toBe(400);
  });

  it('describes every outcomes route, with its schemas, in the OpenAPI document', async () => {
    const app = await testApp();
    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, unknown> }>> };
    for (const [path, method] of [
      ['/api/v1/measures', 'get'], ['/api/v1/measures', 'post'], ['/api/v1/measures/{code}/score', 'post'], ['/api/v1/cases/{id}/measures', 'get'],
      ['/api/v1/cases/{id}/measures', 'post'], ['/api/v1/cases/{id}/gp-attendance', 'put'], ['/api/v1/programmes/{id}/outcome-settings', 'get'], ['/api/v1/programmes/{id}/outcome-settings', 'put'],
    ] as const) {
      const operation = doc.paths[path]?.[method];
      expect(operation, `${method} ${path}`).toBeDefined();
      expect(Object.keys(operation!.responses)).toEqual(expect.arrayContaining(['400', '401', '403', '404']));
    }
    expect(doc.paths['/api/v1/measures/{code}/score']!.post!.requestBody).toBeDefined();
  });
});
