import { beforeAll, describe, expect, it } from 'vitest';
import { ValidationFailed } from '../../../platform/errors.js';
import { buildOrganisation, buildUser, testServices } from '../../../../test/support/factories.js';
import { buildReportWorld, insertReferrals, type ReportWorld } from '../../../../test/support/reports.js';
import type { Dashboard } from '../model.js';

/**
 * Every referrals and flow figure on the hand-made world in test/support/reports.ts, whose answers
 * are worked out by hand there: 8 referrals received from January to March 2026, and more around them.
 */
const PERIOD = { from: '2026-01-01', to: '2026-03-31' };

let world: ReportWorld;
beforeAll(async () => {
  world = await buildReportWorld();
});

function rows(dashboard: Dashboard, id: string) {
  const figure = dashboard.figures.find((f) => f.id === id);
  if (!figure) throw new Error(`no figure ${id}`);
  return figure.table.rows;
}
const headline = (dashboard: Dashboard, label: string) => dashboard.headlines.find((h) => h.label === label);

async function open(user: ReportWorld['teamLead'], name: 'referrals' | 'flow', query: Record<string, string> = {}) {
  const s = await testServices();
  return (await s.reports.dashboard(user.ctx, name, { ...PERIOD, ...query })).dashboard;
}

describe('referrals dashboard', () => {
  it('counts referrals by month, with the self-referrals, and shows a month without any as 0', async () => {
    const d = await open(world.teamLead, 'referrals');
    expect(rows(d, 'by-month')).toEqual([
      { month: 'Jan 2026', referrals: 6, selfReferrals: 2 },
      { month: 'Feb 2026', referrals: 2, selfReferrals: 0 },
      { month: 'Mar 2026', referrals: 0, selfReferrals: 0 },
    ]);
  });

  it('counts by who referred, by need (a referral naming two needs counts for each), and what happened', async () => {
    const d = await open(world.teamLead, 'referrals');
    expect(rows(d, 'by-source')).toEqual([
      { source: 'GP practice', referrals: 5 },
      { source: 'Self-referral', referrals: 2 },
      { source: 'Voluntary or community organisation', referrals: 1 },
    ]);
    expect(rows(d, 'by-need')).toEqual([
      { need: 'Loneliness and social isolation', referrals: 5 },
      { need: 'Money and debt', referrals: 3 },
      { need: 'Homelessness or risk of it', referrals: 1 },
    ]);
    expect(rows(d, 'decisions')).toEqual([
      { decision: 'Accepted', referrals: 5 },
      { decision: 'Closed without being accepted', referrals: 2 },
      { decision: 'Awaiting a decision', referrals: 1 },
    ]);
    expect(rows(d, 'closure-reasons')).toEqual([
      { reason: 'The person chose not to take this up for now', referrals: 1 },
      { reason: 'We could not get in touch with the person', referrals: 1 },
    ]);
    expect(d.headlines).toEqual([
      { label: 'Referrals received', value: 8, kind: 'count', detail: 'between 1 Jan 2026 and 31 Mar 2026' },
      { label: 'Self-referrals', value: 2, kind: 'count', detail: 'of 8 referrals' },
      { label: 'Accepted', value: 71.4, kind: 'percent', detail: '5 of 7 referrals with a decision' },
    ]);
  });

  it('applies the practice and cohort filters', async () => {
    const practice = await open(world.teamLead, 'referrals', { practice: world.practice.id });
    expect(headline(practice, 'Referrals received')!.value).toBe(4);
    const md = await open(world.teamLead, 'referrals', { cohort: 'md' });
    expect(rows(md, 'by-month').map((r) => [r.referrals, r.selfReferrals])).toEqual([[2, 1], [1, 0], [0, 0]]);
    const others = await open(world.teamLead, 'referrals', { cohort: 'other' });
    expect(headline(others, 'Referrals received')!.value).toBe(5);
    const february = await open(world.teamLead, 'referrals', { from: '2026-02-01', to: '2026-02-28' });
    expect(headline(february, 'Referrals received')!.value).toBe(2);
  });

  it('suppresses counts of 1 to 4, and rates on fewer than 5, for a commissioner', async () => {
    const d = await open(world.commissioner, 'referrals');
    expect(rows(d, 'by-month')).toEqual([
      { month: 'Jan 2026', referrals: 6, selfReferrals: null },
      { month: 'Feb 2026', referrals: null, selfReferrals: 0 },
      { month: 'Mar 2026', referrals: 0, selfReferrals: 0 },
    ]);
    expect(headline(d, 'Accepted')).toEqual({ label: 'Accepted', value: 71.4, kind: 'percent', detail: '5 of 7 referrals with a decision' });
    expect(headline(d, 'Self-referrals')).toMatchObject({ value: null, detail: 'of 8 referrals' });
    expect(d.figures.find((f) => f.id === 'by-month')!.summary).toContain('8 referrals were received');
    const md = await open(world.commissioner, 'referrals', { cohort: 'md' });
    expect(headline(md, 'Accepted')).toEqual({ label: 'Accepted', value: null, kind: 'percent', detail: 'fewer than 5 of fewer than 5 referrals with a decision' });
  });
});

describe('flow dashboard', () => {
  it('shows today’s waiting list by time waited, whatever the period', async () => {
    const d = await open(world.teamLead, 'flow');
    expect(rows(d, 'waiting').map((r) => r.people)).toEqual([1, 1, 0, 0, 1]);
    expect(headline(d, 'Waiting now')!.value).toBe(3);
  });

  it('gives the median and 90th percentile days to first contact (percentile_cont)', async () => {
    const d = await open(world.teamLead, 'flow');
    // Days 3, 5, 7, 10 and 20: the 90th percentile lies 0.6 of the way from 10 to 20.
    expect(rows(d, 'first-contact').map((r) => [r.days, r.people])).toEqual([[7, 5], [16, 5]]);
    expect(headline(d, 'Median days to first contact')).toEqual({ label: 'Median days to first contact', value: 7, kind: 'days', detail: 'of 5 referrals contacted' });
  });

  it('follows referrals to engagement and connection, and counts closures and accompanied introductions in the period', async () => {
    const d = await open(world.teamLead, 'flow');
    expect(rows(d, 'journey').map((r) => r.people)).toEqual([8, 5, 5, 3, 2]);
    expect(headline(d, 'Engaged')).toMatchObject({ value: 60, detail: '3 of 5 accepted referrals' });
    expect(headline(d, 'Connected')).toMatchObject({ value: 40, detail: '2 of 5 accepted referrals' });
    expect(rows(d, 'closure-reasons')).toEqual([
      { reason: 'The person’s goals are met', cases: 1 },
      { reason: 'The person chose to stop', cases: 1 },
    ]);
    expect(rows(d, 'introductions').map((r) => r.introductions)).toEqual([2, 1]);
    expect(headline(d, 'Accompanied introductions')).toMatchObject({ value: 66.7, detail: '2 of 3 introductions' });
  });

  it('says "no data" for a statistic with no one behind it', async () => {
    const d = await open(world.teamLead, 'flow', { from: '2026-03-01', to: '2026-03-31' });
    expect(headline(d, 'Median days to first contact')!.value).toBe('no data');
    expect(headline(d, 'Engaged')!.value).toBe('no data');
  });

  it('suppresses small numbers for a commissioner, and keeps statistics on 5 or more', async () => {
    const d = await open(world.commissioner, 'flow');
    expect(rows(d, 'waiting').map((r) => r.people)).toEqual([null, null, 0, 0, null]);
    expect(headline(d, 'Waiting now')!.value).toBeNull();
    expect(rows(d, 'first-contact').map((r) => r.days)).toEqual([7, 16]);
    expect(headline(d, 'Accompanied introductions')).toMatchObject({ value: null, detail: 'fewer than 5 of fewer than 5 introductions' });
    expect(d.figures.find((f) => f.id === 'first-contact')!.summary).toContain('half were contacted within 7 days and nine in ten within 16 days');
  });

  it('says a hidden wait is hidden, not that it was under 5 days', async () => {
    const md = await open(world.commissioner, 'flow', { cohort: 'md' });
    const summary = md.figures.find((f) => f.id === 'first-contact')!.summary;
    expect(summary).toContain('the wait is not shown: it would be worked out from fewer than 5 people');
    expect(summary).not.toContain('within fewer than 5');
    const none = await open(world.teamLead, 'flow', { from: '2026-03-01', to: '2026-03-31' });
    expect(none.figures.find((f) => f.id === 'first-contact')!.summary).toContain('there is no data on the wait yet');
  });
});

describe('report scope', () => {
  it('refuses a service the commissioner does not commission rather than showing nothing', async () => {
    const s = await testServices();
    const attempt = s.reports.dashboard(world.commissioner.ctx, 'referrals', { ...PERIOD, service: world.otherService.id });
    await expect(attempt).rejects.toBeInstanceOf(ValidationFailed);
    await expect(attempt).rejects.toMatchObject({ errors: [{ field: 'service' }] });
  });

  it('gives a service its own numbers only', async () => {
    const other = await buildUser(world.otherService, 'team-lead');
    const d = await open(other, 'referrals');
    expect(headline(d, 'Referrals received')!.value).toBe(1);
  });
});

describe('days and months in England', () => {
  it('counts a referral that arrived at half past midnight on 1 April (summer time) in April, and its wait in days in England', async () => {
    const s = await testServices();
    const service = await buildOrganisation({ type: 'sp-service' });
    const teamLead = await buildUser(service, 'team-lead');
    // 23:30 UTC on 31 March is 00:30 on 1 April in England; first contact that day is 0 days' wait.
    await insertReferrals(service, [
      { received: '2026-03-31T23:30:00Z', source: 'self', needs: ['food'], md: false, status: 'first-contact', case: { firstContactAfter: 1 } },
      { received: '2026-03-31T22:30:00Z', source: 'self', needs: ['food'], md: false, status: 'received' },
    ], { practice: null, otherPractice: null, vcse: null, self: null });
    const april = (await s.reports.dashboard(teamLead.ctx, 'referrals', { from: '2026-04-01', to: '2026-04-30' })).dashboard;
    expect(headline(april, 'Referrals received')!.value).toBe(1);
    const spring = (await s.reports.dashboard(teamLead.ctx, 'referrals', { from: '2026-03-01', to: '2026-04-30' })).dashboard;
    expect(rows(spring, 'by-month')).toEqual([
      { month: 'Mar 2026', referrals: 1, selfReferrals: 1 },
      { month: 'Apr 2026', referrals: 1, selfReferrals: 1 },
    ]);
    const flow = (await s.reports.dashboard(teamLead.ctx, 'flow', { from: '2026-04-01', to: '2026-04-30' })).dashboard;
    expect(rows(flow, 'first-contact').map((r) => r.days)).toEqual([0, 0]);
  });
});
