import { beforeAll, describe, expect, it } from 'vitest';
import { buildReportWorld, dashboardFor, rowsOf, type ReportWorld } from '../../../../test/support/report-dashboards.js';
import { equityDashboard } from './equity.js';

let world: ReportWorld;
beforeAll(async () => {
  world = await buildReportWorld();
});

const MD = 'Facing multiple disadvantage';
const OTHER = 'Everyone else';

describe('equity dashboard', () => {
  it('splits every headline between people facing multiple disadvantage and everyone else', async () => {
    const dashboard = await dashboardFor(equityDashboard, world.teamLeadA);
    expect(rowsOf(dashboard, 'equity-by-cohort')).toEqual([
      // R1, R2, R3: 2 of 3 accepted; first contact after 10 and 20 days; R1 engaged and connected; R1 improved, R2 did not.
      { group: MD, referrals: 3, accepted: 66.7, medianDays: 15, engaged: 50, connected: 50, improved: 50 },
      // R4–R9: 5 of 6 accepted; 2, 4, 6 and 8 days (R7 not yet contacted); R4, R5, R6 engaged; R4, R5 went; R4 and R6 of 3 pairs improved.
      { group: OTHER, referrals: 6, accepted: 83.3, medianDays: 5, engaged: 60, connected: 40, improved: 66.7 },
    ]);
    expect(dashboard.figures[0]!.summary).toBe(
      'Accepted: 66.7% for people facing multiple disadvantage and 83.3% for everyone else. Connected to an activity: 50% for people facing multiple disadvantage and 40% for everyone else.',
    );
    expect(dashboard.headlines.map((h) => [h.value, h.detail])).toEqual([
      [3, 'and 6 of everyone else'],
      [66.7, 'everyone else 83.3%'],
      [15, 'everyone else 5'],
      [50, 'everyone else 40%'],
    ]);
  });

  it('gives the same split by postcode district, with no fixed abode as its own row', async () => {
    const dashboard = await dashboardFor(equityDashboard, world.teamLeadA);
    expect(rowsOf(dashboard, 'equity-by-area')).toEqual([
      { area: 'LS1', group: MD, referrals: 2, accepted: 50, medianDays: 20, engaged: 0, connected: 0, improved: 0 },
      { area: 'LS1', group: OTHER, referrals: 3, accepted: 100, medianDays: 4, engaged: 66.7, connected: 66.7, improved: 50 },
      { area: 'LS2', group: OTHER, referrals: 3, accepted: 66.7, medianDays: 6, engaged: 50, connected: 0, improved: 100 },
      { area: 'No fixed abode', group: MD, referrals: 1, accepted: 100, medianDays: 10, engaged: 100, connected: 100, improved: 100 },
    ]);
    expect(dashboard.figures[1]!.summary).toBe(
      'Referrals came from 3 areas, each split between people facing multiple disadvantage and everyone else. People of no fixed abode have their own row.',
    );
  });

  it('suppresses small groups for a commissioner, across every service commissioned', async () => {
    const dashboard = await dashboardFor(equityDashboard, world.commissionerC);
    expect(rowsOf(dashboard, 'equity-by-cohort')).toEqual([
      { group: MD, referrals: null, accepted: null, medianDays: null, engaged: null, connected: null, improved: null },
      // Service B's referral joins the 6: 5 of 7 accepted; only 4 contacted and 3 pairs, so those are not shown.
      { group: OTHER, referrals: 7, accepted: 71.4, medianDays: null, engaged: 60, connected: 40, improved: null },
    ]);
    expect(rowsOf(dashboard, 'equity-by-area').find((r) => r.area === 'LS9')).toMatchObject({ group: OTHER, referrals: null, accepted: null });
    expect(dashboard.figures[0]!.summary).toBe('Accepted: not shown for people facing multiple disadvantage and 71.4% for everyone else. Connected to an activity: not shown for people facing multiple disadvantage and 40% for everyone else.');
  });

  it('applies period, practice and service filters, and ignores the cohort filter', async () => {
    const cohorts = async (user: ReportWorld['teamLeadA'], filters: Parameters<typeof dashboardFor>[2]) => rowsOf(await dashboardFor(equityDashboard, user, filters), 'equity-by-cohort');
    expect(await cohorts(world.teamLeadA, { cohort: 'md' })).toEqual(await cohorts(world.teamLeadA, {}));
    expect(await cohorts(world.teamLeadA, { from: '2026-01-01', to: '2026-03-31' })).toEqual([
      // R10: its outcome follow-up is after the period's end, so there is no pair yet ("no data", not hidden).
      { group: MD, referrals: 1, accepted: 100, medianDays: 2, engaged: 100, connected: 100, improved: 'no data' },
      { group: OTHER, referrals: 0, accepted: 'no data', medianDays: 'no data', engaged: 'no data', connected: 'no data', improved: 'no data' },
    ]);
    expect((await cohorts(world.teamLeadA, { practiceId: world.practice2.id })).map((r) => [r.referrals, r.accepted])).toEqual([[1, 0], [2, 100]]);
    expect((await cohorts(world.commissionerC, { serviceId: world.serviceB.id })).map((r) => r.referrals)).toEqual([0, null]);
  });

  it('shows a commissioner of another service nothing of this one', async () => {
    const forged = await dashboardFor(equityDashboard, world.commissionerD, {}, (scope) => ({ ...scope, services: [{ id: world.serviceA.id, name: 'A' }] }));
    expect(rowsOf(forged, 'equity-by-cohort').map((r) => r.referrals)).toEqual([0, 0]);
    expect(rowsOf(forged, 'equity-by-area')).toEqual([]);
    expect(forged.figures[0]!.summary).toBe('No referrals were received in this period.');
  });
});
