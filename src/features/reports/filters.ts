import { FieldErrors } from '../../platform/errors.js';
import type { Cohort, ReportFilters, ReportScope } from './model.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COHORTS: readonly Cohort[] = ['all', 'md', 'other'];
const MAX_DAYS = 3 * 366;

export interface FilterQuery {
  from?: string;
  to?: string;
  service?: string;
  practice?: string;
  cohort?: string;
}

function isRealDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The default period: the twelve months up to and including today. */
export function defaultPeriod(today: string): { from: string; to: string } {
  const [year, month, day] = today.split('-').map(Number);
  // A year before 29 February is 28 February, not 1 March.
  const lastDay = new Date(Date.UTC(year! - 1, month!, 0)).getUTCDate();
  const yearAgo = new Date(Date.UTC(year! - 1, month! - 1, Math.min(day!, lastDay))).toISOString().slice(0, 10);
  return { from: addDays(yearAgo, 1), to: today };
}

/**
 * Reads the filters from a query string or form, with field-level errors for anything wrong. A
 * service must be one the caller may report on; an unknown one is an error, not an empty report.
 */
export function parseFilters(query: FilterQuery, scope: Pick<ReportScope, 'services'>, today: string): ReportFilters {
  const errors = new FieldErrors();
  const period = defaultPeriod(today);
  const from = query.from?.trim() || period.from;
  const to = query.to?.trim() || period.to;
  if (!isRealDate(from)) errors.add('from', 'Enter the start of the period as a real date, for example 2026-04-01');
  if (!isRealDate(to)) errors.add('to', 'Enter the end of the period as a real date, for example 2027-03-31');
  if (isRealDate(from) && isRealDate(to)) {
    if (from > to) errors.add('to', 'The end of the period must be the same as or after its start');
    else if ((Date.parse(to) - Date.parse(from)) / 86_400_000 > MAX_DAYS) errors.add('from', 'Choose a period of 3 years or less');
  }

  const service = query.service?.trim() || null;
  if (service !== null && !(UUID.test(service) && scope.services.some((s) => s.id === service.toLowerCase()))) {
    errors.add('service', 'Choose a social prescribing service from the list');
  }
  const practice = query.practice?.trim() || null;
  if (practice !== null && !UUID.test(practice)) errors.add('practice', 'Choose a GP practice from the list');

  const cohort = (query.cohort?.trim() || 'all') as Cohort;
  if (!COHORTS.includes(cohort)) errors.add('cohort', 'Choose all people, the multiple disadvantage cohort, or everyone else');

  errors.throwIfAny();
  return { from, to, serviceId: service?.toLowerCase() ?? null, practiceId: practice?.toLowerCase() ?? null, cohort };
}

/** The services a report's numbers come from: the one chosen, or every service in scope. */
export function servicesFor(scope: Pick<ReportScope, 'services'>, filters: Pick<ReportFilters, 'serviceId'>): string[] {
  return filters.serviceId ? [filters.serviceId] : scope.services.map((s) => s.id);
}

const LONDON_HOUR = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: 'numeric', hourCycle: 'h23' });

/**
 * Midnight at the start of a day in England, as an instant: 23:00 UTC the day before in summer time.
 * Clocks change at 01:00 UTC, so a midnight in England is never skipped or repeated.
 */
export function londonMidnight(day: string): Date {
  const utcMidnight = Date.parse(`${day}T00:00:00Z`);
  return new Date(utcMidnight - Number(LONDON_HOUR.format(utcMidnight)) * 3_600_000);
}

/**
 * The period as half-open instants [start, end) for timestamp columns: from midnight in England at
 * its start to the midnight after `to`, so a referral at half past midnight on 1 April (summer time)
 * counts in April, as the service saw it arrive.
 */
export function periodInstants(filters: Pick<ReportFilters, 'from' | 'to'>): { start: Date; end: Date } {
  return { start: londonMidnight(filters.from), end: londonMidnight(addDays(filters.to, 1)) };
}
