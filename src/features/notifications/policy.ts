import { definePolicy } from '../../platform/auth/policy.js';

/** The outbox holds addresses and message text: only the organisation's administrators read it. */
export const outboxPolicy = definePolicy('the message outbox', {
  list: ['admin'],
  'view-message': ['admin'],
});
