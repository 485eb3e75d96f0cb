import { describe, expect, it } from 'vitest';
import type { Organisation, Role } from '../../platform/db/schema.js';
import { Browser, testApp } from '../../../test/support/http.js';
import { buildOrganisation, buildUser, testServices } from '../../../test/support/factories.js';

async function signedIn(organisation: Organisation, role: Role) {
  const user = await buildUser(organisation, role);
  const browser = new Browser(await testApp());
  await browser.signIn(user.email, user.password);
  return { user, browser };
}

async function callMe(token: string) {
  return (await testApp()).inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
}

describe('API tokens page', () => {
  it('creates a token, shows it once, and the token works until it is revoked', async () => {
    const organisation = await buildOrganisation({ name: 'Token Town PCN' });
    const { user, browser } = await signedIn(organisation, 'referrer');
    expect((await browser.get('/account/tokens')).statusCode).toBe(200);

    const created = await browser.post('/account/tokens', { name: 'GP system integration' });
    expect(created.statusCode).toBe(200);
    expect(created.headers['cache-control']).toBe('no-store');
    const token = /class="lw-token"[^>]*>([^<]+)</.exec(created.body)?.[1];
    expect(token).toMatch(/^lw_/);
    expect(created.body).toContain('will not be shown again');
    expect(created.body).toContain('Authorization: Bearer');
    expect(created.body).toContain('/api/v1/me');
    expect(created.body.split(token!).length - 1).toBe(1);

    const later = await browser.get('/account/tokens');
    expect(later.body).toContain('GP system integration');
    expect(later.body).not.toContain(token!);
    expect(later.body).not.toContain('lw-token');

    const me = await callMe(token!);
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ userId: user.userId, role: 'referrer', organisation: { id: organisation.id, name: 'Token Town PCN' } });

    const [summary] = await (await testServices()).tokens.listOwn(user.ctx);
    const revoked = await browser.post(`/account/tokens/${summary!.id}/revoke`, {});
    expect(revoked.statusCode).toBe(303);
    const after = await browser.get(revoked.headers.location as string);
    expect(after.body).toContain('The token has been revoked');
    expect(after.body).toContain('Revoked');
    expect(after.body).not.toContain(`/account/tokens/${summary!.id}/revoke`);

    const refused = await callMe(token!);
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({ status: 401 });
  });

  it('asks for a name, with a 400, and creates nothing', async () => {
    const organisation = await buildOrganisation();
    const { user, browser } = await signedIn(organisation, 'link-worker');
    await browser.get('/account/tokens');
    const response = await browser.post('/account/tokens', { name: '   ' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('nhsuk-error-summary');
    expect(response.body).toContain('href="#name"');
    expect(response.body).toContain('id="name-error"');
    expect(response.body).not.toContain('lw-token');
    expect(await (await testServices()).tokens.listOwn(user.ctx)).toHaveLength(0);
  });

  it('shows only your own tokens and will not revoke someone else’s', async () => {
    const organisation = await buildOrganisation();
    const other = await buildUser(organisation, 'link-worker');
    const services = await testServices();
    await services.tokens.create(other.ctx, 'Someone else’s token');
    const [theirs] = await services.tokens.listOwn(other.ctx);
    const { browser } = await signedIn(organisation, 'link-worker');

    const page = await browser.get('/account/tokens');
    expect(page.body).not.toContain('Someone else’s token');
    expect((await browser.post(`/account/tokens/${theirs!.id}/revoke`, {})).statusCode).toBe(404);
    const [still] = await services.tokens.listOwn(other.ctx);
    expect(still!.revokedAt).toBeNull();
  });

  it('sends a visitor who is not signed in to the sign-in page', async () => {
    const response = await new Browser(await testApp()).get('/account/tokens');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/sign-in?next=%2Faccount%2Ftokens');
  });
});
