import { sql } from 'kysely';
import type { Tx } from '../../../platform/db/database.js';
import type { Direction } from '../../outcomes/measures/definition.js';
import { NDT, ONS4, SWEMWBS, UCLA3 } from '../../outcomes/measures/builtin.js';
import type { Dashboard, DashboardDefinition, ReportFilters, ReportScope } from '../model.js';
import { shownCount } from '../suppression.js';
import { factConditions, inPeriod, windowOf, type Window } from './conditions.js';
import { improvedCount, pairCtes, type ScoreRef } from './pairs.js';
import { changeText, countText, numberText, percent, percentText, statistic } from './wording.js';

/**
 * Outcomes as paired change only: people with both a baseline and a follow-up of the same measure,
 * with n beside every mean and the completion rate (follow-ups recorded over baselines recorded)
 * reported apart, because a missing follow-up is not "no change". GP attendance before and after,
 * where the service records it.
 *
 * Period: pairs whose baseline was completed in the period, with follow-ups completed up to its last
 * day. GP attendance: cases whose referral was received in the period.
 */

/** Rounded as paired.ts rounds its means (2 decimal places), so the two read alike. */
export function round2(value: number | null): number | null {
  return value === null ? null : Math.round(value * 100) / 100;
}

interface ReportedScore extends ScoreRef {
  label: string;
  direction: Direction;
}

const onsItem = (key: string, label: string): ReportedScore => ({
  measure: ONS4.code,
  key,
  label: `ONS4: ${label}`,
  direction: ONS4.items.find((i) => i.key === key)!.direction!,
});
const total = (measure: typeof SWEMWBS, label: string): ReportedScore => ({
  measure: measure.code,
  key: 'total',
  label,
  direction: measure.scoring.kind === 'per-item' ? 'higher-is-better' : measure.scoring.direction,
});

/** The scores reported, in order: the four ONS4 items apart (never summed), then the totals. */
export const REPORTED_SCORES: readonly ReportedScore[] = [
  onsItem('life-satisfaction', 'life satisfaction'),
  onsItem('worthwhile', 'things done are worthwhile'),
  onsItem('happy', 'happy yesterday'),
  onsItem('anxious', 'anxious yesterday'),
  total(SWEMWBS, 'SWEMWBS metric score'),
  total(UCLA3, 'UCLA-3 loneliness'),
  total(NDT, 'NDT assessment'),
];

/** Cases passing the filters, as CTE `cases`, from the referral facts (one row per referral, its case joined). */
function scopedCases(w: Window) {
  return sql`cases AS (
    SELECT r.organisation_id, r.case_id AS id FROM report_referral_fact r
    WHERE r.case_id IS NOT NULL AND ${factConditions(w)}
  )`;
}

async function pairedChange(tx: Tx, w: Window) {
  const { rows } = await sql<{ measureCode: string; key: string; baselines: number; pairs: number; baselineMean: number | null; followUpMean: number | null; meanChange: number | null; rises: number; falls: number }>`
    WITH ${scopedCases(w)}, ${pairCtes({ scores: REPORTED_SCORES, upTo: w.to, baselineFrom: w.from })}
    SELECT p.measure_code, p.key, count(*)::int AS baselines, count(p.follow_up)::int AS pairs,
           avg(p.baseline) FILTER (WHERE p.follow_up IS NOT NULL)::float8 AS baseline_mean,
           avg(p.follow_up)::float8 AS follow_up_mean,
           avg(p.follow_up - p.baseline)::float8 AS mean_change,
           count(*) FILTER (WHERE p.follow_up > p.baseline)::int AS rises,
           count(*) FILTER (WHERE p.follow_up < p.baseline)::int AS falls
    FROM pair p
    GROUP BY p.measure_code, p.key`.execute(tx);
  return rows;
}

async function gpAttendance(tx: Tx, w: Window) {
  const { rows } = await sql<{ md: boolean; cases: number; before: number | null; after: number | null }>`
    SELECT r.md, count(*)::int AS cases,
           avg(b.appointments)::float8 AS before, avg(a.appointments)::float8 AS after
    FROM report_referral_fact r
    JOIN report_gp_attendance b ON b.organisation_id = r.organisation_id AND b.case_id = r.case_id AND b.period = 'before'
    JOIN report_gp_attendance a ON a.organisation_id = r.organisation_id AND a.case_id = r.case_id AND a.period = 'after'
    WHERE ${factConditions(w)} AND ${inPeriod(sql`r.received_at`, w)}
    GROUP BY r.md`.execute(tx);
  return rows;
}

export const outcomesDashboard: DashboardDefinition = {
  name: 'outcomes',
  title: 'Outcomes',
  description:
    'Paired change in wellbeing, loneliness and the NDT assessment for people who completed a measure at the start and again later, ' +
    'with how many did, and GP appointments before and after referral where the service records them.',
  action: 'view',

  async build(tx: Tx, scope: ReportScope, filters: ReportFilters): Promise<Dashboard> {
    const w = windowOf(scope, filters);
    const hide = scope.suppress;
    const paired = await pairedChange(tx, w);
    const gp = await gpAttendance(tx, w);

    const scoreRows = REPORTED_SCORES.map((score) => {
      const r = paired.find((p) => p.measureCode === score.measure && p.key === score.key);
      const baselines = r?.baselines ?? 0;
      const pairs = r?.pairs ?? 0;
      const improved = r ? improvedCount(score.direction, r.rises, r.falls) : 0;
      return {
        score: score.label,
        better: score.direction === 'higher-is-better' ? 'Higher' : 'Lower',
        baselines: shownCount(baselines, hide),
        pairs: shownCount(pairs, hide),
        completion: percent(pairs, baselines, scope),
        baselineMean: statistic(r?.baselineMean ?? null, pairs, scope, 2),
        followUpMean: statistic(r?.followUpMean ?? null, pairs, scope, 2),
        meanChange: statistic(r?.meanChange ?? null, pairs, scope, 2),
        improved: percent(improved, pairs, scope),
      };
    });
    const withPairs = scoreRows.filter((r) => r.pairs !== 0);
    const lead = withPairs[0];
    const pairedSummary = lead
      ? `For ${lead.score}, ${countText(lead.pairs)} people had a start and a follow-up score (${percentText(lead.completion)} of those who started); ` +
        `the average change was ${changeText(lead.meanChange)} and ${percentText(lead.improved)} improved. A missing follow-up is not counted as no change.`
      : 'Nobody who completed a measure at the start of the period has a follow-up yet.';

    const gpRow = (label: string, rows: typeof gp) => {
      const cases = rows.reduce((n, r) => n + r.cases, 0);
      // The groups' means weighted by their sizes: the mean over everyone in them.
      const mean = (pick: (r: (typeof gp)[number]) => number | null) => (cases === 0 ? null : rows.reduce((sum, r) => sum + (pick(r) ?? 0) * r.cases, 0) / cases);
      const before = mean((r) => r.before);
      const after = mean((r) => r.after);
      return {
        group: label,
        cases: shownCount(cases, hide),
        before: statistic(before, cases, scope, 2),
        after: statistic(after, cases, scope, 2),
        change: statistic(before === null || after === null ? null : round2(after - before), cases, scope, 2),
      };
    };
    const gpRows = [
      gpRow('People facing multiple disadvantage', gp.filter((r) => r.md)),
      gpRow('Everyone else', gp.filter((r) => !r.md)),
      gpRow('Everyone', gp),
    ];
    const everyone = gpRows[2]!;
    const gpSummary =
      everyone.cases === 0
        ? 'No GP appointments before and after referral were recorded for people referred in this period.'
        : `For ${countText(everyone.cases)} people with GP appointments recorded for the 6 months before and after referral, the average went from ` +
          `${numberText(everyone.before)} to ${numberText(everyone.after)}.`;

    const life = scoreRows[0]!;
    return {
      name: 'outcomes',
      title: outcomesDashboard.title,
      description: outcomesDashboard.description,
      filters,
      headlines: [
        { label: 'Life satisfaction improved (ONS4)', value: life.improved, kind: 'percent', detail: `of ${countText(life.pairs)} people with a follow-up` },
        { label: 'Follow-ups completed (ONS4)', value: life.completion, kind: 'percent', detail: `of ${countText(life.baselines)} people who started` },
        { label: 'Change in GP appointments (6 months)', value: everyone.change, kind: 'number', detail: `${countText(everyone.cases)} people with both recorded` },
      ],
      figures: [
        {
          id: 'paired-change',
          title: 'Paired change by measure',
          summary: pairedSummary,
          chart: { type: 'bar', category: 'score', series: ['improved'] },
          table: {
            columns: [
              { key: 'score', label: 'Measure', kind: 'text' },
              { key: 'better', label: 'Better is', kind: 'text' },
              { key: 'baselines', label: 'People with a start score', kind: 'count' },
              { key: 'pairs', label: 'People with a follow-up (n)', kind: 'count' },
              { key: 'completion', label: 'Follow-up completed', kind: 'percent' },
              { key: 'baselineMean', label: 'Mean at start', kind: 'number' },
              { key: 'followUpMean', label: 'Mean at follow-up', kind: 'number' },
              { key: 'meanChange', label: 'Mean change', kind: 'number' },
              { key: 'improved', label: 'Improved', kind: 'percent' },
            ],
            rows: scoreRows,
          },
        },
        {
          id: 'gp-attendance',
          title: 'GP appointments in the 6 months before and after referral',
          summary: gpSummary,
          chart: { type: 'bar', category: 'group', series: ['before', 'after'] },
          table: {
            columns: [
              { key: 'group', label: 'People', kind: 'text' },
              { key: 'cases', label: 'People with both recorded', kind: 'count' },
              { key: 'before', label: 'Mean appointments before', kind: 'number' },
              { key: 'after', label: 'Mean appointments after', kind: 'number' },
              { key: 'change', label: 'Mean change', kind: 'number' },
            ],
            rows: gpRows,
          },
        },
      ],
    };
  },
};
