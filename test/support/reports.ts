import { randomUUID } from 'node:crypto';
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

interface Row {
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

async function insertReferrals(service: Organisation, rows: Row[], sources: Record<Row['source'], string | null>) {
  const s = await testServices();
  return s.db.inScope({ organisationId: service.id, userId: null }, async (tx) => {
    const organisationId = service.id;
    const { id: programmeId } = await tx.selectFrom('programme').select('id').where('organisationId', '=', organisationId).executeTakeFirstOrThrow();
    let first: { referralId: string; personId: string; caseId: string | null } | undefined;
    for (const [i, row] of rows.entries()) {
      const received = row.received.startsWith('now-') ? daysAgo(Number(row.received.slice(4))) : at(row.received);
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
