import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../../test/support/db.js';
import { buildOrganisation, buildUser, testServices, type TestUser } from '../../../test/support/factories.js';
import { buildReferralWorld, referralFor } from '../../../test/support/referrals.js';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../../platform/errors.js';
import type { ReferralRequest } from '../referrals/service.js';
import { addDays, londonDay } from './rules.js';
import { caseSearchContext } from './service.js';

// The shared database starts (and migrates) once per worker: in a hook, with the hook's longer timeout.
beforeAll(async () => {
  await testServices();
});

type World = Awaited<ReturnType<typeof buildReferralWorld>>;

/** A review date a few weeks ahead (a pause's review date must be within a year). */
const soon = addDays(londonDay(new Date()), 20);

/** A referral accepted and allocated to the world's link worker: the case it opened. */
async function openCase(world: World, overrides: Partial<ReferralRequest> = {}, worker: TestUser = world.linkWorker) {
  const s = await testServices();
  const { receipt } = await s.referrals.refer(world.referrer.ctx, referralFor(world.service, overrides));
  const accepted = await s.referrals.act(world.teamLead.ctx, receipt.id, 'accept');
  await s.referrals.act(world.teamLead.ctx, receipt.id, 'allocate', { linkWorker: worker.userId });
  return { referralId: receipt.id, caseId: accepted.caseId! };
}

const standard = { multipleDisadvantage: [] as [] };
let count = 0;
/** Someone else, with no NHS number (so not matched to the default test person). */
function person(name: string): Partial<ReferralRequest> {
  count += 1;
  const base = { givenName: name, familyName: `Example${count}`, dateOfBirth: '1980-02-29', postcode: 'BS5 6XX', phone: '07700900123', preferredContact: 'phone' };
  return { person: base };
}

describe('casework keeps the referral, its history and the referrer’s receipt in step', () => {
  it('pauses, resumes, closes and reopens through the referral transitions, the referrer seeing only a neutral status', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const { referralId, caseId } = await openCase(world);

    await s.cases.pause(world.linkWorker.ctx, caseId, { reason: 'In hospital for two weeks', reviewDate: soon });
    let view = await s.cases.get(world.linkWorker.ctx, caseId);
    expect(view.header.status).toBe('paused');
    expect(view.reviewDate).toBe(soon);
    expect(view.nextAction).toEqual({ text: 'Look at the pause again', date: soon });
    let referral = await s.referrals.get(world.teamLead.ctx, referralId);
    expect(referral.referral.status).toBe('paused');
    expect((await s.referrals.get(world.referrer.ctx, referralId)).referral.status).toBe('in-progress');

    await s.cases.resume(world.linkWorker.ctx, caseId);
    await s.cases.close(world.linkWorker.ctx, caseId, { reason: 'moved-away' });
    view = await s.cases.get(world.linkWorker.ctx, caseId);
    expect(view.header.status).toBe('closed');
    expect(view.closedReason).toBe('moved-away');
    const receipt = (await s.referrals.get(world.referrer.ctx, referralId)).referral as { status: string; closedReason: string };
    expect(receipt.status).toBe('closed');
    expect(receipt.closedReason).toBe('Closed for another reason. This does not affect the person’s care from their GP or any other service.');
    expect(JSON.stringify(receipt)).not.toMatch(/moved|multiple|homeless/i);

    await s.cases.reopen(world.linkWorker.ctx, caseId, { reason: 'Came back to the area' });
    view = await s.cases.get(world.linkWorker.ctx, caseId);
    expect(view.header.status).toBe('open');
    expect(view.history.map((h) => h.kind)).toEqual(['allocated', 'paused', 'resumed', 'closed', 'reopened']);
    referral = await s.referrals.get(world.teamLead.ctx, referralId);
    expect(referral.referral.status).toBe('allocated');
    if (referral.kind === 'full') expect(referral.referral.history.map((h) => h.action)).toEqual(['receive', 'accept', 'allocate', 'pause', 'resume', 'close', 'reopen']);
    expect((await s.referrals.get(world.referrer.ctx, referralId)).referral).toMatchObject({ status: 'in-progress', closedReason: null });
  });

  it('records first contact on the referral when a contact first reaches the person, not on an attempt', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const { referralId, caseId } = await openCase(world, standard);
    await s.cases.addContact(world.linkWorker.ctx, caseId, { type: 'attempted' });
    expect((await s.referrals.get(world.teamLead.ctx, referralId)).referral.status).toBe('allocated');
    await s.cases.addContact(world.linkWorker.ctx, caseId, { type: 'phone', durationMinutes: '20', note: 'Talked about the garden', nextStep: 'Meet at the café', nextStepDate: '2099-02-01' });
    expect((await s.referrals.get(world.teamLead.ctx, referralId)).referral.status).toBe('first-contact');
    const view = await s.cases.get(world.linkWorker.ctx, caseId);
    expect(view.firstContact.state).toBe('made');
    expect(view.nextAction).toEqual({ text: 'Meet at the café', date: '2099-02-01' });
    expect(view.sessions).toMatchObject({ kind: 'capped', held: 1, cap: 6 });
  });
});

describe('the programme’s rules on a case', () => {
  it('shows the MD exemption and never closes a case at the cap: the 7th meeting is logged and the case stays open', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const md = await openCase(world, person('Dan'));
    const std = await openCase(world, { ...person('Tom'), ...standard });
    for (let i = 0; i < 7; i++) {
      await s.cases.addContact(world.linkWorker.ctx, md.caseId, { type: 'face-to-face' });
      await s.cases.addContact(world.linkWorker.ctx, std.caseId, { type: 'face-to-face' });
    }
    const mdView = await s.cases.get(world.linkWorker.ctx, md.caseId);
    expect(mdView.sessions).toEqual({ kind: 'exempt', held: 7, text: 'No session limit — multiple disadvantage' });
    const stdView = await s.cases.get(world.linkWorker.ctx, std.caseId);
    expect(stdView.sessions).toMatchObject({ kind: 'capped', held: 7, reviewDue: true });
    expect(stdView.header.status).toBe('open');
  });

  it('never closes an MD case after unanswered attempts: flags a conversation, and only a team lead may close it as unreachable', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const md = await openCase(world, person('Dan'));
    const std = await openCase(world, { ...person('Aisha'), ...standard });
    for (let i = 0; i < 4; i++) {
      await s.cases.addContact(world.linkWorker.ctx, md.caseId, { type: 'attempted' });
      await s.cases.addContact(world.linkWorker.ctx, std.caseId, { type: 'attempted' });
    }
    const mdView = await s.cases.get(world.linkWorker.ctx, md.caseId);
    expect(mdView.header.status).toBe('open');
    expect(mdView.attempts).toEqual({ kind: 'talk-to-team-lead', attempts: 4 });
    const stdView = await s.cases.get(world.linkWorker.ctx, std.caseId);
    expect(stdView.header.status).toBe('open');
    expect(stdView.attempts).toEqual({ kind: 'may-propose-closure', attempts: 4 });

    const team = await s.cases.team(world.teamLead.ctx);
    expect(team.conversations.map((c) => c.id)).toEqual([md.caseId]);

    await expect(s.cases.close(world.linkWorker.ctx, md.caseId, { reason: 'unable-to-contact' })).rejects.toThrow(Forbidden);
    // The referral page's close is the same transition, so it refuses too.
    await expect(s.referrals.act(world.linkWorker.ctx, md.referralId, 'close', { reason: 'unable-to-contact' })).rejects.toThrow(Forbidden);
    expect((await s.cases.get(world.linkWorker.ctx, md.caseId)).header.status).toBe('open');
    await s.cases.close(world.linkWorker.ctx, std.caseId, { reason: 'unable-to-contact' });
    await s.cases.close(world.teamLead.ctx, md.caseId, { reason: 'unable-to-contact' });
    expect((await s.cases.get(world.teamLead.ctx, md.caseId)).header.status).toBe('closed');
  });

  it('changes MD status only with a reason, kept in the history and never on the referrer’s receipt', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const { referralId, caseId } = await openCase(world, standard);
    expect((await s.cases.get(world.linkWorker.ctx, caseId)).header.multipleDisadvantage).toBe(false);
    await expect(s.cases.setMultipleDisadvantage(world.linkWorker.ctx, caseId, { multipleDisadvantage: true, reason: '' })).rejects.toThrow(ValidationFailed);
    await s.cases.setMultipleDisadvantage(world.linkWorker.ctx, caseId, { multipleDisadvantage: true, reason: 'Sleeping rough since the summer' });
    const view = await s.cases.get(world.linkWorker.ctx, caseId);
    expect(view.header.multipleDisadvantage).toBe(true);
    expect(view.history.at(-1)).toMatchObject({ kind: 'md-changed', multipleDisadvantage: true, reason: 'Sleeping rough since the summer' });
    expect(Object.keys((await s.referrals.get(world.referrer.ctx, referralId)).referral)).not.toContain('multipleDisadvantage');
  });

  it('uses saved programme settings (audited) and refuses bad ones field by field', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const admin = await buildUser(world.service, 'admin');
    const [programme] = await s.cases.listSettings(admin.ctx);
    expect(programme!.settings.sessionCap).toBe(6);
    await expect(s.cases.saveSettings(world.linkWorker.ctx, programme!.id, {})).rejects.toThrow(Forbidden);
    await expect(s.cases.saveSettings(admin.ctx, programme!.id, { sessionCap: '0' })).rejects.toThrow(ValidationFailed);
    await s.cases.saveSettings(admin.ctx, programme!.id, { sessionCap: '2', mdExemptFromCap: 'yes', weightStandard: '1', weightMd: '3', defaultCapacity: '4', firstContactWorkingDays: '5', attemptsBeforeReview: '3' });
    const { caseId } = await openCase(world, standard);
    await s.cases.addContact(world.linkWorker.ctx, caseId, { type: 'video' });
    await s.cases.addContact(world.linkWorker.ctx, caseId, { type: 'video' });
    expect((await s.cases.get(world.linkWorker.ctx, caseId)).sessions).toMatchObject({ kind: 'capped', cap: 2, reviewDue: true });
    const audit = await s.audit.list(admin.ctx, { action: 'programme.settings-changed' });
    expect(audit.items[0]!.detail).toMatchObject({ sessionCapFrom: 6, sessionCapTo: 2, weightMdFrom: 2, weightMdTo: 3 });
  });
});

describe('allocation and capacity', () => {
  it('refuses to allocate past weighted capacity without a reason, and records an override reason in history and audit', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    await s.cases.setCapacity(world.teamLead.ctx, world.linkWorker.userId, '3');
    await openCase(world, person('Dan')); // MD: weighs 2
    const { receipt } = await s.referrals.refer(world.referrer.ctx, referralFor(world.service, person('Dora')));
    const accepted = await s.referrals.act(world.teamLead.ctx, receipt.id, 'accept');
    await expect(s.referrals.act(world.teamLead.ctx, receipt.id, 'allocate', { linkWorker: world.linkWorker.userId })).rejects.toThrow(/4 of 3 weighted units/);
    let team = await s.cases.team(world.teamLead.ctx);
    expect(team.waiting.map((w) => w.id)).toEqual([accepted.caseId]);
    expect(team.workers.find((w) => w.id === world.linkWorker.userId)).toMatchObject({ load: 2, capacity: 3, openCases: 1, mdCases: 1 });
    expect(team.workers.find((w) => w.id === world.teamLead.userId)).toMatchObject({ load: 0, capacity: 30, openCases: 0 });

    await s.cases.allocate(world.teamLead.ctx, accepted.caseId!, { linkWorker: world.linkWorker.userId, overrideReason: 'Dora already knows Jo from the hostel' });
    const view = await s.cases.get(world.teamLead.ctx, accepted.caseId!);
    expect(view.header.linkWorker?.id).toBe(world.linkWorker.userId);
    expect(view.history.at(-1)).toMatchObject({ kind: 'allocated', overrideReason: 'Dora already knows Jo from the hostel', loadAfter: 4, capacity: 3 });
    const audit = await s.audit.list({ ...world.teamLead.ctx, role: 'admin' }, { action: 'case.allocated-over-capacity' });
    expect(audit.items.map((e) => e.subjectId)).toContain(accepted.caseId);
    expect(JSON.stringify(audit.items[0]!.detail)).not.toContain('hostel');
    team = await s.cases.team(world.teamLead.ctx);
    expect(team.waiting).toEqual([]);
    expect(team.workers.find((w) => w.id === world.linkWorker.userId)).toMatchObject({ load: 4, overCapacity: true });
  });

  it('re-allocates from the team view, keeping the allocation history', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const other = await buildUser(world.service, 'link-worker', { name: 'Robin Other' });
    const { caseId } = await openCase(world);
    await expect(s.cases.allocate(world.linkWorker.ctx, caseId, { linkWorker: other.userId })).rejects.toThrow(Forbidden);
    await s.cases.allocate(world.teamLead.ctx, caseId, { linkWorker: other.userId });
    const view = await s.cases.get(world.teamLead.ctx, caseId);
    expect(view.history.filter((h) => h.kind === 'allocated').map((h) => h.linkWorker)).toEqual(['Test User', 'Robin Other']);
    await expect(s.cases.pause(world.linkWorker.ctx, caseId, { reason: 'x', reviewDate: soon })).rejects.toThrow(Forbidden);
  });
});

describe('who sees what', () => {
  it('hides sensitive notes from other link workers but shows them to the allocated one and team leads', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const colleague = await buildUser(world.service, 'link-worker');
    const { caseId } = await openCase(world);
    await s.cases.addContact(world.linkWorker.ctx, caseId, { type: 'face-to-face', note: 'Told me about the abuse', sensitive: 'yes' });
    await s.cases.addContact(world.linkWorker.ctx, caseId, { type: 'phone', note: 'Arranged the café' });
    const notes = async (user: TestUser) => (await s.cases.get(user.ctx, caseId)).contacts.map((c) => c.note);
    expect(await notes(world.linkWorker)).toContain('Told me about the abuse');
    expect(await notes(world.teamLead)).toContain('Told me about the abuse');
    const seen = await s.cases.get(colleague.ctx, caseId);
    expect(seen.contacts.map((c) => c.note)).not.toContain('Told me about the abuse');
    expect(seen.contacts.find((c) => c.sensitive)).toMatchObject({ note: null, noteHidden: true });
    expect(seen.contacts.map((c) => c.note)).toContain('Arranged the café');
    expect(seen.canWork).toBe(false);
    await expect(s.cases.addContact(colleague.ctx, caseId, { type: 'phone' })).rejects.toThrow(Forbidden);
  });

  it('keeps cases to the service: no other organisation, referrer or admin reads one; RLS hides the rows too', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const { caseId } = await openCase(world);
    await s.cases.addContact(world.linkWorker.ctx, caseId, { type: 'phone', note: 'Private' });
    const elsewhere = await buildOrganisation({ type: 'sp-service' });
    const stranger = await buildUser(elsewhere, 'team-lead');
    await expect(s.cases.get(stranger.ctx, caseId)).rejects.toThrow(NotFound);
    await expect(s.cases.addContact(stranger.ctx, caseId, { type: 'phone' })).rejects.toThrow(NotFound);
    expect((await s.cases.list(stranger.ctx, {})).items).toEqual([]);
    await expect(s.cases.get(world.referrer.ctx, caseId)).rejects.toThrow(Forbidden);
    await expect(s.cases.get(await buildUser(world.service, 'admin').then((u) => u.ctx), caseId)).rejects.toThrow(Forbidden);
    const db = await testDatabase();
    const leaked = await db.inScope({ organisationId: elsewhere.id, userId: null }, async (tx) => {
      const tables = ['case_contact', 'case_event', 'case_need'];
      let rows = 0;
      for (const table of tables) rows += (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE case_id = ${caseId}`.execute(tx)).rows[0]!.n;
      return rows;
    });
    expect(leaked).toBe(0);
  });

  it('audits every read of a case, by the API and the pages alike', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const { caseId } = await openCase(world);
    await s.cases.get(world.linkWorker.ctx, caseId);
    const audit = await s.audit.list({ ...world.teamLead.ctx, role: 'admin' }, { action: 'case.viewed' });
    expect(audit.items.filter((e) => e.subjectId === caseId).length).toBeGreaterThan(0);
  });
});

describe('my caseload', () => {
  it('lists my cases with next action and due date, overdue first contacts first, counts by status and filters', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const waiting = await openCase(world, { ...person('Aisha'), ...standard });
    const contacted = await openCase(world, { ...person('Margaret'), ...standard });
    const paused = await openCase(world, person('Dan'));
    await s.cases.addContact(world.linkWorker.ctx, contacted.caseId, { type: 'phone', nextStep: 'Lunch club on Tuesday', nextStepDate: '2099-03-01' });
    await s.cases.pause(world.linkWorker.ctx, paused.caseId, { reason: 'In prison for a month', reviewDate: soon });
    // Allocated long ago and never contacted: overdue.
    const db = await testDatabase();
    await db.inScope({ organisationId: world.service.id, userId: null }, (tx) =>
      tx.updateTable('supportCase').set({ allocatedAt: new Date('2026-01-05T10:00:00Z') }).where('organisationId', '=', world.service.id).where('id', '=', waiting.caseId).execute(),
    );
    const { items, counts } = await s.cases.list(world.linkWorker.ctx, { mine: 'true' });
    expect(items.map((c) => c.id)).toEqual([waiting.caseId, paused.caseId, contacted.caseId]);
    expect(items[0]!.firstContact).toMatchObject({ state: 'overdue', due: '2026-01-12' });
    expect(items[0]!.nextAction).toEqual({ text: 'Make first contact', date: '2026-01-12' });
    expect(items[2]!.nextAction).toEqual({ text: 'Lunch club on Tuesday', date: '2099-03-01' });
    expect(counts).toEqual({ open: 2, paused: 1, closed: 0 });
    expect((await s.cases.list(world.linkWorker.ctx, { mine: 'true', status: 'paused' })).items.map((c) => c.id)).toEqual([paused.caseId]);
    expect((await s.cases.list(world.linkWorker.ctx, { mine: 'true', firstContact: 'overdue' })).items.map((c) => c.id)).toEqual([waiting.caseId]);
    expect((await s.cases.list(world.linkWorker.ctx, { mine: 'true', multipleDisadvantage: 'yes' })).items.map((c) => c.id)).toEqual([paused.caseId]);
    await expect(s.cases.list(world.linkWorker.ctx, { status: 'sleeping' })).rejects.toThrow(ValidationFailed);
  });
});

describe('what matters, safety and history', () => {
  it('keeps needs, strengths and goals in the person’s words; items taken off are set aside, not deleted', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const { caseId } = await openCase(world);
    expect((await s.cases.get(world.linkWorker.ctx, caseId)).needs.map((n) => [n.code, n.source])).toEqual([['social-isolation', 'referral'], ['money-and-debt', 'referral']]);
    await s.cases.saveWhatMatters(world.linkWorker.ctx, caseId, { needs: ['social-isolation', 'housing'], strengths: 'Good with dogs', goals: 'Go to the football with Jo\nGet my own place' });
    await s.cases.saveWhatMatters(world.linkWorker.ctx, caseId, { needs: ['social-isolation', 'housing'], strengths: 'Good with dogs', goals: 'Get my own place' });
    const view = await s.cases.get(world.linkWorker.ctx, caseId);
    expect(view.needs.map((n) => [n.code, n.source])).toEqual([['social-isolation', 'referral'], ['housing', 'conversation']]);
    expect(view.goals).toEqual(['Get my own place']);
    expect(view.strengths).toEqual(['Good with dogs']);
    const db = await testDatabase();
    const setAside = await db.inScope({ organisationId: world.service.id, userId: null }, (tx) =>
      tx.selectFrom('casePlanItem').select('words').where('organisationId', '=', world.service.id).where('caseId', '=', caseId).where('setAsideAt', 'is not', null).execute(),
    );
    expect(setAside.map((r) => r.words)).toEqual(['Go to the football with Jo']);
    const context = await db.inScope({ organisationId: world.service.id, userId: null }, (tx) => caseSearchContext(tx, world.service.id, caseId));
    expect(context).toEqual({ postcode: 'BS5 6XX', noFixedAbode: false, needs: ['social-isolation', 'housing'] });
  });

  it('records safety flags and safeguarding concerns, changing nothing else about the case', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const { caseId } = await openCase(world);
    await expect(s.cases.saveSafety(world.linkWorker.ctx, caseId, { loneWorking: 'yes' })).rejects.toThrow(ValidationFailed);
    await s.cases.saveSafety(world.linkWorker.ctx, caseId, { loneWorking: 'yes', loneWorkingNote: 'Meet at the hostel office' });
    await s.cases.addConcern(world.linkWorker.ctx, caseId, { what: 'Bruising on arms', raisedOn: '2026-11-20', raisedWith: 'Council safeguarding team' });
    const view = await s.cases.get(world.linkWorker.ctx, caseId);
    expect(view.safety).toMatchObject({ loneWorking: true, loneWorkingNote: 'Meet at the hostel office', risk: false });
    expect(view.concerns).toMatchObject([{ what: 'Bruising on arms', raisedOn: '2026-11-20', raisedWith: 'Council safeguarding team' }]);
    expect(view.header.status).toBe('open');
  });

  it('links a re-referral of a known person to their earlier cases', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const first = await openCase(world);
    await s.cases.close(world.linkWorker.ctx, first.caseId, { reason: 'goals-met' });
    const second = await openCase(world);
    const view = await s.cases.get(world.linkWorker.ctx, second.caseId);
    expect(view.previousCases).toMatchObject([{ id: first.caseId, status: 'closed', closedReason: 'goals-met' }]);
  });

  it('refuses a contact on a closed case with a Conflict', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const { caseId } = await openCase(world, standard);
    await s.cases.close(world.linkWorker.ctx, caseId, { reason: 'person-chose-to-stop' });
    await expect(s.cases.addContact(world.linkWorker.ctx, caseId, { type: 'phone' })).rejects.toThrow(Conflict);
    await expect(s.cases.close(world.linkWorker.ctx, caseId, { reason: 'goals-met' })).rejects.toThrow(Conflict);
  });
});
