import { describe, expect, it } from 'vitest';
import type { Organisation, Role } from '../../platform/db/schema.js';
import { Browser, testApp } from '../../../test/support/http.js';
import { buildOrganisation, buildUser, testServices } from '../../../test/support/factories.js';
import { AUDIT_PAGE_SIZE } from './service.js';

async function signedIn(organisation: Organisation, role: Role, name?: string) {
  const user = await buildUser(organisation, role, name ? { name } : {});
  const browser = new Browser(await testApp());
  await browser.signIn(user.email, user.password);
  return { user, browser };
}

const eventRows = (body: string) => (body.match(/<tr class="nhsuk-table__row">/g) ?? []).length - 1;

describe('audit trail page', () => {
  it('shows the events of the admin’s own organisation only, newest first', async () => {
    const a = await buildOrganisation();
    const b = await buildOrganisation();
    const { user, browser } = await signedIn(a, 'admin', 'Audrey Admin');
    const ours = await buildUser(a, 'link-worker');
    const theirs = await buildUser(b, 'link-worker');
    const services = await testServices();
    await services.tokens.create(user.ctx, 'Audit test token');

    const page = await browser.get('/admin/audit');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(ours.userId);
    expect(page.body).not.toContain(theirs.userId);
    expect(page.body).toContain('token.created');
    expect(page.body).toContain('Audrey Admin');
    expect(page.body).toContain('{&quot;role&quot;:&quot;link-worker&quot;,&quot;invited&quot;:false}');
    expect(page.body.indexOf('token.created')).toBeLessThan(page.body.indexOf('user.added'));
    expect(page.body).not.toContain('Older events');
  });

  it('filters by action, actor and dates', async () => {
    const organisation = await buildOrganisation();
    const { user, browser } = await signedIn(organisation, 'admin');
    await (await testServices()).tokens.create(user.ctx, 'Filter token');

    const tokensOnly = await browser.get('/admin/audit?action=token.');
    expect(tokensOnly.statusCode).toBe(200);
    expect(tokensOnly.body).toContain('token.created');
    expect(tokensOnly.body).not.toContain('<code>user.added</code>');
    expect(tokensOnly.body).toContain('value="token."');

    const byActor = await browser.get(`/admin/audit?actor=${encodeURIComponent(user.email)}`);
    expect(byActor.body).toContain('token.created');
    expect(byActor.body).not.toContain('<code>user.added</code>');

    const future = await browser.get('/admin/audit?from=2999-01-01');
    expect(future.statusCode).toBe(200);
    expect(future.body).toContain('No events match these filters');

    const today = new Date().toISOString().slice(0, 10);
    const inRange = await browser.get(`/admin/audit?from=2000-01-01&to=${today}`);
    expect(inRange.body).toContain('token.created');
  });

  it('says which date is wrong, with a 400', async () => {
    const organisation = await buildOrganisation();
    const { browser } = await signedIn(organisation, 'admin');
    const response = await browser.get('/admin/audit?from=25%2F11%2F2026&to=2026-13-45');
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('nhsuk-error-summary');
    expect(response.body).toContain('href="#from"');
    expect(response.body).toContain('href="#to"');
    expect(response.body).toContain('id="from-error"');
    expect(response.body).toContain('Enter a date in the format YYYY-MM-DD');
    expect(response.body).toContain('value="25/11/2026"');
  });

  it('pages through older events with the filters kept', async () => {
    const organisation = await buildOrganisation();
    const { user, browser } = await signedIn(organisation, 'admin');
    const services = await testServices();
    for (let i = 0; i < AUDIT_PAGE_SIZE + 5; i++) await services.tokens.create(user.ctx, `Token ${i}`);

    const first = await browser.get('/admin/audit?action=token.');
    expect(eventRows(first.body)).toBe(AUDIT_PAGE_SIZE);
    const next = /href="(\/admin\/audit\?[^"]+)"[^>]*rel="next"/.exec(first.body)?.[1]?.replace(/&amp;/g, '&');
    expect(next).toMatch(/action=token\./);
    expect(next).toMatch(/before=\d+/);
    const second = await browser.get(next!);
    expect(second.statusCode).toBe(200);
    expect(eventRows(second.body)).toBe(5);
    expect(second.body).not.toContain('rel="next"');
  });

  it('refuses everyone but administrators', async () => {
    const organisation = await buildOrganisation();
    for (const role of ['team-lead', 'link-worker'] as const) {
      const { browser } = await signedIn(organisation, role);
      expect((await browser.get('/admin/audit')).statusCode).toBe(403);
    }
  });
});
