import { describe, expect, it } from 'vitest';
import { systemContext } from '../../platform/context.js';
import type { Organisation, Role } from '../../platform/db/schema.js';
import { Browser, testApp } from '../../../test/support/http.js';
import { buildOrganisation, buildUser, testServices, unique } from '../../../test/support/factories.js';

async function signedIn(organisation: Organisation, role: Role, name?: string) {
  const user = await buildUser(organisation, role, name ? { name } : {});
  const browser = new Browser(await testApp());
  await browser.signIn(user.email, user.password);
  return { user, browser };
}

async function memberOf(organisation: Organisation, userId: string) {
  const services = await testServices();
  return services.users.get(systemContext(organisation.id), userId);
}

describe('users pages', () => {
  it('lists the members of the admin’s own organisation with role and status', async () => {
    const organisation = await buildOrganisation();
    const other = await buildOrganisation();
    const { browser } = await signedIn(organisation, 'admin', 'Ada Admin');
    const worker = await buildUser(organisation, 'link-worker', { name: 'Lin Worker' });
    const outsider = await buildUser(other, 'link-worker', { name: 'Otto Outsider' });

    const page = await browser.get('/admin/users');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Ada Admin');
    expect(page.body).toContain('Lin Worker');
    expect(page.body).toContain(worker.email);
    expect(page.body).toContain('Link worker');
    expect(page.body).toContain('Active');
    expect(page.body).toContain(`href="/admin/users/${worker.userId}"`);
    expect(page.body).not.toContain(outsider.email);
    expect(page.body).toContain('href="/admin/users/new"');
  });

  it('lets a team lead see the list but not add anyone', async () => {
    const organisation = await buildOrganisation();
    const { browser } = await signedIn(organisation, 'team-lead');
    const list = await browser.get('/admin/users');
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain('href="/admin/users/new"');
    expect((await browser.get('/admin/users/new')).statusCode).toBe(403);
    const email = `${unique('nope')}@example.org`;
    const post = await browser.post('/admin/users/new', { name: 'Not Added', email, role: 'link-worker' });
    expect(post.statusCode).toBe(403);
    expect(await (await testServices()).users.findByEmail(email)).toBeUndefined();
  });

  it('refuses the users pages to a link worker', async () => {
    const organisation = await buildOrganisation();
    const { user, browser } = await signedIn(organisation, 'link-worker');
    const list = await browser.get('/admin/users');
    expect(list.statusCode).toBe(403);
    expect(list.body).toContain('You do not have access to this');
    expect((await browser.get(`/admin/users/${user.userId}`)).statusCode).toBe(403);
  });

  it('adds a user without a password and shows the one-time invitation link as a full address', async () => {
    const organisation = await buildOrganisation();
    const { browser } = await signedIn(organisation, 'admin');
    expect((await browser.get('/admin/users/new')).statusCode).toBe(200);
    const email = `${unique('new')}@example.org`;
    const added = await browser.post('/admin/users/new', { name: 'Nia New', email, role: 'link-worker', password: '' });
    expect(added.statusCode).toBe(200);
    expect(added.headers['cache-control']).toBe('no-store');
    const link = /(http:\/\/[^\s<"]+\/invite\/[A-Za-z0-9_-]+)/.exec(added.body)?.[1];
    expect(link).toBeTruthy();
    expect(added.body).toContain('shown only once');
    expect(added.body).toContain('expires in 7 days');

    const invite = await new Browser(await testApp()).get(new URL(link!).pathname);
    expect(invite.statusCode).toBe(200);
    expect(invite.body).toContain(email);

    const list = await browser.get('/admin/users');
    expect(list.body).toContain('Nia New');
    expect(list.body).not.toContain('/invite/');
  });

  it('adds a user with a password, who can then sign in', async () => {
    const organisation = await buildOrganisation({ name: 'Quayside PCN' });
    const { browser } = await signedIn(organisation, 'admin');
    await browser.get('/admin/users/new');
    const email = `${unique('pw')}@example.org`;
    const added = await browser.post('/admin/users/new', { name: 'Pat Password', email, role: 'referrer', password: 'a-long-enough-password-here' });
    expect(added.statusCode).toBe(200);
    expect(added.body).not.toContain('/invite/');
    expect(added.body).toContain('Referrer');

    const them = new Browser(await testApp());
    await them.signIn(email, 'a-long-enough-password-here');
    expect((await them.get('/')).body).toContain('Quayside PCN');
  });

  it('gives a role to an existing account and says so', async () => {
    const first = await buildOrganisation();
    const second = await buildOrganisation();
    const existing = await buildUser(first, 'link-worker', { name: 'Eve Existing' });
    const { browser } = await signedIn(second, 'admin');
    await browser.get('/admin/users/new');
    const added = await browser.post('/admin/users/new', { name: 'Ignored Name', email: existing.email, role: 'provider' });
    expect(added.statusCode).toBe(200);
    expect(added.body).toContain('already had a Linkwork account');
    expect(added.body).toContain('Activity provider');
    expect(added.body).not.toContain('/invite/');
    expect((await memberOf(second, existing.userId)).role).toBe('provider');
    expect((await memberOf(first, existing.userId)).role).toBe('link-worker');
  });

  it('re-shows the form with field errors and saves nothing for bad input', async () => {
    const organisation = await buildOrganisation();
    const { browser } = await signedIn(organisation, 'admin');
    await browser.get('/admin/users/new');
    const email = `not-an-email-${unique('x')}`;
    const response = await browser.post('/admin/users/new', { name: '', email, role: 'emperor', password: 'short' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('nhsuk-error-summary');
    for (const field of ['name', 'email', 'role', 'password']) {
      expect(response.body).toContain(`href="#${field}"`);
      expect(response.body).toContain(`id="${field}"`);
      expect(response.body).toContain(`id="${field}-error"`);
    }
    expect(response.body).toContain(`value="${email}"`);
    expect(response.body).not.toContain('value="short"');
    expect(await (await testServices()).users.findByEmail(email)).toBeUndefined();
  });

  it('changes a role, then shows what changed', async () => {
    const organisation = await buildOrganisation();
    const { browser } = await signedIn(organisation, 'admin');
    const worker = await buildUser(organisation, 'link-worker', { name: 'Rita Role' });
    const person = await browser.get(`/admin/users/${worker.userId}`);
    expect(person.statusCode).toBe(200);
    expect(person.body).toContain('<h1>Rita Role</h1>');
    const changed = await browser.post(`/admin/users/${worker.userId}/role`, { role: 'team-lead' });
    expect(changed.statusCode).toBe(303);
    expect(changed.headers.location).toBe(`/admin/users/${worker.userId}?done=role`);
    const after = await browser.get(changed.headers.location as string);
    expect(after.body).toContain('Rita Role’s role is now Team lead or service manager.');
    expect((await memberOf(organisation, worker.userId)).role).toBe('team-lead');

    const bad = await browser.post(`/admin/users/${worker.userId}/role`, { role: 'emperor' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#role"');
    expect((await memberOf(organisation, worker.userId)).role).toBe('team-lead');
  });

  it('explains, rather than fails, when the last administrator would be lost or someone deactivates themselves', async () => {
    const organisation = await buildOrganisation();
    const { user, browser } = await signedIn(organisation, 'admin');
    await browser.get(`/admin/users/${user.userId}`);
    const demote = await browser.post(`/admin/users/${user.userId}/role`, { role: 'link-worker' });
    expect(demote.statusCode).toBe(409);
    expect(demote.body).toContain('This is the only active administrator');
    expect(demote.body).toContain('href="#role"');
    expect((await memberOf(organisation, user.userId)).role).toBe('admin');

    const self = await browser.post(`/admin/users/${user.userId}/deactivate`, {});
    expect(self.statusCode).toBe(409);
    expect(self.body).toContain('You cannot deactivate yourself');
    expect(self.body).toContain('href="#deactivate"');
    expect(self.body).toContain('id="deactivate"');
    expect((await memberOf(organisation, user.userId)).active).toBe(true);
  });

  it('deactivates someone, which ends their session, and reactivates them', async () => {
    const organisation = await buildOrganisation();
    const { browser } = await signedIn(organisation, 'admin');
    const { user: worker, browser: theirs } = await signedIn(organisation, 'link-worker', 'Dee Active');
    expect((await theirs.get('/')).statusCode).toBe(200);

    await browser.get(`/admin/users/${worker.userId}`);
    const off = await browser.post(`/admin/users/${worker.userId}/deactivate`, {});
    expect(off.statusCode).toBe(303);
    const page = await browser.get(off.headers.location as string);
    expect(page.body).toContain('Dee Active has been deactivated');
    expect(page.body).toContain('Deactivated');
    expect(page.body).toContain(`action="/admin/users/${worker.userId}/reactivate"`);
    expect((await theirs.get('/')).statusCode).toBe(303);

    const on = await browser.post(`/admin/users/${worker.userId}/reactivate`, {});
    expect(on.statusCode).toBe(303);
    expect((await browser.get(on.headers.location as string)).body).toContain('Dee Active has been reactivated');
    expect((await memberOf(organisation, worker.userId)).active).toBe(true);
  });

  it('shows a team lead a person without the forms that change them', async () => {
    const organisation = await buildOrganisation();
    const { browser } = await signedIn(organisation, 'team-lead');
    const worker = await buildUser(organisation, 'link-worker');
    const person = await browser.get(`/admin/users/${worker.userId}`);
    expect(person.statusCode).toBe(200);
    expect(person.body).not.toContain('/role"');
    const change = await browser.post(`/admin/users/${worker.userId}/role`, { role: 'admin' });
    expect(change.statusCode).toBe(403);
    expect((await browser.post(`/admin/users/${worker.userId}/deactivate`, {})).statusCode).toBe(403);
    expect((await memberOf(organisation, worker.userId)).role).toBe('link-worker');
  });

  it('gives an admin of another organisation a 404 for a member of this one, and changes nothing', async () => {
    const a = await buildOrganisation();
    const b = await buildOrganisation();
    const member = await buildUser(a, 'link-worker', { name: 'Private Person' });
    const { browser } = await signedIn(b, 'admin');
    const view = await browser.get(`/admin/users/${member.userId}`);
    expect(view.statusCode).toBe(404);
    expect(view.body).not.toContain('Private Person');
    expect((await browser.post(`/admin/users/${member.userId}/role`, { role: 'admin' })).statusCode).toBe(404);
    expect((await browser.post(`/admin/users/${member.userId}/deactivate`, {})).statusCode).toBe(404);
    expect((await browser.post(`/admin/users/${member.userId}/reactivate`, {})).statusCode).toBe(404);
    const after = await memberOf(a, member.userId);
    expect(after.role).toBe('link-worker');
    expect(after.active).toBe(true);
    expect((await browser.get('/admin/users/not-a-uuid')).statusCode).toBe(404);
  });
});
