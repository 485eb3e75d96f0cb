import { definePolicy } from '../../platform/auth/policy.js';

/**
 * A case is seen by the service's link workers and team leads. Administrators manage people, not
 * casework; referrers, providers and commissioners never see a case.
 */
export const casePolicy = definePolicy('cases', {
  view: ['team-lead', 'link-worker'],
});
