import { sql, type RawBuilder } from 'kysely';
import { shortDate } from '../../../platform/views/svg.js';
import { factConditions, inPeriod, windowOf } from './conditions.js';
import type { Headline, ReportFilters, ReportScope } from '../model.js';
import { count } from './wording.js';

/**
 * What the referrals and flow dashboards share: the filters as one SQL condition on a referral
 * (alias `r` of report_referral_fact), count headlines, the period's months, and the period in words.
 * How their numbers are shown and read is wording.ts.
 */

export interface ReferralConditionOptions {
  /** Whether the referral must have been received in the period (false for "now" snapshots and for events dated in the period). */
  period: boolean;
}

/**
 * The filters as one condition on `r` (report_referral_fact), in conditions.ts's terms: its service is in scope (and the chosen
 * one), it came from the chosen practice, it is in the chosen cohort and, unless a figure dates
 * something else, it was received in the period.
 */
export function referralConditions(scope: ReportScope, filters: ReportFilters, options: ReferralConditionOptions = { period: true }): RawBuilder<boolean> {
  const w = windowOf(scope, filters);
  return sql<boolean>`(${factConditions(w)} AND ${options.period ? inPeriod(sql`r.received_at`, w) : sql`true`})`;
}

/** Counts come back from PostgreSQL as bigint strings and from PGlite as numbers. */
export const n = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));

export function countHeadline(label: string, value: number, scope: ReportScope, detail?: string): Headline {
  return { label, value: count(value, scope), kind: 'count', ...(detail ? { detail } : {}) };
}

/** Every month the period touches, as YYYY-MM, so a month without referrals still shows as 0. */
export function monthsOf(filters: Pick<ReportFilters, 'from' | 'to'>): string[] {
  const months: string[] = [];
  let [year, month] = filters.from.split('-').map(Number) as [number, number];
  const last = filters.to.slice(0, 7);
  for (;;) {
    const key = `${year}-${String(month).padStart(2, '0')}`;
    months.push(key);
    if (key >= last) return months;
    month += 1;
    if (month > 12) [year, month] = [year + 1, 1];
  }
}

/** "between 1 Apr 2026 and 31 Mar 2027" */
export function periodText(filters: Pick<ReportFilters, 'from' | 'to'>): string {
  return `between ${shortDate(filters.from)} and ${shortDate(filters.to)}`;
}
