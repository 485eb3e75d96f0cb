import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { resolveReportScope } from '../../src/features/reports/scope.js';
import type { DashboardDefinition, ReportFilters, ReportScope } from '../../src/features/reports/model.js';
import type { Tx } from '../../src/platform/db/database.js';
import type { Organisation } from '../../src/platform/db/schema.js';
import { testDatabase } from './db.js';
import { buildOrganisation, buildUser, type TestUser } from './factories.js';

/**
 * One small, hand-made reporting world with known answers, shared by the offers, outcomes, equity,
 * gaps and team dashboard tests (src/features/reports/dashboards/*.int.test.ts). Rows are written
 * straight into the tables (in each service's own scope, so row-level security checks them) because
 * the answers depend on chosen dates and scores that the workflow would stamp with "now".
 *
 * The reporting period is April to September 2026 (PERIOD). Service A (Leeds) has 9 referrals in
 * it, 3 of people facing multiple disadvantage (MD) and 6 of everyone else, and one MD referral in
 * January; service B has one referral. Commissioner C commissions A and B; commissioner D only B.
 *
 *  ref  MD  area   practice  received    case  first contact  engaged  offers (state)              ONS4 life satisfaction
 *  R1   yes NFA    P1        2026-04-06  LW1   2026-04-16 10d yes      O1 S1 attending (acc.),      3 → 6
 *                                                                       O2 S2 declined
 *  R2   yes LS1    P1        2026-05-04  LW1   2026-05-24 20d no       –                           4 → 4
 *  R3   yes LS1    P2        2026-06-01  –     (declined)
 *  R4   no  LS1    P1        2026-04-07  LW2   2026-04-09  2d yes      O3 S1 completed             5 → 7
 *  R5   no  LS1    P1        2026-04-14  LW2   2026-04-18  4d yes      O4 S3 stopped (acc.)        6 → 5
 *  R6   no  LS2    P2        2026-05-05  LW1   2026-05-11  6d yes      O5 S2 declined after intro, 5 → 8
 *                                                                       O6 S4 suggested
 *  R7   no  LS2    P2        2026-06-02  LW2   none (allocated 2026-06-03)   –                     6 → (10 on 2026-10-15, after the period)
 *  R8   no  LS2    self      2026-07-01  –     (not accepted)
 *  R9   no  LS1    P1        2026-08-03  LW1   2026-08-11  8d no       O7 S3 interested            –
 *  R10  yes LS1    P1        2026-01-12  LW2   2026-01-14  2d yes      O8 S1 attending (2026-02)   2 → 9 (baseline in January)
 *  B1   no  LS9    P1        2026-05-10  –     (service B)
 *
 * ONS4 records hold all four items: the three "higher is better" items equal the life-satisfaction
 * value v, and anxious is 10 − v. NDT: R1 30 → 22, R2 25 → 27. GP appointments before → after:
 * R1 10 → 4, R4 6 → 5, R5 3 → 3, R6 8 → 2. Link worker LW1 has a capacity of 5 units (over it with
 * 2 MD cases and 2 others); LW2 and the team lead have the default 30.
 *
 * Directory of A (threshold for "may be out of date" on 2026-09-30 is 2026-03-30):
 *   S1 Walking group (Leeds Walking Club; physical activity), checked 2026-09-01
 *   S2 Money advice drop-in (Citizens Advice Leeds; money and debt, benefits), checked 2026-03-30
 *   S3 Lunch club (Age UK Leeds; loneliness), never checked
 *   S4 Poetry café (Leeds Walking Club; no need recorded), checked 2026-03-31
 *   S5 unpublished, never checked; S6 closed for good, never checked.
 * Unmet needs in A: housing LS1 ×3, housing LS2 ×2, legal LS1, food (no area) in the period, and
 * food LS1 in February; in B: food LS9.
 */
export const PERIOD: ReportFilters = { from: '2026-04-01', to: '2026-09-30', serviceId: null, practiceId: null, cohort: 'all' };

export interface ReportWorld {
  serviceA: Organisation;
  serviceB: Organisation;
  practice1: Organisation;
  practice2: Organisation;
  teamLeadA: TestUser;
  teamLeadB: TestUser;
  commissionerC: TestUser;
  commissionerD: TestUser;
  linkWorker1: TestUser;
  linkWorker2: TestUser;
  /** Directory services S1…S6 by name. */
  services: Record<'S1' | 'S2' | 'S3' | 'S4' | 'S5' | 'S6', string>;
}

interface ReferralSpec {
  key: string;
  md: boolean;
  postcode: string | null;
  practice: Organisation | null;
  received: string;
  linkWorker?: TestUser;
  allocated?: string;
  firstContact?: string | null;
  engaged?: boolean;
  declined?: boolean;
}

type OfferStep = 'suggested' | 'interested' | 'declined' | 'introduced' | 'attending' | 'stopped' | 'completed';

const at = (day: string) => new Date(`${day}T10:00:00Z`);

async function insertReferral(tx: Tx, organisationId: string, programmeId: string, spec: ReferralSpec): Promise<{ referralId: string; caseId: string | null }> {
  const personId = randomUUID();
  const referralId = randomUUID();
  await sql`INSERT INTO person (organisation_id, id, given_name, family_name, date_of_birth, postcode, no_fixed_abode, preferred_contact)
            VALUES (${organisationId}, ${personId}, 'Test', ${spec.key}, '1980-01-01', ${spec.postcode}, ${spec.postcode === null}, 'phone')`.execute(tx);
  const accepted = !spec.declined && spec.linkWorker !== undefined;
  const caseId = accepted ? randomUUID() : null;
  if (caseId) {
    await sql`INSERT INTO support_case (organisation_id, id, programme_id, person_id, referral_id, status, link_worker_user_id, multiple_disadvantage, opened_at, allocated_at, first_contact_on)
              VALUES (${organisationId}, ${caseId}, ${programmeId}, ${personId}, ${referralId}, 'open', ${spec.linkWorker!.userId}, ${spec.md}, ${at(spec.received)},
                      ${at(spec.allocated ?? spec.received)}, ${spec.firstContact ?? null})`.execute(tx);
  }
  const status = spec.declined ? 'closed' : !caseId ? 'received' : spec.engaged ? 'engaged' : spec.firstContact ? 'first-contact' : 'allocated';
  await sql`INSERT INTO referral (organisation_id, id, reference, programme_id, person_id, source_type, source_organisation_id, reason, urgency, needs, multiple_disadvantage,
                                  consent_given, consent_by, consent_method, consent_at, status, closed_reason, case_id, created_at, status_changed_at)
            VALUES (${organisationId}, ${referralId}, ${`RPT-${randomUUID().slice(0, 12)}`}, ${programmeId}, ${personId}, ${spec.practice ? 'professional' : 'self'},
                    ${spec.practice?.id ?? null}, 'Test referral', 'routine', ARRAY['social-isolation'], ${spec.md ? sql`ARRAY['homelessness']` : sql`ARRAY[]::text[]`},
                    true, 'person', 'verbal', ${at(spec.received)}, ${status}, ${spec.declined ? 'person-declined' : null}, ${caseId}, ${at(spec.received)}, ${at(spec.received)})`.execute(tx);
  const events: [string, string][] = caseId ? [['accept', 'accepted'], ['allocate', 'allocated']] : spec.declined ? [['decline', 'closed']] : [];
  if (spec.firstContact) events.push(['record-first-contact', 'first-contact']);
  if (spec.engaged) events.push(['record-engaged', 'engaged']);
  for (const [action, to] of events) {
    await sql`INSERT INTO referral_event (organisation_id, referral_id, action, to_status, actor_label, occurred_at)
              VALUES (${organisationId}, ${referralId}, ${action}, ${to}, 'test', ${at(spec.received)})`.execute(tx);
  }
  return { referralId, caseId };
}

async function insertOffer(tx: Tx, organisationId: string, caseId: string, serviceId: string, created: string, steps: OfferStep[], accompanied = false) {
  const offerId = randomUUID();
  const state = steps[steps.length - 1]!;
  await sql`INSERT INTO offer (organisation_id, id, case_id, directory_service_id, service_name, state, accompanied, created_at, state_changed_at)
            VALUES (${organisationId}, ${offerId}, ${caseId}, ${serviceId}, 'Offered service', ${state}, ${accompanied}, ${at(created)}, ${at(created)})`.execute(tx);
  let from: OfferStep | null = null;
  for (const to of steps) {
    await sql`INSERT INTO offer_event (organisation_id, offer_id, kind, from_state, to_state, accompanied, actor_label, occurred_at)
              VALUES (${organisationId}, ${offerId}, ${from ? 'transition' : 'suggested'}, ${from}, ${to}, ${to === 'introduced' && accompanied}, 'test', ${at(created)})`.execute(tx);
    from = to;
  }
}

/** An ONS4 record as the outcomes service stores it: v for the three "higher is better" items, 10 − v for anxious. */
function ons4Scores(v: number) {
  const item = (key: string, value: number, direction: string) => ({ key, label: key, value, min: 0, max: 10, direction, band: null });
  return {
    rawTotal: null,
    total: null,
    complete: true,
    items: [],
    scores: [item('life-satisfaction', v, 'higher-is-better'), item('worthwhile', v, 'higher-is-better'), item('happy', v, 'higher-is-better'), item('anxious', 10 - v, 'lower-is-better')],
  };
}

function totalScores(value: number, min: number, max: number, direction: string) {
  return { rawTotal: value, total: value, complete: true, items: [], scores: [{ key: 'total', label: 'Total', value, min, max, direction, band: null }] };
}

async function insertMeasure(tx: Tx, organisationId: string, caseId: string, code: string, timepoint: string, on: string, scores: object | null) {
  const personId = (await sql<{ personId: string }>`SELECT person_id FROM support_case WHERE organisation_id = ${organisationId} AND id = ${caseId}`.execute(tx)).rows[0]!.personId;
  await sql`INSERT INTO measure_record (organisation_id, case_id, person_id, measure_code, timepoint, completed_on, declined, answers, scores)
            VALUES (${organisationId}, ${caseId}, ${personId}, ${code}, ${timepoint}, ${on}, ${scores === null}, ${scores === null ? null : '[]'}::jsonb,
                    ${scores === null ? null : JSON.stringify(scores)}::jsonb)`.execute(tx);
}

async function insertDirectoryService(tx: Tx, organisationId: string, providerId: string, name: string, opts: { verified: string | null; published?: boolean; status?: string; needs?: string[] }) {
  const id = randomUUID();
  await sql`INSERT INTO directory_service (organisation_id, id, directory_organization_id, name, status, last_verified, published)
            VALUES (${organisationId}, ${id}, ${providerId}, ${name}, ${opts.status ?? 'active'}, ${opts.verified}, ${opts.published ?? true})`.execute(tx);
  for (const need of opts.needs ?? []) {
    await sql`INSERT INTO directory_attribute (organisation_id, id, link_id, link_entity, taxonomy_term_id)
              SELECT ${organisationId}, ${randomUUID()}, ${id}, 'service', t.id FROM directory_taxonomy_term t
              WHERE t.code = ${need} AND t.taxonomy_id = '05c86cbb-2074-5ef3-8d2e-ece4441d64f9'`.execute(tx);
  }
  return id;
}

async function defaultProgramme(tx: Tx, organisationId: string): Promise<string> {
  return (await sql<{ id: string }>`SELECT id FROM programme WHERE organisation_id = ${organisationId} AND is_default`.execute(tx)).rows[0]!.id;
}

export async function buildReportWorld(): Promise<ReportWorld> {
  const db = await testDatabase();
  const serviceA = await buildOrganisation({ type: 'sp-service', name: 'A Leeds social prescribing' });
  const serviceB = await buildOrganisation({ type: 'sp-service', name: 'B Bradford social prescribing' });
  const practice1 = await buildOrganisation({ type: 'gp-practice' });
  const practice2 = await buildOrganisation({ type: 'gp-practice' });
  const commissionerOrgC = await buildOrganisation({ type: 'commissioner' });
  const commissionerOrgD = await buildOrganisation({ type: 'commissioner' });
  const teamLeadA = await buildUser(serviceA, 'team-lead', { name: 'Cara Lead' });
  const linkWorker1 = await buildUser(serviceA, 'link-worker', { name: 'Alex Link' });
  const linkWorker2 = await buildUser(serviceA, 'link-worker', { name: 'Bea Link' });
  const teamLeadB = await buildUser(serviceB, 'team-lead');
  const commissionerC = await buildUser(commissionerOrgC, 'commissioner');
  const commissionerD = await buildUser(commissionerOrgD, 'commissioner');

  for (const [commissioner, services] of [[commissionerOrgC, [serviceA, serviceB]], [commissionerOrgD, [serviceB]]] as const) {
    await db.inScope({ organisationId: commissioner.id, userId: null }, async (tx) => {
      for (const service of services) {
        await sql`INSERT INTO commissioning (commissioner_organisation_id, organisation_id) VALUES (${commissioner.id}, ${service.id})`.execute(tx);
      }
    });
  }

  const services = await db.inScope({ organisationId: serviceA.id, userId: null }, async (tx) => {
    const A = serviceA.id;
    const programme = await defaultProgramme(tx, A);
    await sql`INSERT INTO link_worker_capacity (organisation_id, user_id, capacity) VALUES (${A}, ${linkWorker1.userId}, 5)`.execute(tx);

    const provider = async (name: string) => {
      const id = randomUUID();
      await sql`INSERT INTO directory_organization (organisation_id, id, name) VALUES (${A}, ${id}, ${name})`.execute(tx);
      return id;
    };
    const walking = await provider('Leeds Walking Club');
    const advice = await provider('Citizens Advice Leeds');
    const ageUk = await provider('Age UK Leeds');
    const s = {
      S1: await insertDirectoryService(tx, A, walking, 'Walking group', { verified: '2026-09-01', needs: ['physical-activity'] }),
      S2: await insertDirectoryService(tx, A, advice, 'Money advice drop-in', { verified: '2026-03-30', needs: ['money-and-debt', 'benefits'] }),
      S3: await insertDirectoryService(tx, A, ageUk, 'Lunch club', { verified: null, needs: ['social-isolation'] }),
      S4: await insertDirectoryService(tx, A, walking, 'Poetry café', { verified: '2026-03-31' }),
      S5: await insertDirectoryService(tx, A, ageUk, 'Draft befriending', { verified: null, published: false }),
      S6: await insertDirectoryService(tx, A, ageUk, 'Old knitting circle', { verified: null, status: 'defunct' }),
    };

    const ref = (spec: ReferralSpec) => insertReferral(tx, A, programme, spec);
    const lw1 = linkWorker1;
    const lw2 = linkWorker2;
    const r1 = await ref({ key: 'R1', md: true, postcode: null, practice: practice1, received: '2026-04-06', linkWorker: lw1, firstContact: '2026-04-16', engaged: true });
    const r2 = await ref({ key: 'R2', md: true, postcode: 'LS1 4AB', practice: practice1, received: '2026-05-04', linkWorker: lw1, firstContact: '2026-05-24' });
    await ref({ key: 'R3', md: true, postcode: 'LS1 5CD', practice: practice2, received: '2026-06-01', declined: true });
    const r4 = await ref({ key: 'R4', md: false, postcode: 'LS1 6EF', practice: practice1, received: '2026-04-07', linkWorker: lw2, firstContact: '2026-04-09', engaged: true });
    const r5 = await ref({ key: 'R5', md: false, postcode: 'LS1 7GH', practice: practice1, received: '2026-04-14', linkWorker: lw2, firstContact: '2026-04-18', engaged: true });
    const r6 = await ref({ key: 'R6', md: false, postcode: 'LS2 8JK', practice: practice2, received: '2026-05-05', linkWorker: lw1, firstContact: '2026-05-11', engaged: true });
    const r7 = await ref({ key: 'R7', md: false, postcode: 'LS2 9LM', practice: practice2, received: '2026-06-02', linkWorker: lw2, allocated: '2026-06-03', firstContact: null });
    await ref({ key: 'R8', md: false, postcode: 'LS2 1NP', practice: null, received: '2026-07-01' });
    const r9 = await ref({ key: 'R9', md: false, postcode: 'LS1 2QR', practice: practice1, received: '2026-08-03', linkWorker: lw1, firstContact: '2026-08-11' });
    const r10 = await ref({ key: 'R10', md: true, postcode: 'LS1 3ST', practice: practice1, received: '2026-01-12', linkWorker: lw2, firstContact: '2026-01-14', engaged: true });

    const offer = (c: { caseId: string | null }, service: string, created: string, steps: OfferStep[], accompanied = false) => insertOffer(tx, A, c.caseId!, service, created, steps, accompanied);
    await offer(r1, s.S1, '2026-04-20', ['suggested', 'interested', 'introduced', 'attending'], true);
    await offer(r1, s.S2, '2026-04-21', ['suggested', 'declined']);
    await offer(r4, s.S1, '2026-04-22', ['suggested', 'interested', 'introduced', 'attending', 'completed']);
    await offer(r5, s.S3, '2026-05-01', ['suggested', 'interested', 'introduced', 'attending', 'stopped'], true);
    await offer(r6, s.S2, '2026-05-20', ['suggested', 'interested', 'introduced', 'declined']);
    await offer(r6, s.S4, '2026-05-21', ['suggested']);
    await offer(r9, s.S3, '2026-08-20', ['suggested', 'interested']);
    await offer(r10, s.S1, '2026-02-01', ['suggested', 'interested', 'introduced', 'attending']);

    const measure = (c: { caseId: string | null }, code: string, timepoint: string, on: string, scores: object | null) => insertMeasure(tx, A, c.caseId!, code, timepoint, on, scores);
    for (const [c, base, follow, baseOn, followOn] of [
      [r1, 3, 6, '2026-04-20', '2026-07-20'],
      [r2, 4, 4, '2026-05-25', '2026-08-25'],
      [r4, 5, 7, '2026-04-10', '2026-07-10'],
      [r5, 6, 5, '2026-04-20', '2026-09-30'],
      [r6, 5, 8, '2026-05-12', '2026-08-12'],
      [r7, 6, 10, '2026-06-05', '2026-10-15'],
      [r10, 2, 9, '2026-01-20', '2026-05-01'],
    ] as const) {
      await measure(c, 'ons4', 'baseline', baseOn, ons4Scores(base));
      await measure(c, 'ons4', c === r5 ? 'closure' : 'review', followOn, ons4Scores(follow));
    }
    // An earlier review of R1 (not its latest) and a declined follow-up of R2: neither changes a pair.
    await measure(r1, 'ons4', 'review', '2026-05-20', ons4Scores(1));
    await measure(r2, 'ons4', 'closure', '2026-09-01', null);
    await measure(r1, 'ndt', 'baseline', '2026-04-20', totalScores(30, 0, 48, 'lower-is-better'));
    await measure(r1, 'ndt', 'review', '2026-07-20', totalScores(22, 0, 48, 'lower-is-better'));
    await measure(r2, 'ndt', 'baseline', '2026-05-25', totalScores(25, 0, 48, 'lower-is-better'));
    await measure(r2, 'ndt', 'review', '2026-08-25', totalScores(27, 0, 48, 'lower-is-better'));

    for (const [c, before, after] of [[r1, 10, 4], [r4, 6, 5], [r5, 3, 3], [r6, 8, 2]] as const) {
      await sql`INSERT INTO gp_attendance (organisation_id, case_id, period, appointments, source) VALUES
                (${A}, ${c.caseId}, 'before', ${before}, 'entered'), (${A}, ${c.caseId}, 'after', ${after}, 'entered')`.execute(tx);
    }

    for (const [need, area, on] of [
      ['housing', 'LS1', '2026-04-02'], ['housing', 'LS1', '2026-05-02'], ['housing', 'LS1', '2026-06-02'],
      ['housing', 'LS2', '2026-04-03'], ['housing', 'LS2', '2026-07-03'],
      ['legal', 'LS1', '2026-08-04'], ['food', null, '2026-09-30'], ['food', 'LS1', '2026-02-01'],
    ] as const) {
      await sql`INSERT INTO unmet_need (organisation_id, need_code, area, recorded_on) VALUES (${A}, ${need}, ${area}, ${on})`.execute(tx);
    }
    return s;
  });

  await db.inScope({ organisationId: serviceB.id, userId: null }, async (tx) => {
    const programme = await defaultProgramme(tx, serviceB.id);
    await insertReferral(tx, serviceB.id, programme, { key: 'B1', md: false, postcode: 'LS9 1AA', practice: practice1, received: '2026-05-10' });
    await sql`INSERT INTO unmet_need (organisation_id, need_code, area, recorded_on) VALUES (${serviceB.id}, 'food', 'LS9', '2026-05-10')`.execute(tx);
  });

  return { serviceA, serviceB, practice1, practice2, teamLeadA, teamLeadB, commissionerC, commissionerD, linkWorker1, linkWorker2, services };
}

/** Builds a dashboard as `user` would see it: their report scope, resolved in their own scoped transaction. */
export async function dashboardFor(definition: DashboardDefinition, user: TestUser, filters: Partial<ReportFilters> = {}, scopeOverride?: (scope: ReportScope) => ReportScope) {
  const db = await testDatabase();
  return db.inScope({ organisationId: user.organisation.id, userId: user.userId }, async (tx) => {
    const resolved = await resolveReportScope(tx, user.ctx);
    const scope = scopeOverride ? scopeOverride(resolved) : resolved;
    return definition.build(tx, scope, { ...PERIOD, ...filters });
  });
}

/** A figure's table rows by id, for assertions. */
export function rowsOf(dashboard: { figures: { id: string; table: { rows: Record<string, unknown>[] } }[] }, figureId: string): Record<string, unknown>[] {
  const figure = dashboard.figures.find((f) => f.id === figureId);
  if (!figure) throw new Error(`No figure ${figureId}`);
  return figure.table.rows;
}
