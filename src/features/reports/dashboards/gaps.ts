import { sql } from 'kysely';
import type { Tx } from '../../../platform/db/database.js';
import { monthsBefore, REVIEW_AFTER_MONTHS } from '../../directory/upkeep/rules.js';
import type { Dashboard, DashboardDefinition, ReportFilters, ReportScope } from '../model.js';
import { shownCount } from '../suppression.js';
import { dayInPeriod, inServices, windowOf, type Window } from './conditions.js';
import { countText } from './wording.js';

/**
 * Gaps: needs link workers could find nothing suitable for (by need and by area), and directory
 * entries that may be out of date, so commissioners and the lived-experience panel see where
 * support is missing. Unmet needs hold a need, an area and a date only, so the practice and cohort
 * filters do not apply to them; their counts are suppressed like any other. Directory entries are
 * services, not people: their names and counts are shown as they are.
 *
 * Period: unmet needs recorded in the period. Directory entries: "may be out of date" on the
 * period's last day, by the directory upkeep rule (not checked for REVIEW_AFTER_MONTHS or more, or
 * never; closed-for-good services left out).
 */

async function byNeed(tx: Tx, w: Window) {
  const { rows } = await sql<{ code: string; label: string; needs: number }>`
    SELECT u.need_code AS code, n.label, count(*)::int AS needs
    FROM report_unmet_need u JOIN need_code n ON n.code = u.need_code
    WHERE ${inServices(sql`u.organisation_id`, w)} AND ${dayInPeriod(sql`u.recorded_on`, w)}
    GROUP BY u.need_code, n.label, n.sort_order
    ORDER BY count(*) DESC, n.sort_order`.execute(tx);
  return rows;
}

async function byArea(tx: Tx, w: Window) {
  const { rows } = await sql<{ area: string | null; needs: number; kinds: number }>`
    SELECT u.area, count(*)::int AS needs, count(DISTINCT u.need_code)::int AS kinds
    FROM report_unmet_need u
    WHERE ${inServices(sql`u.organisation_id`, w)} AND ${dayInPeriod(sql`u.recorded_on`, w)}
    GROUP BY u.area
    ORDER BY count(*) DESC, u.area NULLS LAST`.execute(tx);
  return rows;
}

/** The day on or before which a check counts as out of date, on `day` (the directory upkeep rule). */
export function outOfDateOnOrBefore(day: string): string {
  return monthsBefore(day, REVIEW_AFTER_MONTHS);
}

// The upkeep rule (mayBeOutOfDate in directory/upkeep/rules.ts) as a condition on directory_service `s`.
const mayBeOutOfDate = (threshold: string) => sql<boolean>`(s.last_verified IS NULL OR s.last_verified <= ${threshold}::date)`;

async function directories(tx: Tx, w: Window, threshold: string) {
  const { rows } = await sql<{ directoryId: string; services: number; stale: number; neverChecked: number }>`
    SELECT s.organisation_id AS directory_id, count(*)::int AS services,
           count(*) FILTER (WHERE ${mayBeOutOfDate(threshold)})::int AS stale,
           count(*) FILTER (WHERE s.last_verified IS NULL)::int AS never_checked
    FROM directory_service s
    WHERE ${inServices(sql`s.organisation_id`, w)} AND s.published AND s.status <> 'defunct'
    GROUP BY s.organisation_id`.execute(tx);
  return rows;
}

const STALE_LISTED = 100;

async function staleEntries(tx: Tx, w: Window, threshold: string) {
  const { rows } = await sql<{ directoryId: string; service: string; provider: string | null; lastVerified: string | null }>`
    SELECT s.organisation_id AS directory_id, s.name AS service, d.name AS provider, s.last_verified
    FROM directory_service s
    LEFT JOIN directory_organization d ON d.organisation_id = s.organisation_id AND d.id = s.directory_organization_id
    WHERE ${inServices(sql`s.organisation_id`, w)} AND s.published AND s.status <> 'defunct' AND ${mayBeOutOfDate(threshold)}
    ORDER BY s.last_verified ASC NULLS FIRST, s.name, s.id
    LIMIT ${STALE_LISTED}`.execute(tx);
  return rows;
}

export const gapsDashboard: DashboardDefinition = {
  name: 'gaps',
  title: 'Gaps in support',
  description:
    'Needs link workers could not find suitable support for, by need and by area, and directory entries that may be out of date. ' +
    'Unmet needs are recorded without anything about the person, so the practice and cohort filters do not apply to them.',
  action: 'view',

  async build(tx: Tx, scope: ReportScope, filters: ReportFilters): Promise<Dashboard> {
    const w = windowOf(scope, filters);
    const hide = scope.suppress;
    const threshold = outOfDateOnOrBefore(filters.to);
    const needs = await byNeed(tx, w);
    const areas = await byArea(tx, w);
    const dirs = await directories(tx, w, threshold);
    const stale = await staleEntries(tx, w, threshold);

    const total = needs.reduce((n, r) => n + r.needs, 0);
    const needRows = needs.map((r) => ({ need: r.label, needs: shownCount(r.needs, hide) }));
    const needSummary =
      total === 0
        ? 'No unmet needs were recorded in this period.'
        : `${countText(shownCount(total, hide))} unmet needs were recorded; the most common was ${needs[0]!.label.toLowerCase()} (${countText(needRows[0]!.needs)}).`;

    const areaRows = areas.map((r) => ({ area: r.area ?? 'Area not recorded', needs: shownCount(r.needs, hide), kinds: shownCount(r.kinds, hide) }));
    const areaSummary =
      areas.length === 0
        ? 'No unmet needs were recorded in this period.'
        : `Unmet needs were recorded in ${areas.length} ${areas.length === 1 ? 'area' : 'areas'}; ${areaRows[0]!.area} had the most (${countText(areaRows[0]!.needs)}).`;

    const names = new Map(scope.services.map((s) => [s.id, s.name]));
    const directoryRows = w.services.map((id) => {
      const d = dirs.find((r) => r.directoryId === id);
      return { directory: names.get(id) ?? id, services: d?.services ?? 0, stale: d?.stale ?? 0, neverChecked: d?.neverChecked ?? 0 };
    });
    const published = directoryRows.reduce((n, r) => n + r.services, 0);
    const staleTotal = directoryRows.reduce((n, r) => n + r.stale, 0);
    const directorySummary =
      published === 0
        ? 'There are no published services in these directories.'
        : `${staleTotal} of ${published} published services may be out of date: last checked on or before ${threshold}, or never.`;

    return {
      name: 'gaps',
      title: gapsDashboard.title,
      description: gapsDashboard.description,
      filters,
      headlines: [
        { label: 'Unmet needs recorded', value: shownCount(total, hide), kind: 'count' },
        { label: 'Directory entries that may be out of date', value: staleTotal, kind: 'count', detail: `of ${published} published services` },
      ],
      figures: [
        {
          id: 'unmet-needs-by-need',
          title: 'Unmet needs by need',
          summary: needSummary,
          chart: { type: 'bar', category: 'need', series: ['needs'] },
          table: {
            columns: [
              { key: 'need', label: 'Need', kind: 'text' },
              { key: 'needs', label: 'Times no suitable support was found', kind: 'count' },
            ],
            rows: needRows,
          },
        },
        {
          id: 'unmet-needs-by-area',
          title: 'Unmet needs by area',
          summary: areaSummary,
          chart: { type: 'bar', category: 'area', series: ['needs'] },
          table: {
            columns: [
              { key: 'area', label: 'Area (postcode district)', kind: 'text' },
              { key: 'needs', label: 'Unmet needs', kind: 'count' },
              { key: 'kinds', label: 'Different needs', kind: 'count' },
            ],
            rows: areaRows,
          },
        },
        {
          id: 'directory-upkeep',
          title: 'Directory entries that may be out of date',
          summary: directorySummary,
          chart: { type: 'bar', category: 'directory', series: ['services', 'stale'] },
          table: {
            columns: [
              { key: 'directory', label: 'Directory', kind: 'text' },
              { key: 'services', label: 'Published services', kind: 'count' },
              { key: 'stale', label: 'May be out of date', kind: 'count' },
              { key: 'neverChecked', label: 'Never checked', kind: 'count' },
            ],
            rows: directoryRows,
          },
        },
        {
          id: 'stale-entries',
          title: `Entries that may be out of date, longest unchecked first (up to ${STALE_LISTED})`,
          summary:
            stale.length === 0
              ? `Every published entry has been checked in the last ${REVIEW_AFTER_MONTHS} months.`
              : `The longest unchecked is ${stale[0]!.service}${stale[0]!.lastVerified ? `, last checked on ${stale[0]!.lastVerified}` : ', never checked'}.`,
          table: {
            columns: [
              { key: 'directory', label: 'Directory', kind: 'text' },
              { key: 'service', label: 'Service', kind: 'text' },
              { key: 'provider', label: 'Provider', kind: 'text' },
              { key: 'lastVerified', label: 'Last checked', kind: 'text' },
            ],
            rows: stale.map((s) => ({ directory: names.get(s.directoryId) ?? s.directoryId, service: s.service, provider: s.provider ?? '', lastVerified: s.lastVerified ?? 'Never' })),
          },
        },
      ],
    };
  },
};
