import { describe, expect, it } from 'vitest';
import { can } from '../../platform/auth/policy.js';
import { ROLES, type Role } from '../../platform/db/schema.js';
import { introductionPolicy, offerPolicy } from './policy.js';

const who = (role: Role) => ({ role, actor: { userId: 'u', label: 'u', platformAdmin: false } });
const allowed = <A extends string>(policy: Parameters<typeof can<A>>[1], action: A) => ROLES.filter((role) => can(who(role), policy, action));

describe('who may do what with offers and introductions', () => {
  it('keeps offers to the service’s link workers and team leads', () => {
    expect(allowed(offerPolicy, 'view')).toEqual(['team-lead', 'link-worker']);
    expect(allowed(offerPolicy, 'change-any')).toEqual(['team-lead']);
    expect(allowed(offerPolicy, 'change-own')).toEqual(['link-worker']);
  });

  it('gives the introductions inbox to providers only: never referrers, commissioners or administrators', () => {
    expect(allowed(introductionPolicy, 'inbox')).toEqual(['provider']);
    expect(allowed(introductionPolicy, 'respond')).toEqual(['provider']);
  });
});
