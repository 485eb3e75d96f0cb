import { sql, type RawBuilder } from 'kysely';
import type { Direction } from '../../outcomes/measures/definition.js';

/**
 * Paired change in SQL, for reports over a national year (src/features/outcomes/paired.ts does the
 * same for one list of observations in memory; reading every measure record into the server to run
 * it would not scale). There is ONE definition of a pair, and pairs.int.test.ts checks both agree:
 *
 *   For each case and each score of a measure: the case's earliest baseline, paired with its latest
 *   review or closure completed on or after that baseline. Declined records carry no score and are
 *   left out. On a day with two records, the baseline is the lower value and the follow-up the
 *   higher one (paired.ts keeps its input order on a tie, so callers comparing the two sort their
 *   observations by day, then value).
 *
 * A case is the unit here where paired.ts says "person": a report counts journeys, and the report
 * views carry no person on a measure record.
 */

/** A score of a measure as stored in measure_record.scores (`scores[].key`): `total`, or an ONS4 item. */
export interface ScoreRef {
  measure: string;
  key: string;
}

export interface PairOptions {
  /** Scores to pair. */
  scores: readonly ScoreRef[];
  /** Records completed after this day (YYYY-MM-DD) are not seen, so a past period reads the same later. */
  upTo: string;
  /** Keep only pairs whose baseline was completed on or after this day (the outcomes dashboard's period). */
  baselineFrom?: string;
}

/**
 * CTEs `observation`, `score` and `pair` (organisation_id, case_id, measure_code, key, baseline,
 * follow_up — null when there is no follow-up yet). The caller defines a CTE named `cases`
 * (organisation_id, id) first: the cases whose measures count.
 *
 * One pass, no sort per case: each observation is the array [day, value], and arrays compare element
 * by element, so the baseline is the least baseline array (earliest day, then lowest value) and the
 * latest follow-up the greatest review or closure array (latest day, then highest value). That
 * follow-up counts when it is on or after the baseline's day; if the latest is earlier, every other
 * one is too.
 */
export function pairCtes(options: PairOptions): RawBuilder<unknown> {
  const keys = options.scores.map((s) => `${s.measure}:${s.key}`);
  const codes = [...new Set(options.scores.map((s) => s.measure))];
  const since = options.baselineFrom ? sql`AND s.baseline_at[1] >= (${options.baselineFrom}::date - DATE '2000-01-01')` : sql``;
  return sql`
    observation AS (
      SELECT m.organisation_id, m.case_id, m.measure_code, s.value ->> 'key' AS key, m.timepoint,
             ARRAY[(m.completed_on - DATE '2000-01-01')::float8, (s.value ->> 'value')::float8] AS day_value
      FROM report_measure m
      JOIN cases k ON k.organisation_id = m.organisation_id AND k.id = m.case_id
      CROSS JOIN LATERAL jsonb_array_elements(m.scores -> 'scores') s
      WHERE NOT m.declined AND m.measure_code = ANY(${codes}::text[]) AND m.completed_on <= ${options.upTo}::date
        AND (m.measure_code || ':' || (s.value ->> 'key')) = ANY(${keys}::text[])
    ),
    score AS (
      SELECT organisation_id, case_id, measure_code, key,
             min(day_value) FILTER (WHERE timepoint = 'baseline') AS baseline_at,
             max(day_value) FILTER (WHERE timepoint <> 'baseline') AS follow_up_at
      FROM observation
      GROUP BY organisation_id, case_id, measure_code, key
    ),
    pair AS (
      SELECT s.organisation_id, s.case_id, s.measure_code, s.key, s.baseline_at[2] AS baseline,
             CASE WHEN s.follow_up_at[1] >= s.baseline_at[1] THEN s.follow_up_at[2] END AS follow_up
      FROM score s
      WHERE s.baseline_at IS NOT NULL ${since}
    )`;
}

/** Improvement in the score's own direction: a fall in a lower-is-better score is an improvement. */
export function improvedCount(direction: Direction, rises: number, falls: number): number {
  return direction === 'higher-is-better' ? rises : falls;
}

/** SQL: whether pair `p` improved, in the direction given. */
export function pairImproved(direction: Direction): RawBuilder<boolean> {
  return direction === 'higher-is-better' ? sql<boolean>`(p.follow_up > p.baseline)` : sql<boolean>`(p.follow_up < p.baseline)`;
}
