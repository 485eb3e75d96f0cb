import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { testServices } from '../../../test/support/factories.js';
import { buildTestReferral } from '../../../test/support/outcomes.js';
import { buildReportWorld, factDisagreements, type ReportWorld } from '../../../test/support/reports.js';
import { buildReportWorld as buildDashboardWorld } from '../../../test/support/report-dashboards.js';

/**
 * The report facts (migrations/0014_report_facts.sql) follow every write to the records they
 * summarise, in the same transaction: through the services, and through direct writes in any order.
 */
let world: ReportWorld;
beforeAll(async () => {
  world = await buildReportWorld();
});

describe('report facts', () => {
  it('follow a referral through the services, step by step', async () => {
    const s = await testServices();
    const built = await buildTestReferral(s);
    const fact = () =>
      s.db.inScope({ organisationId: built.service.id, userId: null }, (tx) =>
        tx.selectFrom('reportReferralFact').selectAll().where('organisationId', '=', built.service.id).where('caseId', '=', built.caseId).executeTakeFirstOrThrow(),
      );
    const accepted = await fact();
    expect(accepted).toMatchObject({ status: 'accepted', caseStatus: 'open', referralMd: true, md: true, engaged: false, connected: false, firstContactOn: null, allocatedAt: null });

    await s.referrals.act(built.teamLead, accepted.referralId, 'allocate', { linkWorker: built.linkWorker.actor.userId! });
    expect(await fact()).toMatchObject({ status: 'allocated', allocatedAt: expect.any(Date) });

    await s.referrals.act(built.linkWorker, accepted.referralId, 'record-first-contact');
    const contacted = await fact();
    expect(contacted.status).toBe('first-contact');
    expect(contacted.firstContactOn).not.toBeNull();
    expect(contacted.daysToFirstContact).toBeGreaterThanOrEqual(0);

    await s.referrals.act(built.linkWorker, accepted.referralId, 'record-engaged');
    expect(await fact()).toMatchObject({ status: 'engaged', engaged: true });

    // The link worker's judgement moves the case out of the cohort; the referral's flag stays as sent.
    await s.cases.setMultipleDisadvantage(built.linkWorker, built.caseId, { multipleDisadvantage: false, reason: 'Housed and settled' });
    expect(await fact()).toMatchObject({ referralMd: true, caseMd: false, md: false });

    await s.cases.close(built.linkWorker, built.caseId, { reason: 'goals-met' });
    expect(await fact()).toMatchObject({ status: 'closed', caseStatus: 'closed', caseClosedReason: 'goals-met', caseClosedAt: expect.any(Date) });

    expect(await factDisagreements(s.db, built.service.id)).toEqual([]);
  });

  it('agree with the records however they were written: rows inserted straight into the tables, parents first', async () => {
    const s = await testServices();
    expect(await factDisagreements(s.db, world.service.id)).toEqual([]);
    expect(await factDisagreements(s.db, world.otherService.id)).toEqual([]);
    const dashboards = await buildDashboardWorld();
    for (const service of [dashboards.serviceA, dashboards.serviceB]) expect(await factDisagreements(s.db, service.id)).toEqual([]);
  });

  it('follow a change of postcode to every referral of the person', async () => {
    const s = await testServices();
    await s.db.inScope({ organisationId: world.service.id, userId: null }, (tx) =>
      tx.updateTable('person').set({ postcode: 'LS6 2AB' }).where('organisationId', '=', world.service.id).where('id', '=', world.personId).execute(),
    );
    const fact = await s.db.inScope({ organisationId: world.service.id, userId: null }, (tx) =>
      tx.selectFrom('reportReferralFact').select('postcodeDistrict').where('organisationId', '=', world.service.id).where('referralId', '=', world.referralId).executeTakeFirstOrThrow(),
    );
    expect(fact.postcodeDistrict).toBe('LS6');
    expect(await factDisagreements(s.db, world.service.id)).toEqual([]);
  });

  it('are read-only to the application, and a commissioner reads only those of the services it commissions', async () => {
    const s = await testServices();
    await expect(
      s.db.inScope({ organisationId: world.service.id, userId: null }, (tx) =>
        sql`UPDATE report_referral_fact SET engaged = true WHERE organisation_id = ${world.service.id}::uuid`.execute(tx),
      ),
    ).rejects.toThrow(/permission denied/);
    await expect(
      s.db.inScope({ organisationId: world.service.id, userId: null }, (tx) => sql`SELECT report_refresh(ARRAY[]::uuid[], ARRAY[]::uuid[])`.execute(tx)),
    ).rejects.toThrow(/permission denied/);
    const seen = await s.db.inScope({ organisationId: world.commissionerOrg.id, userId: world.commissioner.userId }, async (tx) => ({
      commissioned: await tx.selectFrom('reportReferralFact').select('referralId').where('organisationId', '=', world.service.id).execute(),
      other: await tx.selectFrom('reportReferralFact').select('referralId').where('organisationId', '=', world.otherService.id).execute(),
      offers: await tx.selectFrom('reportOfferFact').select('offerId').where('organisationId', '=', world.otherService.id).execute(),
    }));
    expect(seen.commissioned).toHaveLength(11);
    expect(seen.other).toHaveLength(0);
    expect(seen.offers).toHaveLength(0);
  });
});
