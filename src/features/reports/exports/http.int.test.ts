import { beforeAll, describe, expect, it } from 'vitest';
import { buildExportWorld } from '../../../../test/support/exports.js';
import { testServices, type TestUser } from '../../../../test/support/factories.js';
import { errorSummary, signedInBrowser, testApp } from '../../../../test/support/http.js';
import { londonDay } from '../../cases/rules.js';
import { recentQuarters } from './quarter.js';
import { RETURN_CSV_HEADER } from './return.js';

beforeAll(async () => {
  await testApp();
});

async function api(user: TestUser, url: string) {
  const token = (await (await testServices()).tokens.create(user.ctx, 'exports test')).token;
  return (await testApp()).inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
}

describe('GET /api/v1/exports/quarterly-return', () => {
  it('answers JSON by default and CSV with format=csv, suppressed for a commissioner', async () => {
    const world = await buildExportWorld();
    const json = await api(world.users.commissioner, `/api/v1/exports/quarterly-return?quarter=2025-Q4&service=${world.service.id}`);
    expect(json.statusCode).toBe(200);
    const body = json.json();
    expect(body.quarter).toEqual({ id: '2025-Q4', from: '2026-01-01', to: '2026-03-31', label: 'Q4 2025/26 (January to March 2026)' });
    expect(body.suppressed).toBe(true);
    expect(body.items.find((r: { measureCode: string; categoryCode: string }) => r.measureCode === 'age-band' && r.categoryCode === '65-74').count).toBeNull();

    const csv = await api(world.users.commissioner, `/api/v1/exports/quarterly-return?quarter=2025-Q4&service=${world.service.id}&format=csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="quarterly-return-2025-Q4.csv"');
    const lines = csv.body.split('\r\n');
    expect(lines[0]).toBe(RETURN_CSV_HEADER.join(','));
    expect(lines).toContain(`2025-Q4,${world.service.name},Demographics,age-band,Referrals by age band at referral,65-74,65 to 74,fewer than 5`);
    expect(lines).toContain(`2025-Q4,${world.service.name},Demographics,age-band,Referrals by age band at referral,25-34,25 to 34,5`);
  });

  it('answers 400 naming the fields, 403 for roles without the return, 401 without a token', async () => {
    const world = await buildExportWorld();
    const bad = await api(world.users.teamLead, `/api/v1/exports/quarterly-return?quarter=2099-Q1&service=${world.cedar.id}`);
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json().errors.map((e: { field: string }) => e.field)).toEqual(['quarter', 'service']);
    expect((await api(world.users.teamLead, '/api/v1/exports/quarterly-return?format=xml')).statusCode).toBe(400);
    expect((await api(world.users.linkWorker, '/api/v1/exports/quarterly-return')).statusCode).toBe(403);
    expect((await api(world.users.referrer, '/api/v1/exports/quarterly-return')).statusCode).toBe(403);
    expect((await (await testApp()).inject({ method: 'GET', url: '/api/v1/exports/quarterly-return' })).statusCode).toBe(401);
  });
});

describe('GET /api/v1/exports/snomed-events', () => {
  it('answers CSV with the left-out count in a header, or JSON; commissioners and link workers get 403', async () => {
    const world = await buildExportWorld();
    const url = `/api/v1/exports/snomed-events?practice=${world.practice.id}&from=2026-01-01&to=2026-03-31`;
    const csv = await api(world.users.admin, url);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['linkwork-left-out-without-nhs-number']).toBe('1');
    const lines = csv.body.trim().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^9990000018,1995-06-01,2026-01-16,871731000000106,Referral to social prescribing service,REF-/);

    const json = await api(world.users.admin, `${url}&format=json`);
    expect(json.json()).toMatchObject({ leftOutWithoutNhsNumber: 1, practice: { id: world.practice.id }, items: [{ nhsNumber: '9990000018' }, { nhsNumber: '9990000026' }] });

    const bad = await api(world.users.admin, '/api/v1/exports/snomed-events?from=yesterday');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { field: string }) => e.field)).toEqual(['practice', 'from']);
    expect((await api(world.users.commissioner, url)).statusCode).toBe(403);
    expect((await api(world.users.linkWorker, url)).statusCode).toBe(403);
  });

  it('is in the OpenAPI document with its query parameters', async () => {
    const doc = (await (await testApp()).inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const params = (path: string) => doc.paths[path].get.parameters.map((p: { name: string }) => p.name).sort();
    expect(params('/api/v1/exports/quarterly-return')).toEqual(['format', 'quarter', 'service']);
    expect(params('/api/v1/exports/snomed-events')).toEqual(['format', 'from', 'practice', 'to']);
    expect(Object.keys(doc.paths['/api/v1/exports/snomed-events'].get.responses['200'].content).sort()).toEqual(['application/json', 'text/csv']);
  });
});

describe('the exports page', () => {
  it('lets a team lead download the return and check then download a practice’s extract', async () => {
    const world = await buildExportWorld();
    const browser = await signedInBrowser(world.users.teamLead);
    const page = await browser.get('/reports/exports');
    expect(page.statusCode).toBe(200);
    const lastQuarter = recentQuarters(londonDay(new Date()), 1)[0]!;
    expect(page.body).toContain(`<option value="${lastQuarter.id}" selected>`);
    expect(page.body).toMatch(/<option value="\d{4}-Q\d">Q\d [^<]+, so far<\/option>/); // the quarter in progress
    expect(page.body).not.toContain('id="service"'); // one service: nothing to choose
    expect(page.body).not.toContain('fewer than 5');
    expect(page.body).toContain(`<option value="${world.practice.id}">${world.practice.name}</option>`);

    const download = await browser.get('/reports/exports/quarterly-return.csv?quarter=2025-Q4');
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-disposition']).toBe('attachment; filename="quarterly-return-2025-Q4.csv"');
    expect(download.body).toContain(`2025-Q4,${world.service.name},Demographics,referrals-received,Referrals received,all,All referrals,6`);

    const checked = await browser.get(`/reports/exports/snomed-events?practice=${world.practice.id}&from=2026-01-01&to=2026-03-31`);
    expect(checked.statusCode).toBe(200);
    expect(checked.body).toContain('2 events to record.');
    expect(checked.body).toContain('1 event is left out because the person has no NHS number');
    const href = /id="download-extract" href="([^"]+)"/.exec(checked.body)![1]!.replace(/&amp;/g, '&');
    const extract = await browser.get(href);
    expect(extract.statusCode).toBe(200);
    expect(extract.body.split('\r\n')[0]).toBe('nhs_number,date_of_birth,event_date,snomed_code,snomed_term,referral_reference');
  });

  it('shows the error summary with field messages, and only the return to a commissioner', async () => {
    const world = await buildExportWorld();
    const lead = await signedInBrowser(world.users.teamLead);
    const refused = await lead.get('/reports/exports/snomed-events?practice=&from=2026-13-01');
    expect(refused.statusCode).toBe(400);
    expect(errorSummary(refused.body)).toContain('Choose a GP practice that has referred people to the service');
    expect(refused.body).toContain('href="#practice"');
    expect(refused.body).toContain('href="#from"');
    const badQuarter = await lead.get('/reports/exports/quarterly-return.csv?quarter=2099-Q1');
    expect(badQuarter.statusCode).toBe(400);
    expect(badQuarter.body).toContain('href="#quarter"');

    const commissioner = await signedInBrowser(world.users.commissioner);
    const page = await commissioner.get('/reports/exports');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`<option value="${world.birch.id}">${world.birch.name}</option>`);
    expect(page.body).not.toContain(world.cedar.name);
    expect(page.body).not.toContain('SNOMED CT events');
    expect(page.body).toContain('Counts from 1 to 4 read “fewer than 5”');
    expect((await commissioner.get(`/reports/exports/snomed-events.csv?practice=${world.practice.id}`)).statusCode).toBe(403);

    const linkWorker = await signedInBrowser(world.users.linkWorker);
    expect((await linkWorker.get('/reports/exports')).statusCode).toBe(403);
  });
});
