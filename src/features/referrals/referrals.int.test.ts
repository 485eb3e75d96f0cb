import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testDatabase } from '../../../test/support/db.js';
import { buildOrganisation, buildUser, testServices } from '../../../test/support/factories.js';
import { buildReferralWorld, referralFor } from '../../../test/support/referrals.js';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../../platform/errors.js';

describe('referral intake and the closed loop', () => {
  it('takes a referral from a GP practice into the service’s triage queue and gives the referrer a neutral receipt', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const { receipt, replayed } = await s.referrals.refer(world.referrer.ctx, referralFor(world.service));
    expect(replayed).toBe(false);
    expect(receipt).toMatchObject({ status: 'received', personName: 'Sam Taylor', receivingOrganisation: { slug: world.service.slug } });
    expect(receipt.reference).toMatch(/^LW-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(Object.keys(receipt).sort()).toEqual(['closedReason', 'id', 'personName', 'receivingOrganisation', 'reference', 'sentAt', 'status', 'statusDate', 'urgency']);

    const queue = await s.referrals.listForService(world.teamLead.ctx, { queue: true });
    expect(queue.items.map((r) => r.id)).toEqual([receipt.id]);

    const full = await s.referrals.get(world.teamLead.ctx, receipt.id);
    expect(full.kind).toBe('full');
    if (full.kind === 'full') {
      expect(full.referral.person).toMatchObject({ nhsNumber: '9990000018', dateOfBirth: '1980-02-29', postcode: 'BS5 6XX' });
      expect(full.referral.needs).toEqual(['social-isolation', 'money-and-debt']);
    }
    const audit = await s.audit.list({ ...world.teamLead.ctx, role: 'admin' }, { action: 'referral.viewed' });
    expect(audit.items.map((e) => e.subjectId)).toContain(receipt.id);
  });

  it('accepts (creating a case), allocates and closes, keeping the referrer’s view neutral throughout', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const { receipt } = await s.referrals.refer(world.referrer.ctx, referralFor(world.service));
    const accepted = await s.referrals.act(world.teamLead.ctx, receipt.id, 'accept');
    expect(accepted.status).toBe('accepted');
    expect(accepted.caseId).toBeTruthy();
    expect((await s.referrals.get(world.referrer.ctx, receipt.id)).referral).toMatchObject({ status: 'in-progress', closedReason: null });

    const allocated = await s.referrals.act(world.teamLead.ctx, receipt.id, 'allocate', { linkWorker: world.linkWorker.email });
    expect(allocated).toMatchObject({ status: 'allocated', linkWorker: { id: world.linkWorker.userId } });
    await s.referrals.act(world.linkWorker.ctx, receipt.id, 'record-first-contact');
    await s.referrals.act(world.linkWorker.ctx, receipt.id, 'pause', { reason: 'In hospital for a fortnight' });
    const resumed = await s.referrals.act(world.linkWorker.ctx, receipt.id, 'resume');
    expect(resumed.status).toBe('first-contact');
    const closed = await s.referrals.act(world.linkWorker.ctx, receipt.id, 'close', { reason: 'person-declined' });
    expect(closed.status).toBe('closed');
    expect(closed.history.map((h) => h.to)).toEqual(['received', 'accepted', 'allocated', 'first-contact', 'paused', 'first-contact', 'closed']);
    expect(closed.history.map((h) => h.snomedCode)).toEqual([null, '871731000000106', null, null, null, null, '871711000000103']);

    const view = (await s.referrals.get(world.referrer.ctx, receipt.id)).referral;
    expect(view.status).toBe('closed');
    expect(view).not.toHaveProperty('needs');
    expect((view as { closedReason: string }).closedReason).toContain('does not affect the person’s care');
  });

  it('refuses an action that does not fit the status with a Conflict naming the status', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const { receipt } = await s.referrals.refer(world.referrer.ctx, referralFor(world.service));
    await expect(s.referrals.act(world.teamLead.ctx, receipt.id, 'allocate', { linkWorker: world.linkWorker.email })).rejects.toThrow(Conflict);
    await s.referrals.act(world.teamLead.ctx, receipt.id, 'decline', { reason: 'wrong-service' });
    await expect(s.referrals.act(world.teamLead.ctx, receipt.id, 'accept')).rejects.toThrow(/closed/);
  });

  it('lets only team leads triage and only the allocated link worker move a case on', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const other = await buildUser(world.service, 'link-worker');
    const { receipt } = await s.referrals.refer(world.referrer.ctx, referralFor(world.service));
    await expect(s.referrals.act(world.linkWorker.ctx, receipt.id, 'accept')).rejects.toThrow(Forbidden);
    await expect(s.referrals.act(world.referrer.ctx, receipt.id, 'accept')).rejects.toThrow(Forbidden);
    await s.referrals.act(world.teamLead.ctx, receipt.id, 'accept');
    await s.referrals.act(world.teamLead.ctx, receipt.id, 'allocate', { linkWorker: world.linkWorker.userId });
    await expect(s.referrals.act(other.ctx, receipt.id, 'record-first-contact')).rejects.toThrow(Forbidden);
  });

  it('validates every field at once and stores nothing', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const before = await s.referrals.listSent(world.referrer.ctx, {});
    const bad = referralFor(world.service, {
      toOrganisation: 'no-such-service',
      person: { givenName: '', familyName: 'Taylor', dateOfBirth: '2999-01-01', nhsNumber: '9990000019', postcode: 'nonsense', preferredContact: 'phone' },
      needs: ['not-a-need'],
      consent: { given: false },
    });
    const error = await s.referrals.refer(world.referrer.ctx, bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationFailed);
    const fields = (error as ValidationFailed).errors.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['toOrganisation', 'person.givenName', 'person.dateOfBirth', 'person.nhsNumber', 'person.postcode', 'person.phone', 'needs', 'consent.given']));
    expect((await s.referrals.listSent(world.referrer.ctx, {})).items).toEqual(before.items);
  });

  it('replays an Idempotency-Key with the same body and refuses it with a different one', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const body = referralFor(world.service);
    const first = await s.referrals.refer(world.referrer.ctx, body, { idempotencyKey: 'abc-123' });
    const again = await s.referrals.refer(world.referrer.ctx, { ...body }, { idempotencyKey: 'abc-123' });
    expect(again).toEqual({ receipt: first.receipt, replayed: true });
    await expect(s.referrals.refer(world.referrer.ctx, { ...body, reason: 'Something else' }, { idempotencyKey: 'abc-123' })).rejects.toThrow(Conflict);
    expect((await s.referrals.listForService(world.teamLead.ctx, { queue: true })).items).toHaveLength(1);
  });

  it('reuses the person the service already knows by NHS number, bringing only their contact details up to date', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const first = await s.referrals.refer(world.referrer.ctx, referralFor(world.service));
    const again = referralFor(world.service);
    again.person = { ...again.person, givenName: 'Samuel', postcode: 'LS6 1AN', phone: '07700900456' };
    const second = await s.referrals.refer(world.referrer.ctx, again);
    const other = referralFor(world.service);
    other.person = { ...other.person, nhsNumber: '9990000026' };
    const third = await s.referrals.refer(world.referrer.ctx, other);

    const db = await testDatabase();
    const rows = await db.inScope({ organisationId: world.service.id, userId: null }, (tx) =>
      tx
        .selectFrom('referral as r')
        .innerJoin('person as p', (join) => join.onRef('p.organisationId', '=', 'r.organisationId').onRef('p.id', '=', 'r.personId'))
        .select(['r.id', 'r.personId', 'p.givenName', 'p.postcode', 'p.phone'])
        .where('r.organisationId', '=', world.service.id)
        .execute(),
    );
    const of = (id: string) => rows.find((r) => r.id === id)!;
    expect(of(second.receipt.id).personId).toBe(of(first.receipt.id).personId);
    expect(of(first.receipt.id)).toMatchObject({ givenName: 'Sam', postcode: 'LS6 1AN', phone: '07700900456' });
    expect(of(third.receipt.id).personId).not.toBe(of(first.receipt.id).personId);
    // The receipt says whom the referrer referred, as they wrote it.
    expect(second.receipt.personName).toBe('Samuel Taylor');
  });

  it('keeps practices apart: another practice sees nothing, at the service and in the database', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const otherPractice = await buildOrganisation({ type: 'gp-practice' });
    const nosy = await buildUser(otherPractice, 'referrer');
    const { receipt } = await s.referrals.refer(world.referrer.ctx, referralFor(world.service));
    await expect(s.referrals.get(nosy.ctx, receipt.id)).rejects.toThrow(NotFound);
    expect((await s.referrals.listSent(nosy.ctx, {})).items).toEqual([]);
    await expect(s.referrals.get(world.referrer.ctx, receipt.id)).resolves.toMatchObject({ kind: 'receipt' });

    const db = await testDatabase();
    const seen = await db.inScope({ organisationId: world.practice.id, userId: null }, async (tx) => ({
      referral: (await sql<{ n: number }>`SELECT count(*)::int AS n FROM referral`.execute(tx)).rows[0]!.n,
      person: (await sql<{ n: number }>`SELECT count(*)::int AS n FROM person`.execute(tx)).rows[0]!.n,
      receipts: (await sql<{ n: number }>`SELECT count(*)::int AS n FROM referral_receipt`.execute(tx)).rows[0]!.n,
    }));
    expect(seen).toEqual({ referral: 0, person: 0, receipts: 1 });
  });

  it('warns of duplicates by NHS number or name and date of birth, and records the decision', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const first = await s.referrals.refer(world.referrer.ctx, referralFor(world.service));
    const noNumber = referralFor(world.service);
    noNumber.person = { ...noNumber.person, nhsNumber: '' };
    const second = await s.referrals.refer(world.referrer.ctx, noNumber);
    const queue = await s.referrals.listForService(world.teamLead.ctx, { queue: true });
    expect(queue.items.find((r) => r.id === second.receipt.id)?.possibleDuplicates).toBe(1);
    const view = await s.referrals.get(world.teamLead.ctx, second.receipt.id);
    expect(view.kind === 'full' && view.referral.possibleDuplicates[0]).toMatchObject({ id: first.receipt.id, match: 'name-and-date-of-birth' });
    const linked = await s.referrals.decideDuplicate(world.teamLead.ctx, second.receipt.id, { decision: 'linked', duplicateOf: first.receipt.id });
    expect(linked).toMatchObject({ status: 'closed', closedReason: 'duplicate' });
  });

  it('takes a self-referral with no account into the same queue, and says the same whoever the person is', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const body = referralFor(world.service, { multipleDisadvantage: [], needs: [] });
    const answer = await s.referrals.selfRefer(null, body);
    expect(await s.referrals.selfRefer(null, body)).toEqual(answer);
    const queue = await s.referrals.listForService(world.teamLead.ctx, { queue: true });
    expect(queue.items).toHaveLength(2);
    expect(queue.items[0]!.source).toBe('Self-referral');
  });

  it('queues messages: the referrer always, the person only by the written channel they chose', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const byEmail = referralFor(world.service);
    byEmail.person = { ...byEmail.person, nhsNumber: '', email: 'aisha@example.org', preferredContact: 'email' };
    await s.referrals.refer(world.referrer.ctx, byEmail);
    await s.referrals.refer(world.referrer.ctx, referralFor(world.service));
    const db = await testDatabase();
    const messages = await db.inScope({ organisationId: world.service.id, userId: null }, (tx) =>
      tx.selectFrom('outboxMessage').select(['recipientKind', 'channel', 'recipient', 'body']).where('organisationId', '=', world.service.id).orderBy('createdAt').execute(),
    );
    expect(messages.filter((m) => m.recipientKind === 'referrer')).toHaveLength(2);
    const personal = messages.filter((m) => m.recipientKind === 'person');
    expect(personal).toHaveLength(1);
    expect(personal[0]).toMatchObject({ channel: 'email', recipient: 'aisha@example.org' });
    expect(personal[0]!.body).not.toMatch(/Taylor|social prescribing|bereavement/i);
  });
});
