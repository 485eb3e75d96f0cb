import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../../test/support/db.js';
import { buildOrganisation, buildUser, testServices, type TestUser } from '../../../test/support/factories.js';
import { Browser, testApp } from '../../../test/support/http.js';
import type { Database } from '../db/database.js';
import { hashSecret } from './secrets.js';

/** factories.ts builds the services with a 30-minute idle limit and a 12-hour absolute limit. */
const IDLE_MINUTES = 30;
const ABSOLUTE_HOURS = 12;
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

let db: Database;
let user: TestUser;

beforeAll(async () => {
  db = await testDatabase();
  user = await buildUser(await buildOrganisation(), 'link-worker');
});

/** user_session has no row-level security and the app role may update it: age a session directly. */
async function age(id: string, values: { lastSeenAt?: Date; expiresAt?: Date }) {
  await db.kysely.updateTable('userSession').set(values).where('idHash', '=', hashSecret(id)).execute();
}

async function stored(id: string) {
  return db.kysely.selectFrom('userSession').selectAll().where('idHash', '=', hashSecret(id)).executeTakeFirst();
}

describe('session timeouts', () => {
  it('accepts a fresh session, and one idle for just under the limit (touching it)', async () => {
    const { sessions } = await testServices();
    const id = await sessions.create(user.userId, user.organisation.id);
    const expires = (await stored(id))!.expiresAt.getTime();
    expect(Math.abs(expires - (Date.now() + ABSOLUTE_HOURS * 3600_000))).toBeLessThan(60_000);
    expect(await sessions.find(id)).toMatchObject({ userId: user.userId, organisationId: user.organisation.id, role: 'link-worker' });

    await age(id, { lastSeenAt: minutesAgo(IDLE_MINUTES - 2) });
    expect(await sessions.find(id)).not.toBeNull();
    expect(Date.now() - (await stored(id))!.lastSeenAt.getTime()).toBeLessThan(60_000);
  });

  it('refuses a session idle for longer than the idle limit, and deletes it', async () => {
    const { sessions } = await testServices();
    const id = await sessions.create(user.userId, user.organisation.id);
    await age(id, { lastSeenAt: minutesAgo(IDLE_MINUTES + 1) });
    expect(await sessions.find(id)).toBeNull();
    expect(await stored(id)).toBeUndefined();
  });

  it('refuses a session past its absolute limit even if it was used a moment ago, and deletes it', async () => {
    const { sessions } = await testServices();
    const id = await sessions.create(user.userId, user.organisation.id);
    await age(id, { lastSeenAt: new Date(), expiresAt: minutesAgo(1) });
    expect(await sessions.find(id)).toBeNull();
    expect(await stored(id)).toBeUndefined();
  });

  it('purges idle and expired sessions and keeps live ones', async () => {
    const { sessions } = await testServices();
    const live = await sessions.create(user.userId, user.organisation.id);
    const idle = await sessions.create(user.userId, user.organisation.id);
    const expired = await sessions.create(user.userId, user.organisation.id);
    await age(idle, { lastSeenAt: minutesAgo(IDLE_MINUTES + 5) });
    await age(expired, { expiresAt: minutesAgo(1) });
    await sessions.purgeExpired();
    expect(await stored(live)).toBeDefined();
    expect(await stored(idle)).toBeUndefined();
    expect(await stored(expired)).toBeUndefined();
  });

  it('sends a browser with an idle session back to sign in', async () => {
    const signedIn = await buildUser(await buildOrganisation(), 'link-worker');
    const browser = new Browser(await testApp());
    await browser.signIn(signedIn.email, signedIn.password);
    const cookie = browser.cookie('lw_session');
    expect(cookie).toBeTruthy();
    expect((await browser.get('/')).statusCode).toBe(200);

    await db.kysely.updateTable('userSession').set({ lastSeenAt: minutesAgo(IDLE_MINUTES + 1) }).where('userId', '=', signedIn.userId).execute();
    const response = await (await testApp()).inject({ method: 'GET', url: '/', cookies: { lw_session: cookie! } });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toMatch(/^\/sign-in/);
  });

  it('refuses and deletes the session of a deactivated membership or account', async () => {
    const { sessions, users } = await testServices();
    const organisation = await buildOrganisation();
    const admin = await buildUser(organisation, 'admin');
    const member = await buildUser(organisation, 'link-worker');
    const byMembership = await sessions.create(member.userId, organisation.id);
    await users.deactivate(admin.ctx, member.userId);
    expect(await sessions.find(byMembership)).toBeNull();
    expect(await stored(byMembership)).toBeUndefined();

    const other = await buildUser(organisation, 'link-worker');
    const byAccount = await sessions.create(other.userId, organisation.id);
    await db.kysely.updateTable('appUser').set({ active: false }).where('id', '=', other.userId).execute();
    expect(await sessions.find(byAccount)).toBeNull();
    expect(await stored(byAccount)).toBeUndefined();
  });

  it('gives the organisation’s name and role and counts the organisations the user can switch to, touching it at most once a minute', async () => {
    const { sessions } = await testServices();
    const first = await buildOrganisation({ name: 'First PCN' });
    const person = await buildUser(first, 'team-lead');
    await buildUser(await buildOrganisation(), 'referrer', { email: person.email, password: '' });
    const id = await sessions.create(person.userId, first.id);
    const seen = (await stored(id))!.lastSeenAt;
    expect(await sessions.find(id)).toEqual({
      idHash: hashSecret(id),
      userId: person.userId,
      userName: 'Test User',
      platformAdmin: false,
      organisationId: first.id,
      organisationName: 'First PCN',
      role: 'team-lead',
      membershipCount: 2,
    });
    expect((await stored(id))!.lastSeenAt).toEqual(seen);
  });

  it('leaves the caller’s row-level security settings as they were', async () => {
    const { sessions } = await testServices();
    const id = await sessions.create(user.userId, user.organisation.id);
    const other = await buildOrganisation();
    const settings = await db.inScope({ organisationId: other.id, userId: null }, async (tx) => {
      const { rows } = await sql<{ role: string }>`SELECT role FROM app_find_session(${hashSecret(id)}, ${IDLE_MINUTES}::integer)`.execute(tx);
      expect(rows).toEqual([{ role: 'link-worker' }]);
      return (await sql<{ organisation: string; user: string }>`
        SELECT current_setting('app.organisation_id', true) AS organisation, current_setting('app.user_id', true) AS user`.execute(tx)).rows[0];
    });
    expect(settings).toEqual({ organisation: other.id, user: '' });
  });
});
