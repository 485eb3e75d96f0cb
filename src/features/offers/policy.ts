import { definePolicy } from '../../platform/auth/policy.js';

/**
 * Offers belong to casework: the service's link workers and team leads see a case's offers; team
 * leads may move any offer on, a link worker the offers of cases allocated to them.
 */
export const offerPolicy = definePolicy('offers', {
  view: ['team-lead', 'link-worker'],
  'change-any': ['team-lead'],
  'change-own': ['link-worker'],
});

/**
 * Introductions, the provider's side: an activity provider's staff see the introductions addressed
 * to their organisation, answer them and record attendance. Nobody else uses the inbox.
 */
export const introductionPolicy = definePolicy('introductions', {
  inbox: ['provider'],
  respond: ['provider'],
});
