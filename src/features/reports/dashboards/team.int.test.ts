import { beforeAll, describe, expect, it } from 'vitest';
import { buildReportWorld, dashboardFor, rowsOf, type ReportWorld } from '../../../../test/support/report-dashboards.js';
import { Forbidden } from '../../../platform/errors.js';
import { teamDashboard } from './team.js';

let world: ReportWorld;
beforeAll(async () => {
  world = await buildReportWorld();
});

describe('team dashboard', () => {
  it('shows each link worker’s weighted caseload against capacity, with casework’s weights and first-contact rule', async () => {
    const dashboard = await dashboardFor(teamDashboard, world.teamLeadA);
    expect(rowsOf(dashboard, 'team-caseloads')).toEqual([
      // R1 and R2 (MD, 2 units each), R6 and R9 (1 each), against the 5 units set for Alex.
      { linkWorker: 'Alex Link', openCases: 4, mdCases: 2, load: 6, capacity: 5, used: 120, overdue: 0 },
      // R4, R5, R7 and R10 (MD); R7 was allocated on 3 June and not yet contacted: due 10 June.
      { linkWorker: 'Bea Link', openCases: 4, mdCases: 1, load: 5, capacity: 30, used: 16.7, overdue: 1 },
      { linkWorker: 'Cara Lead', openCases: 0, mdCases: 0, load: 0, capacity: 30, used: 0, overdue: 0 },
    ]);
    expect(dashboard.figures[0]!.summary).toBe('1 of 3 link workers and team leads is over capacity (Alex Link: 6 of 5 weighted units). 1 first contact is overdue on 2026-09-30.');
    expect(dashboard.headlines.map((h) => h.value)).toEqual([8, 1, 1]);
  });

  it('judges first contacts overdue on the period’s last day', async () => {
    const overdue = async (to: string) => rowsOf(await dashboardFor(teamDashboard, world.teamLeadA, { from: '2026-01-01', to }), 'team-caseloads')[1]!.overdue;
    expect(await overdue('2026-06-10')).toBe(0);
    expect(await overdue('2026-06-11')).toBe(1);
  });

  it('is never built for a commissioner, and shows a team lead only their own service', async () => {
    await expect(dashboardFor(teamDashboard, world.commissionerC)).rejects.toBeInstanceOf(Forbidden);
    const other = await dashboardFor(teamDashboard, world.teamLeadB);
    expect(rowsOf(other, 'team-caseloads').map((r) => [r.openCases, r.overdue])).toEqual([[0, 0]]);
    expect(JSON.stringify(other)).not.toMatch(/Alex Link|Bea Link|Cara Lead/);
  });
});
