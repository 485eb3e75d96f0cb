import { beforeAll, describe, expect, it } from 'vitest';
import { testServices, type TestUser } from '../../../test/support/factories.js';
import { errorSummary, signedInBrowser, testApp } from '../../../test/support/http.js';
import { buildReportWorld, type ReportWorld } from '../../../test/support/reports.js';

/** The reports pages and API on the hand-made world (test/support/reports.ts). */
const PERIOD = 'from=2026-01-01&to=2026-03-31';

let world: ReportWorld;
beforeAll(async () => {
  world = await buildReportWorld();
});

async function api(user: TestUser, url: string) {
  const token = (await (await testServices()).tokens.create(user.ctx, 'reports test')).token;
  return (await testApp()).inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
}

describe('reports pages', () => {
  it('lists the dashboards the role may see, and the home page links to them', async () => {
    const browser = await signedInBrowser(world.commissioner);
    const list = await browser.get('/reports');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('href="/reports/referrals"');
    expect(list.body).toContain('href="/reports/flow"');
    expect((await browser.get('/')).body).toContain('href="/reports"');
    const linkWorker = await signedInBrowser(world.linkWorker);
    expect((await linkWorker.get('/reports')).statusCode).toBe(403);
    expect((await linkWorker.get('/')).body).not.toContain('href="/reports"');
  });

  it('shows a dashboard with the filters, headlines, a chart, a table with suppressed cells and CSV links', async () => {
    const browser = await signedInBrowser(world.commissioner);
    const page = await browser.get(`/reports/referrals?${PERIOD}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>Referrals</h1>');
    expect(page.body).toContain('value="2026-01-01"');
    expect(page.body).toContain(`<option value="${world.service.id}"`);
    expect(page.body).toContain(`<option value="${world.practice.id}"`);
    expect(page.body).not.toContain(world.otherService.name);
    expect(page.body).toMatch(/<svg [^>]*role="img"/);
    expect(page.body).toContain('<td class="nhsuk-table__cell nhsuk-table__cell--numeric">fewer than 5</td>');
    expect(page.body).toContain('href="/reports/referrals/csv?from=2026-01-01&amp;to=2026-03-31&amp;figure=by-month"');
    expect(page.body).toContain('71.4%');
  });

  it('explains bad filters with an error summary and a 400', async () => {
    const browser = await signedInBrowser(world.commissioner);
    const page = await browser.get(`/reports/flow?from=2026-02-30&service=${world.otherService.id}`);
    expect(page.statusCode).toBe(400);
    expect(errorSummary(page.body)).toContain('Enter the start of the period as a real date');
    expect(errorSummary(page.body)).toContain('Choose a social prescribing service from the list');
    expect(page.body).not.toContain('role="img" aria-labelledby="chart-');
  });

  it('downloads one figure, or every figure, as CSV', async () => {
    const browser = await signedInBrowser(world.commissioner);
    const one = await browser.get(`/reports/referrals/csv?${PERIOD}&figure=by-month`);
    expect(one.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(one.headers['content-disposition']).toBe('attachment; filename="linkwork-referrals-2026-01-01-to-2026-03-31-by-month.csv"');
    expect(one.body).toBe('Month,Referrals,Self-referrals\r\nJan 2026,6,fewer than 5\r\nFeb 2026,fewer than 5,0\r\nMar 2026,0,0\r\n');
    const all = await browser.get(`/reports/flow/csv?${PERIOD}`);
    expect(all.body.split('\r\n')[0]).toMatch(/^figure,/);
    expect(all.body).toContain('\r\njourney,,,,,,Received,8,');
  });

  it('is not found for a dashboard that is not registered', async () => {
    const browser = await signedInBrowser(world.teamLead);
    expect((await browser.get('/reports/nonsense')).statusCode).toBe(404);
  });
});

describe('reports API', () => {
  it('returns the dashboard as JSON, with suppressed values as null', async () => {
    const response = await api(world.commissioner, `/api/v1/reports/referrals?${PERIOD}`);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.name).toBe('referrals');
    expect(body.figures[0].table.rows[0]).toEqual({ month: 'Jan 2026', referrals: 6, selfReferrals: null });
    expect(body.headlines[0]).toEqual({ label: 'Referrals received', value: 8, kind: 'count', detail: 'between 1 Jan 2026 and 31 Mar 2026' });
  });

  it('returns CSV with format=csv, for every figure or one', async () => {
    const all = await api(world.teamLead, `/api/v1/reports/flow?${PERIOD}&format=csv`);
    expect(all.statusCode).toBe(200);
    expect(all.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(all.headers['content-disposition']).toMatch(/^attachment; filename="linkwork-flow-2026-01-01-to-2026-03-31.csv"$/);
    const one = await api(world.teamLead, `/api/v1/reports/flow?${PERIOD}&format=csv&figure=first-contact`);
    expect(one.body).toBe('Measure,Days,Referrals with a first contact\r\nMedian (half were contacted within),7,5\r\n90th percentile (nine in ten were contacted within),16,5\r\n');
  });

  it('answers 400 naming the field, 404 for an unknown dashboard, 403 for a role without reports', async () => {
    const bad = await api(world.commissioner, `/api/v1/reports/referrals?cohort=some&service=${world.otherService.id}`);
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json().errors.map((e: { field: string }) => e.field)).toEqual(['service', 'cohort']);
    expect((await api(world.commissioner, '/api/v1/reports/nonsense')).statusCode).toBe(404);
    expect((await api(world.linkWorker, '/api/v1/reports/referrals')).statusCode).toBe(403);
    expect((await api(world.commissioner, `/api/v1/reports/referrals?${PERIOD}&format=csv&figure=nope`)).statusCode).toBe(404);
  });

  it('is described in the OpenAPI document', async () => {
    const app = await testApp();
    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const operation = doc.paths['/api/v1/reports/{dashboard}'].get;
    expect(operation.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['dashboard', 'from', 'to', 'service', 'practice', 'cohort', 'format', 'figure']));
  });
});
