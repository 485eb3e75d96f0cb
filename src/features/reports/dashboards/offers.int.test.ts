import { beforeAll, describe, expect, it } from 'vitest';
import { buildReportWorld, dashboardFor, rowsOf, type ReportWorld } from '../../../../test/support/report-dashboards.js';
import { offersDashboard } from './offers.js';

let world: ReportWorld;
beforeAll(async () => {
  world = await buildReportWorld();
});

const stage = (rows: Record<string, unknown>[]) => Object.fromEntries(rows.map((r) => [r.stage, r.offers]));

describe('offers dashboard', () => {
  it('counts offers by the directory’s need categories, an offer under each of its service’s needs', async () => {
    const dashboard = await dashboardFor(offersDashboard, world.teamLeadA);
    expect(rowsOf(dashboard, 'offers-by-category')).toEqual([
      { category: 'Benefits', offers: 2, went: 0, declined: 2, stopped: 0 },
      { category: 'Money and debt', offers: 2, went: 0, declined: 2, stopped: 0 },
      { category: 'Physical activity', offers: 2, went: 2, declined: 0, stopped: 0 },
      { category: 'Loneliness and social isolation', offers: 2, went: 0, declined: 0, stopped: 1 },
      { category: 'Not categorised in the directory', offers: 1, went: 0, declined: 0, stopped: 0 },
    ]);
    expect(dashboard.figures[0]!.summary).toBe('Benefits had the most offers (2). A service can help with more than one need, so an offer is counted under each of its categories.');
  });

  it('follows each offer’s history: interested, introduced (accompanied), went, finished, said no, stopped', async () => {
    const dashboard = await dashboardFor(offersDashboard, world.teamLeadA);
    expect(stage(rowsOf(dashboard, 'offer-uptake'))).toEqual({
      'Offers made': 7,
      'Person was interested': 5,
      'Introduced to the provider': 4,
      'Introduced with their link worker alongside (accompanied)': 2,
      'Went at least once': 3,
      'Finished the activity': 1,
      'Still thinking about it': 2,
      'Said no, for now': 2,
      'Stopped, after an introduction': 1,
    });
    expect(rowsOf(dashboard, 'offer-uptake')[4]).toMatchObject({ percent: 42.9 });
    expect(dashboard.headlines.map((h) => [h.label, h.value])).toEqual([
      ['Offers made', 7],
      ['Went at least once', 42.9],
      ['Accompanied introductions', 2],
    ]);
    const summary = dashboard.figures[1]!.summary;
    expect(summary).toBe('Of 7 offers, 4 led to an introduction and 3 to the person going at least once (42.9%). People said no to 2: trying and turning down activities is part of finding what fits.');
    expect(summary).not.toMatch(/fail|drop-out|refus/i);
  });

  it('ranks providers by introductions', async () => {
    const dashboard = await dashboardFor(offersDashboard, world.teamLeadA);
    expect(rowsOf(dashboard, 'top-providers')).toEqual([
      { provider: 'Leeds Walking Club', introductions: 2, accompanied: 1, went: 2 },
      { provider: 'Age UK Leeds', introductions: 1, accompanied: 1, went: 1 },
      { provider: 'Citizens Advice Leeds', introductions: 1, accompanied: 0, went: 0 },
    ]);
  });

  it('suppresses counts of 1 to 4 for a commissioner, and shows rates only on 5 or more', async () => {
    const dashboard = await dashboardFor(offersDashboard, world.commissionerC);
    expect(stage(rowsOf(dashboard, 'offer-uptake'))).toMatchObject({ 'Offers made': 7, 'Went at least once': null, 'Said no, for now': null });
    expect(rowsOf(dashboard, 'offer-uptake')[4]).toMatchObject({ percent: 42.9 });
    expect(rowsOf(dashboard, 'top-providers')[0]).toEqual({ provider: 'Leeds Walking Club', introductions: null, accompanied: null, went: null });
    expect(dashboard.figures[1]!.summary).toContain('Of 7 offers, fewer than 5 led to an introduction');
  });

  it('applies the period, service, practice and cohort filters', async () => {
    const offers = async (filters: Parameters<typeof dashboardFor>[2]) => stage(rowsOf(await dashboardFor(offersDashboard, world.teamLeadA, filters), 'offer-uptake'))['Offers made'];
    expect(await offers({ from: '2026-01-01', to: '2026-03-31' })).toBe(1);
    expect(await offers({ cohort: 'md' })).toBe(2);
    expect(await offers({ cohort: 'other' })).toBe(5);
    expect(await offers({ practiceId: world.practice2.id })).toBe(2);
    const commissioner = async (serviceId: string) => stage(rowsOf(await dashboardFor(offersDashboard, world.commissionerC, { serviceId }), 'offer-uptake'))['Offers made'];
    expect(await commissioner(world.serviceA.id)).toBe(7);
    expect(await commissioner(world.serviceB.id)).toBe(0);
  });

  it('shows a commissioner of another service nothing, even if asked for this service', async () => {
    const own = await dashboardFor(offersDashboard, world.commissionerD);
    expect(stage(rowsOf(own, 'offer-uptake'))['Offers made']).toBe(0);
    expect(own.figures[0]!.summary).toBe('No offers were made in this period.');
    const forged = await dashboardFor(offersDashboard, world.commissionerD, {}, (scope) => ({ ...scope, services: [{ id: world.serviceA.id, name: 'A' }] }));
    expect(stage(rowsOf(forged, 'offer-uptake'))['Offers made']).toBe(0);
    expect(rowsOf(forged, 'top-providers')).toEqual([]);
  });
});
