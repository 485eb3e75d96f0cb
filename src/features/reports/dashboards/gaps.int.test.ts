import { beforeAll, describe, expect, it } from 'vitest';
import { buildReportWorld, dashboardFor, PERIOD, rowsOf, type ReportWorld } from '../../../../test/support/report-dashboards.js';
import { mayBeOutOfDate } from '../../directory/upkeep/rules.js';
import { gapsDashboard, outOfDateOnOrBefore } from './gaps.js';

let world: ReportWorld;
beforeAll(async () => {
  world = await buildReportWorld();
});

describe('gaps dashboard', () => {
  it('counts unmet needs by need and by area within the period', async () => {
    const dashboard = await dashboardFor(gapsDashboard, world.teamLeadA);
    expect(rowsOf(dashboard, 'unmet-needs-by-need')).toEqual([
      { need: 'Housing', needs: 5 },
      { need: 'Food', needs: 1 },
      { need: 'Legal advice', needs: 1 },
    ]);
    expect(dashboard.figures[0]!.summary).toBe('7 unmet needs were recorded; the most common was housing (5).');
    expect(rowsOf(dashboard, 'unmet-needs-by-area')).toEqual([
      { area: 'LS1', needs: 4, kinds: 2 },
      { area: 'LS2', needs: 2, kinds: 1 },
      { area: 'Area not recorded', needs: 1, kinds: 1 },
    ]);
    expect(dashboard.figures[1]!.summary).toBe('Unmet needs were recorded in 3 areas; LS1 had the most (4).');
  });

  it('lists published directory entries that may be out of date by the directory upkeep rule', async () => {
    const dashboard = await dashboardFor(gapsDashboard, world.teamLeadA);
    expect(rowsOf(dashboard, 'directory-upkeep')).toEqual([{ directory: 'A Leeds social prescribing', services: 4, stale: 2, neverChecked: 1 }]);
    expect(rowsOf(dashboard, 'stale-entries')).toEqual([
      { directory: 'A Leeds social prescribing', service: 'Lunch club', provider: 'Age UK Leeds', lastVerified: 'Never' },
      { directory: 'A Leeds social prescribing', service: 'Money advice drop-in', provider: 'Citizens Advice Leeds', lastVerified: '2026-03-30' },
    ]);
    expect(dashboard.figures[2]!.summary).toBe('2 of 4 published services may be out of date: last checked on or before 2026-03-30, or never.');
    // The same services the upkeep rule itself picks out (S1…S4 are the published, running ones).
    const checked = { 'Walking group': '2026-09-01', 'Money advice drop-in': '2026-03-30', 'Lunch club': null, 'Poetry café': '2026-03-31' };
    expect(Object.entries(checked).filter(([, on]) => mayBeOutOfDate(on, PERIOD.to)).map(([name]) => name).sort()).toEqual(['Lunch club', 'Money advice drop-in']);
    expect(outOfDateOnOrBefore('2026-09-30')).toBe('2026-03-30');
  });

  it('suppresses small unmet-need counts for a commissioner, but not directory entries (services, not people)', async () => {
    const dashboard = await dashboardFor(gapsDashboard, world.commissionerC);
    // Service B's food need joins A's: 2 food needs, still fewer than 5.
    expect(rowsOf(dashboard, 'unmet-needs-by-need')).toEqual([
      { need: 'Housing', needs: 5 },
      { need: 'Food', needs: null },
      { need: 'Legal advice', needs: null },
    ]);
    expect(dashboard.figures[0]!.summary).toBe('8 unmet needs were recorded; the most common was housing (5).');
    expect(rowsOf(dashboard, 'unmet-needs-by-area')[0]).toEqual({ area: 'LS1', needs: null, kinds: null });
    expect(rowsOf(dashboard, 'directory-upkeep')).toEqual([
      { directory: 'A Leeds social prescribing', services: 4, stale: 2, neverChecked: 1 },
      { directory: 'B Bradford social prescribing', services: 0, stale: 0, neverChecked: 0 },
    ]);
  });

  it('applies the period to needs and to the out-of-date rule; practice and cohort do not apply', async () => {
    const early = await dashboardFor(gapsDashboard, world.teamLeadA, { from: '2026-01-01', to: '2026-03-31' });
    expect(rowsOf(early, 'unmet-needs-by-need')).toEqual([{ need: 'Food', needs: 1 }]);
    // On 31 March, only the never-checked lunch club is out of date.
    expect(rowsOf(early, 'directory-upkeep')[0]).toMatchObject({ services: 4, stale: 1 });
    const all = await dashboardFor(gapsDashboard, world.teamLeadA);
    expect(await dashboardFor(gapsDashboard, world.teamLeadA, { practiceId: world.practice2.id, cohort: 'md' })).toEqual({ ...all, filters: { ...all.filters, practiceId: world.practice2.id, cohort: 'md' } });
    const onlyB = await dashboardFor(gapsDashboard, world.commissionerC, { serviceId: world.serviceB.id });
    expect(rowsOf(onlyB, 'unmet-needs-by-need')).toEqual([{ need: 'Food', needs: null }]);
    expect(rowsOf(onlyB, 'directory-upkeep').map((r) => r.directory)).toEqual(['B Bradford social prescribing']);
  });

  it('shows a commissioner of another service none of its unmet needs', async () => {
    const own = await dashboardFor(gapsDashboard, world.commissionerD);
    expect(rowsOf(own, 'directory-upkeep').map((r) => r.directory)).toEqual(['B Bradford social prescribing']);
    expect(rowsOf(own, 'stale-entries')).toEqual([]);
    const forged = await dashboardFor(gapsDashboard, world.commissionerD, {}, (scope) => ({ ...scope, services: [{ id: world.serviceA.id, name: 'A' }] }));
    expect(rowsOf(forged, 'unmet-needs-by-need')).toEqual([]);
    expect(rowsOf(forged, 'unmet-needs-by-area')).toEqual([]);
    expect(forged.figures[0]!.summary).toBe('No unmet needs were recorded in this period.');
  });
});
