import { definePolicy } from '../../platform/auth/policy.js';

/**
 * Reports hold numbers, never people. Commissioners see the services they commission; a social
 * prescribing service's administrators and team leads see their own. Link workers work from their
 * caseload, not from dashboards; referrers and providers have no reports here. The team dashboard
 * names link workers and their load, so it is for team leads (and administrators) of the service
 * only, never commissioners. The SNOMED extract lists people by NHS number for their GP practice, so it
 * is for the service's administrators and team leads only.
 */
export const reportPolicy = definePolicy('reports', {
  view: ['commissioner', 'admin', 'team-lead'],
  'view-team': ['admin', 'team-lead'],
  'quarterly-return': ['commissioner', 'admin', 'team-lead'],
  'snomed-extract': ['admin', 'team-lead'],
});
