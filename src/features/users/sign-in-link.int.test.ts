import { describe, expect, it } from 'vitest';
import { Browser, testApp } from '../../../test/support/http.js';
import { buildOrganisation, buildUser, testServices } from '../../../test/support/factories.js';
import { systemContext } from '../../platform/context.js';

async function adminBrowser() {
  const organisation = await buildOrganisation();
  const admin = await buildUser(organisation, 'admin');
  const browser = new Browser(await testApp());
  await browser.signIn(admin.email, admin.password);
  return { organisation, browser };
}

const linkIn = (body: string) => /id="invite-link">[^<]*(\/invite\/[^<\s]+)</.exec(body)?.[1];

describe('a new sign-in link for someone who lost their invitation or password', () => {
  it('gives a one-time link that sets a new password, ends their sessions and retires older links', async () => {
    const { organisation, browser } = await adminBrowser();
    const worker = await buildUser(organisation, 'link-worker');
    const theirs = new Browser(await testApp());
    await theirs.signIn(worker.email, worker.password);
    expect((await theirs.get('/')).statusCode).toBe(200);

    await browser.get(`/admin/users/${worker.userId}`);
    const first = linkIn((await browser.post(`/admin/users/${worker.userId}/sign-in-link`, {})).body);
    const second = await browser.post(`/admin/users/${worker.userId}/sign-in-link`, {});
    expect(second.headers['cache-control']).toBe('no-store');
    const link = linkIn(second.body);
    expect(first).toBeTruthy();
    expect(link).toBeTruthy();

    const stranger = new Browser(await testApp());
    expect((await stranger.get(first!)).statusCode).toBe(404);
    await stranger.get(link!);
    const saved = await stranger.post(link!, { password: 'a brand new passphrase', confirm: 'a brand new passphrase' });
    expect(saved.body).toContain('Your password is saved');

    expect((await theirs.get('/')).statusCode).toBe(303);
    expect((await new Browser(await testApp()).signIn(worker.email, 'a brand new passphrase')).statusCode).toBe(303);
    expect((await stranger.get(link!)).statusCode).toBe(404);
  });

  it('is refused to an organisation admin when the person also works for another organisation', async () => {
    const { organisation, browser } = await adminBrowser();
    const worker = await buildUser(organisation, 'link-worker');
    const elsewhere = await buildOrganisation();
    await (await testServices()).users.add(systemContext(elsewhere.id, 'test'), { email: worker.email, name: 'Test User', role: 'referrer' }, { allowExistingAccount: true });
    await browser.get(`/admin/users/${worker.userId}`);
    const refused = await browser.post(`/admin/users/${worker.userId}/sign-in-link`, {});
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('only a platform administrator');
    expect(refused.body).not.toContain('/invite/');
  });

  it('is refused to a team lead', async () => {
    const organisation = await buildOrganisation();
    const lead = await buildUser(organisation, 'team-lead');
    const worker = await buildUser(organisation, 'link-worker');
    const browser = new Browser(await testApp());
    await browser.signIn(lead.email, lead.password);
    await browser.get(`/admin/users/${worker.userId}`);
    expect((await browser.post(`/admin/users/${worker.userId}/sign-in-link`, {})).statusCode).toBe(403);
  });
});
