import { ANY_ROLE, definePolicy } from '../../platform/auth/policy.js';

export const organisationPolicy = definePolicy('organisations', {
  add: 'platform',
  'list-all': 'platform',
  commission: 'platform',
  'view-own': ANY_ROLE,
});
