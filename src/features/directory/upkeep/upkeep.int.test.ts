import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Browser, testApp } from '../../../../test/support/http.js';
import { messagesOf } from '../../../../test/support/errors.js';
import { buildOrganisation, buildUser, testServices, type TestUser } from '../../../../test/support/factories.js';
import type { Organisation } from '../../../platform/db/schema.js';
import { Conflict, Forbidden, NotFound } from '../../../platform/errors.js';
import { ATTRIBUTE_TAXONOMY_ID, type ServiceAttribute } from '../taxonomy.js';
import { queueReviewReminders } from './reminders.js';
import { dayIn, type ServiceDetails } from './rules.js';
import { upkeepTx } from './schema.js';
import { createDirectoryUpkeepService } from './service.js';

/**
 * A curating social prescribing service (C) lists services run by a VCSE provider (P). Services
 * are inserted straight into C's directory here (test/support/directory.ts, the shared directory
 * factory, does not set provider_organisation_id), each test with its own organisations.
 */

interface World {
  curator: Organisation;
  provider: Organisation;
  teamLead: TestUser;
  admin: TestUser;
  providerUser: TestUser;
}

async function buildWorld(): Promise<World> {
  const curator = await buildOrganisation({ type: 'sp-service' });
  const provider = await buildOrganisation({ type: 'vcse' });
  return {
    curator,
    provider,
    teamLead: await buildUser(curator, 'team-lead'),
    admin: await buildUser(curator, 'admin'),
    providerUser: await buildUser(provider, 'provider'),
  };
}

interface ServiceSpec {
  name?: string;
  provider?: Organisation | null;
  lastVerified?: string | null;
  published?: boolean;
  status?: ServiceDetails['status'];
  phone?: string;
  attributes?: ServiceAttribute[];
  url?: string | null;
}

async function insertService(curator: Organisation, spec: ServiceSpec = {}): Promise<string> {
  const { db } = await testServices();
  const id = randomUUID();
  await db.inScope({ organisationId: curator.id, userId: null }, async (tx) => {
    const orgId = randomUUID();
    await tx
      .insertInto('directoryOrganization')
      .values({ organisationId: curator.id, id: orgId, name: 'Riverside Community Trust', alternateName: null, description: null, email: null, website: null, logo: null, uri: null, sourceId: null, importId: null })
      .execute();
    await tx
      .insertInto('directoryService')
      .values({
        organisationId: curator.id, id, directoryOrganizationId: orgId, name: spec.name ?? 'Riverside walking group', alternateName: null,
        description: 'A gentle walk by the river.', url: spec.url === undefined ? 'https://walks.example.org' : spec.url, email: null,
        status: spec.status ?? 'active', interpretationServices: null, applicationProcess: null, feesDescription: 'Free', accreditations: null,
        eligibilityDescription: 'Adults', minimumAge: 18, maximumAge: null, alert: null, assuredDate: null, assurerEmail: null,
        lastModified: new Date('2020-01-01T00:00:00Z'), lastVerified: spec.lastVerified === undefined ? '2020-01-01' : spec.lastVerified,
        published: spec.published ?? true, providerOrganisationId: spec.provider === null ? null : (spec.provider?.id ?? null),
        sourceId: null, sourceHash: null, importId: null,
      })
      .execute();
    if (spec.phone) {
      await tx
        .insertInto('directoryPhone')
        .values({ organisationId: curator.id, id: randomUUID(), serviceId: id, locationId: null, contactId: null, directoryOrganizationId: null, number: spec.phone, extension: null, type: null, description: null })
        .execute();
    }
    for (const code of spec.attributes ?? []) {
      const term = await tx.selectFrom('directoryTaxonomyTerm').select('id').where('taxonomyId', '=', ATTRIBUTE_TAXONOMY_ID).where('code', '=', code).executeTakeFirstOrThrow();
      await tx
        .insertInto('directoryAttribute')
        .values({ organisationId: curator.id, id: randomUUID(), linkId: id, linkType: 'service', linkEntity: 'service', taxonomyTermId: term.id, value: null, label: null })
        .execute();
    }
  });
  return id;
}

/** The form as a provider would send it: everything as it is, with `overrides`. */
function form(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Riverside walking group',
    description: 'A gentle walk by the river.',
    url: 'https://walks.example.org',
    email: '',
    phone: '',
    feesDescription: 'Free',
    eligibilityDescription: 'Adults',
    minimumAge: '18',
    maximumAge: '',
    status: 'active',
    attributes: [],
    ...overrides,
  };
}

async function serviceRow(curator: Organisation, id: string) {
  const { db } = await testServices();
  return db.inScope({ organisationId: curator.id, userId: null }, (tx) =>
    tx.selectFrom('directoryService').selectAll().where('organisationId', '=', curator.id).where('id', '=', id).executeTakeFirstOrThrow(),
  );
}

async function changeRows(curator: Organisation, serviceId: string) {
  const { db } = await testServices();
  return db.inScope({ organisationId: curator.id, userId: null }, (tx) =>
    upkeepTx(tx)
      .selectFrom('directoryServiceChange')
      .select(['id', 'status', 'proposed', 'proposedBy', 'proposedByOrganisationId', 'decidedBy', 'decidedAt', 'decisionNote'])
      .where('organisationId', '=', curator.id)
      .where('serviceId', '=', serviceId)
      .orderBy('proposedAt')
      .execute(),
  );
}

async function auditActions(organisation: Organisation) {
  const { db } = await testServices();
  return db.inScope({ organisationId: organisation.id, userId: null }, (tx) =>
    tx
      .selectFrom('auditEvent')
      .select(['action', 'subjectId', 'actorUserId', 'actorLabel', 'detail'])
      .where('organisationId', '=', organisation.id)
      .where('action', 'like', 'directory.%')
      .orderBy('id')
      .execute(),
  );
}

async function signedIn(user: TestUser): Promise<Browser> {
  const browser = new Browser(await testApp());
  const response = await browser.signIn(user.email, user.password);
  expect(response.statusCode).toBe(303);
  return browser;
}

describe('providers keep their own entries up to date', () => {
  it('lists the services the organisation provides, in every directory, published or not, and no others', async () => {
    const world = await buildWorld();
    const otherCurator = await buildOrganisation({ type: 'sp-service', name: 'Another PCN' });
    const otherProvider = await buildOrganisation({ type: 'vcse' });
    const mine = await insertService(world.curator, { provider: world.provider, name: 'Walking group' });
    const hidden = await insertService(otherCurator, { provider: world.provider, name: 'Lunch club', published: false, lastVerified: dayIn(new Date()) });
    await insertService(world.curator, { provider: otherProvider, name: 'Not ours' });
    await insertService(world.curator, { provider: null, name: 'No provider' });
    const { directoryUpkeep } = await testServices();
    const items = await directoryUpkeep.listForProvider(world.providerUser.ctx);
    expect(items.map((i) => [i.id, i.name, i.directory.name, i.mayBeOutOfDate, i.published]).sort()).toEqual(
      [
        [mine, 'Walking group', world.curator.name, true, true],
        [hidden, 'Lunch club', 'Another PCN', false, false],
      ].sort(),
    );
  });

  it('sends an edit for approval by default; the curator approves it; it applies with history and audit', async () => {
    const world = await buildWorld();
    const id = await insertService(world.curator, { provider: world.provider, phone: '0117 496 0000', attributes: ['free'] });
    const { directoryUpkeep } = await testServices();

    const sent = await directoryUpkeep.propose(
      world.providerUser.ctx,
      id,
      form({ name: 'Riverside walks', phone: '0117 496 0999', attributes: ['free', 'dogs-welcome'], maximumAge: '90' }),
      { confirm: true },
    );
    expect(sent.outcome).toBe('pending');
    // Nothing in the directory moves until a curator approves.
    expect(await serviceRow(world.curator, id)).toMatchObject({ name: 'Riverside walking group', lastVerified: '2020-01-01' });
    const view = await directoryUpkeep.getForProvider(world.providerUser.ctx, id);
    expect(view.needsApproval).toBe(true);
    expect(view.live.name).toBe('Riverside walking group');
    expect(view.pending?.proposed).toMatchObject({ name: 'Riverside walks', phone: '0117 496 0999', attributes: ['free', 'dogs-welcome'], maximumAge: 90 });
    expect((await directoryUpkeep.listForProvider(world.providerUser.ctx))[0]!.pending?.id).toBe(sent.changeId);

    const curation = await directoryUpkeep.curation(world.teamLead.ctx);
    expect(curation.pending).toHaveLength(1);
    expect(curation.pending[0]).toMatchObject({ id: sent.changeId, provider: world.provider.name, confirmVerified: true });
    expect(curation.pending[0]!.fields).toEqual(['Name', 'Phone number', 'Maximum age', 'What link workers need to know']);
    const change = await directoryUpkeep.getChange(world.teamLead.ctx, sent.changeId!);
    expect(change.diff).toEqual([
      { field: 'name', label: 'Name', current: 'Riverside walking group', proposed: 'Riverside walks' },
      { field: 'phone', label: 'Phone number', current: '0117 496 0000', proposed: '0117 496 0999' },
      { field: 'maximumAge', label: 'Maximum age', current: 'Not given', proposed: '90' },
      { field: 'attributes', label: 'What link workers need to know', current: 'Free', proposed: 'Free, Dogs welcome' },
    ]);

    const before = Date.now();
    await directoryUpkeep.approve(world.teamLead.ctx, sent.changeId!);
    const row = await serviceRow(world.curator, id);
    expect(row).toMatchObject({ name: 'Riverside walks', maximumAge: 90, lastVerified: dayIn(new Date()) });
    expect(row.lastModified.getTime()).toBeGreaterThanOrEqual(before - 1000);
    const live = await directoryUpkeep.getForProvider(world.providerUser.ctx, id);
    expect(live.live).toMatchObject({ name: 'Riverside walks', phone: '0117 496 0999', attributes: ['free', 'dogs-welcome'] });
    expect(live.pending).toBeNull();
    expect(live.history.map((h) => h.status)).toEqual(['approved']);

    const changes = await changeRows(world.curator, id);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ status: 'approved', proposedBy: world.providerUser.userId, proposedByOrganisationId: world.provider.id, decidedBy: world.teamLead.userId });
    expect(changes[0]!.proposed).toMatchObject({
      changes: { name: 'Riverside walks' },
      before: { name: 'Riverside walking group', phone: '0117 496 0000', maximumAge: null, attributes: ['free'] },
      confirmVerified: true,
    });
    // Approving twice is refused with the current state.
    await expect(directoryUpkeep.approve(world.teamLead.ctx, sent.changeId!)).rejects.toThrow(Conflict);
    await expect(directoryUpkeep.approve(world.teamLead.ctx, sent.changeId!)).rejects.toThrow('already been approved');

    expect((await auditActions(world.curator)).map((a) => [a.action, a.subjectId, a.actorUserId])).toEqual([
      ['directory.change-proposed', id, world.providerUser.userId],
      ['directory.change-approved', id, world.teamLead.userId],
    ]);
    expect((await auditActions(world.provider)).map((a) => a.action)).toEqual(['directory.change-proposed']);
  });

  it('a second edit revises the waiting change, and sending the live details back withdraws it', async () => {
    const world = await buildWorld();
    const id = await insertService(world.curator, { provider: world.provider });
    const { directoryUpkeep } = await testServices();
    const first = await directoryUpkeep.propose(world.providerUser.ctx, id, form({ name: 'Walks one' }));
    const second = await directoryUpkeep.propose(world.providerUser.ctx, id, form({ name: 'Walks two' }));
    expect(second).toEqual({ outcome: 'pending', changeId: first.changeId });
    expect((await directoryUpkeep.getChange(world.admin.ctx, first.changeId!)).diff.map((d) => d.proposed)).toEqual(['Walks two']);
    const withdrawn = await directoryUpkeep.propose(world.providerUser.ctx, id, form());
    expect(withdrawn).toEqual({ outcome: 'withdrawn', changeId: first.changeId });
    expect((await changeRows(world.curator, id)).map((c) => c.status)).toEqual(['withdrawn']);
    expect(await directoryUpkeep.propose(world.providerUser.ctx, id, form())).toEqual({ outcome: 'unchanged', changeId: null });
  });

  it('applies at once when the directory does not need approval', async () => {
    const world = await buildWorld();
    const id = await insertService(world.curator, { provider: world.provider, attributes: ['drop-in'] });
    const { directoryUpkeep } = await testServices();
    expect(await directoryUpkeep.setChangesNeedApproval(world.admin.ctx, 'no')).toBe(false);
    expect((await directoryUpkeep.curation(world.admin.ctx)).changesNeedApproval).toBe(false);

    const result = await directoryUpkeep.propose(world.providerUser.ctx, id, form({ url: 'www.riverside.example.org', attributes: ['drop-in', 'trauma-informed'] }));
    expect(result.outcome).toBe('applied');
    const row = await serviceRow(world.curator, id);
    expect(row.url).toBe('https://www.riverside.example.org');
    expect(row.lastModified.getTime()).toBeGreaterThan(new Date('2020-01-01T00:00:00Z').getTime());
    expect(row.lastVerified).toBe('2020-01-01');
    const changes = await changeRows(world.curator, id);
    expect(changes).toMatchObject([{ status: 'applied', decidedBy: world.providerUser.userId }]);
    expect(changes[0]!.proposed).toMatchObject({ changes: { url: 'https://www.riverside.example.org', attributes: ['trauma-informed', 'drop-in'] }, before: { url: 'https://walks.example.org', attributes: ['drop-in'] } });
    expect((await directoryUpkeep.getForProvider(world.providerUser.ctx, id)).live.attributes).toEqual(['trauma-informed', 'drop-in']);
    expect((await auditActions(world.curator)).map((a) => [a.action, a.detail])).toEqual([
      ['directory.settings-changed', { changesNeedApproval: false }],
      ['directory.change-applied', { changeId: result.changeId, fields: 'url,attributes', verified: false, providerOrganisationId: world.provider.id }],
    ]);
  });

  it('“still correct” sets last verified to today, without changing last modified', async () => {
    const world = await buildWorld();
    const id = await insertService(world.curator, { provider: world.provider, lastVerified: null });
    const { db } = await testServices();
    const fixed = new Date('2031-03-04T10:00:00Z');
    const upkeep = createDirectoryUpkeepService(db, () => fixed);
    await upkeep.confirmStillCorrect(world.providerUser.ctx, id);
    const row = await serviceRow(world.curator, id);
    expect(row.lastVerified).toBe('2031-03-04');
    expect(row.lastModified.toISOString()).toBe('2020-01-01T00:00:00.000Z');
    expect((await changeRows(world.curator, id)).map((c) => [c.status, (c.proposed as { confirmVerified: boolean }).confirmVerified])).toEqual([['applied', true]]);
    expect((await auditActions(world.curator)).map((a) => a.action)).toEqual(['directory.service-verified']);
    expect((await auditActions(world.provider)).map((a) => a.action)).toEqual(['directory.service-verified']);
    // While a change waits, confirming alone is refused: the waiting change carries the confirmation.
    await upkeep.propose(world.providerUser.ctx, id, form({ name: 'New name' }));
    await expect(upkeep.confirmStillCorrect(world.providerUser.ctx, id)).rejects.toThrow(Conflict);
  });

  it('refuses another provider’s service (404), anyone without the provider role (403), and bad details (400)', async () => {
    const world = await buildWorld();
    const otherProvider = await buildOrganisation({ type: 'vcse' });
    const theirs = await insertService(world.curator, { provider: otherProvider });
    const mine = await insertService(world.curator, { provider: world.provider });
    const { directoryUpkeep } = await testServices();
    await expect(directoryUpkeep.getForProvider(world.providerUser.ctx, theirs)).rejects.toThrow(NotFound);
    await expect(directoryUpkeep.propose(world.providerUser.ctx, theirs, form({ name: 'Taken over' }))).rejects.toThrow(NotFound);
    await expect(directoryUpkeep.confirmStillCorrect(world.providerUser.ctx, theirs)).rejects.toThrow(NotFound);
    await expect(directoryUpkeep.getForProvider(world.providerUser.ctx, 'not-a-uuid')).rejects.toThrow(NotFound);
    const colleague = await buildUser(world.provider, 'admin');
    await expect(directoryUpkeep.propose(colleague.ctx, mine, form({ name: 'X' }))).rejects.toThrow(Forbidden);
    await expect(directoryUpkeep.listForProvider(world.teamLead.ctx)).rejects.toThrow(Forbidden);
    await expect(directoryUpkeep.curation(world.providerUser.ctx)).rejects.toThrow(Forbidden);
    expect(await messagesOf(directoryUpkeep.propose(world.providerUser.ctx, mine, form({ name: '', minimumAge: '70', maximumAge: '60', email: 'nope' })))).toEqual({
      name: 'Enter the name of the service',
      email: 'Enter an email address in the correct format, like name@example.nhs.uk',
      maximumAge: 'The maximum age must be the same as or more than the minimum age',
    });
    expect(await changeRows(world.curator, theirs)).toEqual([]);
    expect((await serviceRow(world.curator, theirs)).name).toBe('Riverside walking group');
  });

  it('row-level security: the provider’s own scope cannot write the curator’s service, whatever the service layer did', async () => {
    const world = await buildWorld();
    const id = await insertService(world.curator, { provider: world.provider, published: false });
    const { db } = await testServices();
    const result = await db.inScope({ organisationId: world.provider.id, userId: world.providerUser.userId }, async (tx) => {
      const seen = await tx.selectFrom('directoryService').select('id').where('id', '=', id).execute();
      const updated = await tx.updateTable('directoryService').set({ name: 'Hijacked' }).where('id', '=', id).executeTakeFirst();
      return { seen: seen.length, updated: Number(updated.numUpdatedRows) };
    });
    expect(result).toEqual({ seen: 1, updated: 0 });
    expect((await serviceRow(world.curator, id)).name).toBe('Riverside walking group');
  });
});

describe('curators decide on changes', () => {
  it('rejects with a reason the provider sees; the entry stays as it was', async () => {
    const world = await buildWorld();
    const id = await insertService(world.curator, { provider: world.provider });
    const { directoryUpkeep } = await testServices();
    const { changeId } = await directoryUpkeep.propose(world.providerUser.ctx, id, form({ feesDescription: '£50 a session' }));
    expect(await messagesOf(directoryUpkeep.reject(world.admin.ctx, changeId!, 'x'.repeat(1001)))).toEqual({ note: 'The reason must be 1,000 characters or fewer' });
    await directoryUpkeep.reject(world.admin.ctx, changeId!, 'The group is free: please check with us.');
    expect((await serviceRow(world.curator, id)).feesDescription).toBe('Free');
    const history = (await directoryUpkeep.getForProvider(world.providerUser.ctx, id)).history;
    expect(history).toMatchObject([{ status: 'rejected', note: 'The group is free: please check with us.', fields: ['Fees'] }]);
    await expect(directoryUpkeep.approve(world.admin.ctx, changeId!)).rejects.toThrow('already been rejected');
    expect((await auditActions(world.curator)).map((a) => [a.action, a.actorUserId, a.detail])).toEqual([
      ['directory.change-proposed', world.providerUser.userId, { changeId, fields: 'feesDescription', revised: false, providerOrganisationId: world.provider.id }],
      ['directory.change-rejected', world.admin.userId, { changeId, withReason: true }],
    ]);
  });

  it('cannot see or decide another directory’s changes', async () => {
    const world = await buildWorld();
    const other = await buildWorld();
    const id = await insertService(world.curator, { provider: world.provider });
    const { directoryUpkeep } = await testServices();
    const { changeId } = await directoryUpkeep.propose(world.providerUser.ctx, id, form({ name: 'Changed' }));
    expect((await directoryUpkeep.curation(other.teamLead.ctx)).pending).toEqual([]);
    await expect(directoryUpkeep.getChange(other.teamLead.ctx, changeId!)).rejects.toThrow(NotFound);
    await expect(directoryUpkeep.approve(other.teamLead.ctx, changeId!)).rejects.toThrow(NotFound);
    await expect(directoryUpkeep.reject(other.admin.ctx, changeId!, '')).rejects.toThrow(NotFound);
    await expect(directoryUpkeep.approve(world.providerUser.ctx, changeId!)).rejects.toThrow(Forbidden);
  });

  it('lists services unchecked for 6 months or never as “may be out of date”', async () => {
    const world = await buildWorld();
    const { db } = await testServices();
    const upkeep = createDirectoryUpkeepService(db, () => new Date('2030-06-15T12:00:00Z'));
    const never = await insertService(world.curator, { provider: world.provider, name: 'Never checked', lastVerified: null });
    const old = await insertService(world.curator, { provider: world.provider, name: 'Six months ago', lastVerified: '2029-12-15' });
    await insertService(world.curator, { provider: world.provider, name: 'Recent', lastVerified: '2029-12-16' });
    await insertService(world.curator, { provider: world.provider, name: 'Closed', lastVerified: null, status: 'defunct' });
    const unnamed = await insertService(world.curator, { provider: null, name: 'No provider', lastVerified: '2029-01-01', published: false });
    const { stale, staleMore } = await upkeep.curation(world.teamLead.ctx);
    expect(stale.map((s) => [s.id, s.name, s.provider, s.lastVerified])).toEqual([
      [never, 'Never checked', world.provider.name, null],
      [unnamed, 'No provider', null, '2029-01-01'],
      [old, 'Six months ago', world.provider.name, '2029-12-15'],
    ]);
    expect(staleMore).toBe(false);
  });

  it('the approval setting: team leads and admins only, audited when it changes', async () => {
    const world = await buildWorld();
    const { directoryUpkeep } = await testServices();
    expect(await messagesOf(directoryUpkeep.setChangesNeedApproval(world.teamLead.ctx, 'maybe'))).toEqual({ changesNeedApproval: 'Choose whether providers’ changes need approval' });
    await expect(directoryUpkeep.setChangesNeedApproval(await buildUser(world.curator, 'link-worker').then((u) => u.ctx), 'no')).rejects.toThrow(Forbidden);
    await directoryUpkeep.setChangesNeedApproval(world.teamLead.ctx, 'yes');
    await directoryUpkeep.setChangesNeedApproval(world.teamLead.ctx, 'no');
    await directoryUpkeep.setChangesNeedApproval(world.teamLead.ctx, 'yes');
    expect((await auditActions(world.curator)).map((a) => a.detail)).toEqual([{ changesNeedApproval: false }, { changesNeedApproval: true }]);
  });
});

describe('review reminders', () => {
  it('queues one reminder per provider organisation to its active provider users, at most every 30 days per service', async () => {
    const world = await buildWorld();
    const { db, users } = await testServices();
    const providerAdmin = await buildUser(world.provider, 'admin'); // not the provider role: not reminded
    const gone = await buildUser(world.provider, 'provider');
    await users.deactivate(providerAdmin.ctx, gone.userId); // deactivated: not reminded
    const second = await buildUser(world.provider, 'provider');
    const silent = await buildOrganisation({ type: 'vcse' }); // nobody to tell
    const elsewhere = await buildWorld(); // another directory: untouched by this run

    const walking = await insertService(world.curator, { provider: world.provider, name: 'Walking group', lastVerified: '2029-12-15' });
    const lunch = await insertService(world.curator, { provider: world.provider, name: 'Lunch club', lastVerified: null });
    await insertService(world.curator, { provider: world.provider, name: 'Fresh', lastVerified: '2030-05-01' });
    await insertService(world.curator, { provider: world.provider, name: 'Closed', lastVerified: null, status: 'defunct' });
    await insertService(world.curator, { provider: silent, name: 'Silent service', lastVerified: null });
    await insertService(elsewhere.curator, { provider: elsewhere.provider, name: 'Elsewhere', lastVerified: null });

    const outbox = () =>
      db.inScope({ organisationId: world.curator.id, userId: null }, (tx) =>
        upkeepTx(tx).selectFrom('outboxMessage').select(['recipient', 'recipientKind', 'template', 'subject', 'body', 'channel']).where('organisationId', '=', world.curator.id).orderBy('recipient').execute(),
      );
    const only = { organisationIds: [world.curator.id] };

    const first = await queueReviewReminders(db, '2030-06-15', only);
    expect(first).toEqual({ messages: 2, providers: 1, services: 2, providersWithoutRecipients: 1 });
    const messages = await outbox();
    expect(messages.map((m) => m.recipient)).toEqual([world.providerUser.email, second.email].sort());
    for (const message of messages) {
      expect(message).toMatchObject({ recipientKind: 'provider', template: 'directory-review-reminder', channel: 'email', subject: 'Please check your directory entries' });
      expect(message.body).toContain(world.curator.name);
      expect(message.body).toContain('- Lunch club\n- Walking group');
      expect(message.body).not.toContain('Fresh');
      expect(message.body).not.toContain('Closed');
    }
    const reminders = await db.inScope({ organisationId: world.curator.id, userId: null }, (tx) =>
      upkeepTx(tx).selectFrom('directoryReviewReminder').select(['serviceId', 'remindedOn']).where('organisationId', '=', world.curator.id).execute(),
    );
    expect(reminders.sort((a, b) => a.serviceId.localeCompare(b.serviceId))).toEqual(
      [{ serviceId: walking, remindedOn: '2030-06-15' }, { serviceId: lunch, remindedOn: '2030-06-15' }].sort((a, b) => a.serviceId.localeCompare(b.serviceId)),
    );
    expect(await directoryUpkeepStaleReminded(world, walking)).toBe('2030-06-15');

    // Again the same day, and 29 days later: nothing new.
    expect((await queueReviewReminders(db, '2030-06-15', only)).messages).toBe(0);
    expect((await queueReviewReminders(db, '2030-07-14', only)).messages).toBe(0);
    // The provider confirms one; 30 days on, only the other is named again.
    await createDirectoryUpkeepService(db, () => new Date('2030-07-01T12:00:00Z')).confirmStillCorrect(world.providerUser.ctx, walking);
    const later = await queueReviewReminders(db, '2030-07-15', only);
    expect(later).toEqual({ messages: 2, providers: 1, services: 1, providersWithoutRecipients: 1 });
    const latest = (await outbox()).filter((m) => !messages.some((earlier) => earlier.recipient === m.recipient && earlier.body === m.body));
    expect(latest).toHaveLength(2);
    for (const message of latest) {
      expect(message.body).toContain('one of your services has not been checked');
      expect(message.body).toContain('- Lunch club');
      expect(message.body).not.toContain('Walking group');
    }
    expect((await auditActions(world.curator)).filter((a) => a.action === 'directory.review-reminders-queued').map((a) => [a.actorLabel, a.detail])).toEqual([
      ['directory-reminders', { providers: 1, services: 2, messages: 2, on: '2030-06-15' }],
      ['directory-reminders', { providers: 1, services: 1, messages: 2, on: '2030-07-15' }],
    ]);
    // The other directory was not part of this run.
    const elsewhereOutbox = await db.inScope({ organisationId: elsewhere.curator.id, userId: null }, (tx) =>
      tx.selectFrom('outboxMessage').select('id').where('organisationId', '=', elsewhere.curator.id).execute(),
    );
    expect(elsewhereOutbox).toEqual([]);
  });
});

async function directoryUpkeepStaleReminded(world: World, serviceId: string): Promise<string | null> {
  const { db } = await testServices();
  const upkeep = createDirectoryUpkeepService(db, () => new Date('2030-06-15T12:00:00Z'));
  return (await upkeep.curation(world.teamLead.ctx)).stale.find((s) => s.id === serviceId)?.remindedOn ?? null;
}

describe('pages', () => {
  it('a provider updates an entry through the pages; the curator approves it through theirs', async () => {
    const world = await buildWorld();
    const id = await insertService(world.curator, { provider: world.provider, name: 'Riverside walking group' });
    const provider = await signedIn(world.providerUser);

    const list = await provider.get('/provider/services');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(`href="/provider/services/${id}/edit"`);
    expect(list.body).toContain('May be out of date');

    const edit = await provider.get(`/provider/services/${id}/edit`);
    expect(edit.statusCode).toBe(200);
    expect(edit.body).toContain('Send for approval');
    const basis = /name="basis" value="([^"]+)"/.exec(edit.body)![1]!;

    const bad = await provider.post(`/provider/services/${id}/edit`, { ...(form({ name: '', url: 'javascript:alert(1)' }) as Record<string, string>), attributes: 'free', basis });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('There is a problem');
    expect(bad.body).toContain('href="#name"');
    expect(bad.body).toContain('Enter the name of the service');
    expect(bad.body).toContain('Enter a web address in the correct format');

    const sent = await provider.post(`/provider/services/${id}/edit`, { ...(form({ name: 'Riverside walks' }) as Record<string, string>), attributes: 'free', confirm: 'yes', basis });
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe(`/provider/services/${id}/edit?done=pending`);
    const waiting = await provider.get(sent.headers.location as string);
    expect(waiting.body).toContain('Your changes are waiting for approval');
    expect(waiting.body).toContain('Riverside walks');

    // The old page's basis no longer matches: 409, with the page shown again.
    const stale = await provider.post(`/provider/services/${id}/edit`, { ...(form({ name: 'Other name' }) as Record<string, string>), basis });
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('changed by someone else');

    const lead = await signedIn(world.teamLead);
    const curation = await lead.get('/directory/curation');
    expect(curation.statusCode).toBe(200);
    const changeId = new RegExp(`/directory/curation/changes/([0-9a-f-]{36})">Riverside walking group`).exec(curation.body)![1]!;
    const page = await lead.get(`/directory/curation/changes/${changeId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Riverside walks');
    expect(page.body).toContain('Free');
    const approved = await lead.post(`/directory/curation/changes/${changeId}/approve`, {});
    expect(approved.statusCode).toBe(303);
    expect((await serviceRow(world.curator, id)).name).toBe('Riverside walks');
    const again = await lead.post(`/directory/curation/changes/${changeId}/approve`, {});
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('already been approved');

    const confirmed = await provider.post(`/provider/services/${id}/confirm`, { basis: /name="basis" value="([^"]+)"/.exec((await provider.get(`/provider/services/${id}/edit`)).body)![1]! });
    expect(confirmed.statusCode).toBe(303);
    expect((await serviceRow(world.curator, id)).lastVerified).toBe(dayIn(new Date()));
  });

  it('404 for another provider’s service, 403 without the provider role, 403 on curation for a provider', async () => {
    const world = await buildWorld();
    const otherProvider = await buildOrganisation({ type: 'vcse' });
    const theirs = await insertService(world.curator, { provider: otherProvider });
    const provider = await signedIn(world.providerUser);
    expect((await provider.get(`/provider/services/${theirs}/edit`)).statusCode).toBe(404);
    await provider.get('/provider/services');
    expect((await provider.post(`/provider/services/${theirs}/edit`, form({ name: 'Mine now' }) as Record<string, string>)).statusCode).toBe(404);
    expect((await provider.post(`/provider/services/${theirs}/confirm`, {})).statusCode).toBe(404);
    expect((await provider.get('/directory/curation')).statusCode).toBe(403);

    const lead = await signedIn(world.teamLead);
    expect((await lead.get('/provider/services')).statusCode).toBe(403);
    expect((await lead.get(`/provider/services/${theirs}/edit`)).statusCode).toBe(403);
    expect((await serviceRow(world.curator, theirs)).name).toBe('Riverside walking group');
  });

  it('the setting form switches approval off, and then a provider’s edit applies at once', async () => {
    const world = await buildWorld();
    const id = await insertService(world.curator, { provider: world.provider });
    const admin = await signedIn(world.admin);
    await admin.get('/directory/curation');
    const invalid = await admin.post('/directory/curation/settings', { changesNeedApproval: 'perhaps' });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.body).toContain('Choose whether providers’ changes need approval');
    const saved = await admin.post('/directory/curation/settings', { changesNeedApproval: 'no' });
    expect(saved.headers.location).toBe('/directory/curation?done=approval-off');

    const provider = await signedIn(world.providerUser);
    const edit = await provider.get(`/provider/services/${id}/edit`);
    expect(edit.body).toContain('Save changes');
    const done = await provider.post(`/provider/services/${id}/edit`, form({ eligibilityDescription: 'Anyone over 16', minimumAge: '16' }) as Record<string, string>);
    expect(done.headers.location).toBe(`/provider/services/${id}/edit?done=applied`);
    expect(await serviceRow(world.curator, id)).toMatchObject({ eligibilityDescription: 'Anyone over 16', minimumAge: 16 });
  });

  it('renders what providers type as text, never as markup', async () => {
    const world = await buildWorld();
    const id = await insertService(world.curator, { provider: world.provider });
    const { directoryUpkeep } = await testServices();
    const script = '<script>alert("x")</script>';
    const { changeId } = await directoryUpkeep.propose(world.providerUser.ctx, id, form({ name: `Walks ${script}`, description: `<img src=x onerror=alert(1)>` }));

    const provider = await signedIn(world.providerUser);
    const lead = await signedIn(world.teamLead);
    for (const page of [
      await provider.get(`/provider/services/${id}/edit`),
      await lead.get(`/directory/curation/changes/${changeId}`),
    ]) {
      expect(page.statusCode).toBe(200);
      expect(page.body).not.toContain(script);
      expect(page.body).not.toContain('<img src=x');
      expect(page.body).toContain('&lt;script&gt;');
    }
    await lead.post(`/directory/curation/changes/${changeId}/approve`, {});
    for (const page of [await provider.get('/provider/services'), await lead.get('/directory/curation')]) {
      expect(page.body).not.toContain(script);
      expect(page.body).toContain('Walks &lt;script&gt;');
    }
  });
});
