/**
 * Small-number suppression. Aggregates shown to commissioners never show a count from 1 to 4, nor
 * anything computed from fewer than 5 people (a rate, a median), because a small count with a
 * district or a month can point to a person. Zero is shown: it points to no one.
 */
export const SUPPRESSION_THRESHOLD = 5;

/** How a suppressed value reads on a page, in a table and in CSV. */
export const SUPPRESSED_TEXT = 'fewer than 5';

/** A number, or null where it is suppressed. */
export type Shown = number | null;

export function isSmall(count: number): boolean {
  return count > 0 && count < SUPPRESSION_THRESHOLD;
}

/** A count as it may be shown: null when suppression applies and the count is 1 to 4. */
export function shownCount(count: number, suppress: boolean): Shown {
  return suppress && isSmall(count) ? null : count;
}

/**
 * A statistic computed from `base` people (a percentage, a median wait, a mean change): null when
 * the base is small, so no rate reveals the count behind it; also null when there is no base at all.
 */
export function shownStatistic(value: number | null, base: number, suppress: boolean): Shown {
  if (value === null || base === 0) return null;
  return suppress && base < SUPPRESSION_THRESHOLD ? null : value;
}

/** Percentage of `part` in `whole`, to one decimal place; null (not shown) when whole is 0 or small. */
export function shownPercent(part: number, whole: number, suppress: boolean): Shown {
  if (whole === 0) return null;
  return shownStatistic(Math.round((part / whole) * 1000) / 10, whole, suppress);
}
