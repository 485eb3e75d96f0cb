import { sql, type RawBuilder } from 'kysely';
import type { Tx } from '../../../platform/db/database.js';
import { ONS4 } from '../../outcomes/measures/builtin.js';
import type { Cell, Dashboard, DashboardDefinition, ReportFilters, ReportScope } from '../model.js';
import { shownCount, type Shown } from '../suppression.js';
import { fromPractice, inPeriod, inServices, windowOf, type Window } from './conditions.js';
import { pairCtes, pairImproved } from './pairs.js';
import { countText, numberText, percent, percentText, statistic } from './wording.js';

/**
 * Equity: every headline split between people facing multiple disadvantage and everyone else, and
 * by area, so a commissioner can see whether the people ordinary signposting fails get the same
 * access and outcomes. The cohort filter is not applied: the split is the point of the dashboard.
 *
 * For referrals received in the period:
 *  - accepted: a case was opened;
 *  - days to first contact: from the day the referral was received to the case's first contact
 *    (median, of those contacted);
 *  - engaged: the referral was marked engaged at some point; connected: at least one offer reached
 *    "going" (or finished). Both are shares of accepted referrals;
 *  - life satisfaction improved: of cases with a paired ONS4 life-satisfaction score (pairs.ts),
 *    the share whose follow-up is higher. ONS4 is the measure every programme uses by default, so
 *    both groups are measured alike.
 * Each referral's journey comes from the referral facts (migrations/0014_report_facts.sql).
 */

const OUTCOME = { measure: ONS4.code, key: 'life-satisfaction' } as const;
const OUTCOME_DIRECTION = ONS4.items.find((i) => i.key === OUTCOME.key)!.direction!;

/** CTEs `referrals` (one row per referral with its group and area and each headline's facts), `cases` and the pair CTEs. */
function equityCtes(w: Window): RawBuilder<unknown> {
  return sql`referrals AS (
      SELECT r.organisation_id, r.referral_id AS id, r.case_id, r.md,
             CASE WHEN r.no_fixed_abode THEN 'no-fixed-abode' ELSE r.postcode_district END AS area,
             r.case_id IS NOT NULL AS accepted, r.days_to_first_contact, r.engaged, r.connected
      FROM report_referral_fact r
      WHERE ${inServices(sql`r.organisation_id`, w)} AND ${inPeriod(sql`r.received_at`, w)} AND ${fromPractice(sql`r.source_organisation_id`, w)}
    ),
    cases AS (SELECT organisation_id, case_id AS id FROM referrals WHERE case_id IS NOT NULL),
    ${pairCtes({ scores: [OUTCOME], upTo: w.to })}`;
}

interface GroupFacts {
  referrals: number;
  accepted: number;
  contacted: number;
  medianDays: number | null;
  engaged: number;
  connected: number;
  pairs: number;
  improved: number;
}

const FACTS = sql`count(*)::int AS referrals,
      count(*) FILTER (WHERE f.accepted)::int AS accepted,
      count(f.days_to_first_contact)::int AS contacted,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY f.days_to_first_contact) AS median_days,
      count(*) FILTER (WHERE f.engaged)::int AS engaged,
      count(*) FILTER (WHERE f.connected)::int AS connected,
      count(p.follow_up)::int AS pairs,
      count(*) FILTER (WHERE ${pairImproved(OUTCOME_DIRECTION)})::int AS improved`;

const JOIN_PAIRS = sql`LEFT JOIN pair p ON p.organisation_id = f.organisation_id AND p.case_id = f.case_id`;

/**
 * The facts for each cohort, and for each area within each cohort, in one pass (grouping sets): the
 * referrals and their outcome pairs are worked out once for both tables.
 */
async function equityFacts(tx: Tx, w: Window) {
  const { rows } = await sql<GroupFacts & { md: boolean; area: string | null; wholeCohort: boolean }>`
    WITH ${equityCtes(w)}
    SELECT f.md, f.area, GROUPING(f.area) = 1 AS whole_cohort, ${FACTS}
    FROM referrals f ${JOIN_PAIRS}
    GROUP BY GROUPING SETS ((f.md), (f.area, f.md))`.execute(tx);
  return { cohorts: rows.filter((r) => r.wholeCohort), areas: rows.filter((r) => !r.wholeCohort) };
}

const MD_LABEL = 'Facing multiple disadvantage';
const OTHER_LABEL = 'Everyone else';

function factsRow(facts: GroupFacts | undefined, scope: ReportScope) {
  const hide = scope.suppress;
  const f = facts ?? { referrals: 0, accepted: 0, contacted: 0, medianDays: null, engaged: 0, connected: 0, pairs: 0, improved: 0 };
  return {
    referrals: shownCount(f.referrals, hide),
    accepted: percent(f.accepted, f.referrals, scope),
    medianDays: statistic(f.medianDays === null ? null : Number(f.medianDays), f.contacted, scope),
    engaged: percent(f.engaged, f.accepted, scope),
    connected: percent(f.connected, f.accepted, scope),
    improved: percent(f.improved, f.pairs, scope),
  };
}

const COLUMNS = [
  { key: 'referrals', label: 'Referrals', kind: 'count' },
  { key: 'accepted', label: 'Accepted', kind: 'percent' },
  { key: 'medianDays', label: 'Median days to first contact', kind: 'days' },
  { key: 'engaged', label: 'Engaged (of accepted)', kind: 'percent' },
  { key: 'connected', label: 'Connected to an activity (of accepted)', kind: 'percent' },
  { key: 'improved', label: 'Life satisfaction improved (ONS4, of those with a follow-up)', kind: 'percent' },
] as const;

/** Areas in order: postcode districts alphabetically, then no fixed abode, then not known. */
function areaLabel(area: string | null): string {
  if (area === 'no-fixed-abode') return 'No fixed abode';
  return area ?? 'Postcode not known';
}
function byAreaOrder(a: string | null, b: string | null): number {
  const rank = (area: string | null) => (area === null ? 2 : area === 'no-fixed-abode' ? 1 : 0);
  return rank(a) - rank(b) || (a ?? '').localeCompare(b ?? '');
}

function compare(what: string, md: Cell, other: Cell, text: (v: Cell) => string): string {
  return `${what}: ${text(md)} for people facing multiple disadvantage and ${text(other)} for everyone else.`;
}

export const equityDashboard: DashboardDefinition = {
  name: 'equity',
  title: 'Equity',
  description:
    'Whether people facing multiple disadvantage get the same access and outcomes as everyone else, overall and by area (postcode district). ' +
    'Every figure splits the two groups, so the cohort filter does not apply here.',
  action: 'view',

  async build(tx: Tx, scope: ReportScope, filters: ReportFilters): Promise<Dashboard> {
    const w = windowOf(scope, { ...filters, cohort: 'all' });
    const hide = scope.suppress;
    const { cohorts, areas } = await equityFacts(tx, w);

    const md = factsRow(cohorts.find((r) => r.md), scope);
    const other = factsRow(cohorts.find((r) => !r.md), scope);
    const cohortRows = [
      { group: MD_LABEL, ...md },
      { group: OTHER_LABEL, ...other },
    ];
    const cohortSummary =
      md.referrals === 0 && other.referrals === 0
        ? 'No referrals were received in this period.'
        : compare('Accepted', md.accepted, other.accepted, percentText) + ' ' + compare('Connected to an activity', md.connected, other.connected, percentText);

    const areaRows = [...areas]
      .sort((a, b) => byAreaOrder(a.area, b.area) || Number(b.md) - Number(a.md))
      .map((r) => ({ area: areaLabel(r.area), group: r.md ? MD_LABEL : OTHER_LABEL, ...factsRow(r, scope) }));
    const areaCount = new Set(areas.map((r) => r.area)).size;
    const areaSummary =
      areaCount === 0
        ? 'No referrals were received in this period.'
        : `Referrals came from ${areaCount} ${areaCount === 1 ? 'area' : 'areas'}, each split between people facing multiple disadvantage and everyone else. ` +
          'People of no fixed abode have their own row.';

    return {
      name: 'equity',
      title: equityDashboard.title,
      description: equityDashboard.description,
      filters,
      headlines: [
        { label: 'Referrals of people facing multiple disadvantage', value: md.referrals, kind: 'count', detail: `and ${countText(other.referrals)} of everyone else` },
        { label: 'Accepted, multiple disadvantage', value: md.accepted, kind: 'percent', detail: `everyone else ${percentText(other.accepted)}` },
        { label: 'Median days to first contact, multiple disadvantage', value: md.medianDays, kind: 'days', detail: `everyone else ${numberText(other.medianDays)}` },
        { label: 'Connected to an activity, multiple disadvantage', value: md.connected, kind: 'percent', detail: `everyone else ${percentText(other.connected)}` },
      ],
      figures: [
        {
          id: 'equity-by-cohort',
          title: 'Access and outcomes: multiple disadvantage and everyone else',
          summary: cohortSummary,
          chart: { type: 'bar', category: 'group', series: ['accepted', 'engaged', 'connected'] },
          table: { columns: [{ key: 'group', label: 'People', kind: 'text' }, ...COLUMNS], rows: cohortRows },
        },
        {
          id: 'equity-by-area',
          title: 'Access and outcomes by area',
          summary: areaSummary,
          table: { columns: [{ key: 'area', label: 'Area (postcode district)', kind: 'text' }, { key: 'group', label: 'People', kind: 'text' }, ...COLUMNS], rows: areaRows },
        },
      ],
    };
  },
};
