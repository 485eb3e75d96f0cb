import { describe, expect, it } from 'vitest';
import { round2 } from './outcomes.js';
import { changeText, countText, numberText, percentText } from './wording.js';

describe('summary wording', () => {
  it('says “fewer than 5” for a suppressed count and groups thousands', () => {
    expect([countText(null), countText(0), countText(1204)]).toEqual(['fewer than 5', '0', '1,204']);
  });

  it('shows statistics to one decimal place, or says they are not shown', () => {
    expect([percentText(37.5), percentText(null), numberText(2.25), numberText(null)]).toEqual(['37.5%', 'not shown', '2.3', 'not shown']);
  });

  it('signs a change and calls zero no change', () => {
    expect([changeText(1.5), changeText(-0.25), changeText(0), changeText(null)]).toEqual(['+1.5', '-0.3', 'no change', 'not shown']);
    expect([round2(1.23656), round2(null)]).toEqual([1.24, null]);
  });
});
