import { definePolicy } from '../../platform/auth/policy.js';

export const userPolicy = definePolicy('users', {
  list: ['admin', 'team-lead'],
  add: ['admin'],
  'change-role': ['admin'],
  deactivate: ['admin'],
  reactivate: ['admin'],
});
