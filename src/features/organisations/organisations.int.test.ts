import { describe, expect, it } from 'vitest';
import { systemContext } from '../../platform/context.js';
import type { Organisation, Role } from '../../platform/db/schema.js';
import { Browser, testApp } from '../../../test/support/http.js';
import { buildOrganisation, buildUser, testServices, unique } from '../../../test/support/factories.js';

async function signedIn(organisation: Organisation, role: Role, platformAdmin: boolean) {
  const user = await buildUser(organisation, role);
  if (platformAdmin) await (await testServices()).users.setPlatformAdmin(systemContext(organisation.id), user.userId, true);
  const browser = new Browser(await testApp());
  await browser.signIn(user.email, user.password);
  return browser;
}

async function exists(slug: string): Promise<boolean> {
  return (await testServices()).organisations.bySlug(slug).then(
    () => true,
    () => false,
  );
}

describe('organisations pages', () => {
  it('lists every organisation with its short name and type for a platform administrator', async () => {
    const home = await buildOrganisation();
    const other = await buildOrganisation({ name: 'Brookfield Community Trust', type: 'vcse' });
    const browser = await signedIn(home, 'link-worker', true);
    const page = await browser.get('/admin/organisations');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Brookfield Community Trust');
    expect(page.body).toContain(other.slug);
    expect(page.body).toContain('Voluntary or community organisation (activity provider)');
    expect(page.body).toContain(home.slug);
  });

  it('adds an organisation and shows it in the list', async () => {
    const home = await buildOrganisation();
    const browser = await signedIn(home, 'admin', true);
    expect((await browser.get('/admin/organisations/new')).statusCode).toBe(200);
    const slug = unique('riverside');
    const added = await browser.post('/admin/organisations/new', { name: 'Riverside PCN', slug, type: 'sp-service' });
    expect(added.statusCode).toBe(303);
    const list = await browser.get(added.headers.location as string);
    expect(list.body).toContain('Riverside PCN has been added.');
    expect(list.body).toContain(slug);
    const organisation = await (await testServices()).organisations.bySlug(slug);
    expect(organisation.type).toBe('sp-service');
  });

  it('re-shows the form with field errors and saves nothing for bad input', async () => {
    const home = await buildOrganisation();
    const browser = await signedIn(home, 'admin', true);
    await browser.get('/admin/organisations/new');
    const slug = `Bad Slug ${unique('x')}`;
    const response = await browser.post('/admin/organisations/new', { name: '', slug, type: '' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('nhsuk-error-summary');
    for (const field of ['name', 'slug', 'type']) {
      expect(response.body).toContain(`href="#${field}"`);
      expect(response.body).toContain(`id="${field}-error"`);
    }
    expect(response.body).toContain('Short name must use only lower-case letters');
    expect(await exists(slug.toLowerCase())).toBe(false);

    const duplicate = await browser.post('/admin/organisations/new', { name: 'Copy', slug: home.slug, type: 'vcse' });
    expect(duplicate.statusCode).toBe(400);
    expect(duplicate.body).toContain('already exists');
  });

  it('refuses organisation administrators who are not platform administrators', async () => {
    const home = await buildOrganisation();
    const browser = await signedIn(home, 'admin', false);
    expect((await browser.get('/admin/organisations')).statusCode).toBe(403);
    expect((await browser.get('/admin/organisations/new')).statusCode).toBe(403);
    const slug = unique('sneaky');
    const post = await browser.post('/admin/organisations/new', { name: 'Sneaky', slug, type: 'vcse' });
    expect(post.statusCode).toBe(403);
    expect(post.body).toContain('You do not have access to this');
    expect(await exists(slug)).toBe(false);
  });
});
