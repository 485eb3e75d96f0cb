import { describe, expect, it } from 'vitest';
import { inProgress, parseQuarter, quarter, quarterOf, recentQuarters } from './quarter.js';

describe('financial quarters', () => {
  it('starts the year in April: Q1 is April to June, Q4 is January to March of the next year', () => {
    expect(quarter(2025, 1)).toEqual({ id: '2025-Q1', from: '2025-04-01', to: '2025-06-30', label: 'Q1 2025/26 (April to June 2025)' });
    expect(quarter(2025, 3)).toMatchObject({ from: '2025-10-01', to: '2025-12-31' });
    expect(quarter(2025, 4)).toEqual({ id: '2025-Q4', from: '2026-01-01', to: '2026-03-31', label: 'Q4 2025/26 (January to March 2026)' });
    expect(quarter(2099, 4).label).toBe('Q4 2099/00 (January to March 2100)');
  });

  it('finds the quarter of a day at its edges', () => {
    expect(quarterOf('2026-03-31').id).toBe('2025-Q4');
    expect(quarterOf('2026-04-01').id).toBe('2026-Q1');
    expect(quarterOf('2026-09-30').id).toBe('2026-Q2');
    expect(quarterOf('2026-12-31').id).toBe('2026-Q3');
  });

  it('offers the quarters that have ended, newest first, the last complete one as the default', () => {
    expect(recentQuarters('2026-11-26', 5).map((q) => q.id)).toEqual(['2026-Q2', '2026-Q1', '2025-Q4', '2025-Q3', '2025-Q2']);
    expect(recentQuarters('2026-04-01', 1)[0]!.id).toBe('2025-Q4');
    expect(recentQuarters('2026-11-26')).toHaveLength(8);
  });

  it('reads YYYY-QN and refuses a quarter that has not started, one before 2019, or anything else', () => {
    expect(parseQuarter(' 2025-q4 ', '2026-11-26')).toMatchObject({ id: '2025-Q4', from: '2026-01-01' });
    expect(parseQuarter('2026-Q4', '2026-11-26')).toEqual({ error: 'Q4 2026/27 (January to March 2027) has not started yet: choose a quarter that has' });
    expect(parseQuarter('2026-Q3', '2026-09-30')).toHaveProperty('error');
    expect(parseQuarter('2026-Q3', '2026-10-01')).toHaveProperty('id', '2026-Q3');
    expect(parseQuarter('2018-Q4', '2026-11-26')).toEqual({ error: 'Choose a quarter from 2019-Q1 onwards' });
    for (const bad of ['', '2025', '2025-Q5', '2025Q4', 'Q4-2025']) expect(parseQuarter(bad, '2026-11-26')).toHaveProperty('error');
  });

  it('knows a quarter in progress until its last day has passed', () => {
    expect(inProgress(quarter(2026, 3), '2026-12-31')).toBe(true);
    expect(inProgress(quarter(2026, 3), '2027-01-01')).toBe(false);
  });
});
