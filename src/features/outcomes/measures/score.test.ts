import { describe, expect, it } from 'vitest';
import { fieldsOf } from '../../../../test/support/errors.js';
import { NDT, ONS4, SWEMWBS, UCLA3, uclaBands, WEMWBS } from './builtin.js';
import { checkCustomMeasure } from './custom.js';
import { score } from './score.js';

/** Seven answers from 1–5 adding up to `raw`. */
function swemwbsAnswers(raw: number): number[] {
  const answers = [1, 1, 1, 1, 1, 1, 1];
  let left = raw - 7;
  for (let i = 0; i < 7 && left > 0; i++) {
    const add = Math.min(4, left);
    answers[i]! += add;
    left -= add;
  }
  return answers;
}

describe('SWEMWBS', () => {
  // The published raw → metric table, written out here independently of builtin.ts.
  const published: [number, number][] = [
    [7, 7.0], [8, 9.51], [9, 11.25], [10, 12.4], [11, 13.33], [12, 14.08], [13, 14.75], [14, 15.32], [15, 15.84], [16, 16.36],
    [17, 16.88], [18, 17.43], [19, 17.98], [20, 18.59], [21, 19.25], [22, 19.98], [23, 20.73], [24, 21.54], [25, 22.35],
    [26, 23.21], [27, 24.11], [28, 25.03], [29, 26.02], [30, 27.03], [31, 28.13], [32, 29.31], [33, 30.7], [34, 32.55], [35, 35.0],
  ];

  it.each(published)('raw %i converts to metric %d', (raw, metric) => {
    const result = score(SWEMWBS, swemwbsAnswers(raw));
    expect(result.rawTotal).toBe(raw);
    expect(result.total).toBe(metric);
    expect(result.scores).toEqual([{ key: 'total', label: 'Metric score', value: metric, min: 7, max: 35, direction: 'higher-is-better', band: null }]);
  });

  it('covers every raw score from 7 to 35', () => {
    expect(published.map(([raw]) => raw)).toEqual(Array.from({ length: 29 }, (_, i) => 7 + i));
  });

  it('gives no score for partial answers, but keeps the items answered', () => {
    const result = score(SWEMWBS, [5, 5, 5, null, 5, 5, 5]);
    expect(result.complete).toBe(false);
    expect(result.total).toBeNull();
    expect(result.rawTotal).toBeNull();
    expect(result.scores).toEqual([]);
    expect(result.items.map((i) => i.score)).toEqual([5, 5, 5, null, 5, 5, 5]);
  });

  it('refuses answers outside 1–5, naming the item', () => {
    expect(fieldsOf(() => score(SWEMWBS, [0, 1, 1, 6, 1, 1, 2.5]))).toEqual(['answers[0]', 'answers[3]', 'answers[6]']);
    expect(fieldsOf(() => score(SWEMWBS, [1, 1, 1]))).toEqual(['answers']);
    expect(fieldsOf(() => score(SWEMWBS, 'lots'))).toEqual(['answers']);
    expect(fieldsOf(() => score(SWEMWBS, [1, 1, 1, '2', 1, 1, 1]))).toEqual(['answers[3]']);
  });

  it('does not reproduce the licensed wording', () => {
    expect(SWEMWBS.itemWordingShown).toBe(false);
    expect(SWEMWBS.items.map((i) => i.label)).toEqual(['Statement 1', 'Statement 2', 'Statement 3', 'Statement 4', 'Statement 5', 'Statement 6', 'Statement 7']);
    expect(SWEMWBS.licenceNote).toContain('University of Warwick');
  });
});

describe('WEMWBS', () => {
  it('sums 14 items from 14 to 70, higher is better', () => {
    expect(score(WEMWBS, Array(14).fill(1)).total).toBe(14);
    expect(score(WEMWBS, Array(14).fill(5)).total).toBe(70);
    expect(score(WEMWBS, [...Array(13).fill(3), null]).total).toBeNull();
    expect(score(WEMWBS, Array(14).fill(3)).scores[0]).toMatchObject({ value: 42, min: 14, max: 70, direction: 'higher-is-better' });
  });
});

describe('ONS4', () => {
  it('reports the four items separately and never sums them', () => {
    const result = score(ONS4, [7, 8, 6, 3]);
    expect(result.total).toBeNull();
    expect(result.scores.map((s) => [s.key, s.value, s.band, s.direction])).toEqual([
      ['life-satisfaction', 7, 'High', 'higher-is-better'],
      ['worthwhile', 8, 'High', 'higher-is-better'],
      ['happy', 6, 'Medium', 'higher-is-better'],
      ['anxious', 3, 'Low', 'lower-is-better'],
    ]);
  });

  it.each([
    [0, 'Low'], [4, 'Low'], [5, 'Medium'], [6, 'Medium'], [7, 'High'], [8, 'High'], [9, 'Very high'], [10, 'Very high'],
  ])('life satisfaction, worthwhile and happy: %i is %s', (value, band) => {
    const result = score(ONS4, [value, value, value, 0]);
    expect(result.scores.slice(0, 3).map((s) => s.band)).toEqual([band, band, band]);
  });

  it.each([
    [0, 'Very low'], [1, 'Very low'], [2, 'Low'], [3, 'Low'], [4, 'Medium'], [5, 'Medium'], [6, 'High'], [10, 'High'],
  ])('anxiety bands run the other way: %i is %s', (value, band) => {
    expect(score(ONS4, [5, 5, 5, value]).scores[3]).toMatchObject({ key: 'anxious', band, direction: 'lower-is-better' });
  });

  it('reports the items answered when some are not', () => {
    const result = score(ONS4, [null, 9, null, 1]);
    expect(result.complete).toBe(false);
    expect(result.scores.map((s) => s.key)).toEqual(['worthwhile', 'anxious']);
  });

  it('refuses 11 and -1', () => {
    expect(fieldsOf(() => score(ONS4, [11, 0, -1, 10]))).toEqual(['answers[0]', 'answers[2]']);
  });
});

describe('UCLA 3-item loneliness', () => {
  it('runs from 3 to 9, lower is better, with no cut-off unless a service sets one', () => {
    expect(score(UCLA3, [1, 1, 1]).scores[0]).toMatchObject({ value: 3, min: 3, max: 9, direction: 'lower-is-better', band: null });
    expect(score(UCLA3, [3, 3, 3]).total).toBe(9);
    expect(fieldsOf(() => score(UCLA3, [0, 4, 2]))).toEqual(['answers[0]', 'answers[1]']);
  });

  it('bands at a cut-off the service chose', () => {
    const totalBands = uclaBands(6);
    expect(score(UCLA3, [2, 2, 1], { totalBands }).scores[0]!.band).toBe('Below the service’s loneliness cut-off');
    expect(score(UCLA3, [2, 2, 2], { totalBands }).scores[0]!.band).toBe('At or above the service’s loneliness cut-off');
  });
});

describe('NDT assessment', () => {
  it('doubles risk to others and risk from others, total 0 to 48', () => {
    expect(score(NDT, Array(10).fill(0)).total).toBe(0);
    expect(score(NDT, Array(10).fill(4)).total).toBe(48);
    const result = score(NDT, [0, 0, 0, 3, 1, 0, 0, 0, 0, 0]);
    expect(result.items[3]).toMatchObject({ key: 'risk-to-others', answer: 3, score: 6 });
    expect(result.items[4]).toMatchObject({ key: 'risk-from-others', answer: 1, score: 2 });
    expect(result.total).toBe(8);
    expect(result.scores[0]).toMatchObject({ min: 0, max: 48, direction: 'lower-is-better' });
  });

  it('counts every other domain once', () => {
    expect(score(NDT, [1, 1, 1, 0, 0, 1, 1, 1, 1, 1]).total).toBe(8);
  });

  it('takes 0–4 for every domain, the doubled ones too', () => {
    expect(fieldsOf(() => score(NDT, [0, 0, 0, 8, 5, 0, 0, 0, 0, 0]))).toEqual(['answers[3]', 'answers[4]']);
  });
});

describe('measures an administrator defines', () => {
  const star = {
    code: 'outcomes-star',
    name: 'Homelessness Outcomes Star',
    items: ['Motivation', 'Self-care'],
    scale: { min: 1, max: 10 },
    scoring: { kind: 'per-item', direction: 'higher-is-better' },
  };

  it('scores per item, by sum, by mean and through a lookup table', () => {
    expect(score(checkCustomMeasure(star), [3, 7]).scores.map((s) => [s.key, s.value, s.direction])).toEqual([
      ['item-1', 3, 'higher-is-better'],
      ['item-2', 7, 'higher-is-better'],
    ]);
    expect(score(checkCustomMeasure({ ...star, scoring: { kind: 'sum', direction: 'higher-is-better' } }), [3, 7]).total).toBe(10);
    expect(score(checkCustomMeasure({ ...star, scoring: { kind: 'mean', direction: 'lower-is-better' } }), [3, 8]).total).toBe(5.5);
    const table = Array.from({ length: 19 }, (_, i) => i * 10);
    const lookup = checkCustomMeasure({ ...star, scoring: { kind: 'lookup', direction: 'higher-is-better', values: table, scoreLabel: 'Converted' } });
    expect(score(lookup, [1, 1]).total).toBe(0);
    expect(score(lookup, [10, 10]).scores[0]).toMatchObject({ value: 180, label: 'Converted' });
  });

  it('refuses a definition that cannot be scored, naming each problem', () => {
    expect(
      fieldsOf(() =>
        checkCustomMeasure({ code: 'ons4', name: '', items: ['', 'ok'], scale: { min: 5, max: 5 }, scoring: { kind: 'median', direction: 'up' } }),
      ),
    ).toEqual(['code', 'name', 'items[0]', 'scale', 'scoring.kind', 'scoring.direction']);
    expect(fieldsOf(() => checkCustomMeasure({ ...star, scoring: { kind: 'lookup', direction: 'higher-is-better', values: [1, 2, 3] } }))).toEqual([
      'scoring.values',
    ]);
    expect(fieldsOf(() => checkCustomMeasure({ ...star, scale: { min: 1, max: 10, labels: [{ value: 11, label: 'Too high' }] } }))).toEqual([
      'scale.labels[0]',
    ]);
  });
});
