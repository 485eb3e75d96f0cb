import { randomUUID } from 'node:crypto';
import { ONS4 } from '../../src/features/outcomes/measures/builtin.js';
import { score } from '../../src/features/outcomes/measures/score.js';
import type { ContactType } from '../../src/features/cases/rules.js';
import type { OfferState } from '../../src/features/offers/rules.js';
import type { Tx } from '../../src/platform/db/database.js';
import type { Organisation } from '../../src/platform/db/schema.js';
import { buildOrganisation, buildUser, testServices, unique } from './factories.js';

/**
 * A hand-made quarter with known answers for the quarterly return and the SNOMED extract: Q4 of
 * 2025/26 (January to March 2026), written row by row with chosen dates so every count is known.
 * British Summer Time starts on 29 March 2026, so 22:30 UTC on 31 March is still 31 March in
 * England and 23:30 UTC is already 1 April: rows at both edges test the quarter's end.
 *
 * The service (Alder) receives in the quarter 6 referrals — 5 aged 25 to 34 and 1 aged 65 to 74;
 * 1 of no fixed abode; 2 facing multiple disadvantage; districts LS6 ×4 and LS1 ×1; needs housing ×5
 * and money-and-debt ×2 — and 2 just outside it. Its practice referred 4 of them; the extract for the
 * practice holds 1 acceptance and 1 decline, and leaves out 1 acceptance of a person with no NHS
 * number. Birch (also commissioned) has 1 referral; Cedar (not commissioned) has 1.
 */
export async function buildExportWorld() {
  const s = await testServices();
  const tag = unique('x');
  const service = await buildOrganisation({ type: 'sp-service', name: `Alder Social Prescribing ${tag}` });
  const birch = await buildOrganisation({ type: 'sp-service', name: `Birch Link Workers ${tag}` });
  const cedar = await buildOrganisation({ type: 'sp-service', name: `Cedar Wellbeing ${tag}` });
  const practice = await buildOrganisation({ type: 'gp-practice', name: `Parkview Surgery ${tag}` });
  const otherPractice = await buildOrganisation({ type: 'gp-practice', name: `Castle Street ${tag}` });
  const commissionerOrg = await buildOrganisation({ type: 'commissioner', name: `North City ICB ${tag}` });

  await s.db.inScope({ organisationId: commissionerOrg.id, userId: null }, (tx) =>
    tx
      .insertInto('commissioning')
      .values([service, birch].map((o) => ({ commissionerOrganisationId: commissionerOrg.id, organisationId: o.id })))
      .execute(),
  );

  const users = {
    teamLead: await buildUser(service, 'team-lead'),
    admin: await buildUser(service, 'admin'),
    linkWorker: await buildUser(service, 'link-worker'),
    commissioner: await buildUser(commissionerOrg, 'commissioner'),
    referrer: await buildUser(practice, 'referrer'),
    birchTeamLead: await buildUser(birch, 'team-lead'),
    cedarTeamLead: await buildUser(cedar, 'team-lead'),
  };

  const cases: Record<string, string> = {};
  await write(service, async (w) => {
    const r1 = await w.referral({ born: '1995-06-01', nhs: '9990000018', postcode: 'LS6 1AA', at: '2026-01-15T10:00:00Z', from: practice, needs: ['housing', 'money-and-debt'] });
    await w.event(r1, 'accept', '871731000000106', '2026-01-16T09:00:00Z');
    await w.event(r1, 'allocate', null, '2026-01-17T09:00:00Z');
    const r2 = await w.referral({ born: '1994-03-03', nhs: '9990000026', postcode: 'LS6 2BB', at: '2026-01-18T10:00:00Z', from: practice, needs: ['housing'], md: true });
    await w.event(r2, 'decline', '871711000000103', '2026-01-20T11:00:00Z');
    const r3 = await w.referral({ born: '1996-01-01', nhs: null, postcode: null, at: '2026-02-01T10:00:00Z', from: practice, needs: ['housing', 'money-and-debt'], md: true });
    await w.event(r3, 'accept', '871731000000106', '2026-02-02T10:00:00Z');
    const r4 = await w.referral({ born: '1992-12-12', nhs: '9990000034', postcode: 'LS6 3CC', at: '2026-02-10T10:00:00Z', from: otherPractice, needs: ['housing'] });
    await w.event(r4, 'accept', '871731000000106', '2026-02-11T10:00:00Z');
    const r5 = await w.referral({ born: '1955-06-01', nhs: '9990000042', postcode: 'LS6 4DD', at: '2026-03-31T22:30:00Z', from: practice, needs: ['housing'] });
    await w.event(r5, 'accept', '871731000000106', '2026-03-31T23:30:00Z'); // 00:30 on 1 April in England
    const r6 = await w.referral({ born: '1993-05-05', nhs: '9990000050', postcode: 'LS1 5EE', at: '2026-03-01T10:00:00Z', from: null, needs: [] });
    const r7 = await w.referral({ born: '1990-01-01', nhs: null, postcode: 'LS6 9ZZ', at: '2025-12-31T23:59:00Z', from: practice, needs: ['food'] });
    await w.referral({ born: '1990-01-01', nhs: null, postcode: 'LS6 9ZY', at: '2026-03-31T23:30:00Z', from: practice, needs: ['food'] });

    cases.c1 = await w.supportCase(r1, '2026-01-16T09:00:00Z');
    cases.c3 = await w.supportCase(r3, '2026-02-02T10:00:00Z');
    cases.c4 = await w.supportCase(r4, '2026-02-11T10:00:00Z', { at: '2026-04-02T10:00:00Z', reason: 'moved-away' });
    cases.c6 = await w.supportCase(r6, '2026-03-01T10:00:00Z', { at: '2026-03-20T10:00:00Z', reason: 'goals-met' });
    cases.c7 = await w.supportCase(r7, '2026-01-02T10:00:00Z');

    for (const day of ['2026-01-20', '2026-01-27', '2026-02-03', '2026-03-31', '2026-02-05']) await w.contact(cases.c1, day, 'phone');
    await w.contact(cases.c3, '2026-02-04', 'face-to-face');
    await w.contact(cases.c3, '2026-04-01', 'face-to-face');
    await w.contact(cases.c3, '2025-12-31', 'video');

    await w.offer(cases.c1, [['suggested', '2026-01-10T10:00:00Z']]);
    await w.offer(cases.c1, [['suggested', '2026-01-10T10:00:00Z']]);
    await w.offer(cases.c1, [['suggested', '2026-01-10T10:00:00Z'], ['declined', '2026-01-20T10:00:00Z']]);
    await w.offer(cases.c3, [['suggested', '2026-01-10T10:00:00Z'], ['interested', '2026-01-12T10:00:00Z'], ['introduced', '2026-02-01T10:00:00Z', true]]);
    await w.offer(cases.c3, [['suggested', '2026-01-10T10:00:00Z'], ['interested', '2026-01-12T10:00:00Z'], ['introduced', '2026-02-02T10:00:00Z'], ['attending', '2026-04-10T10:00:00Z']]);
    await w.offer(cases.c3, [['suggested', '2025-12-20T10:00:00Z'], ['interested', '2026-01-12T10:00:00Z']]);

    await w.measure(cases.c1, 'baseline', '2026-01-05', [5, 5, 4, 6]);
    await w.measure(cases.c1, 'review', '2026-03-10', [7, 6, 7, 3]);
    await w.measure(cases.c7, 'baseline', '2025-12-01', [6, 6, 6, 5]);
    await w.measure(cases.c7, 'closure', '2026-02-15', [6, 6, 6, 5]);
    await w.measure(cases.c3, 'baseline', '2026-01-06', [3, 3, 3, 8]);
    await w.measure(cases.c4, 'baseline', '2026-01-07', null);
    await w.measure(cases.c6, 'baseline', '2026-03-02', [2, 2, 2, 9]);
    await w.measure(cases.c6, 'review', '2026-04-05', [9, 9, 9, 1]);
  });
  await write(birch, async (w) => {
    await w.referral({ born: '1995-06-01', nhs: null, postcode: 'LS2 1AA', at: '2026-02-15T10:00:00Z', from: practice, needs: ['food'] });
  });
  await write(cedar, async (w) => {
    await w.referral({ born: '1995-06-01', nhs: null, postcode: 'LS3 1AA', at: '2026-02-15T10:00:00Z', from: practice, needs: ['food'] });
  });

  return { service, birch, cedar, practice, otherPractice, commissionerOrg, users, cases };
}

/** Writes one organisation's rows in one transaction, as that organisation (row-level security applies). */
async function write(organisation: Organisation, work: (w: ReturnType<typeof writer>) => Promise<void>): Promise<void> {
  const s = await testServices();
  await s.db.inScope({ organisationId: organisation.id, userId: null }, async (tx) => {
    const programme = await tx.selectFrom('programme').select('id').where('organisationId', '=', organisation.id).executeTakeFirstOrThrow();
    await work(writer(tx, organisation.id, programme.id));
  });
}

function writer(tx: Tx, organisationId: string, programmeId: string) {
  const referralPeople = new Map<string, string>();
  const caseReferral = new Map<string, string>();
  return {
    async referral(r: { born: string; nhs: string | null; postcode: string | null; at: string; from: Organisation | null; needs: string[]; md?: boolean }): Promise<string> {
      const personId = randomUUID();
      const id = randomUUID();
      await tx
        .insertInto('person')
        .values({ organisationId, id: personId, givenName: 'Test', familyName: 'Person', dateOfBirth: r.born, nhsNumber: r.nhs, postcode: r.postcode, noFixedAbode: r.postcode === null, safeToLeaveMessage: false, preferredContact: 'phone' })
        .execute();
      await tx
        .insertInto('referral')
        .values({
          organisationId, id, reference: unique('REF').toUpperCase(), programmeId, personId,
          sourceType: r.from ? 'professional' : 'self', sourceOrganisationId: r.from?.id ?? null, sourceUserId: null,
          reason: 'Known-answer test', urgency: 'routine', needs: r.needs, multipleDisadvantage: r.md ? ['homelessness'] : [], riskNotes: null,
          consentGiven: true, consentBy: 'person', consentMethod: 'verbal', consentAt: new Date(r.at), status: 'received', createdAt: new Date(r.at),
        })
        .execute();
      referralPeople.set(id, personId);
      return id;
    },
    async event(referralId: string, action: string, snomedCode: string | null, at: string): Promise<void> {
      await tx
        .insertInto('referralEvent')
        .values({ organisationId, referralId, action, fromStatus: 'received', toStatus: action === 'decline' ? 'closed' : 'accepted', reason: action === 'decline' ? 'person-declined' : null, snomedCode, actorUserId: null, actorLabel: 'test', occurredAt: new Date(at) })
        .execute();
    },
    async supportCase(referralId: string, openedAt: string, closed?: { at: string; reason: string }): Promise<string> {
      const id = randomUUID();
      await tx
        .insertInto('supportCase')
        .values({
          organisationId, id, programmeId, personId: referralPeople.get(referralId)!, referralId, multipleDisadvantage: false, status: closed ? 'closed' : 'open',
          openedAt: new Date(openedAt), closedAt: closed ? new Date(closed.at) : null, closedReason: closed?.reason ?? null,
        })
        .execute();
      caseReferral.set(id, referralId);
      return id;
    },
    async contact(caseId: string, day: string, type: ContactType): Promise<void> {
      await tx.insertInto('caseContact').values({ organisationId, caseId, contactDate: day, type: type as ContactType, sensitive: false }).execute();
    },
    /** Steps: [state, when, accompanied?]; the first is the suggestion. */
    async offer(caseId: string, steps: [OfferState, string, boolean?][]): Promise<void> {
      const id = randomUUID();
      const last = steps[steps.length - 1]!;
      await tx
        .insertInto('offer')
        .values({ organisationId, id, caseId, directoryServiceId: randomUUID(), serviceName: 'Walking group', state: last[0], accompanied: steps.some((s) => s[2] === true), stateChangedAt: new Date(last[1]), createdAt: new Date(steps[0]![1]) })
        .execute();
      let from: OfferState | null = null;
      for (const [state, at, accompanied] of steps) {
        await tx
          .insertInto('offerEvent')
          .values({ organisationId, offerId: id, kind: from === null ? 'suggested' : 'transition', fromState: from, toState: state, accompanied: accompanied ?? false, actorLabel: 'test', occurredAt: new Date(at) })
          .execute();
        from = state;
      }
    },
    /** ONS4 answers (life satisfaction, worthwhile, happy, anxious), or null for a decline. */
    async measure(caseId: string, timepoint: 'baseline' | 'review' | 'closure', completedOn: string, answers: number[] | null): Promise<void> {
      const result = answers ? score(ONS4, answers) : null;
      const personId = referralPeople.get(caseReferral.get(caseId)!)!;
      await tx
        .insertInto('measureRecord')
        .values({
          organisationId, caseId, personId, measureCode: 'ons4', timepoint, completedOn, declined: answers === null,
          answers: answers ? JSON.stringify(answers) : null,
          scores: result ? JSON.stringify({ rawTotal: result.rawTotal, total: result.total, complete: result.complete, items: result.items.map((i) => ({ key: i.key, score: i.score, band: i.band })), scores: result.scores }) : null,
        })
        .execute();
    },
  };
}
