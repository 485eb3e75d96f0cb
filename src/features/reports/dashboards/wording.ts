import { SUPPRESSED_TEXT, type Shown } from '../suppression.js';

/**
 * How numbers read in a figure's summary sentence. A null count is a suppressed one ("fewer than 5");
 * a null statistic is one not shown (too few people behind it, or nobody at all).
 */
const whole = new Intl.NumberFormat('en-GB');
const decimal = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });

export function countText(count: Shown): string {
  return count === null ? SUPPRESSED_TEXT : whole.format(count);
}

export function percentText(percent: Shown): string {
  return percent === null ? 'not shown' : `${decimal.format(percent)}%`;
}

export function numberText(value: Shown): string {
  return value === null ? 'not shown' : decimal.format(value);
}

/** A signed change: "+1.5", "-0.3", "no change". */
export function changeText(value: Shown): string {
  if (value === null) return 'not shown';
  if (value === 0) return 'no change';
  return `${value > 0 ? '+' : ''}${decimal.format(value)}`;
}

/** Rounded as paired.ts rounds its means (2 decimal places), so the two read alike. */
export function round2(value: number | null): number | null {
  return value === null ? null : Math.round(value * 100) / 100;
}
