import { describe, expect, it } from 'vitest';
import { auditPolicy } from '../../features/audit/policy.js';
import { organisationPolicy } from '../../features/organisations/policy.js';
import { tokenPolicy } from '../../features/tokens/policy.js';
import { signInLinkRefusal, userPolicy } from '../../features/users/policy.js';
import { ROLES, type Role } from '../db/schema.js';
import { Forbidden } from '../errors.js';
import { authorize, can, type Policy } from './policy.js';

const actor = (platformAdmin = false) => ({ userId: 'u', label: 'u', platformAdmin });

/**
 * The whole permission table, written out so a reviewer can read who may do what. A new role or
 * action fails this test until the table says what it means.
 */
const TABLE: [Policy<string>, string, Role[]][] = [
  [userPolicy, 'list', ['admin', 'team-lead']],
  [userPolicy, 'add', ['admin']],
  [userPolicy, 'change-role', ['admin']],
  [userPolicy, 'deactivate', ['admin']],
  [userPolicy, 'reactivate', ['admin']],
  [userPolicy, 'issue-sign-in-link', ['admin']],
  [auditPolicy, 'browse', ['admin']],
  [auditPolicy, 'export', ['admin']],
  [tokenPolicy, 'create-own', [...ROLES]],
  [tokenPolicy, 'list-own', [...ROLES]],
  [tokenPolicy, 'revoke-own', [...ROLES]],
  [tokenPolicy, 'revoke-any', ['admin']],
  [organisationPolicy, 'view-own', [...ROLES]],
];

describe('permissions: role × action', () => {
  for (const [policy, action, allowed] of TABLE) {
    for (const role of ROLES) {
      const expected = allowed.includes(role);
      it(`${role} ${expected ? 'may' : 'may not'} ${action} ${policy.resource}`, () => {
        expect(can({ role, actor: actor() }, policy, action)).toBe(expected);
      });
    }
  }

  it('covers every action of every policy', () => {
    for (const policy of [userPolicy, auditPolicy, tokenPolicy, organisationPolicy] as Policy<string>[]) {
      const listed = TABLE.filter(([p]) => p === policy).map(([, action]) => action);
      const platformOnly = Object.entries(policy.rules).filter(([, rule]) => rule === 'platform').map(([a]) => a);
      expect([...listed, ...platformOnly].sort()).toEqual(Object.keys(policy.rules).sort());
    }
  });

  it('reserves adding organisations to platform administrators, whatever their role', () => {
    for (const role of ROLES) {
      expect(can({ role, actor: actor(false) }, organisationPolicy, 'add')).toBe(false);
      expect(can({ role, actor: actor(true) }, organisationPolicy, 'add')).toBe(true);
    }
  });

  it('authorize throws Forbidden naming the role and action', () => {
    expect(() => authorize({ role: 'referrer', actor: actor() }, userPolicy, 'change-role')).toThrow(Forbidden);
    expect(() => authorize({ role: 'referrer', actor: actor() }, userPolicy, 'change-role')).toThrow(/referrer.*change role users/);
  });
});

describe('who may issue a new sign-in link', () => {
  it.each([
    [{ hasPassword: true, otherOrganisations: 0 }, false, true],
    [{ hasPassword: false, otherOrganisations: 2 }, false, true],
    [{ hasPassword: true, otherOrganisations: 1 }, false, false],
    [{ hasPassword: true, otherOrganisations: 1 }, true, true],
  ])('%j, platform admin %s → allowed %s', (account, platformAdmin, allowed) => {
    expect(signInLinkRefusal(account, platformAdmin) === null).toBe(allowed);
  });
});
