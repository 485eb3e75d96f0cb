import { describe, expect, it } from 'vitest';
import { Browser, testApp } from '../../../test/support/http.js';
import { buildOrganisation, buildUser } from '../../../test/support/factories.js';
import { MAX_FAILURES, SIGN_IN_FAILED } from './service.js';

describe('signing in', () => {
  it('signs in with the right password and rotates the session id', async () => {
    const organisation = await buildOrganisation({ name: 'Harbour PCN' });
    const user = await buildUser(organisation, 'link-worker');
    const browser = new Browser(await testApp());
    await browser.signIn(user.email, user.password);
    const first = browser.cookie('lw_session');
    expect(first).toBeTruthy();

    const home = await browser.get('/');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('Harbour PCN');

    await browser.signIn(user.email, user.password);
    expect(browser.cookie('lw_session')).not.toBe(first);
    const old = await (await testApp()).inject({ method: 'GET', url: '/', cookies: { lw_session: first! } });
    expect(old.statusCode).toBe(303);
  });

  it('gives the same neutral message for a wrong password and an unknown email', async () => {
    const organisation = await buildOrganisation();
    const user = await buildUser(organisation, 'referrer');
    const browser = new Browser(await testApp());
    const wrongPassword = await browser.signIn(user.email, 'not-the-password-at-all');
    const unknownEmail = await browser.signIn('nobody-here@example.org', 'not-the-password-at-all');
    for (const response of [wrongPassword, unknownEmail]) {
      expect(response.statusCode).toBe(400);
      expect(response.body).toContain(SIGN_IN_FAILED);
      expect(response.body).toContain('nhsuk-error-summary');
    }
    expect(browser.cookie('lw_session')).toBeUndefined();
  });

  it(`refuses further attempts after ${MAX_FAILURES} failures, even with the right password`, async () => {
    const organisation = await buildOrganisation();
    const user = await buildUser(organisation, 'referrer');
    const browser = new Browser(await testApp());
    for (let i = 0; i < MAX_FAILURES; i++) await browser.signIn(user.email, `wrong-password-number-${i}`);
    const blocked = await browser.signIn(user.email, user.password);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.body).toContain('Too many attempts');
    expect(browser.cookie('lw_session')).toBeUndefined();
  });

  it('refuses a form post without the page’s CSRF token', async () => {
    const organisation = await buildOrganisation();
    const user = await buildUser(organisation, 'referrer');
    const browser = new Browser(await testApp());
    await browser.get('/sign-in');
    const forged = await browser.post('/sign-in', { email: user.email, password: user.password, _csrf: 'forged' });
    expect(forged.statusCode).toBe(403);
    expect(browser.cookie('lw_session')).toBeUndefined();
  });
});
