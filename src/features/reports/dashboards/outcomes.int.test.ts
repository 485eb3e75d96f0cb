import { beforeAll, describe, expect, it } from 'vitest';
import { buildReportWorld, dashboardFor, rowsOf, type ReportWorld } from '../../../../test/support/report-dashboards.js';
import { outcomesDashboard } from './outcomes.js';

let world: ReportWorld;
beforeAll(async () => {
  world = await buildReportWorld();
});

const byScore = (rows: Record<string, unknown>[]) => Object.fromEntries(rows.map((r) => [r.score, r]));

describe('outcomes dashboard', () => {
  it('reports paired change per score with n, completion, means and the share improved in the measure’s direction', async () => {
    const dashboard = await dashboardFor(outcomesDashboard, world.teamLeadA);
    const rows = byScore(rowsOf(dashboard, 'paired-change'));
    // Pairs R1 3→6, R2 4→4, R4 5→7, R5 6→5, R6 5→8; R7 has a baseline only (its follow-up is after the period).
    const life = { better: 'Higher', baselines: 6, pairs: 5, completion: 83.3, baselineMean: 4.6, followUpMean: 6, meanChange: 1.4, improved: 60 };
    expect(rows['ONS4: life satisfaction']).toEqual({ score: 'ONS4: life satisfaction', ...life });
    expect(rows['ONS4: things done are worthwhile']).toMatchObject(life);
    // Anxious is 10 − v: lower is better, so the same people improved.
    expect(rows['ONS4: anxious yesterday']).toEqual({ score: 'ONS4: anxious yesterday', better: 'Lower', baselines: 6, pairs: 5, completion: 83.3, baselineMean: 5.4, followUpMean: 4, meanChange: -1.4, improved: 60 });
    expect(rows['NDT assessment']).toEqual({ score: 'NDT assessment', better: 'Lower', baselines: 2, pairs: 2, completion: 100, baselineMean: 27.5, followUpMean: 24.5, meanChange: -3, improved: 50 });
    // Nobody started SWEMWBS: "no data", not a hidden value.
    const none = 'no data';
    expect(rows['SWEMWBS metric score']).toEqual({ score: 'SWEMWBS metric score', better: 'Higher', baselines: 0, pairs: 0, completion: none, baselineMean: none, followUpMean: none, meanChange: none, improved: none });
    expect(dashboard.figures[0]!.summary).toBe(
      'For ONS4: life satisfaction, 5 people had a start and a follow-up score (83.3% of those who started); the average change was +1.4 and 60% improved. A missing follow-up is not counted as no change.',
    );
  });

  it('compares GP appointments before and after referral, by cohort', async () => {
    const dashboard = await dashboardFor(outcomesDashboard, world.teamLeadA);
    expect(rowsOf(dashboard, 'gp-attendance')).toEqual([
      { group: 'People facing multiple disadvantage', cases: 1, before: 10, after: 4, change: -6 },
      { group: 'Everyone else', cases: 3, before: 5.67, after: 3.33, change: -2.33 },
      { group: 'Everyone', cases: 4, before: 6.75, after: 3.5, change: -3.25 },
    ]);
    expect(dashboard.figures[1]!.summary).toBe('For 4 people with GP appointments recorded for the 6 months before and after referral, the average went from 6.8 to 3.5.');
  });

  it('hides counts of 1 to 4 and every statistic on fewer than 5 people from a commissioner', async () => {
    const dashboard = await dashboardFor(outcomesDashboard, world.commissionerC, { serviceId: world.serviceA.id });
    const rows = byScore(rowsOf(dashboard, 'paired-change'));
    expect(rows['ONS4: life satisfaction']).toMatchObject({ baselines: 6, pairs: 5, completion: 83.3, meanChange: 1.4, improved: 60 });
    expect(rows['NDT assessment']).toMatchObject({ baselines: null, pairs: null, completion: null, baselineMean: null, meanChange: null, improved: null });
    expect(rowsOf(dashboard, 'gp-attendance')[2]).toEqual({ group: 'Everyone', cases: null, before: null, after: null, change: null });
  });

  it('applies the period (baselines in it, follow-ups up to its end), practice, cohort and service filters', async () => {
    const life = async (user: ReportWorld['teamLeadA'], filters: Parameters<typeof dashboardFor>[2]) =>
      byScore(rowsOf(await dashboardFor(outcomesDashboard, user, filters), 'paired-change'))['ONS4: life satisfaction'];
    expect(await life(world.teamLeadA, { cohort: 'md' })).toMatchObject({ baselines: 2, pairs: 2, meanChange: 1.5 });
    expect(await life(world.teamLeadA, { cohort: 'other' })).toMatchObject({ baselines: 4, pairs: 3, meanChange: 1.33 });
    expect(await life(world.teamLeadA, { practiceId: world.practice2.id })).toMatchObject({ baselines: 2, pairs: 1, meanChange: 3 });
    // R10's baseline is in January and its follow-up in May: not yet seen at the end of March.
    expect(await life(world.teamLeadA, { from: '2026-01-01', to: '2026-03-31' })).toMatchObject({ baselines: 1, pairs: 0 });
    expect(await life(world.teamLeadA, { from: '2026-01-01', to: '2026-09-30' })).toMatchObject({ baselines: 7, pairs: 6 });
    expect(await life(world.teamLeadA, { to: '2026-12-31' })).toMatchObject({ baselines: 6, pairs: 6 });
    expect(await life(world.commissionerC, { serviceId: world.serviceB.id })).toMatchObject({ baselines: 0, pairs: 0 });
  });

  it('shows a commissioner of another service nothing', async () => {
    const forged = await dashboardFor(outcomesDashboard, world.commissionerD, {}, (scope) => ({ ...scope, services: [{ id: world.serviceA.id, name: 'A' }] }));
    expect(rowsOf(forged, 'paired-change').every((r) => r.baselines === 0)).toBe(true);
    expect(rowsOf(forged, 'gp-attendance')[2]).toMatchObject({ cases: 0 });
    expect(forged.figures[0]!.summary).toBe('Nobody who completed a measure at the start of the period has a follow-up yet.');
  });
});
