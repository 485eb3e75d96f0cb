import { describe, expect, it } from 'vitest';
import { can } from '../../platform/auth/policy.js';
import { ROLES, type Role } from '../../platform/db/schema.js';
import { directoryPolicy } from './policy.js';

/** Who may use the link worker's view of the directory, written out in full. */
const TABLE: [keyof typeof directoryPolicy.rules, Role[]][] = [
  ['search', ['admin', 'team-lead', 'link-worker', 'referrer', 'provider']],
  ['view', ['admin', 'team-lead', 'link-worker', 'referrer', 'provider']],
  ['record-unmet-need', ['team-lead', 'link-worker']],
];

describe('directory permissions: role × action', () => {
  for (const [action, allowed] of TABLE) {
    for (const role of ROLES) {
      const expected = allowed.includes(role);
      it(`${role} ${expected ? 'may' : 'may not'} ${action}`, () => {
        expect(can({ role, actor: { userId: 'u', label: 'u', platformAdmin: false } }, directoryPolicy, action)).toBe(expected);
      });
    }
  }
});
