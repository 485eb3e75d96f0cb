import { definePolicy } from '../../platform/auth/policy.js';

export const userPolicy = definePolicy('users', {
  list: ['admin', 'team-lead'],
  add: ['admin'],
  'change-role': ['admin'],
  deactivate: ['admin'],
  reactivate: ['admin'],
  'issue-sign-in-link': ['admin'],
});

/**
 * A new sign-in link lets whoever holds it set the account's password, and the account may also open
 * other organisations' records. So an organisation's administrator may issue one only for accounts
 * that work for nobody else, or have never set a password; anything wider needs a platform administrator.
 */
export function signInLinkRefusal(account: { hasPassword: boolean; otherOrganisations: number }, actorIsPlatformAdmin: boolean): string | null {
  if (actorIsPlatformAdmin || !account.hasPassword || account.otherOrganisations === 0) return null;
  return 'This person also works for another organisation, so only a platform administrator can send them a new sign-in link';
}
