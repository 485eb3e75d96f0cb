import { definePolicy } from '../../platform/auth/policy.js';

/** The needs taxonomy is shared by every organisation, so only platform administrators curate it. */
export const needPolicy = definePolicy('the needs list', {
  list: 'platform',
  add: 'platform',
  rename: 'platform',
  deactivate: 'platform',
  reactivate: 'platform',
});
