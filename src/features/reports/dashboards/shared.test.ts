import { describe, expect, it } from 'vitest';
import type { ReportScope } from '../model.js';
import { monthsOf } from './shared.js';
import { of, percent, statistic } from './wording.js';

const commissioner: ReportScope = { organisationId: 'c', userId: null, services: [], suppress: true };
const service: ReportScope = { ...commissioner, suppress: false };

describe('dashboard helpers', () => {
  it('lists every month the period touches, across a year end', () => {
    expect(monthsOf({ from: '2025-11-27', to: '2026-02-01' })).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthsOf({ from: '2026-03-05', to: '2026-03-09' })).toEqual(['2026-03']);
  });

  it('says "no data" for a rate or statistic with no one behind it, and suppresses small bases for commissioners', () => {
    expect(percent(0, 0, service)).toBe('no data');
    expect(percent(3, 4, commissioner)).toBeNull();
    expect(percent(3, 4, service)).toBe(75);
    expect(statistic(null, 0, service)).toBe('no data');
    expect(statistic(6.44, 5, commissioner)).toBe(6.4);
    expect(statistic(6.44, 4, commissioner)).toBeNull();
  });

  it('writes the base of a headline, suppressed when small', () => {
    expect(of(1204, 'referrals', service)).toBe('of 1,204 referrals');
    expect(of(3, 'referrals', commissioner)).toBe('of fewer than 5 referrals');
  });
});
