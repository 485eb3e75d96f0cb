import { describe, expect, it } from 'vitest';
import { improvedCount } from './pairs.js';
import { REPORTED_SCORES } from './outcomes.js';

describe('reported scores and improvement', () => {
  it('counts a rise as improvement when higher is better, and a fall when lower is better', () => {
    expect(improvedCount('higher-is-better', 7, 2)).toBe(7);
    expect(improvedCount('lower-is-better', 7, 2)).toBe(2);
  });

  it('reports the four ONS4 items apart and each measure in its own direction', () => {
    expect(REPORTED_SCORES.map((s) => [s.measure, s.key, s.direction])).toEqual([
      ['ons4', 'life-satisfaction', 'higher-is-better'],
      ['ons4', 'worthwhile', 'higher-is-better'],
      ['ons4', 'happy', 'higher-is-better'],
      ['ons4', 'anxious', 'lower-is-better'],
      ['swemwbs', 'total', 'higher-is-better'],
      ['ucla3', 'total', 'lower-is-better'],
      ['ndt', 'total', 'lower-is-better'],
    ]);
  });
});
