import type { Cell, ReportScope } from '../model.js';
import { shownCount, shownPercent, shownStatistic, SUPPRESSED_TEXT, type Shown } from '../suppression.js';

/**
 * How a dashboard's numbers are shown and put into words. A number can be missing for two different
 * reasons, and they must not read alike:
 *
 *  - Nobody is behind it (an acceptance rate with no decisions yet, a median wait of nobody). It reads
 *    "no data": `percent` and `statistic` give those words in place of a number.
 *  - Too few people are behind it, so it is hidden (small-number suppression, ../suppression.ts). It is
 *    null and reads "fewer than 5" in tables, charts, CSV (../format.ts) and `countText`, as the
 *    page's note explains. `percentText`, `numberText` and `changeText` say "not shown" instead:
 *    in a sentence, "fewer than 5" would read as the rate or the mean itself.
 *
 * So dashboards build rates and statistics with `percent` and `statistic`, not with suppression.ts's
 * shownPercent and shownStatistic, which give null for nobody as well as for too few.
 */
const NO_DATA = 'no data';
const NOT_SHOWN = 'not shown';

export function count(value: number, scope: ReportScope): Shown {
  return shownCount(value, scope.suppress);
}

export function percent(part: number, whole: number, scope: ReportScope): Cell {
  return whole === 0 ? NO_DATA : shownPercent(part, whole, scope.suppress);
}

/** A statistic (median days, a mean score) from `base` people, to `decimals` places (one unless said). */
export function statistic(value: number | null, base: number, scope: ReportScope, decimals = 1): Cell {
  if (base === 0 || value === null) return NO_DATA;
  const unit = 10 ** decimals;
  return shownStatistic(Math.round(value * unit) / unit, base, scope.suppress);
}

const whole = new Intl.NumberFormat('en-GB');
const decimal = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });

export function countText(count: Shown): string {
  return count === null ? SUPPRESSED_TEXT : whole.format(count);
}

/** "of 1,204 referrals", with the base itself suppressed when it is small. */
export function of(base: number, noun: string, scope: ReportScope): string {
  return `of ${countText(count(base, scope))} ${noun}`;
}

export function percentText(percent: Cell): string {
  if (typeof percent === 'string') return percent;
  return percent === null ? NOT_SHOWN : `${decimal.format(percent)}%`;
}

export function numberText(value: Cell): string {
  if (typeof value === 'string') return value;
  return value === null ? NOT_SHOWN : decimal.format(value);
}

/** A signed change: "+1.5", "-0.3", "no change". */
export function changeText(value: Cell): string {
  if (typeof value === 'string') return value;
  if (value === null) return NOT_SHOWN;
  if (value === 0) return 'no change';
  return `${value > 0 ? '+' : ''}${decimal.format(value)}`;
}
