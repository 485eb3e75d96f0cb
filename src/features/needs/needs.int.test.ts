import { describe, expect, it } from 'vitest';
import { systemContext, type RequestContext } from '../../platform/context.js';
import { Conflict, Forbidden, NotFound } from '../../platform/errors.js';
import type { Organisation, Role } from '../../platform/db/schema.js';
import { signedInBrowser } from '../../../test/support/http.js';
import { buildOrganisation, buildUser, testServices, unique } from '../../../test/support/factories.js';
import { buildReferralWorld, referralFor } from '../../../test/support/referrals.js';
import { messagesOf } from '../../../test/support/errors.js';

/**
 * need_code is one table shared by every organisation (and, on PostgreSQL, by every test file running
 * at once), so these tests only ever change needs they added themselves, with unique codes and labels.
 */

async function platformAdmin(organisation?: Organisation): Promise<{ ctx: RequestContext; userId: string; email: string; password: string; organisation: Organisation }> {
  const home = organisation ?? (await buildOrganisation());
  const user = await buildUser(home, 'link-worker');
  await (await testServices()).users.setPlatformAdmin(systemContext(home.id), user.userId, true);
  return { ...user, ctx: { ...user.ctx, actor: { ...user.ctx.actor, platformAdmin: true } } };
}

async function needAudit(organisation: Organisation) {
  const { db } = await testServices();
  return db.inScope({ organisationId: organisation.id, userId: null }, (tx) =>
    tx
      .selectFrom('auditEvent')
      .select(['action', 'subjectId', 'actorUserId', 'detail'])
      .where('organisationId', '=', organisation.id)
      .where('action', 'like', 'need.%')
      .orderBy('id')
      .execute(),
  );
}

describe('needs taxonomy service', () => {
  it('adds a need and a need within it, audited in the administrator’s organisation', async () => {
    const admin = await platformAdmin();
    const { needs } = await testServices();
    const parentCode = unique('advice');
    const parent = await needs.add(admin.ctx, { code: parentCode, label: `Advice ${parentCode}` });
    expect(parent).toMatchObject({ code: parentCode, parentCode: null, active: true });
    const child = await needs.add(admin.ctx, { code: `${parentCode}-debt`, label: `Debt advice ${parentCode}`, parent: parentCode });
    expect(child).toMatchObject({ parentCode, active: true });
    expect(child.sortOrder).toBe(parent.sortOrder + 1);

    const list = await needs.list(admin.ctx);
    const at = list.findIndex((n) => n.code === parentCode);
    expect(list[at + 1]?.code).toBe(`${parentCode}-debt`);

    expect(await needAudit(admin.organisation)).toEqual([
      { action: 'need.added', subjectId: parentCode, actorUserId: admin.userId, detail: { parentCode: null } },
      { action: 'need.added', subjectId: `${parentCode}-debt`, actorUserId: admin.userId, detail: { parentCode } },
    ]);
  });

  it('checks the code’s form, that it is new, the label, and the parent', async () => {
    const admin = await platformAdmin();
    const { needs } = await testServices();
    expect(await messagesOf(needs.add(admin.ctx, { code: '', label: '' }))).toEqual({
      code: 'Enter a code, like debt-advice',
      label: 'Enter the need as referrers will see it',
    });
    for (const bad of ['Debt Advice', 'debt_advice', 'debt--advice', '-debt', 'debt-', 'a'.repeat(61)]) {
      expect(Object.keys(await messagesOf(needs.add(admin.ctx, { code: bad, label: unique('Label') }))), bad).toEqual(['code']);
    }
    expect(await messagesOf(needs.add(admin.ctx, { code: 'housing', label: unique('Label') }))).toEqual({
      code: 'A need with the code "housing" already exists: codes are never reused',
    });
    expect(await messagesOf(needs.add(admin.ctx, { code: unique('n'), label: 'housing' }))).toEqual({ label: 'The need "housing" is already called that' });
    expect(await messagesOf(needs.add(admin.ctx, { code: unique('n'), label: unique('Label'), parent: unique('no-such') }))).toEqual({
      parent: 'Choose a need from the list, or none',
    });
    // Homelessness is within Housing: a third level is refused.
    expect(await messagesOf(needs.add(admin.ctx, { code: unique('n'), label: unique('Label'), parent: 'homelessness' }))).toEqual({
      parent: '“Homelessness or risk of it” is itself within another need: needs go two levels deep at most',
    });

    const inactive = unique('inactive');
    await needs.add(admin.ctx, { code: inactive, label: unique('Inactive') });
    await needs.deactivate(admin.ctx, inactive);
    expect(Object.keys(await messagesOf(needs.add(admin.ctx, { code: unique('n'), label: unique('Label'), parent: inactive })))).toEqual(['parent']);
  });

  it('renames a need, keeping its code, and audits the change', async () => {
    const admin = await platformAdmin();
    const { needs } = await testServices();
    const code = unique('walking');
    await needs.add(admin.ctx, { code, label: `Walking ${code}` });
    const renamed = await needs.rename(admin.ctx, code, `Walking groups ${code}`);
    expect(renamed).toMatchObject({ code, label: `Walking groups ${code}` });
    expect(Object.keys(await messagesOf(needs.rename(admin.ctx, code, '  ')))).toEqual(['label']);
    expect(Object.keys(await messagesOf(needs.rename(admin.ctx, code, 'Housing')))).toEqual(['label']);
    await expect(needs.rename(admin.ctx, unique('missing'), 'Anything')).rejects.toBeInstanceOf(NotFound);
    const audit = await needAudit(admin.organisation);
    expect(audit.map((a) => a.action)).toEqual(['need.added', 'need.renamed']);
    expect(audit[1]!.detail).toEqual({ from: `Walking ${code}`, to: `Walking groups ${code}` });
  });

  it('deactivates and reactivates, never deletes, and keeps the two levels consistent', async () => {
    const admin = await platformAdmin();
    const { needs, referrals } = await testServices();
    const parent = unique('parent');
    const child = `${parent}-child`;
    await needs.add(admin.ctx, { code: parent, label: unique('Parent') });
    await needs.add(admin.ctx, { code: child, label: unique('Child'), parent });

    await expect(needs.deactivate(admin.ctx, parent)).rejects.toThrow(/Deactivate the needs within/);
    await needs.deactivate(admin.ctx, child);
    await needs.deactivate(admin.ctx, parent);
    await expect(needs.deactivate(admin.ctx, parent)).rejects.toBeInstanceOf(Conflict);
    expect((await needs.get(admin.ctx, parent)).active).toBe(false);
    expect((await referrals.listNeeds()).map((n) => n.code)).not.toContain(parent);

    await expect(needs.reactivate(admin.ctx, child)).rejects.toThrow(/Reactivate “.*” first/);
    await needs.reactivate(admin.ctx, parent);
    await needs.reactivate(admin.ctx, child);
    expect((await referrals.listNeeds()).map((n) => n.code)).toEqual(expect.arrayContaining([parent, child]));
    expect((await needAudit(admin.organisation)).map((a) => a.action)).toEqual([
      'need.added',
      'need.added',
      'need.deactivated',
      'need.deactivated',
      'need.reactivated',
      'need.reactivated',
    ]);
  });

  it('stops referrals using a deactivated need, and accepts it again once reactivated', async () => {
    const admin = await platformAdmin();
    const { needs, referrals } = await testServices();
    const world = await buildReferralWorld();
    const code = unique('tenancy');
    await needs.add(admin.ctx, { code, label: unique('Tenancy support') });
    await referrals.refer(world.referrer.ctx, referralFor(world.service, { needs: [code] }));

    await needs.deactivate(admin.ctx, code);
    const refused = await messagesOf(referrals.refer(world.referrer.ctx, referralFor(world.service, { needs: [code] })));
    expect(refused.needs).toContain(`Unknown need: ${code}`);

    await needs.reactivate(admin.ctx, code);
    await expect(referrals.refer(world.referrer.ctx, referralFor(world.service, { needs: [code] }))).resolves.toBeTruthy();
  });

  it('refuses every change to anyone who is not a platform administrator, whatever their role', async () => {
    const organisation = await buildOrganisation();
    const { needs } = await testServices();
    for (const role of ['admin', 'team-lead', 'link-worker'] as Role[]) {
      const { ctx } = await buildUser(organisation, role);
      await expect(needs.list(ctx)).rejects.toBeInstanceOf(Forbidden);
      await expect(needs.add(ctx, { code: unique('nope'), label: unique('Nope') })).rejects.toBeInstanceOf(Forbidden);
      await expect(needs.rename(ctx, 'housing', 'Houses')).rejects.toBeInstanceOf(Forbidden);
      await expect(needs.deactivate(ctx, 'housing')).rejects.toBeInstanceOf(Forbidden);
      await expect(needs.reactivate(ctx, 'housing')).rejects.toBeInstanceOf(Forbidden);
    }
    expect(await needAudit(organisation)).toEqual([]);
  });
});

describe('needs pages', () => {
  it('lets a platform administrator list, add, rename, deactivate and reactivate needs', async () => {
    const admin = await platformAdmin();
    const browser = await signedInBrowser(admin);
    const list = await browser.get('/admin/needs');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Homelessness or risk of it');
    expect(list.body).toContain('<code>homelessness</code>');
    expect(list.body).toContain('href="/admin/needs/new"');
    expect((await browser.get('/')).body).toContain('href="/admin/needs"');

    expect((await browser.get('/admin/needs/new')).statusCode).toBe(200);
    const invalid = await browser.post('/admin/needs/new', { code: 'Not A Slug', label: '', parent: '' });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.body).toContain('Code must use only lower-case letters');
    expect(invalid.body).toContain('value="Not A Slug"');

    const code = unique('gardening');
    const label = `Gardening ${code}`;
    const added = await browser.post('/admin/needs/new', { code, label, parent: 'nature-and-green-space' });
    expect(added.statusCode).toBe(303);
    expect(added.headers.location).toBe(`/admin/needs/${code}?done=added`);
    const page = await browser.get(added.headers.location as string);
    expect(page.body).toContain(`“${label}” has been added`);
    expect(page.body).toContain('Nature and green space');

    const renamed = await browser.post(`/admin/needs/${code}/rename`, { label: `Community gardening ${code}` });
    expect(renamed.statusCode).toBe(303);
    expect((await browser.get(`/admin/needs/${code}`)).body).toContain(`Community gardening ${code}`);

    expect((await browser.post(`/admin/needs/${code}/deactivate`, {})).statusCode).toBe(303);
    const deactivated = await browser.get(`/admin/needs/${code}?done=deactivated`);
    expect(deactivated.body).toContain('has been deactivated');
    expect(deactivated.body).toContain('Reactivate');
    expect((await browser.post(`/admin/needs/${code}/deactivate`, {})).statusCode).toBe(409);
    expect((await browser.post(`/admin/needs/${code}/reactivate`, {})).statusCode).toBe(303);
    expect((await browser.get('/admin/needs/no-such-need')).statusCode).toBe(404);
  });

  it('refuses the needs pages to an organisation’s administrator who is not a platform administrator', async () => {
    const organisation = await buildOrganisation();
    const admin = await buildUser(organisation, 'admin');
    const browser = await signedInBrowser(admin);
    expect((await browser.get('/')).body).not.toContain('href="/admin/needs"');
    expect((await browser.get('/admin/needs')).statusCode).toBe(403);
    expect((await browser.get('/admin/needs/new')).statusCode).toBe(403);
    expect((await browser.get('/admin/needs/housing')).statusCode).toBe(403);
    const code = unique('sneaky');
    expect((await browser.post('/admin/needs/new', { code, label: unique('Sneaky') })).statusCode).toBe(403);
    expect((await browser.post('/admin/needs/housing/rename', { label: 'Houses' })).statusCode).toBe(403);
    expect((await browser.post('/admin/needs/housing/deactivate', {})).statusCode).toBe(403);
    const { referrals } = await testServices();
    expect((await referrals.listNeeds()).find((n) => n.code === 'housing')?.label).toBe('Housing');
    expect((await referrals.listNeeds()).map((n) => n.code)).not.toContain(code);
  });
});
