import { describe, expect, it } from 'vitest';
import { buildApp } from '../../platform/http/app.js';
import { registerRoutes } from '../../routes.js';
import { createServices } from '../../services.js';
import { backend, testDatabase } from '../../../test/support/db.js';
import { Browser, testApp } from '../../../test/support/http.js';
import { buildOrganisation, buildUser, TEST_SECRET, testServices } from '../../../test/support/factories.js';
import { buildReferralWorld, referralFor } from '../../../test/support/referrals.js';
import type { Organisation, Role } from '../../platform/db/schema.js';
import { queueForPerson } from './outbox.js';
import { sendPendingMessages } from './sender.js';

async function signedIn(organisation: Organisation, role: Role) {
  const user = await buildUser(organisation, role);
  const browser = new Browser(await testApp());
  await browser.signIn(user.email, user.password);
  return { user, browser };
}

async function messageIds(organisation: Organisation): Promise<string[]> {
  const { db } = await testServices();
  return db.inScope({ organisationId: organisation.id, userId: null }, async (tx) =>
    (await tx.selectFrom('outboxMessage').select('id').where('organisationId', '=', organisation.id).orderBy('createdAt').execute()).map((r) => r.id),
  );
}

async function auditActions(organisation: Organisation): Promise<{ action: string; subjectId: string | null }[]> {
  const { db } = await testServices();
  return db.inScope({ organisationId: organisation.id, userId: null }, (tx) =>
    tx.selectFrom('auditEvent').select(['action', 'subjectId']).where('organisationId', '=', organisation.id).where('action', 'like', 'outbox.%').execute(),
  );
}

describe('admin outbox pages', () => {
  it('shows an admin their own organisation’s messages, newest first, with addresses masked', async () => {
    const world = await buildReferralWorld();
    const services = await testServices();
    await services.referrals.refer(world.referrer.ctx, referralFor(world.service));
    await services.db.inScope({ organisationId: world.service.id, userId: null }, (tx) =>
      queueForPerson(tx, world.service.id, { givenName: 'Margaret', preferredName: null, preferredContact: 'text', phone: '07700 900123', email: null, safeToLeaveMessage: true }, 'person-referral-accepted'),
    );
    const other = await buildReferralWorld();
    await services.referrals.refer(other.referrer.ctx, referralFor(other.service));

    const { browser } = await signedIn(world.service, 'admin');
    const page = await browser.get('/admin/outbox');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('GOV.UK Notify is not set up: messages stay here and are not sent');
    // Referrer's email: first letter and domain only.
    expect(page.body).toContain(`${world.referrer.email[0]}•••@example.org`);
    expect(page.body).not.toContain(world.referrer.email);
    // Phone: last four characters only.
    expect(page.body).toContain('•••••••0123');
    expect(page.body).not.toContain('07700');
    expect(page.body).toContain('Referrer');
    expect(page.body).toContain('The person referred');
    expect(page.body).toContain('Text message');
    expect(page.body).toContain('Waiting to send');
    // Never the text of a message on the list.
    expect(page.body).not.toContain('Hello Margaret');
    expect(page.body).not.toContain('has received referral');
    // Newest first: the text (queued last) comes before the referral receipt.
    expect(page.body.indexOf('Someone will be in touch')).toBeLessThan(page.body.indexOf('Referral received'));

    const [receipt, text] = await messageIds(world.service);
    expect(page.body).toContain(`href="/admin/outbox/${receipt}"`);
    expect(page.body).toContain(`href="/admin/outbox/${text}"`);
    for (const id of await messageIds(other.service)) expect(page.body).not.toContain(id);
  });

  it('shows one message’s text on its own page and records that in the audit trail', async () => {
    const world = await buildReferralWorld();
    const services = await testServices();
    const { receipt } = await services.referrals.refer(world.referrer.ctx, referralFor(world.service));
    const [id] = await messageIds(world.service);
    const { browser } = await signedIn(world.service, 'admin');
    expect(await auditActions(world.service)).toEqual([]);

    const page = await browser.get(`/admin/outbox/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain(`Referral ${receipt.reference} received`);
    expect(page.body).toContain(`has received referral ${receipt.reference}`);
    expect(page.body).not.toContain(world.referrer.email);
    expect(await auditActions(world.service)).toEqual([{ action: 'outbox.message-viewed', subjectId: id }]);
  });

  it('shows attempts and a failure reason once the sender has tried', async () => {
    const world = await buildReferralWorld();
    const services = await testServices();
    await services.referrals.refer(world.referrer.ctx, referralFor(world.service));
    await sendPendingMessages(services.db, {
      organisationIds: [world.service.id],
      send: async () => {
        throw new (await import('./sender.js')).SendFailure('GOV.UK Notify answered HTTP 503');
      },
    });
    const { browser } = await signedIn(world.service, 'admin');
    const list = await browser.get('/admin/outbox');
    expect(list.body).toContain('Failed, will try again');
    const [id] = await messageIds(world.service);
    const page = await browser.get(`/admin/outbox/${id}`);
    expect(page.body).toContain('1 of 5');
    expect(page.body).toContain('GOV.UK Notify answered HTTP 503');
  });

  it('does not show another organisation’s message, even by its id', async () => {
    const world = await buildReferralWorld();
    const services = await testServices();
    await services.referrals.refer(world.referrer.ctx, referralFor(world.service));
    const [theirs] = await messageIds(world.service);
    const elsewhere = await buildOrganisation();
    const { browser } = await signedIn(elsewhere, 'admin');
    const page = await browser.get(`/admin/outbox/${theirs}`);
    expect(page.statusCode).toBe(404);
    expect(page.body).not.toContain('has received referral');
    expect((await browser.get('/admin/outbox/not-an-id')).statusCode).toBe(404);
    expect(await auditActions(elsewhere)).toEqual([]);
  });

  it('refuses the outbox to link workers, team leads and referrers', async () => {
    const world = await buildReferralWorld();
    const services = await testServices();
    await services.referrals.refer(world.referrer.ctx, referralFor(world.service));
    const [id] = await messageIds(world.service);
    for (const [organisation, role] of [
      [world.service, 'link-worker'],
      [world.service, 'team-lead'],
      [world.practice, 'referrer'],
    ] as const) {
      const { browser } = await signedIn(organisation, role);
      const list = await browser.get('/admin/outbox');
      expect(list.statusCode, role).toBe(403);
      expect(list.body).not.toContain('•••');
      expect((await browser.get(`/admin/outbox/${id}`)).statusCode, role).toBe(403);
      expect(list.body).not.toContain('href="/admin/outbox"');
    }
    expect(await auditActions(world.service)).toEqual([]);
  });

  it('links to the outbox from an admin’s navigation', async () => {
    const organisation = await buildOrganisation();
    const { browser } = await signedIn(organisation, 'admin');
    expect((await browser.get('/')).body).toContain('href="/admin/outbox"');
  });

  it('says when GOV.UK Notify is set up', async () => {
    const services = createServices(await testDatabase(), {
      sessionSecret: TEST_SECRET,
      sessionIdleMinutes: 30,
      sessionAbsoluteHours: 12,
      notify: { apiKey: 'unused', emailTemplateId: 'unused', smsTemplateId: 'unused' },
    });
    const app = await buildApp({
      config: { sessionSecret: TEST_SECRET, logLevel: 'silent', trustProxy: false, databaseKind: backend, rateLimitPerMinute: 100_000 },
      services,
      routes: registerRoutes,
      logger: false,
    });
    try {
      const organisation = await buildOrganisation();
      const user = await buildUser(organisation, 'admin');
      const browser = new Browser(app);
      await browser.signIn(user.email, user.password);
      const page = await browser.get('/admin/outbox');
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('GOV.UK Notify is set up');
      expect(page.body).not.toContain('GOV.UK Notify is not set up');
    } finally {
      await app.close();
    }
  });
});
