import { definePolicy } from '../../platform/auth/policy.js';

/**
 * Referrers make referrals and see only their organisation's neutral receipts. The receiving
 * service's team leads triage; its link workers see the programme's referrals and move on the ones
 * allocated to them. Administrators manage people, not casework, so they see none of it.
 */
export const referralPolicy = definePolicy('referrals', {
  create: ['referrer', 'team-lead', 'link-worker'],
  'list-sent': ['referrer', 'team-lead', 'link-worker', 'admin'],
  'view-service': ['team-lead', 'link-worker'],
  triage: ['team-lead'],
  'progress-any': ['team-lead'],
  'progress-own': ['link-worker'],
  'edit-needs': 'platform',
});
