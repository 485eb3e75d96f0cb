import { describe, expect, it } from 'vitest';
import { pairedChange, type ScoredObservation } from './paired.js';

const obs = (personId: string, timepoint: ScoredObservation['timepoint'], completedOn: string, value: number): ScoredObservation => ({
  personId,
  timepoint,
  completedOn,
  value,
});

describe('pairedChange', () => {
  it('pairs each person’s baseline with their latest follow-up, and gives n with the means', () => {
    const result = pairedChange(
      [
        obs('a', 'baseline', '2026-01-10', 20),
        obs('a', 'review', '2026-03-10', 22),
        obs('a', 'closure', '2026-06-10', 26),
        obs('b', 'baseline', '2026-02-01', 30),
        obs('b', 'closure', '2026-05-01', 27),
      ],
      'higher-is-better',
    );
    expect(result).toEqual({ n: 2, baselineOnly: 0, baselineMean: 25, followUpMean: 26.5, meanChange: 1.5, improved: 1, unchanged: 0, worsened: 1 });
  });

  it('leaves out people with no follow-up, counting them apart, and people with no baseline', () => {
    const result = pairedChange(
      [obs('a', 'baseline', '2026-01-10', 20), obs('b', 'review', '2026-03-10', 5), obs('c', 'baseline', '2026-01-01', 10), obs('c', 'review', '2026-02-01', 10)],
      'higher-is-better',
    );
    expect(result).toMatchObject({ n: 1, baselineOnly: 1, meanChange: 0, unchanged: 1, improved: 0, worsened: 0 });
  });

  it('counts a fall as improvement when lower is better (NDT, UCLA-3, ONS anxiety)', () => {
    const result = pairedChange([obs('a', 'baseline', '2026-01-10', 30), obs('a', 'closure', '2026-04-10', 18)], 'lower-is-better');
    expect(result).toMatchObject({ n: 1, meanChange: -12, improved: 1, worsened: 0 });
  });

  it('uses the earliest baseline and ignores a follow-up dated before it, whatever order rows arrive in', () => {
    const result = pairedChange(
      [obs('a', 'review', '2026-01-01', 1), obs('a', 'baseline', '2026-03-01', 10), obs('a', 'baseline', '2026-02-01', 8), obs('a', 'review', '2026-04-01', 9)],
      'higher-is-better',
    );
    expect(result).toMatchObject({ n: 1, baselineMean: 8, followUpMean: 9, meanChange: 1 });
  });

  it('is empty, not zero, with no pairs', () => {
    expect(pairedChange([], 'higher-is-better')).toEqual({ n: 0, baselineOnly: 0, baselineMean: null, followUpMean: null, meanChange: null, improved: 0, unchanged: 0, worsened: 0 });
  });
});
