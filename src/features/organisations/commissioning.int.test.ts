import { describe, expect, it } from 'vitest';
import { systemContext } from '../../platform/context.js';
import { Forbidden, ValidationFailed } from '../../platform/errors.js';
import { Browser, errorSummary, testApp } from '../../../test/support/http.js';
import { buildOrganisation, buildUser, testServices } from '../../../test/support/factories.js';

const platform = { userId: null, label: 'test', platformAdmin: true };

async function platformAdminBrowser() {
  const home = await buildOrganisation();
  const user = await buildUser(home, 'admin');
  await (await testServices()).users.setPlatformAdmin(systemContext(home.id), user.userId, true);
  const browser = new Browser(await testApp());
  await browser.signIn(user.email, user.password);
  return browser;
}

describe('commissioning', () => {
  it('lets a platform administrator choose the services a commissioner commissions, and the reports follow', async () => {
    const s = await testServices();
    const commissioner = await buildOrganisation({ type: 'commissioner' });
    const north = await buildOrganisation({ type: 'sp-service', name: 'North PCN social prescribing' });
    const south = await buildOrganisation({ type: 'sp-service', name: 'South PCN social prescribing' });
    const user = await buildUser(commissioner, 'commissioner');

    const browser = await platformAdminBrowser();
    expect((await browser.get('/admin/organisations')).body).toContain(`href="/admin/organisations/${commissioner.id}/commissioning"`);
    const page = await browser.get(`/admin/organisations/${commissioner.id}/commissioning`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('North PCN social prescribing');
    const saved = await browser.post(`/admin/organisations/${commissioner.id}/commissioning`, { services: north.id });
    expect(saved.statusCode).toBe(303);
    expect((await browser.get(saved.headers.location as string)).body).toContain('Commissioned services saved');
    expect(s.reports.available(user.ctx).length).toBeGreaterThan(0);
    const view = await s.reports.dashboard(user.ctx, 'referrals', { service: north.id });
    expect(view.scope.services).toEqual([{ id: north.id, name: north.name }]);

    const both = await s.organisations.setCommissioning(platform, null, commissioner.id, [north.id, south.id]);
    expect(both.services.filter((x) => x.commissioned).map((x) => x.id).sort()).toEqual([north.id, south.id].sort());
    await s.organisations.setCommissioning(platform, null, commissioner.id, [south.id]);
    await expect(s.reports.dashboard(user.ctx, 'referrals', { service: north.id })).rejects.toBeInstanceOf(ValidationFailed);

    const audit = await s.db.inScope({ organisationId: commissioner.id, userId: null }, (tx) =>
      tx.selectFrom('auditEvent').select(['action', 'detail']).where('organisationId', '=', commissioner.id).where('action', '=', 'commissioning.changed').execute(),
    );
    expect(audit).toHaveLength(3);
    expect(audit.at(-1)!.detail).toEqual({ added: '', removed: north.id });
  });

  it('accepts only social prescribing services, and only from platform administrators', async () => {
    const s = await testServices();
    const commissioner = await buildOrganisation({ type: 'commissioner' });
    const practice = await buildOrganisation({ type: 'gp-practice' });
    const browser = await platformAdminBrowser();
    await browser.get(`/admin/organisations/${commissioner.id}/commissioning`);
    const refused = await browser.post(`/admin/organisations/${commissioner.id}/commissioning`, { services: practice.id });
    expect(refused.statusCode).toBe(400);
    expect(errorSummary(refused.body)).toContain('Choose social prescribing services from the list');
    expect((await browser.get(`/admin/organisations/${practice.id}/commissioning`)).statusCode).toBe(404);
    const admin = await buildUser(commissioner, 'admin');
    await expect(s.organisations.setCommissioning(admin.ctx.actor, null, commissioner.id, [])).rejects.toBeInstanceOf(Forbidden);
  });
});
