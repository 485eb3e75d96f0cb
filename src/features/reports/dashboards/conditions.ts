import { sql, type RawBuilder } from 'kysely';
import { periodInstants, servicesFor } from '../filters.js';
import type { ReportFilters, ReportScope } from '../model.js';

/**
 * The filters as SQL conditions, shared by every dashboard so each filter means the same on every one:
 *  - service: the row's organisation is one of servicesFor(scope, filters) (none in scope: no rows);
 *  - practice: the referral's source organisation;
 *  - cohort: the facts' `md`, the case's multiple-disadvantage status (the link worker keeps it up
 *    to date), or the referral's where no case was opened.
 * Each dashboard says which date the period applies to.
 */
export interface Window {
  services: string[];
  start: Date;
  end: Date;
  from: string;
  to: string;
  practiceId: string | null;
  cohort: ReportFilters['cohort'];
}

export function windowOf(scope: Pick<ReportScope, 'services'>, filters: ReportFilters): Window {
  const { start, end } = periodInstants(filters);
  return { services: servicesFor(scope, filters), start, end, from: filters.from, to: filters.to, practiceId: filters.practiceId, cohort: filters.cohort };
}

export function inServices(column: RawBuilder<unknown>, w: Window): RawBuilder<boolean> {
  return sql<boolean>`${column} = ANY(${w.services}::uuid[])`;
}

/** A timestamp inside the period: from midnight at its start to the midnight after its last day. */
export function inPeriod(column: RawBuilder<unknown>, w: Window): RawBuilder<boolean> {
  return sql<boolean>`(${column} >= ${w.start} AND ${column} < ${w.end})`;
}

/** A calendar date inside the period, both ends included. */
export function dayInPeriod(column: RawBuilder<unknown>, w: Window): RawBuilder<boolean> {
  return sql<boolean>`(${column} BETWEEN ${w.from}::date AND ${w.to}::date)`;
}

export function fromPractice(column: RawBuilder<unknown>, w: Window): RawBuilder<boolean> {
  return w.practiceId ? sql<boolean>`${column} = ${w.practiceId}::uuid` : sql<boolean>`true`;
}

export function inCohort(multipleDisadvantage: RawBuilder<unknown>, cohort: Window['cohort']): RawBuilder<boolean> {
  if (cohort === 'md') return sql<boolean>`${multipleDisadvantage}`;
  if (cohort === 'other') return sql<boolean>`NOT ${multipleDisadvantage}`;
  return sql<boolean>`true`;
}

/**
 * The service, practice and cohort filters on a report fact: `alias` is a row of report_referral_fact
 * or report_offer_fact, which share these columns (migrations/0014_report_facts.sql).
 */
export function factConditions(w: Window, alias = 'r'): RawBuilder<boolean> {
  const column = (name: string) => sql.ref(`${alias}.${name}`);
  return sql<boolean>`(${inServices(column('organisation_id'), w)} AND ${fromPractice(column('source_organisation_id'), w)} AND ${inCohort(column('md'), w.cohort)})`;
}
