import { definePolicy } from '../../platform/auth/policy.js';

/**
 * The community directory, as the people who use it to find support see it. Link workers and team
 * leads search it every day; referrers and providers look things up; administrators check it.
 * Commissioners see unmet needs in aggregate reports, not the search. Recording an unmet need (a
 * need and an area, never a person) is for the people doing the searching for someone.
 */
export const directoryPolicy = definePolicy('the community directory', {
  search: ['link-worker', 'team-lead', 'admin', 'provider', 'referrer'],
  view: ['link-worker', 'team-lead', 'admin', 'provider', 'referrer'],
  'record-unmet-need': ['link-worker', 'team-lead'],
});
