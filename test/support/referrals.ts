import type { ReferralRequest } from '../../src/features/referrals/service.js';
import type { Organisation } from '../../src/platform/db/schema.js';
import { buildOrganisation, buildUser, type TestUser } from './factories.js';

/** A social prescribing service with a team lead and a link worker, and a GP practice with a referrer. */
export async function buildReferralWorld(): Promise<{
  service: Organisation;
  practice: Organisation;
  teamLead: TestUser;
  linkWorker: TestUser;
  referrer: TestUser;
}> {
  const service = await buildOrganisation({ type: 'sp-service' });
  const practice = await buildOrganisation({ type: 'gp-practice' });
  return {
    service,
    practice,
    teamLead: await buildUser(service, 'team-lead'),
    linkWorker: await buildUser(service, 'link-worker'),
    referrer: await buildUser(practice, 'referrer'),
  };
}

/** Fictional, with an NHS number from the 999 test range. */
export function referralFor(service: Organisation, overrides: Partial<ReferralRequest> = {}): ReferralRequest {
  return {
    toOrganisation: service.slug,
    person: {
      givenName: 'Sam',
      familyName: 'Taylor',
      dateOfBirth: '1980-02-29',
      nhsNumber: '9990000018',
      postcode: 'BS5 6XX',
      phone: '07700900123',
      safeToLeaveMessage: false,
      preferredContact: 'phone',
    },
    reason: 'Lonely since bereavement; behind on rent',
    needs: ['social-isolation', 'money-and-debt'],
    multipleDisadvantage: ['homelessness'],
    consent: { given: true },
    urgency: 'routine',
    ...overrides,
  };
}
