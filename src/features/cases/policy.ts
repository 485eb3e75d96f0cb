import { definePolicy } from '../../platform/auth/policy.js';

/**
 * A case is seen by the service's link workers and team leads. Administrators manage people, not
 * casework; referrers, providers and commissioners never see a case. A link worker works on the cases
 * allocated to them (the service checks whose it is); a team lead on any. Notes marked sensitive are
 * for the allocated link worker and team leads only. Programme settings are the service's rules:
 * administrators and team leads set them.
 */
export const casePolicy = definePolicy('cases', {
  view: ['team-lead', 'link-worker'],
  work: ['team-lead', 'link-worker'],
  'see-all-sensitive': ['team-lead'],
  'manage-team': ['team-lead'],
  'edit-settings': ['admin', 'team-lead'],
});
