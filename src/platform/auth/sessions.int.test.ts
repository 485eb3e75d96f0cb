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
});
