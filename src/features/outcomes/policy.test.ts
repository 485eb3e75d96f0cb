import { describe, expect, it } from 'vitest';
import { can } from '../../platform/auth/policy.js';
import { ROLES, type Role } from '../../platform/db/schema.js';
import { outcomePolicy } from './policy.js';

/** Who may do what with outcome measures, written out in full. */
const TABLE: [keyof typeof outcomePolicy.rules, Role[]][] = [
  ['use-definitions', ['admin', 'team-lead', 'link-worker', 'commissioner']],
  ['record', ['team-lead', 'link-worker']],
  ['view-records', ['team-lead', 'link-worker']],
  ['define', ['admin']],
  ['configure', ['admin']],
  ['export', ['admin']],
];

describe('outcome measure permissions: role × action', () => {
  it('covers every action', () => {
    expect(TABLE.map(([action]) => action).sort()).toEqual(Object.keys(outcomePolicy.rules).sort());
  });
  for (const [action, allowed] of TABLE) {
    for (const role of ROLES) {
      const expected = allowed.includes(role);
      it(`${role} ${expected ? 'may' : 'may not'} ${action}`, () => {
        expect(can({ role, actor: { userId: 'u', label: 'u', platformAdmin: false } }, outcomePolicy, action)).toBe(expected);
      });
    }
  }
});
