import { ANY_ROLE, definePolicy } from '../../platform/auth/policy.js';

export const tokenPolicy = definePolicy('API tokens', {
  'create-own': ANY_ROLE,
  'list-own': ANY_ROLE,
  'revoke-own': ANY_ROLE,
  'revoke-any': ['admin'],
});
