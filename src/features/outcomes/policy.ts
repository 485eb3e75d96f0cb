import { definePolicy } from '../../platform/auth/policy.js';

/**
 * Measure definitions and the scoring preview hold no personal data: the service's staff use them to
 * record, administrators to configure and try measures they add, and commissioners to see exactly
 * what the service measures and how it is scored. Referrers and providers have no use for them.
 *
 * Measure records and GP attendance are part of a person's case: the service's link workers and team
 * leads (as for every case page). Administrators manage measures and programme settings, not
 * casework, and the outcomes export is pseudonymised and runs from the command line as an
 * administrator.
 */
export const outcomePolicy = definePolicy('outcome measures', {
  'use-definitions': ['link-worker', 'team-lead', 'admin', 'commissioner'],
  record: ['link-worker', 'team-lead'],
  'view-records': ['link-worker', 'team-lead'],
  define: ['admin'],
  configure: ['admin'],
  export: ['admin'],
});
