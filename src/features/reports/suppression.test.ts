import { describe, expect, it } from 'vitest';
import { shownCount, shownPercent, shownStatistic } from './suppression.js';

describe('small-number suppression', () => {
  it('hides counts of 1 to 4 from commissioners, and shows 0 and 5 upwards', () => {
    expect([0, 1, 4, 5, 120].map((n) => shownCount(n, true))).toEqual([0, null, null, 5, 120]);
  });

  it('shows every count to the service itself', () => {
    expect([0, 1, 4].map((n) => shownCount(n, false))).toEqual([0, 1, 4]);
  });

  it('hides a statistic computed from fewer than 5 people, so a rate cannot reveal its count', () => {
    expect(shownStatistic(12.5, 4, true)).toBeNull();
    expect(shownStatistic(12.5, 5, true)).toBe(12.5);
    expect(shownPercent(1, 4, true)).toBeNull();
    expect(shownPercent(3, 8, true)).toBe(37.5);
  });

  it('has no percentage or statistic without a base', () => {
    expect(shownPercent(0, 0, false)).toBeNull();
    expect(shownStatistic(null, 10, false)).toBeNull();
  });
});
