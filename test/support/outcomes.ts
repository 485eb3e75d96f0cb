import { randomBytes } from 'node:crypto';
import { systemContext, type RequestContext } from '../../src/platform/context.js';
import type { Organisation, Role } from '../../src/platform/db/schema.js';
import type { Services } from '../../src/services.js';
import { referralFor } from './referrals.js';

/**
 * An accepted referral (an open case for Sam Taylor, in the multiple-disadvantage cohort) built on
 * any services, e.g. a CLI test's own embedded database rather than the shared test database.
 */
export async function buildTestReferral(services: Services, options: { nhsNumber?: string } = {}) {
  const actor = { userId: null, label: 'test', platformAdmin: true };
  const suffix = randomBytes(4).toString('hex');
  const service = await services.organisations.add(actor, null, { slug: `sp-${suffix}`, name: `Service ${suffix}`, type: 'sp-service' });
  const practice = await services.organisations.add(actor, null, { slug: `gp-${suffix}`, name: `Practice ${suffix}`, type: 'gp-practice' });
  const member = async (organisation: Organisation, role: Role): Promise<RequestContext> => {
    const email = `${role}-${suffix}@example.org`;
    const { userId } = await services.users.add(systemContext(organisation.id, 'test'), { email, name: `Test ${role}`, role, password: 'correct-horse-battery-staple' }, { allowExistingAccount: false });
    return { requestId: null, organisationId: organisation.id, role, actor: { userId, label: userId, platformAdmin: false } };
  };
  const referrer = await member(practice, 'referrer');
  const teamLead = await member(service, 'team-lead');
  const linkWorker = await member(service, 'link-worker');
  const admin = await member(service, 'admin');
  const referral = referralFor(service);
  if (options.nhsNumber) referral.person = { ...referral.person, nhsNumber: options.nhsNumber };
  const { receipt } = await services.referrals.refer(referrer, referral);
  const accepted = await services.referrals.act(teamLead, receipt.id, 'accept');
  const programme = await services.db.inScope({ organisationId: service.id, userId: null }, (tx) =>
    tx.selectFrom('programme').select('id').where('organisationId', '=', service.id).executeTakeFirstOrThrow(),
  );
  return { service, admin, teamLead, linkWorker, caseId: accepted.caseId!, personId: accepted.person.id, programmeId: programme.id };
}
