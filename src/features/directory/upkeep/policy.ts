import { definePolicy } from '../../../platform/auth/policy.js';

/**
 * Providers (the provider role in the organisation that runs a service) keep their own directory
 * entries up to date; which entries are theirs is checked per service in the service layer. The
 * curating organisation's team leads and administrators decide on providers' changes and on
 * whether those changes need approval at all.
 */
export const upkeepPolicy = definePolicy('directory entries', {
  maintain: ['provider'],
  curate: ['team-lead', 'admin'],
  'change-settings': ['team-lead', 'admin'],
});
