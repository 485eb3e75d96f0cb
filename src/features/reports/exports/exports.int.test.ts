import { beforeAll, describe, expect, it } from 'vitest';
import { fieldsOf } from '../../../../test/support/errors.js';
import { buildExportWorld } from '../../../../test/support/exports.js';
import { buildOrganisation, buildUser, testServices, type TestUser } from '../../../../test/support/factories.js';
import { Forbidden } from '../../../platform/errors.js';
import type { ReturnRow } from './return.js';
import { createExportService } from './service.js';

// Starting the database (migrations on a fresh PGlite) belongs to set-up, not to the first test's time.
beforeAll(async () => {
  await testServices();
});

/** Today is fixed after the quarter, so the default quarter is known too. */
async function exportsService() {
  return createExportService((await testServices()).db, () => new Date('2026-05-10T12:00:00Z'));
}

const counts = (rows: ReturnRow[], serviceId: string, measureCode: string) =>
  Object.fromEntries(rows.filter((r) => r.serviceId === serviceId && r.measureCode === measureCode).map((r) => [r.categoryCode, r.count]));

describe('the quarterly return', () => {
  it('counts a known quarter in the four groups for the service’s team lead, with no suppression', async () => {
    const world = await buildExportWorld();
    const exports = await exportsService();
    const result = await exports.quarterlyReturn(world.users.teamLead.ctx, {});
    expect(result.quarter.id).toBe('2025-Q4'); // the last quarter ended by 10 May 2026
    expect(result.suppressed).toBe(false);
    expect(result.inProgress).toBe(false);
    expect(result.services.map((s) => s.id)).toEqual([world.service.id]);
    const rows = result.rows;
    const id = world.service.id;

    expect(counts(rows, id, 'referrals-received')).toEqual({ all: 6 });
    expect(counts(rows, id, 'age-band')).toEqual({ 'under-18': 0, '18-24': 0, '25-34': 5, '35-44': 0, '45-54': 0, '55-64': 0, '65-74': 1, '75-plus': 0 });
    expect(counts(rows, id, 'no-fixed-abode')).toEqual({ yes: 1, no: 5 });
    expect(counts(rows, id, 'multiple-disadvantage')).toEqual({ yes: 2, no: 4 });
    expect(counts(rows, id, 'postcode-district')).toEqual({ LS1: 1, LS6: 4 });
    expect(counts(rows, id, 'need')).toEqual({ housing: 5, 'money-and-debt': 2 });
    expect(rows.find((r) => r.measureCode === 'need' && r.categoryCode === 'money-and-debt')!.category).toBe('Money and debt');

    expect(counts(rows, id, 'contact-type')).toMatchObject({ phone: 5, 'face-to-face': 1, video: 0 });
    expect(counts(rows, id, 'offer-state')).toEqual({ suggested: 2, interested: 0, declined: 1, introduced: 2, attending: 0, stopped: 0, completed: 0 });
    expect(counts(rows, id, 'introduction')).toEqual({ accompanied: 1, 'not-accompanied': 1 });
    expect(counts(rows, id, 'case-closure')).toMatchObject({ 'goals-met': 1, 'moved-away': 0 });

    expect(counts(rows, id, 'measure-records:ons4')).toEqual({ baseline: 3, 'follow-up': 2, declined: 1 });
    for (const item of ['life-satisfaction', 'worthwhile', 'happy', 'anxious']) {
      expect(counts(rows, id, `paired-change:ons4:${item}`)).toEqual({ paired: 2, improved: 1, unchanged: 1, worsened: 0 });
    }
    expect(new Set(rows.map((r) => r.group))).toEqual(new Set(['demographics', 'needs', 'support', 'outcomes']));
  });

  it('gives a commissioner its commissioned services only, with 1 to 4 suppressed', async () => {
    const world = await buildExportWorld();
    const exports = await exportsService();
    const result = await exports.quarterlyReturn(world.users.commissioner.ctx, { quarter: '2025-Q4' });
    expect(result.suppressed).toBe(true);
    expect(result.services.map((s) => s.id)).toEqual([world.service.id, world.birch.id]);
    expect(result.rows.some((r) => r.serviceId === world.cedar.id)).toBe(false);
    expect(counts(result.rows, world.service.id, 'age-band')).toMatchObject({ '25-34': 5, '65-74': null, '18-24': 0 });
    expect(counts(result.rows, world.service.id, 'need')).toEqual({ housing: 5, 'money-and-debt': null });
    expect(counts(result.rows, world.service.id, 'contact-type')).toMatchObject({ phone: 5, 'face-to-face': null });
    expect(counts(result.rows, world.birch.id, 'referrals-received')).toEqual({ all: null });

    const one = await exports.quarterlyReturn(world.users.commissioner.ctx, { quarter: '2025-Q4', service: world.birch.id });
    expect(new Set(one.rows.map((r) => r.serviceId))).toEqual(new Set([world.birch.id]));
    expect(await fieldsOf(exports.quarterlyReturn(world.users.commissioner.ctx, { quarter: '2025-Q4', service: world.cedar.id }))).toEqual(['service']);
  });

  it('keeps each service to its own numbers', async () => {
    const world = await buildExportWorld();
    const exports = await exportsService();
    const cedar = await exports.quarterlyReturn(world.users.cedarTeamLead.ctx, { quarter: '2025-Q4' });
    expect(cedar.services.map((s) => s.id)).toEqual([world.cedar.id]);
    expect(counts(cedar.rows, world.cedar.id, 'referrals-received')).toEqual({ all: 1 });
    expect(await fieldsOf(exports.quarterlyReturn(world.users.cedarTeamLead.ctx, { quarter: '2025-Q4', service: world.service.id }))).toEqual(['service']);
  });

  it('names a bad or unfinished quarter, and refuses roles without reports', async () => {
    const world = await buildExportWorld();
    const exports = await exportsService();
    expect(await fieldsOf(exports.quarterlyReturn(world.users.teamLead.ctx, { quarter: '2026-Q2' }))).toEqual(['quarter']); // starts in July
    expect((await exports.quarterlyReturn(world.users.teamLead.ctx, { quarter: '2026-Q1' })).inProgress).toBe(true);
    expect(await fieldsOf(exports.quarterlyReturn(world.users.teamLead.ctx, { quarter: 'last one', service: 'nope' }))).toEqual(['quarter', 'service']);
    const provider = await buildUser(await buildOrganisation({ type: 'vcse' }), 'provider');
    for (const user of [world.users.linkWorker, world.users.referrer, provider]) {
      await expect(exports.quarterlyReturn(user.ctx, { quarter: '2025-Q4' })).rejects.toBeInstanceOf(Forbidden);
    }
  });
});

describe('the SNOMED CT event extract', () => {
  async function auditEvents(user: TestUser) {
    const s = await testServices();
    return s.db.inScope({ organisationId: user.organisation.id, userId: null }, (tx) =>
      tx.selectFrom('auditEvent').select(['action', 'subjectId', 'detail', 'actorUserId']).where('organisationId', '=', user.organisation.id).where('action', '=', 'snomed-events.exported').execute(),
    );
  }

  it('lists the practice’s coded events in the period, leaves out people with no NHS number, and audits the export', async () => {
    const world = await buildExportWorld();
    const exports = await exportsService();
    expect((await exports.practices(world.users.teamLead.ctx)).map((p) => p.id).sort()).toEqual([world.practice.id, world.otherPractice.id].sort());

    const query = { practice: world.practice.id, from: '2026-01-01', to: '2026-03-31' };
    const summary = await exports.snomedSummary(world.users.teamLead.ctx, query);
    expect(summary).toMatchObject({ events: 2, leftOutWithoutNhsNumber: 1, from: '2026-01-01', to: '2026-03-31' });
    expect(await auditEvents(world.users.teamLead)).toEqual([]); // counts only: nothing about anyone was read out

    const extract = await exports.snomedEvents(world.users.teamLead.ctx, query);
    expect(extract.practice.name).toBe(world.practice.name);
    expect(extract.leftOutWithoutNhsNumber).toBe(1);
    expect(extract.rows.map((r) => [r.nhsNumber, r.dateOfBirth, r.eventDate, r.snomedCode, r.snomedTerm])).toEqual([
      ['9990000018', '1995-06-01', '2026-01-16', '871731000000106', 'Referral to social prescribing service'],
      ['9990000026', '1994-03-03', '2026-01-20', '871711000000103', 'Social prescribing declined'],
    ]);
    expect(extract.rows[0]!.referralReference).toMatch(/^REF-/);

    const audit = await auditEvents(world.users.teamLead);
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actorUserId).toBe(world.users.teamLead.userId);
    expect(audit[0]!.subjectId).toBe(world.practice.id);
    const detail = typeof audit[0]!.detail === 'string' ? JSON.parse(audit[0]!.detail) : audit[0]!.detail;
    expect(detail).toEqual({ practiceId: world.practice.id, from: '2026-01-01', to: '2026-03-31', rows: 2, leftOutWithoutNhsNumber: 1 });
    expect(JSON.stringify(audit)).not.toContain('999000');

    // The acceptance at 00:30 on 1 April (British Summer Time) belongs to 1 April.
    const april = await exports.snomedEvents(world.users.admin.ctx, { ...query, to: '2026-04-01' });
    expect(april.rows.map((r) => r.eventDate)).toEqual(['2026-01-16', '2026-01-20', '2026-04-01']);
  });

  it('is for the service’s own administrators and team leads, about practices that referred to it', async () => {
    const world = await buildExportWorld();
    const exports = await exportsService();
    for (const user of [world.users.commissioner, world.users.linkWorker, world.users.referrer]) {
      await expect(exports.snomedEvents(user.ctx, { practice: world.practice.id })).rejects.toBeInstanceOf(Forbidden);
      await expect(exports.practices(user.ctx)).rejects.toBeInstanceOf(Forbidden);
    }
    const birch = await exports.snomedEvents(world.users.birchTeamLead.ctx, { practice: world.practice.id, from: '2026-01-01', to: '2026-03-31' });
    expect(birch.rows).toEqual([]);
    expect(await fieldsOf(exports.snomedEvents(world.users.birchTeamLead.ctx, { practice: world.otherPractice.id }))).toEqual(['practice']);
    expect(await fieldsOf(exports.snomedEvents(world.users.teamLead.ctx, { practice: 'x', from: '2026-02-30', to: '2026-01-01' }))).toEqual(['practice', 'from']);
  });
});
