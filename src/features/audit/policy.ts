import { definePolicy } from '../../platform/auth/policy.js';

export const auditPolicy = definePolicy('the audit trail', {
  browse: ['admin'],
  export: ['admin'],
});
