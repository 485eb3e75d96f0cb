import { beforeAll, describe, expect, it } from 'vitest';
import { testServices } from '../../../test/support/factories.js';
import { signedInBrowser, testApp } from '../../../test/support/http.js';
import { buildReportWorld, type ReportWorld } from '../../../test/support/reports.js';
import { Forbidden } from '../../platform/errors.js';
import type { DashboardDefinition } from './model.js';
import { createReportService } from './service.js';

/**
 * A commissioner sees numbers, never people: every person-level page and API refuses them, the team
 * dashboard is not theirs, and in the database their context reads the report views of the services
 * they commission but not a single row of those services' people or referrals.
 */
let world: ReportWorld;
beforeAll(async () => {
  world = await buildReportWorld();
});

describe('a commissioner', () => {
  it('gets 403 on every person-level page', async () => {
    const browser = await signedInBrowser(world.commissioner);
    const pages = [
      '/cases',
      `/cases/${world.caseId}`,
      `/cases/${world.caseId}/contacts`,
      `/cases/${world.caseId}/plan`,
      `/cases/${world.caseId}/offers`,
      `/cases/${world.caseId}/outcomes`,
      `/cases/${world.caseId}/safety`,
      '/referrals',
      '/referrals/triage',
      `/referrals/${world.referralId}`,
      '/team',
      '/introductions',
      '/admin/audit',
    ];
    const statuses = Object.fromEntries(await Promise.all(pages.map(async (url) => [url, (await browser.get(url)).statusCode] as const)));
    expect(statuses).toEqual(Object.fromEntries(pages.map((url) => [url, 403])));
  });

  it('gets 403 on every person-level API', async () => {
    const app = await testApp();
    const { token } = await (await testServices()).tokens.create(world.commissioner.ctx, 'isolation test');
    const urls = [
      '/api/v1/cases',
      `/api/v1/cases/${world.caseId}`,
      `/api/v1/cases/${world.caseId}/measures`,
      `/api/v1/cases/${world.caseId}/offers`,
      '/api/v1/referrals',
      `/api/v1/referrals/${world.referralId}`,
      '/api/v1/introductions',
      '/api/v1/team',
    ];
    const statuses: Record<string, number> = {};
    for (const url of urls) statuses[url] = (await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })).statusCode;
    expect(statuses).toEqual(Object.fromEntries(urls.map((url) => [url, 403])));
  });

  it('cannot open the team dashboard, which names link workers', async () => {
    const s = await testServices();
    const team: DashboardDefinition = {
      name: 'team',
      title: 'Team',
      description: 'Caseloads by link worker',
      action: 'view-team',
      build: async (_tx, _scope, filters) => ({ name: 'team', title: 'Team', description: '', filters, headlines: [], figures: [] }),
    };
    const reports = createReportService(s.db, [team]);
    await expect(reports.dashboard(world.commissioner.ctx, 'team', {})).rejects.toBeInstanceOf(Forbidden);
    expect(reports.available(world.commissioner.ctx)).toEqual([]);
    expect((await reports.dashboard(world.teamLead.ctx, 'team', {})).dashboard.name).toBe('team');
    expect(s.reports.available(world.commissioner.ctx).map((d) => d.name)).not.toContain('team');
  });

  it('reads the report views of a commissioned service, but no row of its people or referrals', async () => {
    const s = await testServices();
    const seen = await s.db.inScope({ organisationId: world.commissionerOrg.id, userId: world.commissioner.userId }, async (tx) => ({
      people: await tx.selectFrom('person').select('id').where('organisationId', '=', world.service.id).execute(),
      referrals: await tx.selectFrom('referral').select('id').where('organisationId', '=', world.service.id).execute(),
      cases: await tx.selectFrom('supportCase').select('id').where('organisationId', '=', world.service.id).execute(),
      reportReferrals: await tx.selectFrom('reportReferral').select('id').where('organisationId', '=', world.service.id).execute(),
      otherService: await tx.selectFrom('reportReferral').select('id').where('organisationId', '=', world.otherService.id).execute(),
    }));
    expect(seen.people).toHaveLength(0);
    expect(seen.referrals).toHaveLength(0);
    expect(seen.cases).toHaveLength(0);
    expect(seen.reportReferrals).toHaveLength(11);
    expect(seen.reportReferrals.map((r) => r.id)).toContain(world.referralId);
    expect(seen.otherService).toHaveLength(0);
  });
});
