import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Database } from '../../src/platform/db/database.js';
import type { Organisation, ReferralStatus } from '../../src/platform/db/schema.js';
import { buildOrganisation, buildUser, testServices, unique, type TestUser } from './factories.js';

/**
 * A small hand-made reporting world with known answers (see src/features/reports/dashboards/
 * dashboards.int.test.ts): one commissioned service with 11 referrals, written straight into its
 * tables in its own scope so their dates are fixed; a second service with one referral that its
 * commissioner does not commission. Periods: the referrals fall in Dec 2025 to Feb 2026, three are
 * waiting now (received 3 days, 20 days and since 3 Feb 2026 ago).
 */
export interface ReportWorld {
  service: Organisation;
  otherService: Organisation;
  practice: Organisation;
  otherPractice: Organisation;
  commissionerOrg: Organisation;
  commissioner: TestUser;
  teamLead: TestUser;
  linkWorker: TestUser;
  admin: TestUser;
  /** A referral of the commissioned service, to try direct reads with. */
  referralId: string;
  personId: string;
  caseId: string;
}

export interface Row {
  /** A day (at 10:00 UTC), an exact instant (ISO with a time), or `now-N` for N days ago. */
  received: string;
  source: 'practice' | 'otherPractice' | 'vcse' | 'self';
  needs: string[];
  md: boolean;
  status: ReferralStatus;
  closedReason?: string;
  /** A case: days after receipt of the first contact (null for none), engaged, an offer, and a closure. */
  case?: {
    firstContactAfter: number | null;
    engaged?: boolean;
    offer?: { introducedOn: string; accompanied: boolean; attended: boolean };
    closed?: { on: string; reason: string };
  };
}

const ROWS: Row[] = [
  { received: '2026-01-05', source: 'practice', needs: ['social-isolation'], md: false, status: 'engaged', case: { firstContactAfter: 3, engaged: true, offer: { introducedOn: '2026-02-01', accompanied: true, attended: true } } },
  { received: '2026-01-10', source: 'practice', needs: ['social-isolation', 'money-and-debt'], md: true, status: 'engaged', case: { firstContactAfter: 5, engaged: true, offer: { introducedOn: '2026-02-02', accompanied: false, attended: false } } },
  { received: '2026-01-15', source: 'practice', needs: ['money-and-debt'], md: false, status: 'first-contact', case: { firstContactAfter: 10 } },
  { received: '2026-01-20', source: 'self', needs: ['social-isolation'], md: false, status: 'engaged', case: { firstContactAfter: 7, engaged: true, offer: { introducedOn: '2026-01-25', accompanied: true, attended: true } } },
  { received: '2026-01-25', source: 'self', needs: ['homelessness'], md: true, status: 'closed', closedReason: 'person-declined' },
  { received: '2026-01-28', source: 'otherPractice', needs: ['social-isolation'], md: false, status: 'closed', closedReason: 'unable-to-contact' },
  { received: '2026-02-03', source: 'vcse', needs: ['money-and-debt'], md: false, status: 'received' },
  { received: '2026-02-14', source: 'practice', needs: ['social-isolation'], md: true, status: 'closed', closedReason: 'completed', case: { firstContactAfter: 20, closed: { on: '2026-03-10', reason: 'goals-met' } } },
  { received: '2025-12-20', source: 'practice', needs: ['bereavement'], md: false, status: 'closed', closedReason: 'person-declined', case: { firstContactAfter: 2, closed: { on: '2026-01-15', reason: 'person-chose-to-stop' } } },
  { received: 'now-3', source: 'practice', needs: ['food'], md: false, status: 'received' },
  { received: 'now-20', source: 'self', needs: ['food'], md: false, status: 'accepted', case: { firstContactAfter: null } },
];

const at = (day: string) => new Date(`${day}T10:00:00Z`);
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);
const addDays = (day: Date, days: number) => new Date(day.getTime() + days * 86_400_000).toISOString().slice(0, 10);

export async function buildReportWorld(): Promise<ReportWorld> {
  const s = await testServices();
  const service = await buildOrganisation({ type: 'sp-service' });
  const otherService = await buildOrganisation({ type: 'sp-service' });
  const practice = await buildOrganisation({ type: 'gp-practice' });
  const otherPractice = await buildOrganisation({ type: 'gp-practice' });
  const vcse = await buildOrganisation({ type: 'vcse' });
  const commissionerOrg = await buildOrganisation({ type: 'commissioner' });
  const sources = { practice: practice.id, otherPractice: otherPractice.id, vcse: vcse.id, self: null };

  const ids = await insertReferrals(service, ROWS, sources);
  await insertReferrals(otherService, [{ received: '2026-01-07', source: 'practice', needs: ['food'], md: false, status: 'received' }], sources);
  await s.db.inScope({ organisationId: commissionerOrg.id, userId: null }, (tx) =>
    tx.insertInto('commissioning').values({ commissionerOrganisationId: commissionerOrg.id, organisationId: service.id }).execute(),
  );
  return {
    service,
    otherService,
    practice,
    otherPractice,
    commissionerOrg,
    commissioner: await buildUser(commissionerOrg, 'commissioner'),
    teamLead: await buildUser(service, 'team-lead'),
    linkWorker: await buildUser(service, 'link-worker'),
    admin: await buildUser(service, 'admin'),
    referralId: ids.referralId,
    personId: ids.personId,
    caseId: ids.caseId!,
  };
}

export async function insertReferrals(service: Organisation, rows: Row[], sources: Record<Row['source'], string | null>) {
  const s = await testServices();
  return s.db.inScope({ organisationId: service.id, userId: null }, async (tx) => {
    const organisationId = service.id;
    const { id: programmeId } = await tx.selectFrom('programme').select('id').where('organisationId', '=', organisationId).executeTakeFirstOrThrow();
    let first: { referralId: string; personId: string; caseId: string | null } | undefined;
    for (const [i, row] of rows.entries()) {
      const received = row.received.startsWith('now-') ? daysAgo(Number(row.received.slice(4))) : row.received.includes('T') ? new Date(row.received) : at(row.received);
      const personId = randomUUID();
      const referralId = randomUUID();
      const caseId = row.case ? randomUUID() : null;
      await tx
        .insertInto('person')
        .values({ organisationId, id: personId, givenName: `Synthetic${i}`, familyName: 'Person', dateOfBirth: '1970-06-01', postcode: 'BS5 6XX', noFixedAbode: false, safeToLeaveMessage: false, preferredContact: 'phone' })
        .execute();
      await tx
        .insertInto('referral')
        .values({
          organisationId,
          id: referralId,
          reference: unique('RPT').toUpperCase(),
          programmeId,
          personId,
          sourceType: row.source === 'self' ? 'self' : 'professional',
          sourceOrganisationId: sources[row.source],
          reason: 'Synthetic referral for a reporting test',
          urgency: 'routine',
          needs: row.needs,
          multipleDisadvantage: row.md ? ['homelessness'] : [],
          consentGiven: true,
          consentBy: 'person',
          consentMethod: 'verbal',
          consentAt: received,
          status: row.status,
          closedReason: row.closedReason ?? null,
          caseId,
          createdAt: received,
          statusChangedAt: received,
        })
        .execute();
      first ??= { referralId, personId, caseId };
      if (!row.case || !caseId) continue;
      const c = row.case;
      await tx
        .insertInto('supportCase')
        .values({
          organisationId,
          id: caseId,
          programmeId,
          personId,
          referralId,
          status: c.closed ? 'closed' : 'open',
          multipleDisadvantage: row.md,
          openedAt: received,
          firstContactOn: c.firstContactAfter === null ? null : addDays(received, c.firstContactAfter),
          closedAt: c.closed ? at(c.closed.on) : null,
          closedReason: c.closed?.reason ?? null,
        })
        .execute();
      if (c.engaged) {
        await tx
          .insertInto('referralEvent')
          .values({ organisationId, referralId, action: 'record-engaged', fromStatus: 'first-contact', toStatus: 'engaged', actorLabel: 'test', occurredAt: received })
          .execute();
      }
      if (c.offer) {
        const offerId = randomUUID();
        const state = c.offer.attended ? 'attending' : 'declined';
        await tx
          .insertInto('offer')
          .values({ organisationId, id: offerId, caseId, directoryServiceId: randomUUID(), serviceName: 'Walking group', state, accompanied: c.offer.accompanied })
          .execute();
        for (const [fromState, toState] of [['interested', 'introduced'], ['introduced', state]] as const) {
          await tx
            .insertInto('offerEvent')
            .values({ organisationId, offerId, kind: 'transition', fromState, toState, accompanied: false, occurredAt: at(c.offer.introducedOn), actorLabel: 'test' })
            .execute();
        }
      }
    }
    return first!;
  });
}

/**
 * The report facts of one organisation that differ from its records, worked out again from the
 * report_* views with the definitions the dashboards used before the facts existed: an empty list
 * means the triggers kept every fact in step with whatever wrote the records.
 */
export async function factDisagreements(db: Database, organisationId: string): Promise<unknown[]> {
  return db.inScope({ organisationId, userId: null }, async (tx) => {
    const referrals = await sql<Record<string, unknown>>`
      WITH expected AS (
        SELECT r.organisation_id, r.id AS referral_id, r.received_at, r.source_type, r.source_organisation_id, r.urgency, r.needs,
               r.status, r.closed_reason, r.postcode_district, r.no_fixed_abode, r.age_band, r.multiple_disadvantage AS referral_md,
               c.id AS case_id, c.status AS case_status, c.multiple_disadvantage AS case_md, c.allocated_at, c.first_contact_on,
               c.first_contact_on - (r.received_at AT TIME ZONE 'Europe/London')::date AS days_to_first_contact,
               c.closed_at AS case_closed_at, c.closed_reason AS case_closed_reason,
               EXISTS (SELECT 1 FROM report_referral_event e WHERE e.organisation_id = r.organisation_id AND e.referral_id = r.id AND e.to_status = 'engaged') AS engaged,
               EXISTS (SELECT 1 FROM report_offer o JOIN report_offer_event v ON v.organisation_id = o.organisation_id AND v.offer_id = o.id
                        WHERE o.organisation_id = c.organisation_id AND o.case_id = c.id AND v.to_state IN ('attending', 'completed')) AS connected,
               coalesce(c.multiple_disadvantage, r.multiple_disadvantage) AS md
          FROM report_referral r
          LEFT JOIN report_case c ON c.organisation_id = r.organisation_id AND c.id = r.case_id
         WHERE r.organisation_id = ${organisationId}::uuid
      ),
      fact AS (
        SELECT organisation_id, referral_id, received_at, source_type, source_organisation_id, urgency, needs, status, closed_reason,
               postcode_district, no_fixed_abode, age_band, referral_md, case_id, case_status, case_md, allocated_at, first_contact_on,
               days_to_first_contact, case_closed_at, case_closed_reason, engaged, connected, md
          FROM report_referral_fact WHERE organisation_id = ${organisationId}::uuid
      )
      (SELECT 'missing or stale' AS problem, * FROM (SELECT * FROM expected EXCEPT SELECT * FROM fact) a)
      UNION ALL
      (SELECT 'unexpected' AS problem, * FROM (SELECT * FROM fact EXCEPT SELECT * FROM expected) b)`.execute(tx);
    const offers = await sql<Record<string, unknown>>`
      WITH expected AS (
        SELECT o.organisation_id, o.id AS offer_id, o.case_id, c.referral_id, r.source_organisation_id, c.multiple_disadvantage AS md,
               o.directory_service_id, o.state, o.accompanied, o.created_at,
               EXISTS (SELECT 1 FROM report_offer_event v WHERE v.organisation_id = o.organisation_id AND v.offer_id = o.id AND v.to_state = 'interested') AS interested,
               EXISTS (SELECT 1 FROM report_offer_event v WHERE v.organisation_id = o.organisation_id AND v.offer_id = o.id AND v.to_state = 'introduced') AS introduced,
               EXISTS (SELECT 1 FROM report_offer_event v WHERE v.organisation_id = o.organisation_id AND v.offer_id = o.id AND v.to_state IN ('attending', 'completed')) AS went,
               ARRAY(SELECT v.occurred_at FROM report_offer_event v
                      WHERE v.organisation_id = o.organisation_id AND v.offer_id = o.id AND v.kind = 'transition' AND v.to_state = 'introduced'
                      ORDER BY v.occurred_at) AS introduced_at
          FROM report_offer o
          JOIN report_case c ON c.organisation_id = o.organisation_id AND c.id = o.case_id
          JOIN report_referral r ON r.organisation_id = c.organisation_id AND r.id = c.referral_id
         WHERE o.organisation_id = ${organisationId}::uuid
      ),
      fact AS (
        SELECT organisation_id, offer_id, case_id, referral_id, source_organisation_id, md, directory_service_id, state, accompanied,
               created_at, interested, introduced, went, introduced_at
          FROM report_offer_fact WHERE organisation_id = ${organisationId}::uuid
      )
      (SELECT 'missing or stale' AS problem, * FROM (SELECT * FROM expected EXCEPT SELECT * FROM fact) a)
      UNION ALL
      (SELECT 'unexpected' AS problem, * FROM (SELECT * FROM fact EXCEPT SELECT * FROM expected) b)`.execute(tx);
    return [...referrals.rows, ...offers.rows];
  });
}
